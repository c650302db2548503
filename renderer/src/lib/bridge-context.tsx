/**
 * The bridge as a React dependency (architecture §9.5): the app uses window.erx or the HTTP bridge via
 * getBridge(); tests pass a fake — no module mocks.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { ErxBridge } from '../../../shared/ipc/contract';
import { getBridge } from './bridge';

const BridgeContext = createContext<ErxBridge | null>(null);

export function BridgeProvider({ bridge, children }: { bridge?: ErxBridge; children: ReactNode }) {
  // Resolved lazily: getBridge() may throw when no bridge is installed, which the caller should see once.
  const value = useMemo(() => bridge ?? getBridge(), [bridge]);
  return <BridgeContext.Provider value={value}>{children}</BridgeContext.Provider>;
}

export function useBridge(): ErxBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge() outside <BridgeProvider>');
  return bridge;
}
