import { describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import { makePrescriptionId } from '../../erezept/identifiers';
import type { PrescribedMedication } from '../../erezept/prescription';
import { buildCloseParameters, buildDispenseParameters, buildMedication, buildMedicationDispense, type DispenseContext } from './build';

const prescriptionId = makePrescriptionId('160', 33491280n); // 160.000.033.491.280.78
const ctx: DispenseContext = { prescriptionId, kvnr: 'X110411675', telematikId: '3-SMC-B-Testkarte-883110000095957' };
const prescribedSumatriptan: PrescribedMedication = { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan 100 mg', vaccine: false };

function sequentialIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

const sumatriptan: DispenseEntry = {
  key: 'row-1',
  medication: {
    kind: 'pzn',
    pzn: '06313728',
    name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
    normSize: 'N1',
    form: 'TAB',
    packSize: '20 St',
    ingredients: [{ name: 'Sumatriptan', strengthValue: 100, strengthUnit: 'mg' }],
    category: '00',
    vaccine: false,
  },
  packs: 1,
  batch: { lot: 'A123456789-1', expiry: '2028-03-31' },
  serials: ['SERIAL0000000001'],
  whenHandedOver: '2026-10-05',
  dosageText: '1-0-1-0',
};

describe('buildDispenseParameters', () => {
  it('builds the canonical 1.6 $dispense body of spec §5 for a PZN finished product', () => {
    const result = buildDispenseParameters([sumatriptan], { ...ctx, prescribed: prescribedSumatriptan }, () => '5b0d8f2e-3c1a-4f6e-9d7b-2a4c6e8f0a1b');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toEqual({
      resourceType: 'Parameters',
      meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_PAR_DispenseOperation_Input|1.6'] },
      parameter: [
        {
          name: 'rxDispensation',
          part: [
            {
              name: 'medicationDispense',
              resource: {
                resourceType: 'MedicationDispense',
                meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_MedicationDispense|1.6'] },
                extension: [
                  {
                    url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-MedicationDispense.renderedDosageInstruction',
                    valueMarkdown: '1-0-1-0',
                  },
                  {
                    url: 'http://ig.fhir.de/igs/medication/StructureDefinition/GeneratedDosageInstructionsMeta',
                    extension: [
                      { url: 'algorithmVersion', valueString: '1.0.1' },
                      { url: 'language', valueCode: 'de-DE' },
                    ],
                  },
                ],
                identifier: [{ system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId', value: '160.000.033.491.280.78' }],
                status: 'completed',
                medicationReference: { reference: 'urn:uuid:5b0d8f2e-3c1a-4f6e-9d7b-2a4c6e8f0a1b' },
                subject: { identifier: { system: 'http://fhir.de/sid/gkv/kvid-10', value: 'X110411675' } },
                performer: [
                  { actor: { identifier: { system: 'https://gematik.de/fhir/sid/telematik-id', value: '3-SMC-B-Testkarte-883110000095957' } } },
                ],
                quantity: { value: 1, system: 'http://unitsofmeasure.org', code: '{Package}' },
                whenHandedOver: '2026-10-05',
                dosageInstruction: [{ text: '1-0-1-0' }],
                substitution: { wasSubstituted: false },
              },
            },
            {
              name: 'medication',
              resource: {
                resourceType: 'Medication',
                id: '5b0d8f2e-3c1a-4f6e-9d7b-2a4c6e8f0a1b',
                meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Medication|1.6'] },
                extension: [
                  {
                    url: 'https://gematik.de/fhir/epa-medication/StructureDefinition/drug-category-extension',
                    valueCoding: { system: 'https://gematik.de/fhir/epa-medication/CodeSystem/epa-drug-category-cs', code: '00' },
                  },
                  { url: 'https://gematik.de/fhir/epa-medication/StructureDefinition/medication-id-vaccine-extension', valueBoolean: false },
                  { url: 'http://fhir.de/StructureDefinition/normgroesse', valueCode: 'N1' },
                ],
                code: { coding: [{ system: 'http://fhir.de/CodeSystem/ifa/pzn', code: '06313728' }], text: 'Sumatriptan-1a Pharma 100 mg Tabletten' },
                form: { coding: [{ system: 'https://fhir.kbv.de/CodeSystem/KBV_CS_SFHIR_KBV_DARREICHUNGSFORM', code: 'TAB' }] },
                amount: {
                  numerator: {
                    extension: [
                      { url: 'https://gematik.de/fhir/epa-medication/StructureDefinition/medication-packaging-size-extension', valueString: '20' },
                    ],
                    value: 20,
                    unit: 'St',
                  },
                  denominator: { value: 1 },
                },
                ingredient: [
                  { itemCodeableConcept: { text: 'Sumatriptan' }, strength: { numerator: { value: 100, unit: 'mg' }, denominator: { value: 1 } } },
                ],
                batch: { lotNumber: 'A123456789-1', expirationDate: '2028-03-31' },
              },
            },
          ],
        },
      ],
    });
  });

  it('gives every Medication a fresh id and points its MedicationDispense at it as urn:uuid', () => {
    const second: DispenseEntry = { ...sumatriptan, key: 'row-2', packs: 2 };
    const result = buildDispenseParameters([sumatriptan, second], ctx, sequentialIds());
    if (!result.ok) throw new Error('expected ok');
    const params = result.data.parameter as { part: { resource: Record<string, unknown> }[] }[];
    expect(params).toHaveLength(2);
    const ids = params.map((p) => p.part[1]!.resource.id);
    expect(new Set(ids).size).toBe(2);
    params.forEach((p, i) => {
      expect(p.part[0]!.resource.medicationReference).toEqual({ reference: `urn:uuid:${String(ids[i])}` });
    });
    expect(params[1]!.part[0]!.resource.quantity).toEqual({ value: 2, system: 'http://unitsofmeasure.org', code: '{Package}' });
  });

  it('defaults to random UUIDs for Medication ids', () => {
    const result = buildDispenseParameters([sumatriptan], ctx);
    if (!result.ok) throw new Error('expected ok');
    const params = result.data.parameter as { part: { resource: Record<string, unknown> }[] }[];
    expect(String(params[0]!.part[1]!.resource.id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps the pack serial numbers local (never sent)', () => {
    const result = buildDispenseParameters([sumatriptan], ctx, sequentialIds());
    expect(JSON.stringify(result)).not.toContain('SERIAL0000000001');
  });

  it('refuses an empty list for $dispense', () => {
    const result = buildDispenseParameters([], ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([expect.objectContaining({ severity: 'error', code: 'DISPENSE_LIST_EMPTY', path: 'entries' })]);
  });

  it('refuses a list whose newest handover date lies before 2026-07-01 (1.6 only)', () => {
    const old = { ...sumatriptan, whenHandedOver: '2026-06-30' };
    const result = buildDispenseParameters([old], ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error[0]).toMatchObject({ code: 'DISPENSE_DATE_BEFORE_WORKFLOW_1_6', path: 'entries.0.whenHandedOver' });
    expect(result.error[0]!.message).toContain('30.06.2026');
  });

  it('accepts a list when only an older entry predates 1.6 (max(whenHandedOver) decides, A_23384-05)', () => {
    const older = { ...sumatriptan, key: 'old', whenHandedOver: '2026-06-30' };
    const newer = { ...sumatriptan, key: 'new', whenHandedOver: '2026-07-01' };
    expect(buildDispenseParameters([older, newer], ctx).ok).toBe(true);
  });

  it('refuses unreadable dates with the entry path', () => {
    const bad = { ...sumatriptan, whenHandedOver: '2026-02-30', whenPrepared: '05.10.2026' };
    const result = buildDispenseParameters([bad], ctx);
    if (result.ok) throw new Error('expected error');
    expect(result.error.map((f) => f.path)).toEqual(['entries.0.whenHandedOver', 'entries.0.whenPrepared']);
  });
});

describe('buildCloseParameters', () => {
  it('uses the CloseOperation_Input profile', () => {
    const result = buildCloseParameters([sumatriptan], ctx, sequentialIds());
    if (!result.ok) throw new Error('expected ok');
    expect(result.data.meta).toEqual({ profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_PAR_CloseOperation_Input|1.6'] });
  });

  it('builds a body without dispense data for an empty list (close with the data of the last $dispense)', () => {
    const result = buildCloseParameters([], ctx);
    expect(result).toEqual({
      ok: true,
      data: { resourceType: 'Parameters', meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_PAR_CloseOperation_Input|1.6'] } },
    });
  });
});

describe('buildMedicationDispense', () => {
  const md = (entry: DispenseEntry, prescribed?: PrescribedMedication) => buildMedicationDispense(entry, { ...ctx, prescribed }, 'med-1');

  it('sends no dosage and no dosage extensions when the pharmacist did not change it (A_27036-01)', () => {
    const { dosageText: _omit, ...withoutDosage } = sumatriptan;
    for (const entry of [withoutDosage, { ...sumatriptan, dosageText: '   ' }]) {
      const result = md(entry);
      expect(result.dosageInstruction).toBeUndefined();
      expect(result.extension).toBeUndefined();
    }
  });

  it('writes whenPrepared when given', () => {
    expect(md({ ...sumatriptan, whenPrepared: '2026-10-04' }).whenPrepared).toBe('2026-10-04');
  });

  it('sets wasSubstituted for a PZN prescription from the PZN comparison when the pharmacist left it open (A_28417)', () => {
    const other = { ...sumatriptan, medication: { ...sumatriptan.medication, pzn: '05454378' } } as DispenseEntry;
    expect(md(other, prescribedSumatriptan).substitution).toEqual({ wasSubstituted: true });
    expect(md(sumatriptan, prescribedSumatriptan).substitution).toEqual({ wasSubstituted: false });
  });

  it("keeps the pharmacist's explicit substitution flag", () => {
    expect(md({ ...sumatriptan, substituted: true }, prescribedSumatriptan).substitution).toEqual({ wasSubstituted: true });
    expect(md({ ...sumatriptan, substituted: false }).substitution).toEqual({ wasSubstituted: false });
  });

  it('leaves the flag out for non-PZN prescriptions unless the pharmacist set it', () => {
    const wirkstoff: PrescribedMedication = { kind: 'wirkstoff', name: 'Sumatriptan', ingredients: [{ name: 'Sumatriptan' }], vaccine: false };
    expect(md(sumatriptan, wirkstoff).substitution).toBeUndefined();
    expect(md(sumatriptan).substitution).toBeUndefined();
  });

  it('counts a PZN prescription served without a PZN (e.g. as Rezeptur) as substituted', () => {
    const freitext: DispenseEntry = { ...sumatriptan, medication: { kind: 'freitext', text: 'Sumatriptan 100 mg', category: '00', vaccine: false } };
    expect(md(freitext, prescribedSumatriptan).substitution).toEqual({ wasSubstituted: true });
  });
});

describe('buildMedication', () => {
  const base = { key: 'k', packs: 1, serials: [], whenHandedOver: '2026-10-05' };

  it('builds a Wirkstoff medication from ingredients only, with ATC version and strength', () => {
    const med = buildMedication(
      {
        ...base,
        medication: {
          kind: 'wirkstoff',
          ingredients: [{ name: 'Ibuprofen', strengthValue: 400, strengthUnit: 'mg', atc: 'M01AE01' }],
          form: 'FTA',
          amount: '20 St',
          category: '00',
          vaccine: false,
        },
      },
      'm1',
    );
    expect(med.code).toBeUndefined();
    expect(med.ingredient).toEqual([
      {
        itemCodeableConcept: {
          coding: [{ system: 'http://fhir.de/CodeSystem/bfarm/atc', version: '2026', code: 'M01AE01', display: 'Ibuprofen' }],
          text: 'Ibuprofen',
        },
        strength: { numerator: { value: 400, unit: 'mg' }, denominator: { value: 1 } },
      },
    ]);
  });

  it('builds a Freitext medication with code.text and a free-text form', () => {
    const med = buildMedication(
      { ...base, medication: { kind: 'freitext', text: 'Metoprololsuccinat 47,5 mg 100 St', form: 'Retardtabletten', category: '00', vaccine: false } },
      'm1',
    );
    expect(med.code).toEqual({ text: 'Metoprololsuccinat 47,5 mg 100 St' });
    expect(med.form).toEqual({ text: 'Retardtabletten' });
    expect(med.ingredient).toBeUndefined();
  });

  it('builds a Rezeptur with type extension, total quantity and PZN components as contained resources', () => {
    const med = buildMedication(
      {
        ...base,
        medication: {
          kind: 'rezeptur',
          name: 'Hydrocortison-Dexpanthenol-Salbe',
          form: 'SAL',
          amount: '100 g',
          packaging: 'Tube',
          instructions: 'Kühl lagern.',
          components: [
            { name: 'Hydrocortison 1% Creme', pzn: '03424249', amount: '50 g', batch: '56498416854' },
            { name: 'Basiscreme DAC', amount: 'ad 100,0 g' },
          ],
          category: '00',
          vaccine: false,
        },
      },
      'm1',
    );
    const extensionUrls = (med.extension as { url: string }[]).map((e) => e.url.split('/').pop());
    expect(extensionUrls).toEqual([
      'drug-category-extension',
      'epa-medication-type-extension',
      'medication-id-vaccine-extension',
      'medication-formulation-packaging-extension',
      'medication-manufacturing-instructions-extension',
    ]);
    expect((med.extension as Record<string, unknown>[])[1]).toMatchObject({ valueCoding: { system: 'http://snomed.info/sct', code: '1208954007' } });
    expect(med.code).toEqual({ text: 'Hydrocortison-Dexpanthenol-Salbe' });
    expect(med.amount).toMatchObject({
      numerator: {
        extension: [{ url: 'https://gematik.de/fhir/epa-medication/StructureDefinition/medication-total-quantity-formulation-extension', valueString: '100' }],
        unit: 'g',
      },
    });
    expect(med.contained).toEqual([
      {
        resourceType: 'Medication',
        id: 'component-1',
        meta: { profile: ['https://gematik.de/fhir/epa-medication/StructureDefinition/epa-medication-pzn-ingredient'] },
        extension: [
          {
            url: 'https://gematik.de/fhir/epa-medication/StructureDefinition/epa-medication-type-extension',
            valueCoding: { system: 'http://snomed.info/sct', code: '781405001', display: 'Medicinal product package (product)' },
          },
        ],
        code: { coding: [{ system: 'http://fhir.de/CodeSystem/ifa/pzn', code: '03424249', display: 'Hydrocortison 1% Creme' }], text: 'Hydrocortison 1% Creme' },
        batch: { lotNumber: '56498416854' },
      },
    ]);
    expect(med.ingredient).toEqual([
      { itemReference: { reference: '#component-1' }, isActive: true, strength: { numerator: { value: 50, unit: 'g' }, denominator: { value: 1 } } },
      {
        itemCodeableConcept: { text: 'Basiscreme DAC' },
        isActive: true,
        strength: {
          extension: [{ url: 'https://gematik.de/fhir/epa-medication/StructureDefinition/medication-ingredient-amount-extension', valueString: 'ad 100,0 g' }],
          numerator: { value: 100, unit: 'g' },
          denominator: { value: 1 },
        },
      },
    ]);
  });

  it('keeps an amount without a number ("q.s.") with the component name instead of a strength', () => {
    const med = buildMedication(
      { ...base, medication: { kind: 'rezeptur', name: 'Salbe', components: [{ name: 'Wasser', amount: 'q.s.' }], category: '00', vaccine: false } },
      'm1',
    );
    expect(med.ingredient).toEqual([{ itemCodeableConcept: { text: 'Wasser q.s.' }, isActive: true }]);
  });

  it('builds a Kombipackung with form KPG and its components as contained pharmaceutical products', () => {
    const med = buildMedication(
      {
        ...base,
        batch: { lot: 'L1', expiry: '2027-01-31' },
        medication: {
          kind: 'kombipackung',
          pzn: '17465170',
          name: 'Cromo Demopharm Kombipackung',
          components: [
            { name: 'Natriumcromoglicat', strengthValue: 20, strengthUnit: 'mg/ml', atc: 'S01GX01' },
            { name: 'Natriumcromoglicat', strengthValue: 2.8, strengthUnit: 'mg/Sprühstoß', atc: 'R01AC01' },
          ],
          category: '00',
          vaccine: false,
        },
      },
      'm1',
    );
    expect(med.form).toEqual({ coding: [{ system: 'https://fhir.kbv.de/CodeSystem/KBV_CS_SFHIR_KBV_DARREICHUNGSFORM', code: 'KPG' }] });
    expect(med.code).toEqual({ coding: [{ system: 'http://fhir.de/CodeSystem/ifa/pzn', code: '17465170' }], text: 'Cromo Demopharm Kombipackung' });
    expect(med.ingredient).toEqual([{ itemReference: { reference: '#component-1' } }, { itemReference: { reference: '#component-2' } }]);
    const contained = med.contained as Record<string, unknown>[];
    expect(contained.map((c) => (c.meta as { profile: string[] }).profile[0])).toEqual([
      'https://gematik.de/fhir/epa-medication/StructureDefinition/epa-medication-pharmaceutical-product',
      'https://gematik.de/fhir/epa-medication/StructureDefinition/epa-medication-pharmaceutical-product',
    ]);
    expect(contained[1]!.ingredient).toEqual([
      {
        itemCodeableConcept: {
          coding: [{ system: 'http://fhir.de/CodeSystem/bfarm/atc', version: '2026', code: 'R01AC01', display: 'Natriumcromoglicat' }],
          text: 'Natriumcromoglicat',
        },
        strength: { numerator: { value: 2.8, unit: 'mg/Sprühstoß' }, denominator: { value: 1 } },
      },
    ]);
    expect(med.batch).toEqual({ lotNumber: 'L1', expirationDate: '2027-01-31' });
    expect((med.extension as { url: string }[]).some((e) => e.url.endsWith('epa-medication-type-extension'))).toBe(false);
  });

  it('marks a vaccine and a T-Rezept category', () => {
    const med = buildMedication(
      { ...base, medication: { ...(sumatriptan.medication as Extract<DispenseEntry['medication'], { kind: 'pzn' }>), category: '02', vaccine: true } },
      'm1',
    );
    expect(med.extension).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ valueCoding: expect.objectContaining({ code: '02' }) }),
        expect.objectContaining({ valueBoolean: true }),
      ]),
    );
  });
});
