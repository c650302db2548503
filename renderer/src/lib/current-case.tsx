/**
 * Which screen is showing — the app's only "route" (no router library needed): the inbox, or one case. It
 * holds an id, never case data: the data itself is server state in react-query (architecture §5).
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

interface CurrentCase {
  /** the open case, or null while the inbox is shown */
  prescriptionId: string | null;
  openCase(prescriptionId: string): void;
  /** back to the inbox (Vorgänge) */
  showInbox(): void;
}

const CurrentCaseContext = createContext<CurrentCase | null>(null);

export function CurrentCaseProvider({ initial = null, children }: { initial?: string | null; children: ReactNode }) {
  const [prescriptionId, setPrescriptionId] = useState<string | null>(initial);
  const showInbox = useCallback(() => setPrescriptionId(null), []);
  const value = useMemo(() => ({ prescriptionId, openCase: setPrescriptionId, showInbox }), [prescriptionId, showInbox]);
  return <CurrentCaseContext.Provider value={value}>{children}</CurrentCaseContext.Provider>;
}

export function useCurrentCase(): CurrentCase {
  const value = useContext(CurrentCaseContext);
  if (!value) throw new Error('useCurrentCase() outside <CurrentCaseProvider>');
  return value;
}
