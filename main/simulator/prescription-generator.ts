/**
 * Builds the doctor's prescription: a KBV_PR_ERP_Bundle as FHIR JSON (serialised to XML with
 * shared/fhir/xml.ts before it is signed). Structure, extension URLs and code systems mirror the KBV 1.3
 * end-to-end examples (test/fixtures/gematik/e2e-examples-2025-10/…_VerordnungArzt.xml); from
 * 2026-07-01 the ERP profiles are written with `|1.4` (spec §0: kbv.ita.erp 1.4 from that day). There is no
 * public KBV 1.4 example, so 1.4 bundles keep the 1.3 structure — the simulator's own reader never depends
 * on a 1.4-only element.
 *
 * Everything personal is fictional: names from a short list, KVNRs with a valid check digit (spec §1.3),
 * practice data invented. Medications for PZN/Wirkstoff come from the article catalogue.
 */
import type { Article } from '../../shared/erezept/catalog/article-catalog';
import type { ArticleTable } from '../../shared/erezept/catalog/demo-catalog';
import { kvnrCheckDigit, type FlowType } from '../../shared/erezept/identifiers';
import {
  KBV_SNOMED_VERSION,
  KbvCodeSystems,
  KbvExtensions,
  KbvNamingSystems,
  KbvProfiles,
  NameAddressExtensions,
} from '../../shared/fhir/kbv/kbv-urls';
import { CodeSystems, Extensions, MedicationTypes, NamingSystems, versioned } from '../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../shared/fhir/xml';

export type MedicationKind = 'pzn' | 'freitext' | 'wirkstoff' | 'rezeptur';
export const medicationKinds: readonly MedicationKind[] = ['pzn', 'freitext', 'wirkstoff', 'rezeptur'];

export interface MvoPart {
  /** this part's number (Nummerierung numerator) */
  part: number;
  /** number of parts (denominator) */
  of: number;
  /** first redemption day, YYYY-MM-DD */
  start: string;
  /** last redemption day, YYYY-MM-DD (optional in KBV) */
  end?: string;
  /** MVO-ID, `urn:uuid:…` — the same for all parts of one series */
  id: string;
}

export interface PrescriptionInput {
  prescriptionId: string;
  flowType: FlowType;
  kvnr: string;
  medication: MedicationKind;
  /** YYYY-MM-DD */
  authoredOn: string;
  /** the signing instant (Bundle.timestamp, Composition.date) */
  issuedAt: Date;
  mvo?: MvoPart;
  catalog: ArticleTable;
  /** random source for the fictional data; injectable for tests */
  random: () => number;
  uuid: () => string;
  /** the same person again (several prescriptions of one request share KVNR and patient) */
  person?: InsuredPerson;
  /** Rechtsgrundlage, a KBV Statuskennzeichen (shared/fhir/kbv/legal-basis.ts): 04 Entlassmanagement, 10 Ersatzverordnung …; default 00 */
  legalBasis?: string;
}

/** The fictional patient of a generated prescription. */
export interface InsuredPerson {
  given: string;
  family: string;
  birthDate: string;
  street: string;
  houseNumber: string;
  city: string;
  postalCode: string;
}

export interface GeneratedPrescription {
  bundle: FhirResourceJson;
  kbvVersion: '1.3' | '1.4';
  /** what the medication is called, for logs and the control API's caller */
  medicationName: string;
  patientName: string;
  person: InsuredPerson;
}

const FULL_URL_BASE = 'http://pvs.praxis.local/fhir';
/** KBV 1.4 is valid for prescriptions signed from this day (spec §0). */
export const KBV_1_4_FROM = '2026-07-01';
/** The FOR profiles (Patient, Practitioner, Organization, Coverage) keep their own version. */
const FOR_VERSION = '1.2';

export function kbvVersionFor(authoredOn: string): '1.3' | '1.4' {
  return authoredOn >= KBV_1_4_FROM ? '1.4' : '1.3';
}

export const isPkvFlow = (flowType: FlowType): boolean => flowType === '200' || flowType === '209';

// ---------------------------------------------------------------------------------------------
// Fictional people and places
// ---------------------------------------------------------------------------------------------

const GIVEN_NAMES = ['Ludger', 'Erika', 'Heinz', 'Anneliese', 'Jonas', 'Mira', 'Friedhelm', 'Greta', 'Yusuf', 'Lena'];
const FAMILY_NAMES = ['Königsstein', 'Musterfrau', 'Quellenberg', 'Sonnleitner', 'Weidenbach', 'Rabenhorst', 'Lindqvist', 'Aydın', 'Brückner', 'Tannhäuser'];
const STREETS = ['Musterstr.', 'Blumenweg', 'Am Feldrain', 'Lindenallee', 'Hafenstraße'];
const CITIES: readonly [string, string][] = [
  ['Berlin', '10623'],
  ['Esens', '26427'],
  ['Leipzig', '04109'],
  ['Köln', '50667'],
];
const GKV_PAYORS: readonly [string, string][] = [
  ['104212059', 'AOK Rheinland/Hamburg'],
  ['109719018', 'AOK Nordost'],
];
const PKV_PAYORS: readonly [string, string][] = [['168140346', 'Allianz Private Krankenversicherung']];
const DOSAGES = ['1-0-1-0', '1-0-0-0', '0-0-1-0', '1-1-1-0', '½-0-½-0'];

/** Rezepturen for the compounding case (fictional but plausible, modelled on the KBV example). */
const REZEPTUREN: readonly { name: string; form: string; amount: string; unit: string; ingredients: { name: string; value?: number; unit?: string; amountText?: string }[] }[] = [
  {
    name: 'Salicylsäure-Lösung 5 %',
    form: 'Lösung',
    amount: '100',
    unit: 'ml',
    ingredients: [
      { name: 'Salicylsäure', value: 5, unit: 'g' },
      { name: '2-Propanol 70 %', amountText: 'Ad 100 g' },
    ],
  },
  {
    name: 'Triamcinolonacetonid-Creme 0,1 %',
    form: 'Creme',
    amount: '50',
    unit: 'g',
    ingredients: [
      { name: 'Triamcinolonacetonid', value: 0.05, unit: 'g' },
      { name: 'Basiscreme DAC', amountText: 'Ad 50 g' },
    ],
  },
];

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/** A KVNR with a valid check digit (spec §1.3). */
export function randomKvnr(random: () => number): string {
  const letter = String.fromCharCode(65 + Math.floor(random() * 26));
  let digits = '';
  for (let i = 0; i < 8; i++) digits += String(Math.floor(random() * 10));
  return `${letter}${digits}${kvnrCheckDigit(letter, digits)}`;
}

// ---------------------------------------------------------------------------------------------
// The bundle
// ---------------------------------------------------------------------------------------------

export function generatePrescription(input: PrescriptionInput): GeneratedPrescription {
  const version = kbvVersionFor(input.authoredOn);
  const erp = (profile: string): string => versioned(profile, version);
  const forProfile = (profile: string): string => versioned(profile, FOR_VERSION);
  const ids = {
    bundle: input.uuid(),
    composition: input.uuid(),
    request: input.uuid(),
    medication: input.uuid(),
    patient: input.uuid(),
    practitioner: input.uuid(),
    organization: input.uuid(),
    coverage: input.uuid(),
  };
  const ref = (type: string, id: string): string => `${type}/${id}`;
  const pkv = isPkvFlow(input.flowType);
  const timestamp = input.issuedAt.toISOString();
  const given = input.person?.given ?? pick(GIVEN_NAMES, input.random);
  const family = input.person?.family ?? pick(FAMILY_NAMES, input.random);
  const medication = buildMedication(input, erp, ids.medication);

  const composition: FhirResourceJson = {
    resourceType: 'Composition',
    id: ids.composition,
    meta: { profile: [erp(KbvProfiles.composition)] },
    extension: [
      {
        url: KbvExtensions.legalBasis,
        valueCoding: { system: KbvCodeSystems.statuskennzeichen, code: input.legalBasis ?? '00' },
      },
      ...(pkv
        ? [{ url: KbvExtensions.pkvTariff, valueCoding: { system: KbvCodeSystems.pkvTariff, code: '01' } }]
        : []),
    ],
    status: 'final',
    type: { coding: [{ system: KbvCodeSystems.formularArt, code: 'e16A' }] },
    subject: { reference: ref('Patient', ids.patient) },
    date: timestamp,
    author: [
      { reference: ref('Practitioner', ids.practitioner), type: 'Practitioner' },
      { type: 'Device', identifier: { system: KbvNamingSystems.pruefnummer, value: 'Y/400/2607/36/999' } },
    ],
    title: 'elektronische Arzneimittelverordnung',
    custodian: { reference: ref('Organization', ids.organization) },
    section: [
      {
        code: { coding: [{ system: KbvCodeSystems.sectionType, code: 'Prescription' }] },
        entry: [{ reference: ref('MedicationRequest', ids.request) }],
      },
      {
        code: { coding: [{ system: KbvCodeSystems.sectionType, code: 'Coverage' }] },
        entry: [{ reference: ref('Coverage', ids.coverage) }],
      },
    ],
  };

  const noctu = input.random() < 0.15;
  const autIdem = input.medication === 'pzn' ? input.random() < 0.8 : true;
  const medicationRequest: FhirResourceJson = {
    resourceType: 'MedicationRequest',
    id: ids.request,
    meta: { profile: [erp(KbvProfiles.prescription)] },
    extension: [
      ...(pkv
        ? []
        : [
            {
              url: KbvExtensions.statusCoPayment,
              valueCoding: { system: KbvCodeSystems.statusCoPayment, code: '0' },
            },
          ]),
      // Noctu: emergency service fee (Notdienstgebühr)
      { url: KbvExtensions.emergencyServicesFee, valueBoolean: noctu },
      { url: KbvExtensions.ser, valueBoolean: false },
      multiplePrescriptionExtension(input.mvo),
    ],
    status: 'active',
    intent: 'order',
    medicationReference: { reference: ref('Medication', ids.medication) },
    subject: { reference: ref('Patient', ids.patient) },
    authoredOn: input.authoredOn,
    requester: { reference: ref('Practitioner', ids.practitioner) },
    insurance: [{ reference: ref('Coverage', ids.coverage) }],
    dosageInstruction: [
      {
        extension: [{ url: KbvExtensions.dosageFlag, valueBoolean: true }],
        text: pick(DOSAGES, input.random),
      },
    ],
    dispenseRequest: { quantity: { value: 1, unit: 'Packung' } },
    // aut idem: allowedBoolean false = the doctor excluded substitution
    substitution: { allowedBoolean: autIdem },
  };

  const person: InsuredPerson = input.person ?? newPersonDetails(given, family, input.random);
  const { city, postalCode } = person;
  const patient: FhirResourceJson = {
    resourceType: 'Patient',
    id: ids.patient,
    meta: { profile: [forProfile(KbvProfiles.patient)] },
    identifier: [
      {
        type: { coding: [{ system: KbvCodeSystems.identifierTypeDe, code: 'KVZ10' }] },
        system: NamingSystems.kvnr,
        value: input.kvnr,
      },
    ],
    name: [
      {
        use: 'official',
        family,
        _family: { extension: [{ url: NameAddressExtensions.ownName, valueString: family }] },
        given: [given],
      },
    ],
    birthDate: person.birthDate,
    address: [address(person.street, person.houseNumber, city, postalCode)],
  };

  const practitioner: FhirResourceJson = {
    resourceType: 'Practitioner',
    id: ids.practitioner,
    meta: { profile: [forProfile(KbvProfiles.practitioner)] },
    identifier: [
      {
        type: { coding: [{ system: KbvCodeSystems.identifierTypeV2, code: 'LANR' }] },
        system: KbvNamingSystems.lanr,
        value: '838382202',
      },
    ],
    name: [
      {
        use: 'official',
        family: 'Ulator',
        _family: { extension: [{ url: NameAddressExtensions.ownName, valueString: 'Ulator' }] },
        given: ['Sim'],
        prefix: ['Dr. med.'],
        _prefix: [{ extension: [{ url: NameAddressExtensions.prefixQualifier, valueCode: 'AC' }] }],
      },
    ],
    qualification: [
      { code: { coding: [{ system: KbvCodeSystems.qualificationType, code: '00' }] } },
      {
        code: {
          coding: [{ system: KbvCodeSystems.berufsbezeichnung, code: 'Berufsbezeichnung' }],
          text: 'Hausarzt',
        },
      },
    ],
  };

  const organization: FhirResourceJson = {
    resourceType: 'Organization',
    id: ids.organization,
    meta: { profile: [forProfile(KbvProfiles.organization)] },
    identifier: [
      {
        type: { coding: [{ system: KbvCodeSystems.identifierTypeV2, code: 'BSNR' }] },
        system: KbvNamingSystems.bsnr,
        value: '031234567',
      },
    ],
    name: 'Hausarztpraxis Dr. Ulator (Simulator)',
    telecom: [{ system: 'phone', value: '0301234567' }],
    address: [address('Musterstr.', '2', 'Berlin', '10623')],
  };

  const [payorIk, payorName] = pick(pkv ? PKV_PAYORS : GKV_PAYORS, input.random);
  const coverage: FhirResourceJson = {
    resourceType: 'Coverage',
    id: ids.coverage,
    meta: { profile: [forProfile(KbvProfiles.coverage)] },
    extension: [
      extensionCoding(KbvExtensions.besonderePersonengruppe, KbvCodeSystems.personengruppe, '00'),
      extensionCoding(KbvExtensions.dmpKennzeichen, KbvCodeSystems.dmp, '00'),
      ...(pkv ? [] : [extensionCoding(KbvExtensions.wop, KbvCodeSystems.wop, '03')]),
      extensionCoding(KbvExtensions.versichertenart, KbvCodeSystems.versichertenstatus, '1'),
    ],
    status: 'active',
    type: { coding: [{ system: KbvCodeSystems.versicherungsart, code: pkv ? 'PKV' : 'GKV' }] },
    beneficiary: { reference: ref('Patient', ids.patient) },
    payor: [{ identifier: { system: KbvNamingSystems.iknr, value: payorIk }, display: payorName }],
  };

  const entry = (resource: FhirResourceJson): { fullUrl: string; resource: FhirResourceJson } => ({
    fullUrl: `${FULL_URL_BASE}/${resource.resourceType}/${String(resource['id'])}`,
    resource,
  });
  const bundle: FhirResourceJson = {
    resourceType: 'Bundle',
    id: ids.bundle,
    meta: { lastUpdated: timestamp, profile: [erp(KbvProfiles.bundle)] },
    identifier: { system: NamingSystems.prescriptionId, value: input.prescriptionId },
    type: 'document',
    timestamp,
    entry: [composition, medicationRequest, medication.resource, patient, practitioner, organization, coverage].map(entry),
  };
  return { bundle, kbvVersion: version, medicationName: medication.name, patientName: `${given} ${family}`, person };
}

function multiplePrescriptionExtension(mvo: MvoPart | undefined): Record<string, unknown> {
  const url = KbvExtensions.multiplePrescription;
  if (!mvo) return { url, extension: [{ url: 'Kennzeichen', valueBoolean: false }] };
  return {
    url,
    extension: [
      { url: 'Kennzeichen', valueBoolean: true },
      { url: 'Nummerierung', valueRatio: { numerator: { value: mvo.part }, denominator: { value: mvo.of } } },
      { url: 'Zeitraum', valuePeriod: { start: mvo.start, ...(mvo.end ? { end: mvo.end } : {}) } },
      { url: 'ID', valueIdentifier: { system: 'urn:ietf:rfc:3986', value: mvo.id } },
    ],
  };
}

function extensionCoding(url: string, system: string, code: string): Record<string, unknown> {
  return { url, valueCoding: { system, code } };
}

/** Birth date and address of a new fictional patient, drawn in the order the generator always drew them. */
function newPersonDetails(given: string, family: string, random: () => number): InsuredPerson {
  const [city, postalCode] = pick(CITIES, random);
  const birthDate = `19${40 + Math.floor(random() * 60)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
  const street = pick(STREETS, random);
  const houseNumber = String(1 + Math.floor(random() * 40));
  return { given, family, birthDate, street, houseNumber, city, postalCode };
}

function address(street: string, houseNumber: string, city: string, postalCode: string): Record<string, unknown> {
  return {
    type: 'both',
    line: [`${street} ${houseNumber}`],
    _line: [
      {
        extension: [
          { url: NameAddressExtensions.houseNumber, valueString: houseNumber },
          { url: NameAddressExtensions.streetName, valueString: street },
        ],
      },
    ],
    city,
    postalCode,
    country: 'D',
  };
}

// ---------------------------------------------------------------------------------------------
// Medication (KBV_PR_ERP_Medication_PZN / _FreeText / _Ingredient / _Compounding)
// ---------------------------------------------------------------------------------------------

function buildMedication(
  input: PrescriptionInput,
  erp: (name: string) => string,
  id: string,
): { resource: FhirResourceJson; name: string } {
  const medicationType = (code: string): Record<string, unknown> => ({
    coding: [{ system: KbvCodeSystems.medicationType, code }],
  });
  const category = (code: string): Record<string, unknown> =>
    extensionCoding(KbvExtensions.medicationCategory, KbvCodeSystems.medicationCategory, code);
  const vaccine = (value: boolean): Record<string, unknown> => ({ url: KbvExtensions.medicationVaccine, valueBoolean: value });
  const baseType = ({ code, display }: { code: string; display: string }): Record<string, unknown> => ({
    url: KbvExtensions.baseMedicationType,
    valueCodeableConcept: {
      coding: [{ system: CodeSystems.snomed, version: KBV_SNOMED_VERSION, code, display }],
    },
  });
  const packagingSize = (amount: string, unit: string): Record<string, unknown> => ({
    numerator: {
      extension: [{ url: KbvExtensions.packagingSize, valueString: amount }],
      unit,
    },
    denominator: { value: 1 },
  });
  // T-Rezept (166) prescribes AMVV §3a drugs: category 02 (spec §6.4 drug-category codes)
  const categoryCode = (article?: Article): string => (input.flowType === '166' ? '02' : (article?.category ?? '00'));

  switch (input.medication) {
    case 'pzn': {
      const article = pickArticle(input);
      const [amount, unit] = splitPackSize(article.packSize);
      return {
        name: article.name,
        resource: {
          resourceType: 'Medication',
          id,
          meta: { profile: [erp(KbvProfiles.medicationPzn)] },
          extension: [
            category(categoryCode(article)),
            baseType({ code: '763158003', display: 'Medicinal product (product)' }),
            vaccine(article.vaccine),
            ...(article.normSize ? [{ url: Extensions.normSize, valueCode: article.normSize }] : []),
          ],
          code: { coding: [{ system: CodeSystems.pzn, code: article.pzn }], text: article.name },
          form: { coding: [{ system: KbvCodeSystems.darreichungsform, code: article.form }] },
          amount: packagingSize(amount, unit),
        },
      };
    }
    case 'freitext': {
      const article = pickArticle(input);
      const text = `${article.name}${article.normSize ? ` ${article.normSize}` : ''}`;
      return {
        name: text,
        resource: {
          resourceType: 'Medication',
          id,
          meta: { profile: [erp(KbvProfiles.medicationFreeText)] },
          extension: [category(categoryCode(article)), vaccine(false)],
          code: { ...medicationType('freitext'), text },
        },
      };
    }
    case 'wirkstoff': {
      const article = pickArticle(input, (a) => a.ingredients.length > 0);
      const [amount, unit] = splitPackSize(article.packSize);
      const name = article.ingredients.map((i) => `${i.name} ${formatNumber(i.strengthValue)} ${i.strengthUnit}`).join(' + ');
      return {
        name,
        resource: {
          resourceType: 'Medication',
          id,
          meta: { profile: [erp(KbvProfiles.medicationIngredient)] },
          extension: [
            category(categoryCode(article)),
            vaccine(false),
            ...(article.normSize ? [{ url: Extensions.normSize, valueCode: article.normSize }] : []),
          ],
          code: medicationType('wirkstoff'),
          form: { text: formText(article.form) },
          amount: packagingSize(amount, unit),
          ingredient: article.ingredients.map((ingredient) => ({
            itemCodeableConcept: {
              ...(ingredient.atc ? { coding: [{ system: CodeSystems.atc, code: ingredient.atc }] } : {}),
              text: ingredient.name,
            },
            strength: {
              numerator: { value: ingredient.strengthValue, unit: ingredient.strengthUnit },
              denominator: { value: 1 },
            },
          })),
        },
      };
    }
    case 'rezeptur': {
      const recipe = pick(REZEPTUREN, input.random);
      return {
        name: recipe.name,
        resource: {
          resourceType: 'Medication',
          id,
          meta: { profile: [erp(KbvProfiles.medicationCompounding)] },
          extension: [
            category(input.flowType === '166' ? '02' : '00'),
            baseType(MedicationTypes.extemporaneousPreparation),
            vaccine(false),
          ],
          code: { ...medicationType('rezeptur'), text: recipe.name },
          form: { text: recipe.form },
          amount: packagingSize(recipe.amount, recipe.unit),
          ingredient: recipe.ingredients.map((ingredient) => ({
            itemCodeableConcept: { text: ingredient.name },
            strength:
              ingredient.amountText !== undefined
                ? { extension: [{ url: KbvExtensions.ingredientAmount, valueString: ingredient.amountText }] }
                : { numerator: { value: ingredient.value, unit: ingredient.unit }, denominator: { value: 1 } },
          })),
        },
      };
    }
  }
}

function pickArticle(input: PrescriptionInput, filter: (a: Article) => boolean = () => true): Article {
  const all = input.catalog.all();
  // T-Rezept (166) prescribes AMVV §3a articles (category 02); every other flow type must not — a §3a drug
  // on a Muster-16 prescription is exactly what the pharmacy's own checks flag (spec §9.3, A_27841).
  // Narcotics (01, BtM) are not part of the E-Rezept yet (flow 165, spec §1.2).
  const tRezept = input.flowType === '166';
  const preferred = all.filter((a) => (tRezept ? a.category === '02' : a.category === '00') && filter(a));
  const candidates = preferred.length > 0 ? preferred : all.filter(filter);
  if (candidates.length === 0) throw new Error('Der Artikelkatalog ist leer.');
  return pick(candidates, input.random);
}

/** "20 St" → ["20", "St"]; anything else keeps the whole text as amount. */
function splitPackSize(packSize: string): [string, string] {
  const m = /^\s*([0-9]+(?:[.,][0-9]+)?)\s*(.*)$/.exec(packSize);
  return m ? [m[1]!.replace(',', '.'), m[2]!.trim() || 'St'] : [packSize, 'St'];
}

const FORM_TEXTS: Record<string, string> = {
  TAB: 'Tabletten',
  FTA: 'Filmtabletten',
  KAP: 'Kapseln',
  SAL: 'Salbe',
  CRE: 'Creme',
  TRO: 'Tropfen',
  SAF: 'Saft',
  IHP: 'Inhalationspulver',
  SUE: 'Suspension zum Einnehmen',
  FER: 'Fertigspritzen',
};

const formText = (code: string): string => FORM_TEXTS[code] ?? code;

const formatNumber = (n: number): string => String(n).replace('.', ',');
