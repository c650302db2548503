/**
 * lastMedicationDispense (the Fachdienst's clock) is compared with the attempt (the app's clock) only after
 * converting the attempt to the Fachdienst's time with the offset from the Date header (docs/reliability.md).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Secret } from '../../shared/erezept/identifiers';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import { CLOCK_TOLERANCE_MS, dispenseArrived, probeDispense } from './dispense-reconcile';
import { EventHub } from './events';
import { createSimulatorHarness, type Prescribed, type SimulatorHarness } from './simulator-harness';
import { WorkflowKit } from './workflow-kit';

const ATTEMPT = '2026-10-05T08:00:00.000Z';
const MINUTE = 60_000;
const at = (ms: number): string => new Date(Date.parse(ATTEMPT) + ms).toISOString();

describe('dispenseArrived: in the Fachdienst time', () => {
  it('the tolerance is 2 s (Date header to the second, lastMedicationDispense possibly to the second)', () => {
    expect(CLOCK_TOLERANCE_MS).toBe(2000);
  });

  it('same clocks: arrived iff lastMedicationDispense is at most 2 s older than the attempt — boundary exact', () => {
    expect(dispenseArrived(at(350), ATTEMPT)).toBe(true);
    expect(dispenseArrived(at(0), ATTEMPT)).toBe(true);
    expect(dispenseArrived(at(-2000), ATTEMPT)).toBe(true);
    expect(dispenseArrived(at(-2001), ATTEMPT)).toBe(false);
    expect(dispenseArrived(undefined, ATTEMPT)).toBe(false);
    expect(dispenseArrived('kein Datum', ATTEMPT)).toBe(false);
  });

  describe.each([
    ['5 minutes ahead of', -5 * MINUTE],
    ['5 minutes behind', 5 * MINUTE],
  ])('the app clock %s the Fachdienst', (_label, offset) => {
    // offset = Fachdienst − app: the Fachdienst stamps its time, the app records its own
    it('the attempt stored 0.4 s after it was sent counts as arrived', () => {
      expect(dispenseArrived(at(offset + 400), ATTEMPT, offset)).toBe(true);
    });

    it('a list stored one minute before the attempt (the previous one) does not', () => {
      expect(dispenseArrived(at(offset - MINUTE), ATTEMPT, offset)).toBe(false);
    });

    it('the boundary moves with the offset: 2 s before the converted attempt yes, 2.001 s no', () => {
      expect(dispenseArrived(at(offset - 2000), ATTEMPT, offset)).toBe(true);
      expect(dispenseArrived(at(offset - 2001), ATTEMPT, offset)).toBe(false);
    });

    it('without the offset the same facts are decided wrongly (what the fixed 1 s rule did)', () => {
      const arrivedLate = at(offset + 400);
      const previous = at(offset - MINUTE);
      const decidedWithoutOffset = [dispenseArrived(arrivedLate, ATTEMPT, 0), dispenseArrived(previous, ATTEMPT, 0)];
      // ahead: the arrived list looks too old; behind: the previous list looks new
      expect(decidedWithoutOffset).toEqual(offset < 0 ? [false, false] : [true, true]);
    });
  });

  it('no Date header seen (undefined offset upstream) falls back to offset 0', () => {
    expect(dispenseArrived(at(100), ATTEMPT, Number.NaN)).toBe(true);
    expect(dispenseArrived(at(-3000), ATTEMPT, Number.NaN)).toBe(false);
  });
});

describe('probeDispense: GET ?secret and the decision, nothing written', () => {
  let h: SimulatorHarness;
  let p: Prescribed;
  let ID: Prescribed['id'];
  let kit: WorkflowKit;
  let secret: Secret;
  let parameters: FhirResourceJson;

  beforeEach(async () => {
    h = await createSimulatorHarness('2026-10-05T08:00:00Z');
    p = await h.prescribe();
    ID = p.id;
    const draft = await h.accept(p);
    secret = (await h.store.cases.get(ID))!.secret!;
    const built = h.codecs.buildParameters('dispense', draft, { prescriptionId: ID, kvnr: p.kvnr, telematikId: h.settings.pharmacy().telematikId });
    if (!built.ok) throw new Error(`no Parameters: ${JSON.stringify(built.error)}`);
    parameters = built.data;
    kit = new WorkflowKit({ store: h.store, fachdienst: h.client, settings: h.settings, events: new EventHub(), clock: h.clock, ids: { next: () => 'x' }, codecs: h.codecs });
  });
  afterEach(() => h.close());

  /** a $dispense the app did not make through the workflow (nothing of it is in the store) */
  const storeDispense = async (): Promise<void> => {
    await h.client.dispense(ID, secret, parameters);
  };

  it.each([
    ['ahead of', -5 * MINUTE],
    ['behind', 5 * MINUTE],
  ])('app clock 5 minutes %s the Fachdienst (Date header): arrived and not arrived are still told apart', async (_label, skew) => {
    await h.skewFachdienstClock(skew);
    // the previous list, stored one minute before the attempt
    await storeDispense();
    h.clock.set('2026-10-05T08:01:00Z');
    const attempt = h.clock.now().toISOString();
    expect(await probeDispense(kit, ID, secret, attempt)).toMatchObject({ outcome: 'lost', taskStatus: 'in-progress' });
    // now the attempt arrives, 0.3 s later
    h.clock.set('2026-10-05T08:01:00.300Z');
    await storeDispense();
    expect(await probeDispense(kit, ID, secret, attempt)).toMatchObject({ outcome: 'arrived', answerStatus: 200 });
  });

  it('writes nothing: no submission, no owed operation, no audit row changes', async () => {
    const before = { subs: (await h.store.submissions.listFor(ID)).length, ops: (await h.store.pendingOperations.listForDisplay()).length };
    await probeDispense(kit, ID, secret, h.clock.now().toISOString());
    expect({ subs: (await h.store.submissions.listFor(ID)).length, ops: (await h.store.pendingOperations.listForDisplay()).length }).toEqual(before);
  });

  it.each([
    ['no answer', 'network' as const, 'unknown'],
    ['a timeout', 'timeout' as const, 'unknown'],
    ['503', 503, 'unknown'],
    ['429', 429, 'unknown'],
    ['410 (deleted)', 410, 'lost'],
    ['403 (Secret)', 403, 'lost'],
  ])('a read answered with %s → %s', async (_label, failure, outcome) => {
    await h.fail('getBySecret', failure);
    expect((await probeDispense(kit, ID, secret, h.clock.now().toISOString())).outcome).toBe(outcome);
  });
});
