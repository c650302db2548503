/**
 * Prescribed vs dispensed (issue 19, docs/checks.md „Abgabe wie verordnet“): is what the list hands over what the
 * prescriber meant — the same active substance, strength, dosage form and pack size? Pharmacy practice (the
 * patient's safety and the Retaxation of the health insurer), not a gematik requirement; the Fachdienst checks none
 * of it (spec §3.4), so these rules run in the pharmacy's pre-flight only.
 *
 * A different substance blocks until the pharmacist overrides it with a reason; strength, form and pack size are
 * warnings that need a reason (exchanges such as Filmtablette ↔ Tablette are legal — the app does not know the
 * exchange lists, the pharmacist confirms). A different substance makes the other comparisons moot, so an entry
 * gets either that finding or the others. Overrides are applied by `applyOverrides` (overrides.ts).
 */
import type { ArticleLookup } from '../../erezept/catalog/article-catalog';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import type { Finding } from '../../erezept/findings';
import { parsePzn } from '../../erezept/identifiers';
import { formatPackAmount, samePackAmount } from '../../erezept/pack-amounts';
import type { PrescriptionView } from '../../erezept/prescription';
import { formatStrength, sameStrength } from '../../erezept/strengths';
import { matchSubstances } from '../../erezept/substances';
import { sameDosageForm } from './dosage-forms';
import { dispensedFacts, prescribedFacts, type MedicationFacts, type SubstanceFact } from './medication-facts';
import { compareQuantity, quantityFindings } from './quantity-check';

export const DispensingSafetyCodes = {
  substanceDiffers: 'PH_SUBSTANCE_DIFFERS',
  strengthDiffers: 'PH_STRENGTH_DIFFERS',
  formDiffers: 'PH_FORM_DIFFERS',
  packSizeDiffers: 'PH_PACK_SIZE_DIFFERS',
  prescribedUnknown: 'PH_PRESCRIBED_UNKNOWN',
  dispensedUnknown: 'PH_DISPENSED_UNKNOWN',
  namePznMismatch: 'PH_NAME_PZN_MISMATCH',
} as const;
const C = DispensingSafetyCodes;

export interface DispensingSafetyContext {
  /** the prescription as read from the QES bundle; null when it could not be read (then nothing is compared) */
  prescription: PrescriptionView | null;
  /** the articles of the list's and the prescription's PZNs, resolved beforehand */
  articles: ArticleLookup;
}

export function dispensingSafetyFindings(entries: readonly DispenseEntry[], ctx: DispensingSafetyContext): Finding[] {
  const findings: Finding[] = [];
  entries.forEach((entry, i) => findings.push(...namePznFindings(entry, i, ctx)));
  const prescription = ctx.prescription;
  if (prescription === null) return findings;

  const prescribed = prescribedFacts(prescription.medication, ctx.articles);
  const quantity = compareQuantity(entries, prescription, ctx.articles);
  let comparisonImpossible = false;
  if (prescribed !== undefined) {
    entries.forEach((entry, i) => {
      const dispensed = dispensedFacts(entry, ctx.articles);
      // The prescribed PZN itself: the same article, nothing to compare.
      if (dispensed === undefined || (prescribed.pzn !== undefined && dispensed.pzn === prescribed.pzn)) return;
      if (prescribed.substances.length === 0) comparisonImpossible = true;
      const amountsAgree = quantity?.kind === 'amount' && samePackAmount(quantity.prescribed, quantity.dispensed);
      findings.push(...comparisonFindings(prescribed, dispensed, medicationPath(entry, i), amountsAgree));
    });
  }
  // Only a PZN prescription promises a product to compare with; the catalogue did not know it (A_27033-01 data).
  if (comparisonImpossible && prescription.medication.kind === 'pzn') {
    findings.push({
      severity: 'info',
      code: C.prescribedUnknown,
      message: 'Verordnetes Arzneimittel nicht im Artikelstamm: Wirkstoff und Stärke bitte selbst prüfen.',
      path: 'entries',
    });
  }
  findings.push(...quantityFindings(quantity));
  return findings;
}

/** Where a finding about the dispensed product points: its PZN field, or the medication as a whole. */
function medicationPath(entry: DispenseEntry, i: number): string {
  const kind = entry.medication.kind;
  return kind === 'pzn' || kind === 'kombipackung' ? `entries.${i}.medication.pzn` : `entries.${i}.medication`;
}

const reasonNeeded = (severity: Finding['severity'], code: string, message: string, path: string): Finding => ({
  severity,
  code,
  message,
  path,
  needsReason: true,
});

function comparisonFindings(prescribed: MedicationFacts, dispensed: MedicationFacts, path: string, amountsAgree: boolean): Finding[] {
  const findings: Finding[] = [];
  if (prescribed.substances.length > 0 && dispensed.substances.length > 0) {
    const { same, pairs } = matchSubstances(prescribed.substances, dispensed.substances);
    if (!same) {
      const names = (list: readonly SubstanceFact[]): string => list.map((s) => s.name.trim()).join(' + ');
      return [
        reasonNeeded(
          'error',
          C.substanceDiffers,
          `Anderer Wirkstoff als verordnet: verordnet ${names(prescribed.substances)}, abgegeben ${names(dispensed.substances)}.`,
          path,
        ),
      ];
    }
    const strength = strengthFinding(prescribed.substances, dispensed.substances, pairs, path);
    if (strength) findings.push(strength);
  } else if (prescribed.substances.length > 0 && (dispensed.pzn === undefined || parsePzn(dispensed.pzn).ok)) {
    // Nothing to compare the prescription with (an article the catalogue does not know, a Freitext): the one case
    // where a wrong drug could pass unnoticed, so the pharmacist is told to compare by eye. A PZN with a wrong check
    // digit has its own finding (one message per problem).
    findings.push({
      severity: 'warning',
      code: C.dispensedUnknown,
      message: 'Wirkstoff des abgegebenen Artikels unbekannt (nicht im Artikelstamm): bitte selbst mit der Verordnung vergleichen.',
      path,
    });
  }
  if (prescribed.form && dispensed.form && !sameDosageForm(prescribed.form, dispensed.form)) {
    findings.push(
      reasonNeeded(
        'warning',
        C.formDiffers,
        `Andere Darreichungsform als verordnet: verordnet ${prescribed.form.name}, abgegeben ${dispensed.form.name}.`,
        path,
      ),
    );
  }
  const pack = packSizeFinding(prescribed, dispensed, path, amountsAgree);
  if (pack) findings.push(pack);
  return findings;
}

/** Strengths of the paired substances, where both sides know them. */
function strengthFinding(
  prescribed: readonly SubstanceFact[],
  dispensed: readonly SubstanceFact[],
  pairs: readonly [number, number][],
  path: string,
): Finding | undefined {
  const differing = pairs.flatMap(([i, j]) => {
    const p = prescribed[i];
    const d = dispensed[j];
    return p?.strength && d?.strength && !sameStrength(p.strength, d.strength) ? [{ p, d }] : [];
  });
  if (differing.length === 0) return undefined;
  // One substance: the strengths alone; a combination: each with its substance's name.
  const named = prescribed.length > 1;
  const text = (s: SubstanceFact): string => (named ? `${s.name.trim()} ` : '') + (s.strength ? formatStrength(s.strength) : '');
  const before = differing.map(({ p }) => text(p)).join(' + ');
  const after = differing.map(({ d }) => text(d)).join(' + ');
  return reasonNeeded('warning', C.strengthDiffers, `Andere Stärke als verordnet: verordnet ${before}, abgegeben ${after}.`, path);
}

/**
 * Normgröße or pack contents differ — unless the list as a whole hands over exactly the prescribed amount
 * (Stückelung: one N3 prescribed, the same amount in N1 packs).
 */
function packSizeFinding(prescribed: MedicationFacts, dispensed: MedicationFacts, path: string, amountsAgree: boolean): Finding | undefined {
  if (amountsAgree) return undefined;
  const normDiffers = prescribed.normSize !== undefined && dispensed.normSize !== undefined && prescribed.normSize !== dispensed.normSize;
  const amountDiffers =
    prescribed.packAmount !== undefined && dispensed.packAmount !== undefined && !samePackAmount(prescribed.packAmount, dispensed.packAmount);
  if (!normDiffers && !amountDiffers) return undefined;
  const text = (facts: MedicationFacts): string => {
    const amount = facts.packAmount ? formatPackAmount(facts.packAmount) : undefined;
    if (facts.normSize && amount) return `${facts.normSize} (${amount})`;
    return facts.normSize ?? amount ?? 'unbekannt';
  };
  return reasonNeeded(
    'warning',
    C.packSizeDiffers,
    `Andere Packungsgröße als verordnet: verordnet ${text(prescribed)}, abgegeben ${text(dispensed)}.`,
    path,
  );
}

/** Case and spacing do not make another name. */
const foldName = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * A name typed over the catalogue article of the entry's PZN: the list would send a PZN and a name that do not
 * belong together. The prescribed PZN may keep the prescription's own wording of the name.
 */
function namePznFindings(entry: DispenseEntry, i: number, ctx: DispensingSafetyContext): Finding[] {
  const med = entry.medication;
  if (med.kind !== 'pzn' && med.kind !== 'kombipackung') return [];
  const pzn = med.pzn.trim();
  const article = ctx.articles(pzn);
  if (article === undefined || foldName(med.name) === foldName(article.name)) return [];
  const prescribed = ctx.prescription?.medication;
  if (prescribed?.kind === 'pzn' && prescribed.pzn.trim() === pzn && foldName(prescribed.name) === foldName(med.name)) return [];
  return [
    {
      severity: 'warning',
      code: C.namePznMismatch,
      message: `Bezeichnung und PZN passen nicht zusammen: Zur PZN ${pzn} gehört laut Artikelstamm „${article.name}“.`,
      path: `entries.${i}.medication.name`,
    },
  ];
}
