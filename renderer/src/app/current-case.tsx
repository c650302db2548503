/**
 * Which case is on screen — the app's only "route" (no router library needed yet). It holds an id, never
 * case data: the data itself is server state in react-query (architecture §5).
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

interface CurrentCase {
  prescriptionId: string | null;
  openCase(prescriptionId: string): void;
}

const CurrentCaseContext = createContext<CurrentCase | null>(null);

export function CurrentCaseProvider({ initial = null, children }: { initial?: string | null; children: ReactNode }) {
  const [prescriptionId, setPrescriptionId] = useState<string | null>(initial);
  const value = useMemo(() => ({ prescriptionId, openCase: setPrescriptionId }), [prescriptionId]);
  return <CurrentCaseContext.Provider value={value}>{children}</CurrentCaseContext.Provider>;
}

export function useCurrentCase(): CurrentCase {
  const value = useContext(CurrentCaseContext);
  if (!value) throw new Error('useCurrentCase() outside <CurrentCaseProvider>');
  return value;
}
