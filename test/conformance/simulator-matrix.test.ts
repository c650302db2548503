/**
 * The check-order matrix of spec §3.1 ("as implemented, FD 1.22"), one HTTP-level test per cell: 8 pharmacy
 * operations × 6 Task states (not found / bad id, draft, ready, in-progress, completed, cancelled). Each asserts
 * the status and the OperationOutcome text (or, for the success cells, the answer's shape) — the simulator must
 * answer exactly like the Fachdienst, never stricter.
 *
 * Tasks reach their state through the real operations ($accept, $close, $abort); only "draft" is set directly,
 * because the simulator offers no $create (docs/simulator.md "Deviations").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import {
  createTestSimulator,
  dispenseParameters,
  outcomeTexts,
  PHARMACY_A,
  PHARMACY_B,
  secretOf,
  taskOf,
  type TestSimulator,
} from '../../main/simulator/test-kit';

type Column = 'not-found' | 'draft' | 'ready' | 'in-progress' | 'completed' | 'cancelled';

interface Prepared {
  taskId: string;
  accessCode: string;
  kvnr: string;
  /** the Secret the pharmacy got from $accept (a made-up one where none was ever issued) */
  secret: string;
}

const UNKNOWN_ID = '160.000.000.000.123.76'; // valid check digits, no Task
const MALFORMED_ID = '160.000.000.000.000.01'; // wrong Mod-97 check digits (spec §1.3)
const NO_SECRET = 'f'.repeat(64);
const WRONG_AC = '0'.repeat(64);

let sim: TestSimulator;
const dataDir = mkdtempSync(join(tmpdir(), 'sim-matrix-'));
let runs = 0;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function prepare(column: Exclude<Column, 'not-found'>): Promise<Prepared> {
  const created = await sim.createPrescription({ flowType: '160' });
  const base = {
    taskId: created.taskId,
    accessCode: created.accessCode,
    kvnr: created.kvnr,
    secret: NO_SECRET,
  };
  if (column === 'ready') return base;
  if (column === 'draft') {
    // what $create leaves behind: a draft with AccessCode, no Secret, no owner (spec §4)
    const task = sim.repository.get(created.taskId)!;
    sim.repository.put({ ...task, status: 'draft' });
    return base;
  }
  const secret = await sim.accept(created, PHARMACY_A);
  const token = await sim.pharmacyToken(PHARMACY_A);
  if (column === 'completed') {
    const body = JSON.stringify(dispenseParameters('close', { ...ctx(base), telematikId: PHARMACY_A }));
    const closed = await sim.fhir('POST', `/Task/${created.taskId}/$close?secret=${secret}`, token, {
      body,
      contentType: 'application/fhir+json',
    });
    expect(closed.status).toBe(200);
  }
  if (column === 'cancelled') {
    expect((await sim.fhir('POST', `/Task/${created.taskId}/$abort?secret=${secret}`, token)).status).toBe(
      204,
    );
  }
  return { ...base, secret };
}

const ctx = (
  p: Prepared,
): { prescriptionId: string; kvnr: string; telematikId: string; whenHandedOver: string } => ({
  prescriptionId: p.taskId,
  kvnr: p.kvnr,
  telematikId: PHARMACY_A,
  whenHandedOver: '2026-10-05',
});

async function call(
  method: string,
  path: string,
  telematikId = PHARMACY_A,
  body?: FhirResourceJson,
): Promise<Response> {
  return sim.fhir(method, path, await sim.pharmacyToken(telematikId), {
    ...(body ? { body: JSON.stringify(body), contentType: 'application/fhir+json' } : {}),
  });
}

async function expectOutcome(response: Response, status: number, texts: string[]): Promise<void> {
  expect(response.status).toBe(status);
  expect(await outcomeTexts(response)).toEqual(texts);
}

const bruteForce = (response: Response): void =>
  expect(response.headers.get('VAU-Error-Code')).toBe('brute_force');

const entriesOf = (bundle: FhirResourceJson): FhirResourceJson[] =>
  (bundle['entry'] as { resource: FhirResourceJson }[]).map((e) => e.resource);

// ------------------------------------------------------------------------------------------------------------

/** The whole matrix on the memory state and on SQLite (the app's embedded simulator persists). */
describe.each([['in memory', false] as const, ['in SQLite', true] as const])('state %s', (_state, sqlite) => {
  beforeEach(async () => {
    sim = await createTestSimulator(
      new Date('2026-10-05T08:00:00Z'),
      sqlite ? { sqliteFile: join(dataDir, `matrix-${++runs}.db`) } : {},
    );
  });
  afterEach(() => sim.repository.close());

  describe('POST /Task/{id}/$accept?ac= with the right AccessCode', () => {
    const accept = (p: { taskId: string; accessCode: string }, telematikId = PHARMACY_A): Promise<Response> =>
      call('POST', `/Task/${p.taskId}/$accept?ac=${p.accessCode}`, telematikId);

    it('not found: 404; a malformed id: 403 (the role check needs the flow type, spec §3)', async () => {
      await expectOutcome(await accept({ taskId: UNKNOWN_ID, accessCode: WRONG_AC }), 404, [
        'Task not found for prescription id',
      ]);
      await expectOutcome(await accept({ taskId: MALFORMED_ID, accessCode: WRONG_AC }), 403, [
        'endpoint is forbidden for professionOID 1.2.276.0.76.4.54',
      ]);
    });
    it('draft: 409', async () => {
      await expectOutcome(await accept(await prepare('draft')), 409, ['Task has invalid status draft']);
    });
    it('ready: 200 — Task in-progress with Secret, and the QES Binary', async () => {
      const p = await prepare('ready');
      const response = await accept(p);
      expect(response.status).toBe(200);
      const bundle = (await response.json()) as FhirResourceJson;
      expect(taskOf(bundle)['status']).toBe('in-progress');
      expect(secretOf(bundle)).toMatch(/^[0-9a-f]{64}$/);
      expect(entriesOf(bundle).map((r) => r.resourceType)).toEqual(['Task', 'Binary']);
    });
    it('in-progress: 409, with "Task is processed by requesting institution" when the caller holds it', async () => {
      const p = await prepare('in-progress');
      await expectOutcome(await accept(p, PHARMACY_B), 409, ['Task has invalid status in-progress']);
      await expectOutcome(await accept(p, PHARMACY_A), 409, [
        'Task has invalid status in-progress',
        'Task is processed by requesting institution',
      ]);
    });
    it('completed: 409', async () => {
      await expectOutcome(await accept(await prepare('completed')), 409, [
        'Task has invalid status completed',
      ]);
    });
    it('cancelled: 410', async () => {
      await expectOutcome(await accept(await prepare('cancelled')), 410, [
        'Task meanwhile deleted for prescription id',
      ]);
    });
  });

  describe('POST /Task/{id}/$accept with a wrong or missing AccessCode', () => {
    const acceptWrong = (taskId: string, ac: string | undefined): Promise<Response> =>
      call('POST', `/Task/${taskId}/$accept${ac === undefined ? '' : `?ac=${ac}`}`);

    it('not found: 404; a malformed id: 403', async () => {
      await expectOutcome(await acceptWrong(UNKNOWN_ID, WRONG_AC), 404, [
        'Task not found for prescription id',
      ]);
      await expectOutcome(await acceptWrong(MALFORMED_ID, undefined), 403, [
        'endpoint is forbidden for professionOID 1.2.276.0.76.4.54',
      ]);
    });
    it.each<['draft' | 'ready' | 'in-progress' | 'completed']>([
      ['draft'],
      ['ready'],
      ['in-progress'],
      ['completed'],
    ])('%s: 403 AccessCode mismatch, brute_force — wrong and missing', async (column) => {
      const p = await prepare(column);
      for (const ac of [WRONG_AC, undefined]) {
        const response = await acceptWrong(p.taskId, ac);
        bruteForce(response);
        await expectOutcome(response, 403, ['AccessCode mismatch']);
      }
      expect(sim.repository.get(p.taskId)?.status).toBe(column);
    });
    it('cancelled: 410 (the deleted check comes first)', async () => {
      const p = await prepare('cancelled');
      await expectOutcome(await acceptWrong(p.taskId, WRONG_AC), 410, [
        'Task meanwhile deleted for prescription id',
      ]);
    });
  });

  describe('GET /Task/{id}?ac= — secret recovery', () => {
    const recover = (
      p: { taskId: string; accessCode: string },
      telematikId = PHARMACY_A,
    ): Promise<Response> => call('GET', `/Task/${p.taskId}?ac=${p.accessCode}`, telematikId);

    it('not found: 404; a malformed id: 404', async () => {
      await expectOutcome(await recover({ taskId: UNKNOWN_ID, accessCode: WRONG_AC }), 404, [
        'Task not found in DB',
      ]);
      await expectOutcome(await recover({ taskId: MALFORMED_ID, accessCode: WRONG_AC }), 404, [
        'Failed to parse prescription ID from URL parameter',
      ]);
    });
    it.each<['draft' | 'ready']>([['draft'], ['ready']])('%s: 412', async (column) => {
      await expectOutcome(await recover(await prepare(column)), 412, [
        'Task must be in-progress or completed.',
      ]);
    });
    it.each<['in-progress' | 'completed']>([['in-progress'], ['completed']])(
      '%s: 200 with the Secret and the QES for the owner, 412 for anyone else',
      async (column) => {
        const p = await prepare(column);
        const own = await recover(p);
        expect(own.status).toBe(200);
        const bundle = (await own.json()) as FhirResourceJson;
        expect(secretOf(bundle)).toBe(p.secret);
        expect(entriesOf(bundle).map((r) => r.resourceType)).toEqual(['Task', 'Binary']);
        await expectOutcome(await recover(p, PHARMACY_B), 412, [
          "Task.owner doesn't match idNumberClaim in ACCESS_TOKEN",
        ]);
      },
    );
    it('cancelled: 410', async () => {
      await expectOutcome(await recover(await prepare('cancelled')), 410, ['Task has already been deleted']);
    });
  });

  describe('POST /Task/{id}/$dispense?secret=', () => {
    const dispense = (p: Prepared): Promise<Response> =>
      call(
        'POST',
        `/Task/${p.taskId}/$dispense?secret=${p.secret}`,
        PHARMACY_A,
        dispenseParameters('dispense', ctx(p)),
      );

    it('not found: 404', async () => {
      await expectOutcome(
        await dispense({ taskId: UNKNOWN_ID, accessCode: '', kvnr: 'X110411675', secret: NO_SECRET }),
        404,
        ['Task not found for prescription id'],
      );
    });
    it.each<['draft' | 'ready' | 'cancelled']>([['draft'], ['ready'], ['cancelled']])(
      '%s: 403 — no Secret exists (the Secret check comes before the status, spec §3.12: no 410)',
      async (column) => {
        const response = await dispense(await prepare(column));
        bruteForce(response);
        await expectOutcome(response, 403, ['No or invalid secret provided for Task']);
      },
    );
    it('in-progress: 204 with an empty body', async () => {
      const response = await dispense(await prepare('in-progress'));
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
    });
    it('completed: 403 (right Secret, wrong status)', async () => {
      await expectOutcome(await dispense(await prepare('completed')), 403, ['Task not in-progress.']);
    });
  });

  describe('POST /Task/{id}/$close?secret=', () => {
    const close = (p: Prepared): Promise<Response> =>
      call(
        'POST',
        `/Task/${p.taskId}/$close?secret=${p.secret}`,
        PHARMACY_A,
        dispenseParameters('close', ctx(p)),
      );

    it('not found: 404', async () => {
      await expectOutcome(
        await close({ taskId: UNKNOWN_ID, accessCode: '', kvnr: 'X110411675', secret: NO_SECRET }),
        404,
        ['Task not found for prescription id'],
      );
    });
    it.each<['draft' | 'ready' | 'completed']>([['draft'], ['ready'], ['completed']])(
      '%s: 403',
      async (column) => {
        await expectOutcome(await close(await prepare(column)), 403, [
          `Task has to be in progress, but is: ${column}`,
        ]);
      },
    );
    it('in-progress: 200 — the receipt Bundle', async () => {
      const response = await close(await prepare('in-progress'));
      expect(response.status).toBe(200);
      const receipt = (await response.json()) as FhirResourceJson;
      expect(receipt['type']).toBe('document');
      expect(entriesOf(receipt).map((r) => r.resourceType)).toEqual(['Composition', 'Device', 'Binary']);
    });
    it('cancelled: 410', async () => {
      await expectOutcome(await close(await prepare('cancelled')), 410, ['Task has already been deleted']);
    });
  });

  describe('POST /Task/{id}/$reject?secret=', () => {
    const reject = (p: Prepared): Promise<Response> =>
      call('POST', `/Task/${p.taskId}/$reject?secret=${p.secret}`);

    it('not found: 404', async () => {
      await expectOutcome(
        await reject({ taskId: UNKNOWN_ID, accessCode: '', kvnr: '', secret: NO_SECRET }),
        404,
        ['Task not found for prescription id'],
      );
    });
    it.each<['draft' | 'ready' | 'completed']>([['draft'], ['ready'], ['completed']])(
      '%s: 403',
      async (column) => {
        await expectOutcome(await reject(await prepare(column)), 403, [
          `Task not in status in progress, is: ${column}`,
        ]);
      },
    );
    it('in-progress: 204, back to ready', async () => {
      const p = await prepare('in-progress');
      const response = await reject(p);
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(sim.repository.get(p.taskId)).toMatchObject({ status: 'ready', secret: null, owner: null });
    });
    it('cancelled: 410', async () => {
      await expectOutcome(await reject(await prepare('cancelled')), 410, ['Task has already been deleted']);
    });
  });

  describe('POST /Task/{id}/$abort?secret= by a pharmacy', () => {
    const abort = (p: Prepared): Promise<Response> =>
      call('POST', `/Task/${p.taskId}/$abort?secret=${p.secret}`);

    it('not found: 404', async () => {
      await expectOutcome(
        await abort({ taskId: UNKNOWN_ID, accessCode: '', kvnr: '', secret: NO_SECRET }),
        404,
        ['Task not found for prescription id'],
      );
    });
    it('draft: 403', async () => {
      await expectOutcome(await abort(await prepare('draft')), 403, [
        'Abort not expected for newly created Task',
      ]);
    });
    it.each<['ready' | 'completed']>([['ready'], ['completed']])('%s: 403', async (column) => {
      await expectOutcome(await abort(await prepare(column)), 403, [
        `Task must be in progress for user pharmacy, is: ${column}`,
      ]);
    });
    it('in-progress: 204, cancelled', async () => {
      const p = await prepare('in-progress');
      const response = await abort(p);
      expect(response.status).toBe(204);
      expect(sim.repository.get(p.taskId)?.status).toBe('cancelled');
    });
    it('cancelled: 410', async () => {
      await expectOutcome(await abort(await prepare('cancelled')), 410, ['Task has already been deleted']);
    });
  });

  describe('GET /Task/{id}?secret= — receipt re-fetch', () => {
    const refetch = (p: Prepared, telematikId = PHARMACY_A): Promise<Response> =>
      call('GET', `/Task/${p.taskId}?secret=${p.secret}`, telematikId);

    it('not found: 404', async () => {
      await expectOutcome(
        await refetch({ taskId: UNKNOWN_ID, accessCode: '', kvnr: '', secret: NO_SECRET }),
        404,
        ['Task not found in DB'],
      );
    });
    it.each<['draft' | 'ready']>([['draft'], ['ready']])('%s: 403 — no Secret exists', async (column) => {
      const response = await refetch(await prepare(column));
      bruteForce(response);
      await expectOutcome(response, 403, ['No or invalid secret provided for user pharmacy']);
    });
    it('in-progress: 200, the Task only', async () => {
      const response = await refetch(await prepare('in-progress'));
      expect(response.status).toBe(200);
      expect(entriesOf((await response.json()) as FhirResourceJson).map((r) => r.resourceType)).toEqual([
        'Task',
      ]);
    });
    it('completed: 200, the Task and the receipt — also for another pharmacy with the Secret (no owner check)', async () => {
      const p = await prepare('completed');
      for (const telematikId of [PHARMACY_A, PHARMACY_B]) {
        const response = await refetch(p, telematikId);
        expect(response.status).toBe(200);
        const entries = entriesOf((await response.json()) as FhirResourceJson);
        expect(entries.map((r) => r.resourceType)).toEqual(['Task', 'Bundle']);
        expect(entries[1]!['id']).toBe(sim.repository.get(p.taskId)!.receipt!['id']);
      }
    });
    it('cancelled: 410', async () => {
      await expectOutcome(await refetch(await prepare('cancelled')), 410, ['Task has already been deleted']);
    });
  });
});
