/**
 * The amount handed over vs the amount prescribed (docs/checks.md, „Menge“). Where every pack size is known and the
 * units agree, amounts are compared: prescribed = packs prescribed × prescribed pack size, dispensed = Σ packs ×
 * pack size over the whole list — so one N3 of 100 St and five N1 of 20 St are the same. Otherwise packs are
 * counted. More than prescribed needs a reason (Retaxation, patient safety); fewer is a partial dispense, a note.
 * Pharmacy practice, not a gematik requirement.
 */
import type { ArticleLookup } from '../../erezept/catalog/article-catalog';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import type { Finding } from '../../erezept/findings';
import { formatPackAmount, sumPackAmounts, timesPacks, type PackAmount } from '../../erezept/pack-amounts';
import type { PrescriptionView } from '../../erezept/prescription';
import { dispensedFacts, prescribedFacts } from './medication-facts';

export const QuantityCodes = {
  more: 'PH_QUANTITY_MORE',
  less: 'PH_QUANTITY_LESS',
} as const;

export type QuantityComparison =
  | { kind: 'amount'; prescribed: PackAmount; dispensed: PackAmount }
  | { kind: 'packs'; prescribed: number; dispensed: number };

/** undefined when the prescription names no quantity or the list is empty. */
export function compareQuantity(
  entries: readonly DispenseEntry[],
  prescription: PrescriptionView,
  articles: ArticleLookup,
): QuantityComparison | undefined {
  const prescribedPacks = prescription.request.quantity;
  if (!(prescribedPacks > 0) || entries.length === 0) return undefined;
  const prescribedPack = prescribedFacts(prescription.medication, articles)?.packAmount;
  const dispensedAmounts = entries.map((entry) => {
    const pack = dispensedFacts(entry, articles)?.packAmount;
    return pack && timesPacks(pack, entry.packs);
  });
  const dispensed = dispensedAmounts.every((a): a is PackAmount => a !== undefined) ? sumPackAmounts(dispensedAmounts) : undefined;
  if (prescribedPack && dispensed && dispensed.unit === prescribedPack.unit) {
    return { kind: 'amount', prescribed: timesPacks(prescribedPack, prescribedPacks), dispensed };
  }
  return { kind: 'packs', prescribed: prescribedPacks, dispensed: entries.reduce((sum, e) => sum + e.packs, 0) };
}

const packsText = (n: number): string => (n === 1 ? '1 Packung' : `${n} Packungen`);

/**
 * PH_QUANTITY_MORE / PH_QUANTITY_LESS about the list; they point at the first entry's pack count (a finding with a
 * reason belongs to an entry, and the first one is where the pharmacist gives it).
 */
export function quantityFindings(comparison: QuantityComparison | undefined): Finding[] {
  if (comparison === undefined) return [];
  const [prescribed, dispensed, both] =
    comparison.kind === 'amount'
      ? [
          comparison.prescribed.value,
          comparison.dispensed.value,
          `verordnet ${formatPackAmount(comparison.prescribed)}, abgegeben ${formatPackAmount(comparison.dispensed)}`,
        ]
      : [comparison.prescribed, comparison.dispensed, `verordnet ${packsText(comparison.prescribed)}, abgegeben ${packsText(comparison.dispensed)}`];
  if (dispensed > prescribed) {
    return [
      { severity: 'warning', code: QuantityCodes.more, message: `Mehr als verordnet abgegeben: ${both}.`, path: 'entries.0.packs', needsReason: true },
    ];
  }
  if (dispensed < prescribed) {
    return [{ severity: 'info', code: QuantityCodes.less, message: `Weniger als verordnet abgegeben (Teilabgabe): ${both}.`, path: 'entries.0.packs' }];
  }
  return [];
}
