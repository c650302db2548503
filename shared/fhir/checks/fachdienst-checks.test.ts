import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures';
import { makePrescriptionId } from '../../erezept/identifiers';
import { buildCloseParameters, buildDispenseParameters } from '../dispense/build';
import { fachdienstChecks, fachdienstDetailsText, type FachdienstCheckContext } from './fachdienst-checks';
import { profileVersionFor } from './profile-version';

type Json = Record<string, unknown>;

const ctx: FachdienstCheckContext = {
  operation: 'dispense',
  prescriptionId: '160.000.033.491.280.78',
  kvnr: 'X123456789',
  telematikId: '3-SMC-B-Testkarte-883110000095957',
  now: new Date('2026-07-02T10:00:00Z'),
};

const example = (name: string): Json => JSON.parse(readFixture('gematik', 'workflow-1.6', name)) as Json;
/** The 1.6 single-dispense example: whenHandedOver 2026-07-01, Sumatriptan PZN, no dosage. */
const dispenseExample = (): Json => example('Parameters-ExampleDispenseInputParameters.json');

const parts = (params: Json, i = 0): Json[] => ((params.parameter as Json[])[i]!.part as Json[]);
const md = (params: Json, i = 0): Json => parts(params, i)[0]!.resource as Json;
const medication = (params: Json, i = 0): Json => parts(params, i)[1]!.resource as Json;
const codes = (params: unknown, c: Partial<FachdienstCheckContext> = {}): string[] => fachdienstChecks(params, { ...ctx, ...c }).map((f) => f.code);

const renderedExtension = (text: string): Json => ({
  url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-MedicationDispense.renderedDosageInstruction',
  valueMarkdown: text,
});
const metaExtension = (algorithmVersion = '1.0.1', language = 'de-DE'): Json => ({
  url: 'http://ig.fhir.de/igs/medication/StructureDefinition/GeneratedDosageInstructionsMeta',
  extension: [
    { url: 'algorithmVersion', valueString: algorithmVersion },
    { url: 'language', valueCode: language },
  ],
});

describe('fachdienstChecks – valid input', () => {
  it.each([
    ['Parameters-ExampleDispenseInputParameters.json', 'dispense'],
    ['Parameters-ExampleDispenseInputParametersMultipleMedicationDispenses.json', 'dispense'],
    ['Parameters-ExampleDispenseInputParametersKombipackung.json', 'dispense'],
    ['Parameters-ExampleCloseInputParameters.json', 'close'],
    ['Parameters-ExampleCloseInputParametersMultipleMedicationDispenses.json', 'close'],
    ['Parameters-ExampleCloseInputParametersRezeptur.json', 'close'],
    ['Parameters-ExampleCloseInputParametersKombipackung.json', 'close'],
  ] as const)('accepts the gematik 1.6 example %s', (file, operation) => {
    expect(fachdienstChecks(example(file), { ...ctx, operation })).toEqual([]);
  });

  it('accepts what the builders produce', () => {
    const builderCtx = { prescriptionId: makePrescriptionId('160', 33491280n), kvnr: ctx.kvnr, telematikId: ctx.telematikId };
    const entry = {
      key: 'r1',
      medication: { kind: 'pzn' as const, pzn: '06313728', name: 'Sumatriptan 100 mg', ingredients: [], category: '00' as const, vaccine: false },
      packs: 2,
      serials: [],
      whenHandedOver: '2026-07-02',
      whenPrepared: '2026-07-01',
      dosageText: '1-0-1-0',
    };
    const dispense = buildDispenseParameters([entry, { ...entry, key: 'r2' }], builderCtx);
    const close = buildCloseParameters([entry], builderCtx);
    if (!dispense.ok || !close.ok) throw new Error('builders failed');
    expect(fachdienstChecks(dispense.data, ctx)).toEqual([]);
    expect(fachdienstChecks(close.data, { ...ctx, operation: 'close' })).toEqual([]);
  });

  it('accepts a $close without dispense data (the stored data of the last $dispense is the Task check)', () => {
    const close = { resourceType: 'Parameters', meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_PAR_CloseOperation_Input|1.6'] } };
    expect(fachdienstChecks(close, { ...ctx, operation: 'close' })).toEqual([]);
  });

  it('accepts medicationReference as Medication/<id> and as urn:uuid:<id>', () => {
    const p = dispenseExample();
    medication(p).id = '5b0d8f2e-3c1a-4f6e-9d7b-2a4c6e8f0a1b';
    md(p).medicationReference = { reference: 'urn:uuid:5b0d8f2e-3c1a-4f6e-9d7b-2a4c6e8f0a1b' };
    expect(codes(p)).toEqual([]);
  });
});

describe('fachdienstChecks – Parameters and parts', () => {
  it('rejects anything but Parameters', () => {
    expect(codes({ resourceType: 'Bundle' })).toEqual(['FD_NOT_PARAMETERS']);
    expect(codes('text')).toEqual(['FD_NOT_PARAMETERS']);
  });

  it('rejects the profile of the other operation', () => {
    const findings = fachdienstChecks(dispenseExample(), { ...ctx, operation: 'close' });
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', code: 'FD_PARAMETERS_PROFILE', path: 'meta.profile' })]);
  });

  it('requires at least one rxDispensation for $dispense', () => {
    const p = dispenseExample();
    delete p.parameter;
    expect(codes(p)).toEqual(['FD_NO_DISPENSATION']);
  });

  it('rejects a parameter not named rxDispensation', () => {
    const p = dispenseExample();
    (p.parameter as Json[])[0]!.name = 'medicationDispense';
    expect(fachdienstChecks(p, ctx)).toEqual([expect.objectContaining({ code: 'FD_PARAMETER_SHAPE', path: 'parameter[0].name' })]);
  });

  it('rejects an rxDispensation carrying a value', () => {
    const p = dispenseExample();
    (p.parameter as Json[])[0]!.valueString = 'x';
    expect(codes(p)).toEqual(['FD_PARAMETER_SHAPE']);
  });

  it('rejects unknown, duplicate and mistyped parts', () => {
    const unknown = dispenseExample();
    parts(unknown)[1]!.name = 'medicationRequest';
    expect(fachdienstChecks(unknown, ctx)).toEqual([expect.objectContaining({ code: 'FD_PARAMETER_SHAPE', path: 'parameter[0].part[1].name' })]);

    const duplicate = dispenseExample();
    parts(duplicate).push(structuredClone(parts(duplicate)[0]!));
    expect(fachdienstChecks(duplicate, ctx)).toEqual([expect.objectContaining({ code: 'FD_PARAMETER_SHAPE', path: 'parameter[0].part[2].name' })]);

    const mistyped = dispenseExample();
    (parts(mistyped)[0]!.resource as Json).resourceType = 'MedicationRequest';
    expect(fachdienstChecks(mistyped, ctx)).toEqual([
      expect.objectContaining({ code: 'FD_PARAMETER_SHAPE', path: 'parameter[0].part[0].resource' }),
    ]);
  });

  it('requires the medicationDispense part', () => {
    const p = dispenseExample();
    parts(p).splice(0, 1);
    expect(fachdienstChecks(p, ctx)).toEqual([expect.objectContaining({ code: 'FD_PARAMETER_SHAPE', path: 'parameter[0].part' })]);
  });

  it('requires the medication part for $dispense and, for $close, whenever the dispense references one', () => {
    const p = dispenseExample();
    parts(p).splice(1, 1);
    expect(codes(p)).toContain('FD_MEDICATION_MISSING');

    const close = example('Parameters-ExampleCloseInputParameters.json');
    parts(close).splice(1, 1);
    expect(fachdienstChecks(close, { ...ctx, operation: 'close' })[0]).toMatchObject({ code: 'FD_MEDICATION_MISSING', path: 'parameter[0].part' });
  });
});

describe('fachdienstChecks – MedicationDispense', () => {
  it('accepts only drug dispense profiles in these workflows, with the specified text (spec §3.4)', () => {
    const p = dispenseExample();
    (md(p).meta as Json).profile = ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_MedicationDispense_DiGA|1.6'];
    const findings = fachdienstChecks(p, ctx);
    expect(findings[0]).toEqual({
      severity: 'error',
      code: 'FD_MEDICATION_DISPENSE_NOT_DRUG',
      message: 'Unzulässige Abgabeinformationen: Für diesen Workflow sind nur Abgabeinformationen für Arzneimittel zulässig.',
      path: 'parameter[0].part[0].resource.meta.profile',
    });
  });

  it('requires the PrescriptionID of this Task', () => {
    const p = dispenseExample();
    const findings = fachdienstChecks(p, { ...ctx, prescriptionId: '160.000.000.000.001.54' });
    expect(findings).toEqual([
      expect.objectContaining({ code: 'FD_PRESCRIPTION_ID_MISMATCH', path: 'parameter[0].part[0].resource.identifier[0].value' }),
    ]);
    expect(fachdienstDetailsText(findings[0]!)).toBe('Prescription ID in MedicationDispense does not match the one in the task');
    delete md(p).identifier;
    expect(fachdienstChecks(p, ctx)).toEqual([expect.objectContaining({ code: 'FD_PRESCRIPTION_ID_MISMATCH', path: 'parameter[0].part[0].resource.identifier' })]);
  });

  it('requires the KVNR of Task.for with system kvid-10', () => {
    expect(codes(dispenseExample(), { kvnr: 'X110411675' })).toEqual(['FD_KVNR_MISMATCH']);
    const p = dispenseExample();
    ((md(p).subject as Json).identifier as Json).system = 'http://fhir.de/sid/pkv/kvid-10';
    expect(codes(p)).toEqual(['FD_KVNR_MISMATCH']);
  });

  it("requires the caller's Telematik-ID as performer", () => {
    const findings = fachdienstChecks(dispenseExample(), { ...ctx, telematikId: '3-01.2.2023001.16.101' });
    expect(findings).toEqual([expect.objectContaining({ code: 'FD_TELEMATIK_ID_MISMATCH', path: 'parameter[0].part[0].resource.performer[0].actor.identifier' })]);
  });

  it('requires status completed', () => {
    const p = dispenseExample();
    md(p).status = 'in-progress';
    expect(codes(p)).toEqual(['FD_STATUS_NOT_COMPLETED']);
  });

  it('requires whenHandedOver as a date without time', () => {
    for (const value of ['2026-07-01T10:00:00+02:00', '2026-02-30', '01.07.2026', undefined]) {
      const p = dispenseExample();
      md(p).whenHandedOver = value;
      expect(fachdienstChecks(p, ctx)).toEqual([expect.objectContaining({ code: 'FD_DATE_FORMAT', path: 'parameter[0].part[0].resource.whenHandedOver' })]);
    }
  });

  it('requires whenPrepared as a date without time — and nothing about its order (spec §3.4)', () => {
    const p = dispenseExample();
    md(p).whenPrepared = '2026-07-01T08:00:00Z';
    expect(fachdienstChecks(p, ctx)).toEqual([expect.objectContaining({ code: 'FD_DATE_FORMAT', path: 'parameter[0].part[0].resource.whenPrepared' })]);
    // „hergestellt“ after the handover is the pharmacy's rule (PH_PREPARED_AFTER_HANDOVER), not the Fachdienst's
    md(p).whenPrepared = '2026-07-02';
    expect(codes(p)).toEqual([]);
    md(p).whenPrepared = '2026-06-30';
    expect(codes(p)).toEqual([]);
  });

  it('accepts a handover date in the future: the Fachdienst checks only the format (spec §3.4; PH_HANDOVER_IN_FUTURE is the pharmacy\'s)', () => {
    const p = dispenseExample();
    md(p).whenHandedOver = '2026-07-20';
    expect(codes(p, { now: new Date('2026-07-02T10:00:00Z') })).toEqual([]);
  });

  it('requires medicationReference to resolve to the paired Medication', () => {
    const p = dispenseExample();
    md(p).medicationReference = { reference: 'Medication/SomethingElse' };
    expect(fachdienstChecks(p, ctx)).toEqual([
      expect.objectContaining({ code: 'FD_MEDICATION_REFERENCE', path: 'parameter[0].part[0].resource.medicationReference.reference' }),
    ]);
    delete md(p).medicationReference;
    expect(codes(p)).toContain('FD_MEDICATION_REFERENCE');
  });

  it('checks every rxDispensation and reports its own path', () => {
    const p = example('Parameters-ExampleDispenseInputParametersMultipleMedicationDispenses.json');
    md(p, 1).status = 'cancelled';
    expect(fachdienstChecks(p, ctx)).toEqual([expect.objectContaining({ path: 'parameter[1].part[0].resource.status' })]);
  });
});

describe('fachdienstChecks – profile versions (A_23384-05, A_27047-01)', () => {
  it('requires one version across Parameters, MedicationDispense and Medication', () => {
    const p = dispenseExample();
    (md(p).meta as Json).profile = ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_MedicationDispense|1.5'];
    expect(codes(p)).toEqual(['FD_PROFILE_VERSION_MIXED']);
  });

  it('requires a version on every profile', () => {
    const p = dispenseExample();
    (medication(p).meta as Json).profile = ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Medication'];
    expect(fachdienstChecks(p, ctx)).toEqual([
      expect.objectContaining({ code: 'FD_PROFILE_VERSION_MISSING', path: 'parameter[0].part[1].resource.meta.profile' }),
    ]);
  });

  it('refuses 1.6 for a handover date before 2026-07-01', () => {
    const p = dispenseExample();
    md(p).whenHandedOver = '2026-06-30';
    expect(codes(p)).toEqual(['FD_PROFILE_VERSION_NOT_VALID']);
  });

  it('takes max(whenHandedOver) as reference date', () => {
    const p = example('Parameters-ExampleDispenseInputParametersMultipleMedicationDispenses.json');
    md(p, 0).whenHandedOver = '2026-06-30';
    expect(codes(p)).toEqual([]);
  });

  it('refuses 1.5 for handover dates after 2026-09-30 and after 2027-04-10 altogether', () => {
    const as15 = (date: string): Json => {
      const p = dispenseExample();
      const set15 = (r: Json): void => {
        const meta = r.meta as { profile: string[] };
        meta.profile = [meta.profile[0]!.replace('|1.6', '|1.5')];
      };
      set15(p);
      set15(md(p));
      set15(medication(p));
      md(p).whenHandedOver = date;
      return p;
    };
    expect(codes(as15('2026-09-30'), { now: new Date('2026-10-01T10:00:00Z') })).toEqual([]);
    expect(codes(as15('2026-10-01'), { now: new Date('2026-10-01T10:00:00Z') })).toEqual(['FD_PROFILE_VERSION_NOT_VALID']);
    expect(codes(as15('2026-09-30'), { now: new Date('2027-04-11T10:00:00Z') })).toEqual(['FD_PROFILE_VERSION_NOT_VALID']);
  });
});

describe('fachdienstChecks – 1.6 dosage (spec §6.3)', () => {
  const withDosage = (dosage: Json[] | undefined, extension: Json[] | undefined): Json => {
    const p = dispenseExample();
    if (dosage) md(p).dosageInstruction = dosage;
    if (extension) md(p).extension = extension;
    return p;
  };

  it('accepts free text with the matching rendered text', () => {
    expect(codes(withDosage([{ text: '1-0-1-0' }], [renderedExtension('1-0-1-0'), metaExtension()]))).toEqual([]);
  });

  it('joins several free-text dosages with "; "', () => {
    const dosage = [{ text: 'morgens 1' }, { text: 'abends 2' }];
    expect(codes(withDosage(dosage, [renderedExtension('morgens 1; abends 2'), metaExtension()]))).toEqual([]);
    expect(codes(withDosage(dosage, [renderedExtension('morgens 1, abends 2'), metaExtension()]))).toEqual(['FD_DOSAGE_TEXT_MISMATCH']);
  });

  it('rejects a rendered text that differs from the free text', () => {
    const findings = fachdienstChecks(withDosage([{ text: '1-0-1-0' }], [renderedExtension('1-0-1-0 Stück'), metaExtension()]), ctx);
    expect(findings).toEqual([
      expect.objectContaining({ code: 'FD_DOSAGE_TEXT_MISMATCH', path: 'parameter[0].part[0].resource.extension[0].valueMarkdown' }),
    ]);
  });

  it('requires both extensions when a dosage is present', () => {
    expect(codes(withDosage([{ text: '1-0-1-0' }], undefined))).toEqual(['FD_DOSAGE_INCOMPLETE', 'FD_DOSAGE_INCOMPLETE']);
    expect(codes(withDosage([{ text: '1-0-1-0' }], [renderedExtension('1-0-1-0')]))).toEqual(['FD_DOSAGE_INCOMPLETE']);
  });

  it('requires a dosage when the rendered text is present', () => {
    expect(codes(withDosage(undefined, [renderedExtension('1-0-1-0'), metaExtension()]))).toEqual(['FD_DOSAGE_INCOMPLETE']);
  });

  it('knows only algorithm version 1.0.1 and language de-DE', () => {
    expect(codes(withDosage([{ text: 'x' }], [renderedExtension('x'), metaExtension('1')]))).toEqual(['FD_DOSAGE_ALGORITHM_UNKNOWN']);
    expect(codes(withDosage([{ text: 'x' }], [renderedExtension('x'), metaExtension('1.0.1', 'de')]))).toEqual(['FD_DOSAGE_LANGUAGE_UNKNOWN']);
  });

  it('accepts a structured dosage with a rendered text (the exact dgMP rendering is not re-generated)', () => {
    const structured = example('MedicationDispense-Example-MedicationDispense-Dosage-tageszeit.json');
    const p = dispenseExample();
    md(p).dosageInstruction = structured.dosageInstruction;
    md(p).extension = structured.extension;
    expect(codes(p)).toEqual([]);
    ((md(p).extension as Json[])[0]!).valueMarkdown = '';
    expect(codes(p)).toEqual(['FD_DOSAGE_TEXT_MISMATCH']);
  });

  it('does not apply the 1.6 rule to 1.5 dispense data (plain text, no extensions)', () => {
    const close15 = readFixtureAsClose15();
    expect(fachdienstChecks(close15.params, { ...ctx, ...close15.ids, operation: 'close', now: new Date('2025-11-01T10:00:00Z') })).toEqual([]);
  });
});

describe('fachdienstChecks – Medication', () => {
  it('requires the GEM_ERP_PR_Medication profile', () => {
    const p = dispenseExample();
    (medication(p).meta as Json).profile = ['https://fhir.kbv.de/StructureDefinition/KBV_PR_ERP_Medication_PZN|1.6'];
    expect(codes(p)).toEqual(['FD_MEDICATION_PROFILE']);
  });

  it('requires code or ingredient (epa-med-1)', () => {
    const p = dispenseExample();
    delete medication(p).code;
    expect(fachdienstChecks(p, ctx)).toEqual([expect.objectContaining({ code: 'FD_MEDICATION_EMPTY', path: 'parameter[0].part[1].resource' })]);
  });
});

describe('profileVersionFor', () => {
  const now = new Date('2026-08-01T10:00:00Z');
  it('gives 1.5 up to 2026-09-30 and 1.6 from 2026-07-01', () => {
    expect(profileVersionFor('2026-06-30', now)).toEqual(['1.5']);
    expect(profileVersionFor('2026-07-01', now)).toEqual(['1.5', '1.6']);
    expect(profileVersionFor('2026-09-30', now)).toEqual(['1.5', '1.6']);
    expect(profileVersionFor('2026-10-01', now)).toEqual(['1.6']);
  });

  it('drops 1.5 after 2027-04-10 (German date)', () => {
    expect(profileVersionFor('2026-09-30', new Date('2027-04-10T21:30:00Z'))).toEqual(['1.5', '1.6']); // 23:30 Berlin
    expect(profileVersionFor('2026-09-30', new Date('2027-04-10T22:30:00Z'))).toEqual(['1.6']); // 00:30 Berlin, 11 April
    expect(profileVersionFor('2026-06-30', new Date('2027-04-11T10:00:00Z'))).toEqual([]);
  });
});

/** A 1.5 $close input with a plain-text dosage, as the e2e examples carry it. */
function readFixtureAsClose15(): { params: Json; ids: Pick<FachdienstCheckContext, 'prescriptionId' | 'kvnr' | 'telematikId'> } {
  const p = example('Parameters-ExampleCloseInputParameters.json');
  const to15 = (r: Json): void => {
    const meta = r.meta as { profile: string[] };
    meta.profile = [meta.profile[0]!.replace('|1.6', '|1.5')];
  };
  to15(p);
  to15(md(p));
  to15(medication(p));
  md(p).whenHandedOver = '2025-10-30';
  md(p).dosageInstruction = [{ text: '1-0-1-0' }];
  return { params: p, ids: { prescriptionId: ctx.prescriptionId, kvnr: ctx.kvnr, telematikId: ctx.telematikId } };
}
