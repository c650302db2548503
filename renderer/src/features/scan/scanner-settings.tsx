/**
 * How the app tells a scanner from typing (scan-detector.ts), as an injected dependency: the app uses the
 * defaults and each key event's timestamp; tests pass their own clock instead of depending on real key timing.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { ScanDetectorOptions } from './scan-detector';

export interface ScannerSettings {
  detector?: Partial<ScanDetectorOptions>;
  /**
   * milliseconds on a monotonic clock; by default each key's own `timeStamp` — when the key arrived, not when a
   * busy page got round to handling it (see use-wedge-scanner.ts)
   */
  now?: () => number;
}

const defaults: ScannerSettings = {};
const ScannerSettingsContext = createContext<ScannerSettings>(defaults);

export function ScannerSettingsProvider({ settings, children }: { settings?: ScannerSettings; children: ReactNode }) {
  return <ScannerSettingsContext.Provider value={settings ?? defaults}>{children}</ScannerSettingsContext.Provider>;
}

export function useScannerSettings(): ScannerSettings {
  return useContext(ScannerSettingsContext);
}
