/**
 * The four KBV Medication profiles → PrescribedMedication (KBV Technische Anlage ERP 1.73, tables 41–44):
 * KBV_PR_ERP_Medication_PZN → pzn, _FreeText → freitext, _Ingredient → wirkstoff, _Compounding → rezeptur.
 */
import type { Finding } from '../../erezept/findings';
import type { PrescribedMedication } from '../../erezept/prescription';
import { err, ok, type Result } from '../../ipc/result';
import { CodeSystems, Extensions } from '../profiles';
import { bool, codeOf, extensionOf, hasProfile, type Json, rec, records, str } from './fhir-json';
import { formatRatio } from './format';
import { pznFindings } from './id-findings';
import { KbvCodeSystems, KbvExtensions, KbvProfiles } from './kbv-urls';
import { malformed, type ReadError } from './read-error';

type Kind = PrescribedMedication['kind'];
type Ingredient = Extract<PrescribedMedication, { kind: 'wirkstoff' }>['ingredients'][number];

const kindByProfile: [string, Kind][] = [
  [KbvProfiles.medicationPzn, 'pzn'],
  [KbvProfiles.medicationFreeText, 'freitext'],
  [KbvProfiles.medicationIngredient, 'wirkstoff'],
  [KbvProfiles.medicationCompounding, 'rezeptur'],
];

/** The kind by profile; without a known profile, by the code the profiles fix (PZN or KBV_CS_ERP_Medication_Type). */
export function medicationKind(medication: Json): Kind | undefined {
  const byProfile = kindByProfile.find(([url]) => hasProfile(medication, url))?.[1];
  if (byProfile) return byProfile;
  if (codeOf(medication['code'], CodeSystems.pzn) !== undefined) return 'pzn';
  const typeCode = codeOf(medication['code'], KbvCodeSystems.medicationType);
  return typeCode === 'freitext' || typeCode === 'wirkstoff' || typeCode === 'rezeptur'
    ? typeCode
    : undefined;
}

export function mapMedication(
  medication: Json,
  findings: Finding[],
): Result<PrescribedMedication, ReadError> {
  const kind = medicationKind(medication);
  if (kind === undefined) return err(malformed('Die Art des verordneten Arzneimittels ist nicht erkennbar.'));

  const common = {
    category: str(rec(extensionOf(medication, KbvExtensions.medicationCategory)?.['valueCoding'])?.['code']),
    vaccine: bool(extensionOf(medication, KbvExtensions.medicationVaccine)?.['valueBoolean']) ?? false,
  };
  const code = rec(medication['code']);
  const form = rec(medication['form']);

  switch (kind) {
    case 'pzn': {
      const pzn = codeOf(code, CodeSystems.pzn);
      if (pzn === undefined) return err(malformed('Die PZN-Verordnung enthält keine PZN.'));
      findings.push(...pznFindings(pzn, 'Medication.code'));
      return ok({
        kind,
        pzn,
        name: str(code?.['text']) ?? '',
        normSize: str(extensionOf(medication, Extensions.normSize)?.['valueCode']),
        form: codeOf(form, KbvCodeSystems.darreichungsform) ?? str(form?.['text']),
        amount: packageAmount(medication),
        ...common,
      });
    }
    case 'freitext': {
      const text = str(code?.['text']);
      if (text === undefined) return err(malformed('Die Freitextverordnung enthält keinen Verordnungstext.'));
      return ok({ kind, text, form: str(form?.['text']), ...common });
    }
    case 'wirkstoff': {
      const ingredients = readIngredients(medication, findings);
      const name =
        str(code?.['text']) ??
        ingredients.map((i) => (i.strength ? `${i.name} ${i.strength}` : i.name)).join(' + ');
      return ok({
        kind,
        name,
        ingredients,
        form: str(form?.['text']) ?? codeOf(form, KbvCodeSystems.darreichungsform),
        amount: packageAmount(medication),
        ...common,
      });
    }
    case 'rezeptur':
      return ok({
        kind,
        name: str(code?.['text']),
        form: str(form?.['text']),
        // For a Rezeptur the PackagingSize extension carries the Gesamtmenge (field 124).
        amount: packageAmount(medication),
        ingredients: readIngredients(medication, findings),
        instructions: str(extensionOf(medication, KbvExtensions.compoundingInstruction)?.['valueString']),
        packaging: str(extensionOf(medication, KbvExtensions.packaging)?.['valueString']),
        ...common,
      });
  }
}

/** Packungsgröße / Gesamtmenge: the PackagingSize extension (a string) and the unit, e.g. "100 ml". */
function packageAmount(medication: Json): string | undefined {
  const numerator = rec(rec(medication['amount'])?.['numerator']);
  if (!numerator) return undefined;
  const size =
    str(extensionOf(numerator, KbvExtensions.packagingSize)?.['valueString']) ??
    (typeof numerator['value'] === 'number' || typeof numerator['value'] === 'string'
      ? String(numerator['value'])
      : undefined);
  const text = [size, str(numerator['unit'])].filter(Boolean).join(' ');
  return text === '' ? undefined : text;
}

function readIngredients(medication: Json, findings: Finding[]): Ingredient[] {
  return records(medication['ingredient']).map((ingredient, index) => {
    const item = rec(ingredient['itemCodeableConcept']);
    const strength = rec(ingredient['strength']);
    const pzn = codeOf(item, CodeSystems.pzn);
    if (pzn !== undefined) findings.push(...pznFindings(pzn, `Medication.ingredient[${index}]`));
    return {
      name: str(item?.['text']) ?? '',
      // Free-text amounts such as "ad 100 g" (Ingredient_Amount) win over the ratio.
      strength:
        str(extensionOf(strength, KbvExtensions.ingredientAmount)?.['valueString']) ?? formatRatio(strength),
      pzn,
      atc: codeOf(item, CodeSystems.atc),
      ask: codeOf(item, CodeSystems.ask),
    };
  });
}
