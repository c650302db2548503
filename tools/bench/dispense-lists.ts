/**
 * Long dispense lists for the editor benchmarks („Abgabe übermitteln“ with 10 entries, an editor holding 50):
 * copies of the case's own first row — the prescribed article, as the app's initial draft has it — each with
 * its own batch, the way a Stückelung over several batches looks (spec §5: one MedicationDispense per batch), and
 * the `$dispense` / `$close` Parameters of such a list for the bare-HTTP baselines, built with the app's own builders.
 */
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { buildCloseParameters, buildDispenseParameters } from '../../shared/fhir/dispense/build';

/** A batch expiry safely after any simulated "today" of a bench run (securPharm expiry, A_21105-02). */
const BATCH_EXPIRY = '2029-12-31';

/**
 * More packs than prescribed need a reason before the list is sent (PH_QUANTITY_MORE, docs/checks.md); it belongs
 * to the first entry.
 */
const MORE_PACKS_REASON = { rule: 'PH_QUANTITY_MORE', reason: 'Benchmark: lange Abgabeliste' };

/**
 * `count` entries like `template`, one pack each, batches `CH0001`, `CH0002`, …, handed over `today`; the first
 * carries the reason for the amount above the prescribed one.
 */
export function entriesLike(template: DispenseEntry, count: number, today: string): DispenseEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    ...template,
    key: `bench-${i + 1}`,
    packs: 1,
    batch: { lot: `CH${String(i + 1).padStart(4, '0')}`, expiry: BATCH_EXPIRY },
    serials: [],
    whenHandedOver: today,
    ...(i === 0 && count > 1 ? { overrides: [MORE_PACKS_REASON] } : {}),
  }));
}

interface ListContext {
  prescriptionId: string;
  kvnr: string;
  telematikId: string;
}

/** The `$dispense` input for `entries` of another prescription (spec §3.4), as JSON text. */
export function dispenseParametersJson(entries: DispenseEntry[], context: ListContext): string {
  return parametersJson('$dispense', buildDispenseParameters, entries, context);
}

/**
 * The `$close` input with the complete list (spec §3.5) — what the app's „Abgabe abschließen“ sends (main always
 * closes with the list, docs/reliability.md) — as JSON text.
 */
export function closeParametersJson(entries: DispenseEntry[], context: ListContext): string {
  return parametersJson('$close', buildCloseParameters, entries, context);
}

function parametersJson(
  operation: string,
  build: typeof buildDispenseParameters,
  entries: DispenseEntry[],
  context: ListContext,
): string {
  const built = build(entries, {
    prescriptionId: context.prescriptionId as PrescriptionId,
    kvnr: context.kvnr,
    telematikId: context.telematikId,
  });
  if (!built.ok) throw new Error(`${operation}-Parameter: ${built.error.map((f) => f.message).join('; ')}`);
  return JSON.stringify(built.data);
}
