/**
 * GEM_ERP_PR_Medication|1.6 for one dispensed item (spec §6.4). One profile covers every kind of
 * medication; what goes in depends on how the item was dispensed:
 * - finished product by PZN: code.coding:pzn + code.text (trade name), form, pack size, norm size and
 *   substance + strength with unit when known (A_27033-01), batch from the securPharm scan (A_21105-02);
 * - Wirkstoff without PZN: ingredient only (ATC/text + strength), no PZN coding;
 * - Freitext: code.text (satisfies epa-med-1: code or ingredient must exist);
 * - Rezeptur: type extension 1208954007, name, form, total quantity, packaging/instructions, components as
 *   contained EPAMedicationPZNIngredient (A_27034-01);
 * - Kombipackung: form KPG, PZN of the combo pack, components as contained EPAMedicationPharmaceuticalProduct.
 */
import type { DispenseEntry, DispensedMedication } from '../../erezept/dispense-entry';
import { KbvCodeSystems } from '../kbv/kbv-urls';
import { CodeSystems, Extensions, MedicationTypes, Profiles, versioned } from '../profiles';
import { parseAmount } from './amount-text';
import { compact } from './compact';
import type { FhirJson } from './types';

type Json = Record<string, unknown>;
type DispensedIngredient = Extract<DispensedMedication, { kind: 'wirkstoff' }>['ingredients'][number];
type RezepturComponent = Extract<DispensedMedication, { kind: 'rezeptur' }>['components'][number];
type MedicationType = (typeof MedicationTypes)[keyof typeof MedicationTypes];

/** epa-medication extensions on amount.numerator take at most 7 characters. */
const AMOUNT_EXTENSION_MAX_LENGTH = 7;
/** medication-ingredient-amount-extension takes at most 20 characters. */
const INGREDIENT_AMOUNT_MAX_LENGTH = 20;

export function buildMedication(entry: DispenseEntry, medicationId: string): FhirJson {
  const med = entry.medication;
  // The ePA requires coding.version for ATC codes (spec §1.3): the BfArM edition of the dispense year.
  const atcVersion = entry.whenHandedOver.slice(0, 4);
  const batch = entry.batch ? { lotNumber: entry.batch.lot, expirationDate: entry.batch.expiry } : undefined;
  switch (med.kind) {
    case 'pzn':
      return medication({
        id: medicationId,
        extension: commonExtensions(med.category, med.vaccine, { normSize: med.normSize }),
        code: { coding: [{ system: CodeSystems.pzn, code: med.pzn }], text: med.name },
        form: formConcept(med.form),
        amount: med.packSize ? amount(med.packSize, Extensions.packagingSize) : undefined,
        ingredient: med.ingredients.map((i) => substanceIngredient(i, atcVersion)),
        batch,
      });
    case 'wirkstoff':
      return medication({
        id: medicationId,
        extension: commonExtensions(med.category, med.vaccine, {}),
        code: med.name ? { text: med.name } : undefined,
        form: formConcept(med.form),
        amount: med.amount ? amount(med.amount, Extensions.packagingSize) : undefined,
        ingredient: med.ingredients.map((i) => substanceIngredient(i, atcVersion)),
        batch,
      });
    case 'freitext':
      return medication({
        id: medicationId,
        extension: commonExtensions(med.category, med.vaccine, {}),
        code: { text: med.text },
        form: formConcept(med.form),
        batch,
      });
    case 'rezeptur':
      return rezepturMedication(med, medicationId, batch);
    case 'kombipackung':
      return medication({
        id: medicationId,
        contained: med.components.map((c, i) => pharmaceuticalProduct(c, componentId(i), atcVersion)),
        extension: commonExtensions(med.category, med.vaccine, {}),
        code: { coding: [{ system: CodeSystems.pzn, code: med.pzn }], text: med.name },
        form: formConcept('KPG'),
        ingredient: med.components.map((_, i) => ({ itemReference: { reference: `#${componentId(i)}` } })),
        batch,
      });
  }
}

function rezepturMedication(
  med: Extract<DispensedMedication, { kind: 'rezeptur' }>,
  medicationId: string,
  batch: Json | undefined,
): FhirJson {
  const contained: Json[] = [];
  const ingredient = med.components.map((component, i) => {
    const strength = component.amount ? componentStrength(component.amount) : undefined;
    // An amount without a number ("q.s.") has no structured strength: it stays with the component's name.
    const unstructured = component.amount && !strength ? ` ${component.amount.trim()}` : '';
    if (!component.pzn) {
      return compact({ itemCodeableConcept: { text: `${component.name}${unstructured}` }, isActive: true, strength });
    }
    contained.push(pznIngredient(component, componentId(i), `${component.name}${unstructured}`));
    return compact({ itemReference: { reference: `#${componentId(i)}` }, isActive: true, strength });
  });
  return medication({
    id: medicationId,
    contained,
    extension: commonExtensions(med.category, med.vaccine, {
      type: MedicationTypes.extemporaneousPreparation,
      packaging: med.packaging,
      instructions: med.instructions,
    }),
    code: { text: med.name },
    form: formConcept(med.form),
    amount: med.amount ? amount(med.amount, Extensions.totalQuantity) : undefined,
    ingredient,
    batch,
  });
}

/** Contained EPAMedicationPZNIngredient: one component of a Rezeptur, identified by its PZN and batch. */
function pznIngredient(component: RezepturComponent, id: string, text: string): Json {
  return compact({
    resourceType: 'Medication',
    id,
    meta: { profile: [Profiles.epaMedicationPznIngredient] },
    extension: [typeExtension(MedicationTypes.medicinalProductPackage)],
    code: { coding: [{ system: CodeSystems.pzn, code: component.pzn, display: component.name }], text },
    batch: component.batch ? { lotNumber: component.batch } : undefined,
  });
}

/** Contained EPAMedicationPharmaceuticalProduct: one component of a Kombipackung with its substance and strength. */
function pharmaceuticalProduct(component: DispensedIngredient, id: string, atcVersion: string): Json {
  return {
    resourceType: 'Medication',
    id,
    meta: { profile: [Profiles.epaMedicationPharmaceuticalProduct] },
    extension: [typeExtension(MedicationTypes.pharmaceuticalProduct)],
    ingredient: [substanceIngredient(component, atcVersion)],
  };
}

const componentId = (index: number): string => `component-${index + 1}`;

/** Substance (ATC and/or name) with strength incl. unit when known (A_27033-01). */
function substanceIngredient(ingredient: DispensedIngredient, atcVersion: string): Json {
  const itemCodeableConcept = compact({
    coding: ingredient.atc ? [{ system: CodeSystems.atc, version: atcVersion, code: ingredient.atc, display: ingredient.name }] : undefined,
    text: ingredient.name,
  });
  const strength =
    ingredient.strengthValue === undefined
      ? undefined
      : {
          numerator: compact({ value: ingredient.strengthValue, unit: ingredient.strengthUnit }),
          denominator: { value: 1 },
        };
  return compact({ itemCodeableConcept, strength });
}

/**
 * Strength of a Rezeptur component from the amount as typed: "10 g" → 10 g; "ad 100,0 g" → 100 g plus the
 * original text in the ingredient amount extension. Undefined for an amount without a number ("q.s."): the
 * profile requires strength.numerator.value, and the data-absent-reason form of the 1.6 example
 * Medication-Without-Strength-Numerator does not survive the XML conversion (shared/fhir/xml.ts).
 */
function componentStrength(amountText: string): Json | undefined {
  const parsed = parseAmount(amountText);
  if (parsed?.value === undefined) return undefined;
  const text = amountText.trim();
  const textExtension =
    parsed.ad && text.length <= INGREDIENT_AMOUNT_MAX_LENGTH ? [{ url: Extensions.ingredientAmount, valueString: text }] : undefined;
  return compact({ extension: textExtension, numerator: compact({ value: parsed.value, unit: parsed.unit }), denominator: { value: 1 } });
}

/** Pack size or total quantity: the number in the extension (and as value when plain), the unit as unit. */
function amount(text: string, extensionUrl: string): Json | undefined {
  const parsed = parseAmount(text);
  if (!parsed) return undefined;
  const extension =
    parsed.quantityText.length <= AMOUNT_EXTENSION_MAX_LENGTH ? [{ url: extensionUrl, valueString: parsed.quantityText }] : undefined;
  return {
    numerator: compact({ extension, value: parsed.value, unit: parsed.unit }),
    denominator: { value: 1 },
  };
}

/** KBV Darreichungsform codes are 2–4 upper-case letters/digits (TAB, FTA, KPG …); anything else is free text. */
function formConcept(form: string | undefined): Json | undefined {
  const trimmed = form?.trim();
  if (!trimmed) return undefined;
  if (/^[A-Z0-9]{2,4}$/.test(trimmed)) return { coding: [{ system: KbvCodeSystems.darreichungsform, code: trimmed }] };
  return { text: trimmed };
}

function commonExtensions(
  category: string,
  vaccine: boolean,
  options: { type?: MedicationType; normSize?: string; packaging?: string; instructions?: string },
): Json[] {
  const extensions: Json[] = [
    { url: Extensions.drugCategory, valueCoding: { system: CodeSystems.drugCategory, code: category } },
  ];
  if (options.type) extensions.push(typeExtension(options.type));
  extensions.push({ url: Extensions.isVaccine, valueBoolean: vaccine });
  if (options.normSize) extensions.push({ url: Extensions.normSize, valueCode: options.normSize });
  if (options.packaging) extensions.push({ url: Extensions.packaging, valueString: options.packaging });
  if (options.instructions) extensions.push({ url: Extensions.manufacturingInstructions, valueString: options.instructions });
  return extensions;
}

function typeExtension(type: MedicationType): Json {
  return { url: Extensions.medicationType, valueCoding: { system: CodeSystems.snomed, code: type.code, display: type.display } };
}

/** Elements in FHIR R4 order (the XML serialisation depends on it). */
function medication(parts: {
  id: string;
  contained?: Json[];
  extension: Json[];
  code?: Json;
  form?: Json;
  amount?: Json;
  ingredient?: Json[];
  batch?: Json;
}): FhirJson {
  return {
    resourceType: 'Medication',
    ...compact({
      id: parts.id,
      meta: { profile: [versioned(Profiles.medication)] },
      contained: parts.contained,
      extension: parts.extension,
      code: parts.code,
      form: parts.form,
      amount: parts.amount,
      ingredient: parts.ingredient,
      batch: parts.batch,
    }),
  };
}
