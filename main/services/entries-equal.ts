import type { DispenseEntry } from '../../shared/erezept/dispense-entry';

/** JSON with sorted keys and without undefined, so that equal lists compare equal whatever their key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** Same dispense list, entry by entry in the same order. */
export const sameEntries = (a: readonly DispenseEntry[], b: readonly DispenseEntry[]): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
