import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { parseKvnr, type FlowType } from '../../shared/erezept/identifiers';
import { fhirJsonToXml, fhirXmlToJson, type FhirResourceJson } from '../../shared/fhir/xml';
import { generatePrescription, kbvVersionFor, randomKvnr, type MedicationKind, type PrescriptionInput } from './prescription-generator';
import { redemptionDates } from './prescriptions';

type Entry = { fullUrl: string; resource: FhirResourceJson };

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

function generate(overrides: Partial<PrescriptionInput> = {}): FhirResourceJson {
  let n = 0;
  return generatePrescription({
    prescriptionId: '160.000.000.000.001.54',
    flowType: '160',
    kvnr: 'X110411675',
    medication: 'pzn',
    authoredOn: '2026-10-05',
    issuedAt: new Date('2026-10-05T08:00:00Z'),
    catalog: demoCatalog,
    random: seeded(7),
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    ...overrides,
  }).bundle;
}

const entries = (bundle: FhirResourceJson): Entry[] => bundle['entry'] as Entry[];
const resourceOf = (bundle: FhirResourceJson, type: string): Record<string, unknown> =>
  entries(bundle).find((e) => e.resource.resourceType === type)!.resource;
const profileOf = (resource: Record<string, unknown>): string => (resource['meta'] as { profile: string[] }).profile[0]!;
const extension = (resource: Record<string, unknown>, urlEnd: string): Record<string, unknown> | undefined =>
  (resource['extension'] as Record<string, unknown>[] | undefined)?.find((e) => String(e['url']).endsWith(urlEnd));

/** every extension URL and code system used anywhere in a resource tree */
function urlsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => urlsIn(v, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'url' || key === 'system') && typeof v === 'string' && v.startsWith('http')) out.add(v);
      else urlsIn(v, out);
    }
  }
  return out;
}

describe('generatePrescription', () => {
  it('builds a KBV_PR_ERP_Bundle document with the seven resources, linked by reference', () => {
    const bundle = generate();
    expect(bundle['type']).toBe('document');
    expect(profileOf(bundle)).toBe('https://fhir.kbv.de/StructureDefinition/KBV_PR_ERP_Bundle|1.4');
    expect(bundle['identifier']).toEqual({
      system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId',
      value: '160.000.000.000.001.54',
    });
    expect(entries(bundle).map((e) => e.resource.resourceType)).toEqual([
      'Composition',
      'MedicationRequest',
      'Medication',
      'Patient',
      'Practitioner',
      'Organization',
      'Coverage',
    ]);
    const fullUrls = new Set(entries(bundle).map((e) => e.fullUrl.replace('http://pvs.praxis.local/fhir/', '')));
    const references = JSON.stringify(bundle).match(/"reference":"([A-Za-z]+\/[^"]+)"/g)!.map((r) => r.slice(13, -1));
    for (const reference of references) expect(fullUrls.has(reference)).toBe(true);
    const patient = resourceOf(bundle, 'Patient');
    expect(JSON.stringify(patient['identifier'])).toContain('"value":"X110411675"');
    expect((resourceOf(bundle, 'MedicationRequest')['authoredOn'])).toBe('2026-10-05');
  });

  it('writes the Rechtsgrundlage asked for, 00 by default', () => {
    const legalBasisOf = (bundle: FhirResourceJson) => extension(resourceOf(bundle, 'Composition'), 'KBV_EX_FOR_Legal_basis')?.['valueCoding'];
    expect(legalBasisOf(generate())).toEqual({ system: 'https://fhir.kbv.de/CodeSystem/KBV_CS_SFHIR_KBV_STATUSKENNZEICHEN', code: '00' });
    expect(legalBasisOf(generate({ legalBasis: '04' }))).toMatchObject({ code: '04' });
  });

  it('writes |1.3 before 2026-07-01 and |1.4 from that day (spec §0)', () => {
    expect(kbvVersionFor('2026-06-30')).toBe('1.3');
    expect(kbvVersionFor('2026-07-01')).toBe('1.4');
    const old = generate({ authoredOn: '2026-06-15' });
    expect(profileOf(old)).toMatch(/\|1\.3$/);
    expect(profileOf(resourceOf(old, 'MedicationRequest'))).toBe('https://fhir.kbv.de/StructureDefinition/KBV_PR_ERP_Prescription|1.3');
  });

  it.each<[MedicationKind, string, string | undefined]>([
    ['pzn', 'KBV_PR_ERP_Medication_PZN', undefined],
    ['freitext', 'KBV_PR_ERP_Medication_FreeText', 'freitext'],
    ['wirkstoff', 'KBV_PR_ERP_Medication_Ingredient', 'wirkstoff'],
    ['rezeptur', 'KBV_PR_ERP_Medication_Compounding', 'rezeptur'],
  ])('medication %s uses %s', (kind, profile, typeCode) => {
    const medication = resourceOf(generate({ medication: kind }), 'Medication');
    expect(profileOf(medication)).toBe(`https://fhir.kbv.de/StructureDefinition/${profile}|1.4`);
    const codings = (medication['code'] as { coding?: { system: string; code: string }[] }).coding ?? [];
    if (typeCode) expect(codings).toContainEqual({ system: 'https://fhir.kbv.de/CodeSystem/KBV_CS_ERP_Medication_Type', code: typeCode });
    else {
      const pzn = codings.find((c) => c.system === 'http://fhir.de/CodeSystem/ifa/pzn')!.code;
      expect(demoCatalog.byPzn(pzn)).toBeDefined();
    }
    expect(extension(medication, 'KBV_EX_ERP_Medication_Category')).toBeDefined();
    expect(extension(medication, 'KBV_EX_ERP_Medication_Vaccine')).toBeDefined();
  });

  it('writes the Wirkstoff ingredients from the catalogue article', () => {
    const medication = resourceOf(generate({ medication: 'wirkstoff' }), 'Medication');
    const ingredient = (medication['ingredient'] as { itemCodeableConcept: { text: string }; strength: { numerator: { value: number } } }[])[0]!;
    const article = demoCatalog.all().find((a) => a.ingredients.some((i) => i.name === ingredient.itemCodeableConcept.text));
    expect(article).toBeDefined();
    expect(typeof ingredient.strength.numerator.value).toBe('number');
  });

  it('marks an MVO part with Kennzeichen, Nummerierung, Zeitraum and ID', () => {
    const request = resourceOf(
      generate({ mvo: { part: 2, of: 3, start: '2026-12-01', id: 'urn:uuid:24e2e10d-e962-4d1c-be4f-8760e690a5f0' } }),
      'MedicationRequest',
    );
    const mvo = extension(request, 'KBV_EX_ERP_Multiple_Prescription')!;
    expect(mvo['extension']).toEqual([
      { url: 'Kennzeichen', valueBoolean: true },
      { url: 'Nummerierung', valueRatio: { numerator: { value: 2 }, denominator: { value: 3 } } },
      { url: 'Zeitraum', valuePeriod: { start: '2026-12-01' } },
      { url: 'ID', valueIdentifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:24e2e10d-e962-4d1c-be4f-8760e690a5f0' } },
    ]);
    const plain = extension(resourceOf(generate(), 'MedicationRequest'), 'KBV_EX_ERP_Multiple_Prescription')!;
    expect(plain['extension']).toEqual([{ url: 'Kennzeichen', valueBoolean: false }]);
  });

  it.each<[FlowType, string]>([
    ['160', 'GKV'],
    ['166', 'GKV'],
    ['169', 'GKV'],
    ['200', 'PKV'],
    ['209', 'PKV'],
  ])('flow type %s gets a %s coverage', (flowType, kind) => {
    const coverage = resourceOf(generate({ flowType }), 'Coverage');
    expect(JSON.stringify(coverage['type'])).toContain(`"code":"${kind}"`);
  });

  it('survives the trip through FHIR XML (the signed content is this XML)', () => {
    const bundle = generate({ medication: 'rezeptur' });
    const xml = fhirJsonToXml(bundle);
    const back = fhirXmlToJson(xml);
    expect(back.ok).toBe(true);
    // The `fhir` library reads decimals back as strings, so compare the XML, which is what gets signed.
    if (back.ok) expect(fhirJsonToXml(back.data)).toBe(xml);
    expect(xml).toContain('<family value="');
    expect(xml).toContain('http://hl7.org/fhir/StructureDefinition/humanname-own-name');
  });

  it('uses only extension URLs and code systems that gematik’s KBV 1.3 examples use', () => {
    const known = new Set<string>();
    for (const file of [
      'PZN-Verordnung/PZN-Verordnung_1/PZN_Nr1_VerordnungArzt.xml',
      'Freitext-Verordnung/Freitext-Verordnung_1/FT_V1_VerordnungArzt.xml',
      'Wirkstoff-Verordnung/Wirkstoff-Verordnung_1/WS_V1_VerordnungArzt.xml',
      'Rezeptur-Verordnung/Rezeptur-Verordnung_1/Rez_Nr1_VerordnungArzt.xml',
      'PZN_Mehrfachverordnung/PZN_MV_2/PZN_MV2_VerordnungArzt.xml',
      'PKV/PZN-Verordnung_Nr_1/PZN_Nr1_VerordnungArzt.xml',
    ]) {
      const parsed = fhirXmlToJson(readFixture('gematik', 'e2e-examples-2025-10', file));
      if (parsed.ok) urlsIn(parsed.data, known);
    }
    const ours = new Set<string>();
    for (const medication of ['pzn', 'freitext', 'wirkstoff', 'rezeptur'] as const) {
      urlsIn(generate({ medication, flowType: '160' }), ours);
      urlsIn(generate({ medication, flowType: '200', mvo: { part: 1, of: 2, start: '2026-10-01', id: 'urn:uuid:x' } }), ours);
    }
    // The ATC system comes from the 1.6 dispense profiles (spec §1.3), not from the KBV examples.
    const unknown = [...ours].filter((u) => !known.has(u) && u !== 'http://fhir.de/CodeSystem/bfarm/atc');
    expect(unknown).toEqual([]);
  });
});

describe('randomKvnr', () => {
  it('always has a valid check digit (spec §1.3)', () => {
    const random = seeded(3);
    for (let i = 0; i < 200; i++) expect(parseKvnr(randomKvnr(random)).ok).toBe(true);
  });
});

describe('redemptionDates (spec §1.2)', () => {
  it.each<[FlowType, string, string]>([
    ['160', '2026-11-02', '2027-01-05'],
    ['169', '2026-11-02', '2027-01-05'],
    ['200', '2027-01-05', '2027-01-05'],
    ['209', '2027-01-05', '2027-01-05'],
    ['166', '2026-10-11', '2026-10-11'],
  ])('flow %s signed 2026-10-05: accept %s, expiry %s', (flowType, acceptDate, expiryDate) => {
    expect(redemptionDates(flowType, '2026-10-05', undefined)).toEqual({ acceptDate, expiryDate });
  });

  it('clamps +3 months to the end of a shorter month', () => {
    expect(redemptionDates('160', '2026-11-30', undefined).expiryDate).toBe('2027-02-28');
  });

  it('MVO parts run until the period end, else a year after signing', () => {
    expect(redemptionDates('160', '2026-10-05', { end: '2027-03-31' })).toEqual({ acceptDate: '2027-03-31', expiryDate: '2027-03-31' });
    expect(redemptionDates('160', '2026-10-05', {})).toEqual({ acceptDate: '2027-10-05', expiryDate: '2027-10-05' });
  });

  it('an Entlassrezept (04, 14) keeps the Einlösefrist, its Belieferungsfrist is 3 working days (A_19517)', () => {
    // signed Monday 05.10.2026: Monday, Tuesday, Wednesday
    expect(redemptionDates('160', '2026-10-05', undefined, '04')).toEqual({ acceptDate: '2026-10-07', expiryDate: '2027-01-05' });
    expect(redemptionDates('160', '2026-10-05', undefined, '14')).toEqual({ acceptDate: '2026-10-07', expiryDate: '2027-01-05' });
    // the other legal bases change nothing
    for (const code of ['00', '01', '07', '10', '11', '17']) {
      expect(redemptionDates('160', '2026-10-05', undefined, code)).toEqual({ acceptDate: '2026-11-02', expiryDate: '2027-01-05' });
    }
  });
});
