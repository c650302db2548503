import { beforeEach, describe, expect, it } from 'vitest';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { makePrescriptionId, type FlowType } from '../../shared/erezept/identifiers';
import { fhirJsonToXml, fhirXmlToJson, type FhirResourceJson } from '../../shared/fhir/xml';
import { parseCms } from './cms-sign';
import { generatePrescription, type MvoPart } from './prescription-generator';
import { createTestSimulator, type TestSimulator } from './test-kit';

let sim: TestSimulator;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
});

let uuidCounter = 0;
function kbvXml(options: {
  id: string;
  flowType?: FlowType;
  kvnr?: string;
  authoredOn?: string;
  mvo?: MvoPart;
  version?: string;
  legalBasis?: string;
}): string {
  const authoredOn = options.authoredOn ?? '2026-10-01';
  const { bundle } = generatePrescription({
    prescriptionId: options.id,
    flowType: options.flowType ?? '160',
    kvnr: options.kvnr ?? 'X110411675',
    medication: 'pzn',
    authoredOn,
    issuedAt: new Date(`${authoredOn}T09:15:00Z`),
    mvo: options.mvo,
    legalBasis: options.legalBasis,
    catalog: demoCatalog,
    random: () => 0.3,
    uuid: () => `00000000-0000-4000-8000-${String(++uuidCounter).padStart(12, '0')}`,
  });
  const xml = fhirJsonToXml(bundle);
  return options.version
    ? xml.replace(/KBV_PR_ERP_Bundle\|1\.[34]/, `KBV_PR_ERP_Bundle|${options.version}`)
    : xml;
}

async function importXml(
  body: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return sim.control('POST', '/prescriptions', body);
}

function signedBundle(taskId: string): { xml: string; json: FhirResourceJson; signingTime: string } {
  const task = sim.repository.get(taskId)!;
  const cms = parseCms(new Uint8Array(Buffer.from(task.prescription!.cms, 'base64')));
  const xml = new TextDecoder().decode(cms.content);
  const json = fhirXmlToJson(xml);
  if (!json.ok) throw new Error(json.error);
  return { xml, json: json.data, signingTime: task.authoredOn };
}

describe('POST /_sim/prescriptions with kbvBundleXml', () => {
  it('keeps a valid, unused PrescriptionID, takes KVNR and authoredOn from the bundle and signs it as it came', async () => {
    const id = makePrescriptionId('160', 4711n);
    const xml = kbvXml({ id, kvnr: 'X110411675', authoredOn: '2026-10-01' });
    const { status, json } = await importXml({ kbvBundleXml: xml });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      taskId: id,
      kvnr: 'X110411675',
      token: `Task/${id}/$accept?ac=${String(json['accessCode'])}`,
    });
    expect(JSON.parse(String(json['dataMatrix']))).toEqual({ urls: [json['token']] });
    const task = sim.repository.get(id)!;
    // flow 160 from 2026-10-01: accept +28 days, expiry +3 months (spec §1.2)
    expect(task).toMatchObject({
      status: 'ready',
      flowType: '160',
      kvnr: 'X110411675',
      acceptDate: '2026-10-29',
      expiryDate: '2027-01-01',
    });
    expect(task.authoredOn).toBe('2026-10-01T09:15:00.000Z');
    expect(signedBundle(id).xml).toBe(xml);
    // and it can be accepted like any other prescription
    expect(
      (
        await sim.fhir(
          'POST',
          `/Task/${id}/$accept?ac=${String(json['accessCode'])}`,
          await sim.pharmacyToken(),
        )
      ).status,
    ).toBe(200);
  });

  it('derives the flow type from the id (PKV 200: both dates +3 months)', async () => {
    const id = makePrescriptionId('200', 815n);
    const { status } = await importXml({
      kbvBundleXml: kbvXml({ id, flowType: '200', authoredOn: '2026-09-15' }),
    });
    expect(status).toBe(201);
    expect(sim.repository.get(id)).toMatchObject({
      flowType: '200',
      acceptDate: '2026-12-15',
      expiryDate: '2026-12-15',
    });
  });

  it('takes a KVNR with a wrong check digit as it is (the Fachdienst compares strings, spec §1.3)', async () => {
    const { status, json } = await importXml({
      kbvBundleXml: kbvXml({ id: makePrescriptionId('160', 9n), kvnr: 'X123456789' }),
    });
    expect(status).toBe(201);
    expect(json['kvnr']).toBe('X123456789');
  });

  it.each([
    ['already used by a Task', 'used'],
    ['with a wrong check digit', '160.000.000.000.001.55'],
    ['of another flow type than requested', 'other-flow'],
  ])(
    'gives a new PrescriptionID when the bundle’s is %s — and writes it into the signed bundle',
    async (_what, kind) => {
      let id: string;
      let body: Record<string, unknown>;
      if (kind === 'used') {
        id = makePrescriptionId('160', 77n);
        expect((await importXml({ kbvBundleXml: kbvXml({ id }) })).status).toBe(201);
        body = { kbvBundleXml: kbvXml({ id }) };
      } else if (kind === 'other-flow') {
        id = makePrescriptionId('160', 78n);
        body = { kbvBundleXml: kbvXml({ id }), flowType: '169' };
      } else {
        id = kind;
        body = { kbvBundleXml: kbvXml({ id }), flowType: '160' };
      }
      const { status, json } = await importXml(body);
      expect(status).toBe(201);
      const taskId = String(json['taskId']);
      expect(taskId).not.toBe(id);
      expect(taskId.slice(0, 3)).toBe(kind === 'other-flow' ? '169' : '160');
      const signed = signedBundle(taskId).json;
      expect(signed['identifier']).toEqual({
        system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId',
        value: taskId,
      });
    },
  );

  it('never hands out an imported id again from the sequence', async () => {
    const taken = makePrescriptionId('160', 1n); // the sequence's next number
    expect((await importXml({ kbvBundleXml: kbvXml({ id: taken }) })).status).toBe(201);
    const generated = await sim.createPrescription({ flowType: '160' });
    expect(generated.taskId).not.toBe(taken);
  });

  it('gives an Entlassrezept (legal basis 04) the Fachdienst\'s 3 working days as Belieferungsfrist (A_19517)', async () => {
    const id = makePrescriptionId('160', 404n);
    // signed Thursday 01.10.2026: Thursday, Friday, (Saturday 03.10. a national holiday, Sunday) Monday 05.10.
    expect((await importXml({ kbvBundleXml: kbvXml({ id, legalBasis: '04' }) })).status).toBe(201);
    expect(sim.repository.get(id)).toMatchObject({ acceptDate: '2026-10-05', expiryDate: '2027-01-01' });
  });

  it('reads the Mehrfachverordnung: start for the 403, end as accept and expiry date (A_22635-02)', async () => {
    const id = makePrescriptionId('160', 300n);
    const mvo: MvoPart = {
      part: 2,
      of: 3,
      start: '2026-11-01',
      end: '2027-02-28',
      id: 'urn:uuid:11111111-2222-4333-8444-555555555555',
    };
    expect((await importXml({ kbvBundleXml: kbvXml({ id, mvo }) })).status).toBe(201);
    expect(sim.repository.get(id)).toMatchObject({
      acceptDate: '2027-02-28',
      expiryDate: '2027-02-28',
      mvo: { id: mvo.id, start: '2026-11-01' },
    });
  });

  it.each([
    ['not XML', { kbvBundleXml: 'kein xml' }, 'kein lesbares FHIR-XML'],
    [
      'no KBV bundle',
      { kbvBundleXml: '<Patient xmlns="http://hl7.org/fhir"><id value="p"/></Patient>' },
      'kein KBV-Verordnungsdatensatz',
    ],
    [
      'KBV 1.1.0 (no longer taken by the Fachdienst)',
      { kbvBundleXml: kbvXml({ id: makePrescriptionId('160', 5n), version: '1.1.0' }) },
      'KBV-Version 1.1.0',
    ],
    [
      'KBV 1.4 signed before 2026-07-01',
      {
        kbvBundleXml: kbvXml({ id: makePrescriptionId('160', 6n), authoredOn: '2026-06-30', version: '1.4' }),
      },
      'KBV-Version 1.4 ist für das Ausstellungsdatum 2026-06-30 nicht zulässig',
    ],
    [
      'a flow type pharmacies do not handle, not overridden',
      { kbvBundleXml: kbvXml({ id: '162.000.000.000.001.53' }) },
      'flowType',
    ],
    ['an unknown field', { kbvBundleXml: kbvXml({ id: makePrescriptionId('160', 7n) }), count: 2 }, 'count'],
  ])('400 for %s', async (_what, body, text) => {
    const { status, json } = await importXml(body);
    expect(status).toBe(400);
    expect(String(json['error'])).toContain(text);
    expect(sim.repository.list()).toEqual([]);
  });

  it('takes a bundle of up to 1 MB through the control API', async () => {
    const xml = kbvXml({ id: makePrescriptionId('160', 8n) });
    // XML comments are no FHIR content: padding that keeps the bundle valid
    const padded = xml.replace(
      '<Bundle xmlns="http://hl7.org/fhir">',
      `<Bundle xmlns="http://hl7.org/fhir"><!--${'x'.repeat(200_000)}-->`,
    );
    expect((await importXml({ kbvBundleXml: padded })).status).toBe(201);
  });
});
