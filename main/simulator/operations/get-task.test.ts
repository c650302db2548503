import { beforeEach, describe, expect, it } from 'vitest';
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import type { TaskStatus } from '../task-record';
import {
  createTestSimulator,
  dispenseParameters,
  outcomeTexts,
  PHARMACY_A,
  PHARMACY_B,
  secretOf,
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

type Entry = { fullUrl: string; resource: FhirResourceJson };
const entries = (bundle: FhirResourceJson): Entry[] => bundle['entry'] as Entry[];
const identifierSystems = (task: FhirResourceJson): string[] =>
  (task['identifier'] as { system: string }[]).map((i) => i.system.replace(/^.*GEM_ERP_NS_/, ''));

async function get(query: string, telematikId = PHARMACY_A, taskId = created.taskId): Promise<Response> {
  return sim.fhir('GET', `/Task/${taskId}${query}`, await sim.pharmacyToken(telematikId));
}

function forceStatus(status: TaskStatus): void {
  const task = sim.repository.get(created.taskId)!;
  task.status = status;
  sim.repository.put(task);
}

async function close(secret: string): Promise<void> {
  const body = JSON.stringify(
    dispenseParameters('close', { prescriptionId: created.taskId, kvnr: created.kvnr, telematikId: PHARMACY_A, whenHandedOver: '2026-10-05' }),
  );
  const response = await sim.fhir('POST', `/Task/${created.taskId}/$close?secret=${secret}`, await sim.pharmacyToken(), {
    body,
    contentType: 'application/fhir+json',
  });
  expect(response.status).toBe(200);
}

describe('GET /Task/{id}?secret= — receipt re-fetch (spec §3.6)', () => {
  it('in-progress: 200 with the Task only (Secret, no AccessCode)', async () => {
    const secret = await sim.accept(created);
    const response = await get(`?secret=${secret}`);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as FhirResourceJson;
    expect(bundle['type']).toBe('collection');
    expect(bundle['link']).toEqual([{ relation: 'self', url: `http://localhost/Task/${created.taskId}` }]);
    expect(entries(bundle)).toHaveLength(1);
    expect(identifierSystems(taskOf(bundle))).toEqual(['PrescriptionId', 'Secret']);
  });

  it('completed: 200 with the Task (output → receipt, lastMedicationDispense) and the same receipt', async () => {
    const secret = await sim.accept(created);
    await close(secret);
    const stored = sim.repository.get(created.taskId)!;
    const response = await get(`?secret=${secret}`);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as FhirResourceJson;
    expect(entries(bundle)).toHaveLength(2);
    const task = taskOf(bundle);
    expect(task['status']).toBe('completed');
    const output = task['output'] as { type: { coding: { code: string }[] }; valueReference: { reference: string } }[];
    expect(output[0]!.type.coding[0]!.code).toBe('3');
    expect(output[0]!.valueReference.reference).toBe(stored.receipt!['id']);
    expect(JSON.stringify(task['extension'])).toContain('GEM_ERP_EX_LastMedicationDispense');
    const receipt = entries(bundle)[1]!;
    expect(receipt.fullUrl).toBe(`urn:uuid:${String(stored.receipt!['id'])}`);
    expect(receipt.resource).toEqual(stored.receipt);
  });

  it('has no owner check: a branch with the Secret gets the receipt (spec §12.9)', async () => {
    const secret = await sim.accept(created);
    await close(secret);
    expect((await get(`?secret=${secret}`, PHARMACY_B)).status).toBe(200);
  });

  it.each<[TaskStatus]>([['draft'], ['ready']])('%s: 403 — no Secret exists', async (status) => {
    forceStatus(status);
    const response = await get(`?secret=${'0'.repeat(64)}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('VAU-Error-Code')).toBe('brute_force');
    expect(await outcomeTexts(response)).toEqual(['No or invalid secret provided for user pharmacy']);
  });

  it('403 for a wrong Secret, 410 for a cancelled Task, 404 for an unknown one', async () => {
    const secret = await sim.accept(created);
    expect((await get(`?secret=${'0'.repeat(64)}`)).status).toBe(403);
    expect((await get(`?secret=${secret}`, PHARMACY_A, '160.000.000.000.123.76')).status).toBe(404);
    expect(await outcomeTexts(await get(`?secret=${secret}`, PHARMACY_A, '160.000.000.000.123.76'))).toEqual(['Task not found in DB']);
    forceStatus('cancelled');
    const gone = await get(`?secret=${secret}`);
    expect(gone.status).toBe(410);
    expect(await outcomeTexts(gone)).toEqual(['Task has already been deleted']);
  });
});

describe('GET /Task/{id}?ac= — secret recovery (spec §3.3)', () => {
  it('own in-progress Task: 200 with the Secret, no AccessCode, and the QES Binary; nothing changes', async () => {
    const secret = await sim.accept(created);
    const before = sim.repository.get(created.taskId);
    const response = await get(`?ac=${created.accessCode}`);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as FhirResourceJson;
    expect(secretOf(bundle)).toBe(secret);
    expect(identifierSystems(taskOf(bundle))).toEqual(['PrescriptionId', 'Secret']);
    const binary = entries(bundle).find((e) => e.resource.resourceType === 'Binary')!;
    expect(binary.resource['contentType']).toBe('application/pkcs7-mime');
    expect(binary.resource['data']).toBe(before!.prescription!.cms);
    expect(sim.repository.get(created.taskId)).toEqual(before);
  });

  it('own completed Task: 200 (A_24178-02)', async () => {
    const secret = await sim.accept(created);
    await close(secret);
    const response = await get(`?ac=${created.accessCode}`);
    expect(response.status).toBe(200);
    expect(secretOf((await response.json()) as FhirResourceJson)).toBe(secret);
  });

  it('AccessCode via X-AccessCode header works too', async () => {
    await sim.accept(created);
    const response = await sim.fhir('GET', `/Task/${created.taskId}`, await sim.pharmacyToken(), {
      headers: { 'X-AccessCode': created.accessCode },
    });
    expect(response.status).toBe(200);
  });

  it('412 when another pharmacy holds the Task, in-progress or completed (A_24176-01)', async () => {
    const secret = await sim.accept(created, PHARMACY_B);
    const response = await get(`?ac=${created.accessCode}`);
    expect(response.status).toBe(412);
    expect(await outcomeTexts(response)).toEqual(["Task.owner doesn't match idNumberClaim in ACCESS_TOKEN"]);
    const body = JSON.stringify(
      dispenseParameters('close', { prescriptionId: created.taskId, kvnr: created.kvnr, telematikId: PHARMACY_B, whenHandedOver: '2026-10-05' }),
    );
    const closed = await sim.fhir('POST', `/Task/${created.taskId}/$close?secret=${secret}`, await sim.pharmacyToken(PHARMACY_B), {
      body,
      contentType: 'application/fhir+json',
    });
    expect(closed.status).toBe(200);
    const completed = await get(`?ac=${created.accessCode}`);
    expect(completed.status).toBe(412);
    expect(await outcomeTexts(completed)).toEqual(["Task.owner doesn't match idNumberClaim in ACCESS_TOKEN"]);
  });

  it.each<[TaskStatus]>([['draft'], ['ready']])('412 for a %s Task (A_24178-02)', async (status) => {
    forceStatus(status);
    const response = await get(`?ac=${created.accessCode}`);
    expect(response.status).toBe(412);
    expect(await outcomeTexts(response)).toEqual(['Task must be in-progress or completed.']);
  });

  it('410 cancelled, 403 wrong AccessCode, 404 unknown, 403 when neither ac nor secret is given', async () => {
    await sim.accept(created);
    const wrong = await get(`?ac=${'0'.repeat(64)}`);
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('VAU-Error-Code')).toBe('brute_force');
    expect(await outcomeTexts(wrong)).toEqual(['AccessCode mismatch']);
    const unknown = await get(`?ac=${created.accessCode}`, PHARMACY_A, '160.000.000.000.123.76');
    expect(unknown.status).toBe(404);
    expect(await outcomeTexts(unknown)).toEqual(['Task not found in DB']);
    const neither = await get('');
    expect(neither.status).toBe(403);
    expect(await outcomeTexts(neither)).toEqual(['Neither AccessCode(ac) nor secret provided as URI-Parameter.']);
    forceStatus('cancelled');
    const gone = await get(`?ac=${created.accessCode}`);
    expect(gone.status).toBe(410);
    expect(await outcomeTexts(gone)).toEqual(['Task has already been deleted']);
  });
});

describe('insurant reads', () => {
  it('GET /Task/{id}: own Task without Secret; with the AccessCode as representative; 403 otherwise', async () => {
    await sim.accept(created);
    const own = await sim.fhir('GET', `/Task/${created.taskId}`, await sim.insurantToken(created.kvnr));
    expect(own.status).toBe(200);
    const task = taskOf((await own.json()) as FhirResourceJson);
    expect(identifierSystems(task)).toEqual(['PrescriptionId', 'AccessCode']);
    const stranger = await sim.insurantToken('X110580065');
    expect((await sim.fhir('GET', `/Task/${created.taskId}`, stranger)).status).toBe(403);
    expect((await sim.fhir('GET', `/Task/${created.taskId}?ac=${created.accessCode}`, stranger)).status).toBe(200);
  });

  it('GET /Task lists the insurant’s own Tasks; insurants get JSON by default', async () => {
    const other = await sim.createPrescription({ flowType: '160', kvnr: created.kvnr });
    await sim.createPrescription({ flowType: '160', kvnr: 'X110580065' });
    const response = await sim.app.request('/Task', { headers: { authorization: `Bearer ${await sim.insurantToken(created.kvnr)}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = (await response.json()) as FhirResourceJson;
    expect(bundle['type']).toBe('searchset');
    expect(entries(bundle).map((e) => e.resource['id']).sort()).toEqual([created.taskId, other.taskId].sort());
  });

  it('GET /MedicationDispense is forbidden for pharmacies (A_19405-02, spec §3.10)', async () => {
    const response = await sim.fhir('GET', '/MedicationDispense', await sim.pharmacyToken());
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual(['endpoint is forbidden for professionOID 1.2.276.0.76.4.54']);
  });
});
