/**
 * The live pre-flight findings by form field, for every FormField to show its own (preflight.ts). A store rather than
 * a context value (docs/performance.md, typing-latency): a context change re-renders every field of every entry,
 * while each field here subscribes to its own slice and re-renders only when ITS findings changed.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { PlacedFinding } from './preflight';
import { sameContent } from './structural-sharing';

const none: PlacedFinding[] = [];

interface FieldFindingsStore {
  subscribe(listener: () => void): () => void;
  /** the field's findings; the same array as long as they did not change */
  get(name: string): PlacedFinding[];
  /** replaces all findings; listeners hear of it only when some field's findings changed */
  publish(byField: ReadonlyMap<string, PlacedFinding[]>): void;
}

export function createFieldFindingsStore(): FieldFindingsStore {
  let current = new Map<string, PlacedFinding[]>();
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: (name) => current.get(name) ?? none,
    publish(byField) {
      const next = new Map<string, PlacedFinding[]>();
      let changed = false;
      for (const [name, findings] of byField) {
        const previous = current.get(name);
        const kept = previous && sameContent(previous, findings) ? previous : findings;
        if (kept !== previous) changed = true;
        next.set(name, kept);
      }
      for (const name of current.keys()) if (!next.has(name)) changed = true;
      current = next;
      if (changed) for (const listener of [...listeners]) listener();
    },
  };
}

const FieldFindingsContext = createContext<FieldFindingsStore>(createFieldFindingsStore());

export const FieldFindingsProvider = FieldFindingsContext.Provider;

export function useFieldFindings(name: string): PlacedFinding[] {
  const store = useContext(FieldFindingsContext);
  return useSyncExternalStore(store.subscribe, () => store.get(name));
}
