/**
 * Training on a shared store (issue 18 item 2, docs/multi-counter.md §6): a trainer's reset at one counter empties
 * the training data of every counter — cases, owed operations, leases — and the other counter learns it without a
 * reload (the store's notification becomes its `cases-changed` event).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../shared/ipc/contract';
import { prescriptionIdOf } from './support/consistency';
import { scan } from './support/in-process-app';
import { pollUntil } from './support/poll';
import { startSharedPharmacy, type SharedCounter, type SharedPharmacy } from './support/shared-counters';

let pharmacy: SharedPharmacy;
let kasse1: SharedCounter;
let kasse2: SharedCounter;

beforeAll(async () => {
  pharmacy = await startSharedPharmacy();
  kasse1 = await pharmacy.startCounter('Kasse 1', 'AB');
  kasse2 = await pharmacy.startCounter('Kasse 2', 'CD');
}, 60_000);

afterAll(async () => {
  await pharmacy?.close();
});

describe('a trainer’s reset on a shared store', () => {
  it('empties the training of every counter, and the other counter follows without a reload', async () => {
    const prescription = await pharmacy.sim.fd.createPrescription();
    expect(await scan(kasse1.handlers, prescription)).toMatchObject({ ok: true, outcome: 'accepted' });
    const id = prescriptionIdOf(prescription.taskId);
    // the counter that claimed it holds it
    expect(await kasse2.handlers['erx:holdCase']({ prescriptionId: id })).toMatchObject({ mine: false, counter: 'Kasse 1' });
    expect((await kasse2.handlers['erx:listCases']({})).total).toBe(1);
    const seen: AppEvent[] = [];
    const unsubscribe = kasse2.core.events.subscribe((event) => seen.push(event));
    try {
      await kasse1.handlers['erx:trainerReset']({});
      await pollUntil(() => seen.some((e) => e.type === 'cases-changed'), (arrived) => arrived, { what: 'Kasse 2 told of the reset', timeoutMs: 10_000 });
      expect((await kasse2.handlers['erx:listCases']({})).total).toBe(0);
      expect((await kasse1.handlers['erx:listCases']({})).total).toBe(0);
      expect(await pharmacy.query('SELECT COUNT(*)::int AS n FROM case_leases')).toEqual([{ n: 0 }]);
    } finally {
      unsubscribe();
    }
  });
});
