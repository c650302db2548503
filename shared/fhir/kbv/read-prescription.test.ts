import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures';
import { prescriptionViewSchema } from '../../erezept/prescription';
import { fhirJsonToXml, fhirXmlToJson, type FhirResourceJson } from '../xml';
import { type Json, isRecord, records } from './fhir-json';
import { readPrescriptionFromQes, readPrescriptionJson, readPrescriptionXml } from './index';

const E2E = 'gematik/e2e-examples-2025-10';
const PZN_1 = `${E2E}/PZN-Verordnung/PZN-Verordnung_1/PZN_Nr1_VerordnungArzt.xml`;
const REZEPTUR_1 = `${E2E}/Rezeptur-Verordnung/Rezeptur-Verordnung_1/Rez_Nr1_VerordnungArzt.xml`;
const WIRKSTOFF_1 = `${E2E}/Wirkstoff-Verordnung/Wirkstoff-Verordnung_1/WS_V1_VerordnungArzt.xml`;

function loadBundle(path: string): FhirResourceJson {
  const json = fhirXmlToJson(readFixture(path));
  if (!json.ok) throw new Error(json.error);
  return json.data;
}

function resourceOf(bundle: Json, type: string): Json {
  const found = records(bundle['entry'])
    .map((e) => e['resource'])
    .find((r): r is Json => isRecord(r) && r['resourceType'] === type);
  if (!found) throw new Error(`no ${type}`);
  return found;
}

function withoutResource(bundle: Json, type: string): Json {
  return {
    ...bundle,
    entry: records(bundle['entry']).filter(
      (e) => !isRecord(e['resource']) || e['resource']['resourceType'] !== type,
    ),
  };
}

/** What a KBV 1.4 bundle looks like: ERP profiles `|1.4`, FOR profiles `|1.3` (Technische Anlage ERP 1.73). */
function relabelTo14(bundle: Json): Json {
  const copy = structuredClone(bundle);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isRecord(node)) return;
    const meta = node['meta'];
    if (isRecord(meta) && Array.isArray(meta['profile'])) {
      meta['profile'] = meta['profile'].map((p: unknown) =>
        String(p)
          .replace(/(KBV_PR_ERP_\w+)\|1\.3$/, '$1|1.4')
          .replace(/(KBV_PR_FOR_\w+)\|1\.2$/, '$1|1.3'),
      );
    }
    Object.values(node).forEach(visit);
  };
  visit(copy);
  return copy;
}

function expectOk<T, E>(result: { ok: true; data: T } | { ok: false; error: E }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.data;
}

function expectErr<T, E>(result: { ok: true; data: T } | { ok: false; error: E }): E {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('readPrescriptionXml – KBV 1.3', () => {
  it('maps a PZN prescription completely', () => {
    const view = expectOk(readPrescriptionXml(readFixture(PZN_1)));
    expect(view).toEqual({
      kbvVersion: '1.3',
      prescriptionId: '160.000.764.737.300.50',
      authoredOn: '2025-10-30',
      patient: {
        name: 'Ludger Königsstein',
        birthDate: '1935-06-22',
        kvnr: 'X234567891',
        address: 'Musterstr. 1, 10623 Berlin',
      },
      coverage: {
        kind: 'GKV',
        code: 'GKV',
        payorName: 'AOK Rheinland/Hamburg',
        iknr: '104212059',
        status: '1',
      },
      practitioner: { name: 'Dr. med. Hans Topp-Glücklich', qualification: 'Hausarzt', lanr: '838382202' },
      organization: {
        name: 'Hausarztpraxis Dr. Topp-Glücklich',
        bsnr: '031234567',
        phone: '0301234567',
        address: 'Musterstr. 2, 10623 Berlin',
      },
      request: {
        quantity: 1,
        dosageText: '1-0-1-0',
        dosageFlag: true,
        autIdemExcluded: false,
        noctu: false,
        coPayment: '0',
        bvg: false,
      },
      medication: {
        kind: 'pzn',
        pzn: '06313728',
        name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
        normSize: 'N3',
        form: 'TAB',
        amount: '12 TAB',
        category: '00',
        vaccine: false,
      },
      legalBasis: { code: '00', label: 'Ohne Besonderheit' },
      findings: [],
    });
  });

  it('reads the same bundle as FHIR JSON with numbers instead of decimal strings', () => {
    const bundle = loadBundle(PZN_1);
    const request = resourceOf(bundle, 'MedicationRequest');
    request['dispenseRequest'] = { quantity: { value: 2, unit: 'Packung' } };
    const view = expectOk(readPrescriptionJson(JSON.parse(JSON.stringify(bundle))));
    expect(view.request.quantity).toBe(2);
  });

  it('accepts a patch version in the bundle profile and reports major.minor', () => {
    const bundle = loadBundle(PZN_1);
    bundle['meta'] = { profile: ['https://fhir.kbv.de/StructureDefinition/KBV_PR_ERP_Bundle|1.3.2'] };
    expect(expectOk(readPrescriptionJson(bundle)).kbvVersion).toBe('1.3');
  });
});

describe('readPrescriptionJson – KBV 1.4', () => {
  it('reads a bundle relabelled to 1.4 like its 1.3 original, version aside', () => {
    const original = expectOk(readPrescriptionJson(loadBundle(WIRKSTOFF_1)));
    const relabelled = expectOk(readPrescriptionJson(relabelTo14(loadBundle(WIRKSTOFF_1))));
    expect(relabelled.kbvVersion).toBe('1.4');
    expect({ ...relabelled, kbvVersion: '1.3' }).toEqual(original);
  });

  it('takes the dosage text of a structured 1.4 dosage from renderedDosageInstruction', () => {
    const bundle = relabelTo14(loadBundle(PZN_1));
    const request = resourceOf(bundle, 'MedicationRequest');
    // DosageDgMP 4-schema (morning and evening) with the generated text (P36-04, algorithm 1.0.1).
    request['dosageInstruction'] = [
      {
        extension: [
          { url: 'https://fhir.kbv.de/StructureDefinition/KBV_EX_ERP_DosageFlag', valueBoolean: true },
        ],
        timing: { repeat: { when: ['MORN'], frequency: 1, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: 1, unit: 'Stück' } }],
      },
      {
        timing: { repeat: { when: ['EVE'], frequency: 1, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: 1, unit: 'Stück' } }],
      },
    ];
    request['extension'] = [
      ...records(request['extension']),
      {
        url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-MedicationRequest.renderedDosageInstruction',
        valueMarkdown: '1-0-1-0 Stück',
      },
      {
        url: 'http://ig.fhir.de/igs/medication/StructureDefinition/GeneratedDosageInstructionsMeta',
        extension: [
          { url: 'algorithmVersion', valueString: '1.0.1' },
          { url: 'language', valueCode: 'de-DE' },
        ],
      },
    ];
    const view = expectOk(readPrescriptionJson(bundle));
    expect(view.kbvVersion).toBe('1.4');
    expect(view.request.dosageText).toBe('1-0-1-0 Stück');
    expect(view.request.dosageFlag).toBe(true);
  });

  it('reads the Gebrauchsanweisung of a 1.4 Rezeptur from dosageInstruction.text', () => {
    const bundle = relabelTo14(loadBundle(REZEPTUR_1));
    const request = resourceOf(bundle, 'MedicationRequest');
    request['dosageInstruction'] = [
      {
        extension: [
          { url: 'https://fhir.kbv.de/StructureDefinition/KBV_EX_ERP_DosageFlag', valueBoolean: true },
        ],
        text: '2mal täglich auftragen',
      },
    ];
    const view = expectOk(readPrescriptionJson(bundle));
    expect(view.medication.kind).toBe('rezeptur');
    expect(view.request).toMatchObject({ dosageText: '2mal täglich auftragen', dosageFlag: true });
  });

  it('shows the 1.4 T-Rezept, BtM, Verschreiber-ID and Patienten-ID as findings', () => {
    const bundle = relabelTo14(loadBundle(PZN_1));
    const request = resourceOf(bundle, 'MedicationRequest');
    const sd = 'https://fhir.kbv.de/StructureDefinition';
    request['extension'] = [
      ...records(request['extension']),
      {
        url: `${sd}/KBV_EX_ERP_Teratogenic`,
        extension: [
          { url: 'Off-Label', valueBoolean: true },
          { url: 'GebaerfaehigeFrau', valueBoolean: false },
          { url: 'EinhaltungSicherheitsmassnahmen', valueBoolean: true },
          { url: 'AushaendigungInformationsmaterialien', valueBoolean: true },
          { url: 'ErklaerungSachkenntnis', valueBoolean: true },
        ],
      },
      {
        url: `${sd}/KBV_EX_ERP_Narcotic`,
        extension: [{ url: 'BtM-Sonderkennzeichen', valueCoding: { code: 'S' } }],
      },
      { url: `${sd}/KBV_EX_ERP_Prescriber_ID`, valueString: 'V-123' },
      { url: `${sd}/KBV_EX_ERP_Patient_ID`, valueString: 'REG-998877' },
    ];
    const view = expectOk(readPrescriptionJson(bundle));
    const byCode = Object.fromEntries(view.findings.map((f) => [f.code, f]));
    expect(byCode['t-rezept']?.message).toContain('Off-Label ja, gebärfähige Frau nein');
    expect(byCode['btm']?.message).toContain('BtM-Sonderkennzeichen S');
    expect(byCode['prescriber-id']?.message).toBe('Verschreiber-ID: V-123.');
    expect(byCode['patient-id']?.message).not.toContain('REG-998877');
  });

  it('reads a 1.4 bundle that went through XML', () => {
    const xml = fhirJsonToXml(relabelTo14(loadBundle(REZEPTUR_1)) as FhirResourceJson);
    const view = expectOk(readPrescriptionXml(xml));
    expect(view.kbvVersion).toBe('1.4');
    expect(view.medication).toMatchObject({ kind: 'rezeptur', amount: '100 ml' });
  });
});

describe('versions and document type', () => {
  it.each(['1.0.1', '1.1.0', '1.2', '2.0'])('refuses KBV %s as unsupported-version', (version) => {
    const bundle = loadBundle(PZN_1);
    bundle['meta'] = { profile: [`https://fhir.kbv.de/StructureDefinition/KBV_PR_ERP_Bundle|${version}`] };
    expect(expectErr(readPrescriptionJson(bundle))).toEqual({
      code: 'unsupported-version',
      message: `KBV-Version nicht unterstützt: ${version}`,
      kbvVersion: version,
    });
  });

  it('says not-kbv-bundle for a bundle without the KBV profile and for other resources', () => {
    const bundle = loadBundle(PZN_1);
    bundle['meta'] = { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Bundle|1.6'] };
    expect(expectErr(readPrescriptionJson(bundle)).code).toBe('not-kbv-bundle');
    expect(expectErr(readPrescriptionJson({ resourceType: 'Parameters' })).code).toBe('not-kbv-bundle');
    for (const junk of [null, undefined, 42, 'Bundle', [], {}]) {
      expect(expectErr(readPrescriptionJson(junk)).code).toBe('not-kbv-bundle');
    }
  });

  it('says malformed for text that is no FHIR XML', () => {
    for (const text of ['', 'kein XML', '<foo xmlns="http://example.org"/>']) {
      expect(expectErr(readPrescriptionXml(text)).code).toBe('malformed');
    }
  });
});

describe('missing parts and findings', () => {
  it.each([
    ['MedicationRequest', 'MedicationRequest'],
    ['Medication', 'Arzneimittel'],
    ['Patient', 'Patientenangaben'],
  ])('refuses a bundle without %s as malformed', (type, word) => {
    const error = expectErr(readPrescriptionJson(withoutResource(loadBundle(PZN_1), type)));
    expect(error.code).toBe('malformed');
    expect(error.message).toContain(word);
  });

  it('reads a bundle without Coverage, Practitioner or Organization and says what is missing', () => {
    let bundle: Json = loadBundle(PZN_1);
    for (const type of ['Coverage', 'Practitioner', 'Organization']) bundle = withoutResource(bundle, type);
    const view = expectOk(readPrescriptionJson(bundle));
    expect(view.coverage).toEqual({ kind: 'other', code: '', payorName: '' });
    expect(view.findings.map((f) => f.code)).toEqual([
      'coverage-missing',
      'practitioner-missing',
      'organization-missing',
    ]);
  });

  it('reports wrong check digits of PrescriptionID, KVNR and PZN as warnings, not failures', () => {
    const bundle = loadBundle(PZN_1);
    bundle['identifier'] = {
      system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId',
      value: '160.000.764.737.300.51',
    };
    records(resourceOf(bundle, 'Patient')['identifier'])[0]!['value'] = 'X234567890';
    const code = resourceOf(bundle, 'Medication')['code'] as Json;
    records(code['coding'])[0]!['code'] = '06313727';

    const view = expectOk(readPrescriptionJson(bundle));
    expect(view.findings.map((f) => [f.severity, f.code])).toEqual([
      ['warning', 'prescription-id-checksum'],
      ['warning', 'kvnr-checksum'],
      ['warning', 'pzn-checksum'],
    ]);
    // A KVNR identifies a person and never goes into a message (architecture §7).
    expect(view.findings.map((f) => f.message).join(' ')).not.toContain('X234567890');
    expect(view.patient.kvnr).toBe('X234567890');
  });

  it('reports a PZN with seven digits as a format warning', () => {
    const bundle = loadBundle(PZN_1);
    records((resourceOf(bundle, 'Medication')['code'] as Json)['coding'])[0]!['code'] = '1746517';
    const view = expectOk(readPrescriptionJson(bundle));
    expect(view.findings).toContainEqual(
      expect.objectContaining({ code: 'pzn-format', severity: 'warning' }),
    );
  });

  it('reports an unknown accident code instead of guessing', () => {
    const bundle = loadBundle(PZN_1);
    const request = resourceOf(bundle, 'MedicationRequest');
    request['extension'] = [
      ...records(request['extension']),
      {
        url: 'https://fhir.kbv.de/StructureDefinition/KBV_EX_FOR_Accident',
        extension: [{ url: 'Unfallkennzeichen', valueCoding: { code: '9' } }],
      },
    ];
    const view = expectOk(readPrescriptionJson(bundle));
    expect(view.request.accident).toBeUndefined();
    expect(view.findings).toContainEqual(expect.objectContaining({ code: 'accident-unknown' }));
  });

  it('never throws on arbitrary input and on damaged bundles', () => {
    const seed = 20260701;
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(readPrescriptionJson(value).ok).toBe(false);
      }),
      { seed, numRuns: 200 },
    );
    // Drop or replace single members anywhere in a real bundle: the result is a view or a typed error.
    const original = loadBundle(WIRKSTOFF_1);
    fc.assert(
      fc.property(
        fc.nat(),
        fc.constantFrom<unknown>(undefined, null, 7, 'x', [], {}),
        (pick, replacement) => {
          const damaged = structuredClone(original) as Json;
          const holders: [Json, string][] = [];
          const collect = (node: unknown): void => {
            if (Array.isArray(node)) return node.forEach(collect);
            if (!isRecord(node)) return;
            for (const [key, child] of Object.entries(node)) {
              holders.push([node, key]);
              collect(child);
            }
          };
          collect(damaged);
          const [holder, key] = holders[pick % holders.length]!;
          holder[key] = replacement;
          const result = readPrescriptionJson(damaged);
          if (result.ok) expect(prescriptionViewSchema.safeParse(result.data).success).toBe(true);
          else expect(['malformed', 'not-kbv-bundle', 'unsupported-version']).toContain(result.error.code);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});

describe('readPrescriptionFromQes', () => {
  it('refuses bytes that are no QES container as malformed', () => {
    for (const bytes of [
      new Uint8Array(0),
      new TextEncoder().encode('<Bundle/>'),
      new Uint8Array([0x30, 0x82, 0x01]),
    ]) {
      expect(expectErr(readPrescriptionFromQes(bytes)).code).toBe('malformed');
    }
  });
});
