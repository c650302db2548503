import { beforeEach, describe, expect, it } from 'vitest';
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import { ProfessionOids } from '../../../shared/fhir/profiles';
import { parseCms } from '../cms-sign';
import type { TaskStatus } from '../task-record';
import {
  createTestSimulator,
  dispenseParameters,
  outcomeTexts,
  PHARMACY_A,
  PHARMACY_B,
  taskOf,
  type CreatedResponse,
  type TestSimulator,
} from '../test-kit';

let sim: TestSimulator;
let created: CreatedResponse;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  created = await sim.createPrescription({ flowType: '160' });
});

async function accept(ac: string | undefined, options: { telematikId?: string; taskId?: string; header?: string } = {}): Promise<Response> {
  const query = ac === undefined ? '' : `?ac=${ac}`;
  return sim.fhir('POST', `/Task/${options.taskId ?? created.taskId}/$accept${query}`, await sim.pharmacyToken(options.telematikId), {
    headers: options.header ? { 'X-AccessCode': options.header } : {},
  });
}

function forceStatus(status: TaskStatus): void {
  const task = sim.repository.get(created.taskId)!;
  task.status = status;
  sim.repository.put(task);
}

async function closeFor(c: CreatedResponse): Promise<void> {
  const secret = await sim.accept(c);
  const token = await sim.pharmacyToken();
  const body = JSON.stringify(
    dispenseParameters('close', { prescriptionId: c.taskId, kvnr: c.kvnr, telematikId: PHARMACY_A, whenHandedOver: '2026-10-05' }),
  );
  const response = await sim.fhir('POST', `/Task/${c.taskId}/$close?secret=${secret}`, token, { body, contentType: 'application/fhir+json' });
  expect(response.status).toBe(200);
}

describe('$accept success (spec §3.2, A_19169-01)', () => {
  it('answers 200 with a collection of the in-progress Task (with Secret) and the QES Binary', async () => {
    const response = await accept(created.accessCode);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = (await response.json()) as FhirResourceJson;
    expect(bundle['type']).toBe('collection');
    expect(bundle['link']).toEqual([{ relation: 'self', url: `http://localhost/Task/${created.taskId}/$accept/` }]);
    const entries = bundle['entry'] as { fullUrl: string; resource: FhirResourceJson }[];
    expect(entries).toHaveLength(2);
    expect(entries[0]!.fullUrl).toBe(`http://localhost/Task/${created.taskId}`);

    const task = taskOf(bundle);
    expect(task['status']).toBe('in-progress');
    expect(task['id']).toBe(created.taskId);
    const identifiers = task['identifier'] as { system: string; value: string }[];
    const bySystem = (end: string): string | undefined => identifiers.find((i) => i.system.endsWith(end))?.value;
    expect(bySystem('GEM_ERP_NS_PrescriptionId')).toBe(created.taskId);
    expect(bySystem('GEM_ERP_NS_AccessCode')).toBe(created.accessCode);
    expect(bySystem('GEM_ERP_NS_Secret')).toMatch(/^[0-9a-f]{64}$/);
    expect(task['owner']).toEqual({ identifier: { system: 'https://gematik.de/fhir/sid/telematik-id', value: PHARMACY_A } });
    expect(task['for']).toEqual({ identifier: { system: 'http://fhir.de/sid/gkv/kvid-10', value: created.kvnr } });
    const extensions = task['extension'] as { url: string; valueCoding?: { code: string }; valueDate?: string }[];
    expect(extensions.find((e) => e.url.endsWith('GEM_ERP_EX_PrescriptionType'))?.valueCoding?.code).toBe('160');
    expect(extensions.find((e) => e.url.endsWith('GEM_ERP_EX_AcceptDate'))?.valueDate).toBe('2026-11-02');
    expect(extensions.find((e) => e.url.endsWith('GEM_ERP_EX_ExpiryDate'))?.valueDate).toBe('2027-01-05');
    expect(task['lastModified']).toBe('2026-10-05T08:00:00.000Z');

    const binary = entries[1]!.resource;
    expect(binary.resourceType).toBe('Binary');
    expect(binary['contentType']).toBe('application/pkcs7-mime');
    expect(entries[1]!.fullUrl).toBe(`urn:uuid:${String(binary['id'])}`);
    const input = task['input'] as { type: { coding: { code: string }[] }; valueReference: { reference: string } }[];
    expect(input[0]!.type.coding[0]!.code).toBe('1');
    expect(input[0]!.valueReference.reference).toBe(binary['id']);
    // the Binary holds the QES-signed KBV bundle of this prescription
    const cms = parseCms(new Uint8Array(Buffer.from(String(binary['data']), 'base64')));
    expect(await cms.verify()).toBe(true);
    const kbv = new TextDecoder().decode(cms.content);
    expect(kbv).toContain('KBV_PR_ERP_Bundle|1.4');
    expect(kbv).toContain(`<value value="${created.taskId}"/>`);
    expect(kbv).toContain(`<value value="${created.kvnr}"/>`);
  });

  it('stores the new Secret and owner and issues a different Secret on every $accept', async () => {
    const first = await sim.accept(created);
    expect(sim.repository.get(created.taskId)).toMatchObject({ status: 'in-progress', secret: first, owner: PHARMACY_A });
    // hand it back and accept again: a new Secret
    const rejected = await sim.fhir('POST', `/Task/${created.taskId}/$reject?secret=${first}`, await sim.pharmacyToken());
    expect(rejected.status).toBe(204);
    const second = await sim.accept(created, PHARMACY_B);
    expect(second).not.toBe(first);
    expect(sim.repository.get(created.taskId)?.owner).toBe(PHARMACY_B);
  });

  it('takes the AccessCode from the X-AccessCode header as well', async () => {
    const response = await accept(undefined, { header: created.accessCode });
    expect(response.status).toBe(200);
  });

  it('answers in XML by default for a pharmacy', async () => {
    const response = await sim.app.request(`/Task/${created.taskId}/$accept?ac=${created.accessCode}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sim.pharmacyToken()}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+xml');
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml[^>]*>\s*<Bundle xmlns="http:\/\/hl7.org\/fhir">/);
    expect(xml).toContain('<status value="in-progress"/>');
  });
});

describe('$accept check order (spec §3.1 matrix)', () => {
  it('404 for an unknown but well-formed PrescriptionID — with a right or wrong AccessCode', async () => {
    for (const ac of [created.accessCode, '9'.repeat(64)]) {
      const response = await accept(ac, { taskId: '160.000.000.000.123.76' });
      expect(response.status).toBe(404);
      expect(await outcomeTexts(response)).toEqual(['Task not found for prescription id']);
    }
  });

  it.each([
    ['malformed', 'abc'],
    ['wrong check digits', '160.000.000.000.000.01'],
    ['a DiGA id (162)', '162.000.000.000.001.53'],
  ])('403 for a %s id (the role depends on the flow type, spec §3)', async (_what, id) => {
    const response = await accept(created.accessCode, { taskId: id });
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual(['endpoint is forbidden for professionOID 1.2.276.0.76.4.54']);
  });

  it('403 for a wrong or missing AccessCode, with VAU-Error-Code brute_force (A_20703)', async () => {
    const wrong = await accept('0'.repeat(64));
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('VAU-Error-Code')).toBe('brute_force');
    expect(await outcomeTexts(wrong)).toEqual(['AccessCode mismatch']);
    const missing = await accept(undefined);
    expect(missing.status).toBe(403);
    expect(await outcomeTexts(missing)).toEqual(['AccessCode mismatch']);
    expect(sim.repository.get(created.taskId)?.status).toBe('ready');
  });

  it.each<[TaskStatus]>([['draft'], ['completed']])('409 for a %s Task with the right AccessCode, 403 with a wrong one', async (status) => {
    forceStatus(status);
    const right = await accept(created.accessCode);
    expect(right.status).toBe(409);
    expect(await outcomeTexts(right)).toEqual([`Task has invalid status ${status}`]);
    const wrong = await accept('1'.repeat(64));
    expect(wrong.status).toBe(403);
  });

  it('409 for a Task another pharmacy holds, and a second issue when the caller holds it itself', async () => {
    await sim.accept(created, PHARMACY_B);
    const other = await accept(created.accessCode);
    expect(other.status).toBe(409);
    expect(await outcomeTexts(other)).toEqual(['Task has invalid status in-progress']);
    const own = await accept(created.accessCode, { telematikId: PHARMACY_B });
    expect(own.status).toBe(409);
    const body = (await own.json()) as { issue: { code: string; details: { text: string } }[] };
    expect(body.issue.map((i) => i.details.text)).toEqual([
      'Task has invalid status in-progress',
      'Task is processed by requesting institution',
    ]);
    expect(body.issue.every((i) => i.code === 'conflict')).toBe(true);
    const wrong = await accept('2'.repeat(64));
    expect(wrong.status).toBe(403);
  });

  it('409 for a completed Task after the real workflow', async () => {
    await closeFor(created);
    const response = await accept(created.accessCode);
    expect(response.status).toBe(409);
    expect(await outcomeTexts(response)).toEqual(['Task has invalid status completed']);
  });

  it('410 for a cancelled Task — before the AccessCode check (A_19149-02)', async () => {
    const secret = await sim.accept(created);
    const aborted = await sim.fhir('POST', `/Task/${created.taskId}/$abort?secret=${secret}`, await sim.pharmacyToken());
    expect(aborted.status).toBe(204);
    for (const ac of [created.accessCode, '3'.repeat(64), undefined]) {
      const response = await accept(ac);
      expect(response.status).toBe(410);
      expect(await outcomeTexts(response)).toEqual(['Task meanwhile deleted for prescription id']);
    }
  });

  it('403 "Verordnung bis dd.mm.yyyy einlösbar." once the German date is after expiryDate (A_23539-01)', async () => {
    // expiryDate 2027-01-05: still fine at 23:59 Berlin time that day …
    sim.setBaseTime(new Date('2027-01-05T22:59:00Z'));
    const lastMinute = await sim.createPrescription({ flowType: '160', authoredOn: '2026-10-05' });
    // … (accept it later) but not at 00:00 Berlin time the next day (23:00 UTC)
    sim.setBaseTime(new Date('2027-01-05T23:00:00Z'));
    const response = await accept(lastMinute.accessCode, { taskId: lastMinute.taskId });
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual(['Verordnung bis 05.01.2027 einlösbar.']);
    sim.setBaseTime(new Date('2027-01-05T22:59:00Z'));
    expect((await accept(lastMinute.accessCode, { taskId: lastMinute.taskId })).status).toBe(200);
  });

  it('checks the status before the expiry: 409 wins over 403 expired', async () => {
    await sim.accept(created, PHARMACY_B);
    sim.setBaseTime(new Date('2027-02-01T08:00:00Z'));
    expect((await accept(created.accessCode)).status).toBe(409);
  });

  it('403 for an MVO part before its period start, 200 from that German date (A_22635-02)', async () => {
    const mvo = await sim.createPrescription({ flowType: '160', mvo: { part: 2, of: 3, start: '2026-11-01' } });
    const id = sim.repository.get(mvo.taskId)!.mvo!.id;
    sim.setBaseTime(new Date('2026-10-31T22:59:00Z')); // 23:59 in Berlin (CET)
    const early = await accept(mvo.accessCode, { taskId: mvo.taskId });
    expect(early.status).toBe(403);
    expect(await outcomeTexts(early)).toEqual([`Teilverordnung zur Mehrfachverordnung ${id} ist ab 01.11.2026 einlösbar.`]);
    expect(id).toMatch(/^urn:uuid:/);
    sim.setBaseTime(new Date('2026-10-31T23:00:00Z')); // 00:00 in Berlin
    expect((await accept(mvo.accessCode, { taskId: mvo.taskId })).status).toBe(200);
  });

  it('refuses callers other than pharmacies with 403 before looking at the Task', async () => {
    for (const oid of [ProfessionOids.insurant, ProfessionOids.doctorPractice, ProfessionOids.costBearer]) {
      const token = await sim.token(oid, oid === ProfessionOids.insurant ? created.kvnr : '1-2345');
      const response = await sim.fhir('POST', `/Task/160.000.000.000.123.76/$accept?ac=${created.accessCode}`, token);
      expect(response.status).toBe(403);
      expect(await outcomeTexts(response)).toEqual([`endpoint is forbidden for professionOID ${oid}`]);
    }
    const hospitalPharmacy = await sim.token(ProfessionOids.hospitalPharmacy, '5-1234');
    expect((await sim.fhir('POST', `/Task/${created.taskId}/$accept?ac=${created.accessCode}`, hospitalPharmacy)).status).toBe(200);
  });
});
