/**
 * When are two dispense lists "the same"? Main refuses to resend a list equal to the last one the Fachdienst
 * confirmed (each $dispense notifies the patient, spec §3.4), and the editor tells the pharmacist so before
 * sending — both with this one rule: the same data in the same order, whatever the key order of the objects
 * and whether absent fields are missing or undefined.
 */
import type { DispenseEntry } from './dispense-entry';

/** JSON with sorted keys and without undefined. */
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
