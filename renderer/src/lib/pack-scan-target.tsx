/**
 * Where a scanned pack goes (A_21105-02: batch and expiry from the securPharm scan): the open dispense editor
 * registers itself as the pack target, and the scan router (features/scan) hands every securPharm pack code to
 * whichever target is registered and shows what it did. A slot of its own, so that the scan router and the editor
 * need not know each other.
 */
import { createContext, useContext, useMemo, useRef, type ReactNode } from 'react';
import type { PackCode } from '../../../shared/erezept/pack-code';

/** What the editor did with a scanned pack. */
export type PackScanOutcome =
  /** the focused (or waiting) entry now holds this pack */
  | { kind: 'filled'; index: number }
  /** a new entry was added for it */
  | { kind: 'added'; index: number }
  /** another pack of an entry's PZN and batch: its count went up */
  | { kind: 'counted'; index: number; packs: number }
  /** this very pack (same serial) was scanned before: nothing changed */
  | { kind: 'duplicate'; index: number }
  /** the code names no German PZN (e.g. a foreign GTIN only) */
  | { kind: 'no-pzn' };

/** Asynchronous: the editor may first have to look the pack's article up (api/articles). */
type PackTarget = (code: PackCode) => Promise<PackScanOutcome>;

interface PackTargetSlot {
  /** an editor offers itself for pack scans; returns the function that withdraws it */
  register(target: PackTarget): () => void;
  /** the editor that takes packs now, or null when none does */
  current(): PackTarget | null;
}

const PackTargetContext = createContext<PackTargetSlot | null>(null);

export function PackTargetProvider({ children }: { children: ReactNode }) {
  const target = useRef<PackTarget | null>(null);
  const slot = useMemo<PackTargetSlot>(
    () => ({
      register(next) {
        target.current = next;
        return () => {
          if (target.current === next) target.current = null;
        };
      },
      current: () => target.current,
    }),
    [],
  );
  return <PackTargetContext.Provider value={slot}>{children}</PackTargetContext.Provider>;
}

export function usePackTargetSlot(): PackTargetSlot {
  const slot = useContext(PackTargetContext);
  if (!slot) throw new Error('usePackTargetSlot() outside <PackTargetProvider>');
  return slot;
}
