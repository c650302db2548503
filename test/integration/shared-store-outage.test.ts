/**
 * A store outage mid-session, two counters on one PostgreSQL (issue 18 item 7, docs/multi-counter.md §6; README
 * „Reliability and security“: nothing lost, outages): the cluster stops while both counters run →
 * - each counter's connection indicator names the hop `store` (not the Fachdienst, which still answers);
 * - no Fachdienst call without its journal row: `$dispense` and `$accept` are refused with the German
 *   `store-unavailable` before anything is sent — the simulator's request log shows none;
 * - a draft cannot be saved (the renderer keeps its local copy until the store is back — renderer, not here);
 * the cluster comes back on the same port → the hop is gone at both counters, and the same `$dispense` and `$accept`
 * now go through, each exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../shared/ipc/contract';
import { prescriptionIdOf } from './support/consistency';
import { appErrorOf, listWithBatch, scan } from './support/in-process-app';
import { pollUntil } from './support/poll';
import { startSharedPharmacy, type SharedCounter, type SharedPharmacy } from './support/shared-counters';

/** the listener notices a fast shutdown at once; after a restart it reconnects with a back-off of up to a few seconds */
const HOP_WITHIN_MS = 15_000;
const STORE_UNAVAILABLE = /^Die Datenbank der Apotheke ist nicht erreichbar\. Es wurde nichts an den E-Rezept-Fachdienst gesendet/;

let pharmacy: SharedPharmacy;
let kasse1: SharedCounter;
let kasse2: SharedCounter;

beforeAll(async () => {
  pharmacy = await startSharedPharmacy();
  kasse1 = await pharmacy.startCounter('Kasse 1', 'AB');
  kasse2 = await pharmacy.startCounter('Kasse 2', 'CD');
}, 60_000);

afterAll(async () => {
  // a failed test may have left the cluster paused: back up first, so the counters close cleanly
  await pharmacy?.cluster.resume();
  await pharmacy?.close();
});

function connectionOf(counter: SharedCounter): Promise<ConnectionStatus> {
  return counter.handlers['erx:getConnection']({});
}

function hopBecomes(counter: SharedCounter, expected: (status: ConnectionStatus) => boolean, what: string): Promise<ConnectionStatus> {
  return pollUntil(() => connectionOf(counter), expected, { what: `${counter.name}: ${what}`, timeoutMs: HOP_WITHIN_MS, intervalMs: 50 });
}

describe('the shared store stops mid-session', () => {
  it('the store is a named hop; nothing is sent without its journal row; back → the same submit goes through once', async () => {
    const { fd, requests } = pharmacy.sim;
    // mid-session: counter 1 accepted a prescription, counter 2 has it open, both see the Fachdienst
    const prescription = await fd.createPrescription();
    expect(await scan(kasse1.handlers, prescription)).toMatchObject({ ok: true, outcome: 'accepted' });
    const id = prescriptionIdOf(prescription.taskId);
    const entries = listWithBatch(await kasse1.handlers['erx:getCase']({ prescriptionId: id }), 'OUTAGE-1');
    expect((await kasse2.handlers['erx:getCase']({ prescriptionId: id })).status).toBe('accepted');
    for (const counter of [kasse1, kasse2]) await hopBecomes(counter, (s) => s.state === 'online', 'online before the outage');
    const waiting = await fd.createPrescription();

    await pharmacy.cluster.pause();

    // both counters name the store — the Fachdienst still answers their probes, the store hop wins (§6)
    for (const counter of [kasse1, kasse2]) {
      const status = await hopBecomes(counter, (s) => s.failedHop === 'store', 'hop store while the cluster is stopped');
      expect(status).toMatchObject({ state: 'offline', failedHop: 'store', message: expect.stringMatching(/^Die Datenbank der Apotheke ist nicht erreichbar/) });
    }

    // $dispense: refused before the call, because its journal row cannot be written
    const refused = await appErrorOf(kasse1.handlers['erx:submitDispense']({ prescriptionId: id, entries }));
    expect(refused).toMatchObject({ code: 'store-unavailable', message: expect.stringMatching(STORE_UNAVAILABLE) });
    // $accept at the other counter: the same
    const accept = await scan(kasse2.handlers, waiting);
    expect(accept).toMatchObject({ ok: false, error: { code: 'store-unavailable', message: expect.stringMatching(STORE_UNAVAILABLE) } });
    // the draft is not stored either (the page keeps its own copy until the store is back)
    expect(await appErrorOf(kasse1.handlers['erx:saveDraft']({ prescriptionId: id, entries }))).toMatchObject({ code: 'store-unavailable' });
    expect(requests.count(prescription.taskId, '$dispense')).toBe(0);
    expect(requests.count(waiting.taskId, '$accept')).toBe(0);

    await pharmacy.cluster.resume();

    for (const counter of [kasse1, kasse2]) {
      const status = await hopBecomes(counter, (s) => s.failedHop === undefined && s.state === 'online', 'the store hop gone after the restart');
      expect(status.message).toBeUndefined();
    }
    // the same submit, now exactly once
    expect(await kasse1.handlers['erx:submitDispense']({ prescriptionId: id, entries })).toMatchObject({ outcome: 'sent', status: 'dispensed' });
    expect(requests.statuses(prescription.taskId, '$dispense')).toEqual([204]);
    expect(await fd.storedDispenses(prescription)).toEqual([expect.objectContaining({ lot: 'OUTAGE-1' })]);
    expect(await scan(kasse2.handlers, waiting)).toMatchObject({ ok: true, outcome: 'accepted' });
    expect(requests.statuses(waiting.taskId, '$accept')).toEqual([200]);
    // counter 2 learns the dispense from the store (its listener is back)
    await pollUntil(async () => (await kasse2.handlers['erx:getCase']({ prescriptionId: id })).status, (s) => s === 'dispensed', { what: 'Kasse 2 sees the dispense' });
  });
});
