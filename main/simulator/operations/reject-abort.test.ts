import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskStatus } from '../task-record';
import { createTestSimulator, dispenseParameters, outcomeTexts, PHARMACY_A, type CreatedResponse, type TestSimulator } from '../test-kit';

let sim: TestSimulator;
let created: CreatedResponse;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  created = await sim.createPrescription({ flowType: '160' });
});

async function op(operation: '$reject' | '$abort' | '$dispense', secret: string, body?: string): Promise<Response> {
  return sim.fhir('POST', `/Task/${created.taskId}/${operation}?secret=${secret}`, await sim.pharmacyToken(), {
    ...(body ? { body, contentType: 'application/fhir+json' } : {}),
  });
}

function forceStatus(status: TaskStatus): void {
  const task = sim.repository.get(created.taskId)!;
  task.status = status;
  sim.repository.put(task);
}

const dispenseBody = (): string =>
  JSON.stringify(
    dispenseParameters('dispense', { prescriptionId: created.taskId, kvnr: created.kvnr, telematikId: PHARMACY_A, whenHandedOver: '2026-10-05' }),
  );

describe('$reject (spec §3.7)', () => {
  it('204: back to ready; Secret, owner, dispenses and lastMedicationDispense gone (ERP_EE_ZBD_06)', async () => {
    const secret = await sim.accept(created);
    expect((await op('$dispense', secret, dispenseBody())).status).toBe(204);
    const response = await op('$reject', secret);
    expect(response.status).toBe(204);
    expect(sim.repository.get(created.taskId)).toMatchObject({
      status: 'ready',
      secret: null,
      owner: null,
      dispenses: [],
      lastMedicationDispense: null,
      accessCode: created.accessCode,
    });
    // the old Secret is worthless now
    expect((await op('$dispense', secret, dispenseBody())).status).toBe(403);
  });

  it('403 for a wrong status (before the Secret), 403 for a wrong Secret, 410 when cancelled', async () => {
    const ready = await op('$reject', '0'.repeat(64));
    expect(ready.status).toBe(403);
    expect(await outcomeTexts(ready)).toEqual(['Task not in status in progress, is: ready']);
    await sim.accept(created);
    const wrong = await op('$reject', '0'.repeat(64));
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('VAU-Error-Code')).toBe('brute_force');
    forceStatus('cancelled');
    expect((await op('$reject', '0'.repeat(64))).status).toBe(410);
  });
});

describe('$abort (spec §3.8)', () => {
  it('pharmacy: 204, cancelled, everything but the KVNR wiped; later calls 410', async () => {
    const secret = await sim.accept(created);
    expect((await op('$dispense', secret, dispenseBody())).status).toBe(204);
    expect((await op('$abort', secret)).status).toBe(204);
    expect(sim.repository.get(created.taskId)).toMatchObject({
      status: 'cancelled',
      kvnr: created.kvnr,
      accessCode: null,
      secret: null,
      owner: null,
      prescription: null,
      dispenses: [],
      receipt: null,
      lastMedicationDispense: null,
    });
    expect((await op('$reject', secret)).status).toBe(410);
  });

  it('pharmacy: 403 unless in-progress with the right Secret', async () => {
    const ready = await op('$abort', '0'.repeat(64));
    expect(ready.status).toBe(403);
    expect(await outcomeTexts(ready)).toEqual(['Task must be in progress for user pharmacy, is: ready']);
    await sim.accept(created);
    const wrong = await op('$abort', '0'.repeat(64));
    expect(wrong.status).toBe(403);
    expect(await outcomeTexts(wrong)).toEqual(['No or invalid secret provided for user pharmacy']);
  });

  it('insurant: may delete an own ready Task, not one in progress', async () => {
    const insurant = await sim.insurantToken(created.kvnr);
    const other = await sim.createPrescription({ flowType: '160', kvnr: created.kvnr });
    await sim.accept(other);
    const busy = await sim.fhir('POST', `/Task/${other.taskId}/$abort`, insurant);
    expect(busy.status).toBe(403);
    expect((await sim.fhir('POST', `/Task/${created.taskId}/$abort`, insurant)).status).toBe(204);
    expect(sim.repository.get(created.taskId)?.status).toBe('cancelled');
  });
});
