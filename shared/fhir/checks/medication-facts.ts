/**
 * What each side of the prescribed-vs-dispensed comparison (docs/checks.md) knows about its medication: active
 * substances with strengths, dosage form, Normgröße and pack contents. A PZN names an article, so what the
 * prescription or the entry does not say itself comes from the catalogue (`ArticleLookup`, resolved beforehand);
 * a Wirkstoffverordnung says it all itself. Freitext and Rezeptur name no comparable product.
 */
import type { z } from 'zod';
import type { Article, ArticleLookup } from '../../erezept/catalog/article-catalog';
import type { DispenseEntry, dispensedIngredientSchema } from '../../erezept/dispense-entry';
import { parsePackAmount, type PackAmount } from '../../erezept/pack-amounts';
import type { PrescribedMedication } from '../../erezept/prescription';
import { parseStrength, type Strength } from '../../erezept/strengths';
import type { SubstanceRef } from '../../erezept/substances';
import { dosageForm, type DosageForm } from './dosage-forms';

type DispensedIngredient = z.infer<typeof dispensedIngredientSchema>;

export interface SubstanceFact extends SubstanceRef {
  strength?: Strength;
}

export interface MedicationFacts {
  /** the PZN, for a finished product */
  pzn?: string;
  /** empty: the substances are not known (a PZN the catalogue does not know, a Freitext position) */
  substances: SubstanceFact[];
  form?: DosageForm;
  normSize?: string;
  /** contents of one pack */
  packAmount?: PackAmount;
}

const articleSubstances = (article: Article | undefined): SubstanceFact[] =>
  (article?.ingredients ?? []).map((i) => ({ name: i.name, atc: i.atc, strength: { value: i.strengthValue, unit: i.strengthUnit } }));

const blankToUndefined = (text: string | undefined): string | undefined => (text?.trim() ? text.trim() : undefined);

/** An entry's ingredient (value + unit, A_27033-01) as a substance fact. */
const entrySubstance = (i: DispensedIngredient): SubstanceFact => ({
  name: i.name,
  atc: blankToUndefined(i.atc),
  strength: i.strengthValue !== undefined && i.strengthUnit?.trim() ? { value: i.strengthValue, unit: i.strengthUnit.trim() } : undefined,
});

/** The prescribed side; undefined for Freitext and Rezeptur (nothing to compare with). */
export function prescribedFacts(medication: PrescribedMedication, articles: ArticleLookup): MedicationFacts | undefined {
  switch (medication.kind) {
    case 'pzn': {
      const pzn = medication.pzn.trim();
      const article = articles(pzn);
      return {
        pzn,
        substances: articleSubstances(article),
        // the prescription's own data first: it is what the prescriber signed
        form: dosageForm(blankToUndefined(medication.form) ?? article?.form),
        normSize: blankToUndefined(medication.normSize) ?? article?.normSize,
        packAmount: parsePackAmount(blankToUndefined(medication.amount) ?? article?.packSize),
      };
    }
    case 'wirkstoff':
      return {
        substances: medication.ingredients.map((i) => ({
          name: i.name,
          atc: blankToUndefined(i.atc),
          strength: i.strength === undefined ? undefined : parseStrength(i.strength),
        })),
        form: dosageForm(medication.form),
        packAmount: parsePackAmount(medication.amount),
      };
    case 'freitext':
    case 'rezeptur':
      return undefined;
  }
}

/** The dispensed side of one entry: the entry's own data, the catalogue's where the entry lacks them. */
export function dispensedFacts(entry: DispenseEntry, articles: ArticleLookup): MedicationFacts | undefined {
  const med = entry.medication;
  switch (med.kind) {
    case 'pzn': {
      const pzn = med.pzn.trim();
      const article = articles(pzn);
      const own = med.ingredients.map(entrySubstance);
      return {
        pzn,
        substances: own.length > 0 ? own : articleSubstances(article),
        form: dosageForm(blankToUndefined(med.form) ?? article?.form),
        normSize: blankToUndefined(med.normSize) ?? article?.normSize,
        packAmount: parsePackAmount(blankToUndefined(med.packSize) ?? article?.packSize),
      };
    }
    case 'kombipackung': {
      const pzn = med.pzn.trim();
      const article = articles(pzn);
      return {
        pzn,
        substances: med.components.map(entrySubstance),
        form: dosageForm(article?.form ?? 'KPG'),
        normSize: article?.normSize,
        packAmount: parsePackAmount(article?.packSize),
      };
    }
    case 'wirkstoff':
      return {
        substances: med.ingredients.map(entrySubstance),
        form: dosageForm(med.form),
        packAmount: parsePackAmount(med.amount),
      };
    case 'freitext':
      return { substances: [], form: dosageForm(med.form) };
    case 'rezeptur':
      return undefined;
  }
}
