import { describe, expect, it } from 'vitest';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { fachdienstErrorFromResponse, fachdienstUnreachableError, type FachdienstOperation } from '../../shared/fhir/operation-outcome';
import type { RetryProgress } from '../../shared/ipc/contract';
import { AppFailure } from '../errors';
import type { DispenseRepeatCheck, FachdienstApi } from './client';
import { CANCELLED_PREFIX, RetryingFachdienst } from './retrying-fachdienst';
import type { RetryPolicy } from './retry-policy';

const ID = '160.000.000.000.001.54' as PrescriptionId;
const SECRET = 'a'.repeat(64) as Secret;
const AC = 'b'.repeat(64) as AccessCode;
const at = new Date('2026-10-05T08:00:00Z');

const http = (operation: FachdienstOperation, status: number) =>
  new AppFailure(fachdienstErrorFromResponse(operation, status, undefined, at));
const noAnswer = (operation: FachdienstOperation, cause: 'timeout' | 'network') =>
  new AppFailure(fachdienstUnreachableError(operation, cause, at, cause === 'network' ? 'ECONNREFUSED' : 'nach 20 ms abgebrochen'));

type Step = 'ok' | Error;

/** Every operation answers from one script (the last step repeats) and counts its calls. */
class ScriptedFachdienst implements FachdienstApi {
  calls = 0;
  constructor(private readonly script: Step[]) {}

  private async step<T>(value: T): Promise<T> {
    const step = this.script[Math.min(this.calls, this.script.length - 1)] ?? 'ok';
    this.calls++;
    if (step !== 'ok') throw step;
    return value;
  }

  accept = () => this.step<unknown>({ resourceType: 'Bundle' });
  dispense = () => this.step<void>(undefined);
  close = () => this.step<unknown>({ resourceType: 'Bundle' });
  getBySecret = () => this.step<unknown>({ resourceType: 'Bundle' });
  getByAccessCode = () => this.step<unknown>({ resourceType: 'Bundle' });
  reject = () => this.step<void>(undefined);
  abort = () => this.step<void>(undefined);
  listByEgk = () => this.step({ status: 200, body: { resourceType: 'Bundle', type: 'searchset' } as unknown });
  listCommunications = () => this.step({ status: 200, body: { resourceType: 'Bundle', type: 'searchset' } as unknown });
  sendCommunication = () => this.step({ id: 'c-1', body: { resourceType: 'Communication', id: 'c-1' } as unknown });
  deleteCommunication = () => this.step<void>(undefined);
  subscribeCommunications = () => this.step({ id: 'sub-1', end: new Date('2026-10-05T20:00:00Z'), token: 'jws' });
}

function setup(script: Step[], policy: RetryPolicy = { maxAttempts: 10, baseMs: 1000, maxDelayMs: 60_000 }) {
  const inner = new ScriptedFachdienst(script);
  const progress: RetryProgress[] = [];
  const ended: PrescriptionId[] = [];
  const delays: number[] = [];
  const fachdienst = new RetryingFachdienst({
    inner,
    policy: () => policy,
    now: () => at,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    onProgress: (p) => progress.push(p),
    onEnded: (id) => ended.push(id),
  });
  return { inner, fachdienst, progress, ended, delays };
}

const PARAMS = { resourceType: 'Parameters' };
/** A read before each repeat that always finds the list not arrived (the plain backoff of the reads). */
const notArrived = { beforeRepeat: async (): Promise<DispenseRepeatCheck> => 'repeat' };

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(
  () => {
    throw new Error('expected a failure');
  },
  (e: unknown) => e,
);

describe('RetryingFachdienst (spec §8, A_25460)', () => {
  it('repeats a $dispense after 503 until it succeeds — each time after the read said "not arrived" — and reports every wait', async () => {
    const s = setup([http('dispense', 503), http('dispense', 503), http('dispense', 503), 'ok']);
    await s.fachdienst.dispense(ID, SECRET, PARAMS, notArrived);
    expect(s.inner.calls).toBe(4);
    expect(s.progress.map((p) => p.attempt)).toEqual([1, 2, 3]);
    expect(s.progress[0]).toEqual({
      prescriptionId: ID,
      operation: 'dispense',
      attempt: 1,
      maxAttempts: 10,
      nextAttemptAt: new Date(at.getTime() + 750).toISOString(),
      cause: 'Der E-Rezept-Fachdienst ist vorübergehend nicht verfügbar.',
      httpStatus: 503,
    });
    expect(s.ended).toEqual([ID]);
  });

  it('lets the waits grow, each within [half, full] of base·2^(n−1)', async () => {
    const s = setup([http('getBySecret', 500), http('getBySecret', 500), http('getBySecret', 500), http('getBySecret', 500), 'ok']);
    await s.fachdienst.getBySecret(ID, SECRET);
    expect(s.delays).toEqual([750, 1500, 3000, 6000]);
    s.delays.forEach((delay, i) => {
      const exp = 1000 * 2 ** i;
      expect(delay).toBeGreaterThanOrEqual(exp / 2);
      expect(delay).toBeLessThanOrEqual(exp);
    });
  });

  it('gives up after exactly maxAttempts calls with the last failure', async () => {
    const last = http('dispense', 503);
    const s = setup([...Array.from({ length: 9 }, () => http('dispense', 503)), last]);
    const error = await rejection(s.fachdienst.dispense(ID, SECRET, PARAMS, notArrived));
    expect(error).toBe(last);
    expect(s.inner.calls).toBe(10);
    expect(s.progress).toHaveLength(9);
    expect(s.ended).toEqual([ID]);
  });

  it('reads the policy per call: fewer attempts from a changed setting', async () => {
    const s = setup([http('dispense', 503)], { maxAttempts: 3, baseMs: 1, maxDelayMs: 10 });
    await rejection(s.fachdienst.dispense(ID, SECRET, PARAMS, notArrived));
    expect(s.inner.calls).toBe(3);
  });

  it.each([
    ['429 (queued by the workflow, an hour later)', http('dispense', 429)],
    ['400', http('dispense', 400)],
    ['502 (only with client failover)', http('dispense', 502)],
    ['no connection at all', noAnswer('dispense', 'network')],
  ])('calls only once after %s — not even a read before', async (_label, error) => {
    const s = setup([error, 'ok']);
    let reads = 0;
    const beforeRepeat = async (): Promise<DispenseRepeatCheck> => {
      reads++;
      return 'repeat';
    };
    expect(await rejection(s.fachdienst.dispense(ID, SECRET, PARAMS, { beforeRepeat }))).toBe(error);
    expect(s.inner.calls).toBe(1);
    expect(reads).toBe(0);
    expect(s.progress).toHaveLength(0);
    expect(s.ended).toHaveLength(0);
  });

  it('repeats a read after a timeout', async () => {
    const s = setup([noAnswer('getByAc', 'timeout'), 'ok']);
    expect(await s.fachdienst.getByAccessCode(ID, AC)).toEqual({ resourceType: 'Bundle' });
    expect(s.inner.calls).toBe(2);
    expect(s.progress[0]?.operation).toBe('getByAc');
    expect(s.progress[0]?.cause).toBe('Der E-Rezept-Fachdienst hat nicht rechtzeitig geantwortet.');
  });

  it.each([
    ['accept', (f: FachdienstApi) => f.accept(ID, AC)],
    ['close', (f: FachdienstApi) => f.close(ID, SECRET)],
    ['reject', (f: FachdienstApi) => f.reject(ID, SECRET)],
    ['abort', (f: FachdienstApi) => f.abort(ID, SECRET)],
  ] as const)('passes %s straight through, even after 503', async (operation, call) => {
    const failure = http(operation, 503);
    const s = setup([failure, 'ok']);
    expect(await rejection(call(s.fachdienst))).toBe(failure);
    expect(s.inner.calls).toBe(1);
  });

  it('passes errors that are no AppFailure through untouched', async () => {
    const bug = new TypeError('boom');
    const s = setup([bug, 'ok']);
    expect(await rejection(s.fachdienst.dispense(ID, SECRET, { resourceType: 'Parameters' }))).toBe(bug);
    expect(s.inner.calls).toBe(1);
  });

  it('cancel during the wait ends the call with „cancelled“, keeping system, retry class and status', async () => {
    const inner = new ScriptedFachdienst([noAnswer('dispense', 'timeout'), http('dispense', 503), 'ok']);
    const ended: PrescriptionId[] = [];
    // „wird erneut versucht“ is reported just before the wait begins
    let reportRetry!: () => void;
    const retrying = new Promise<void>((resolve) => (reportRetry = resolve));
    const fachdienst = new RetryingFachdienst({
      inner,
      policy: () => ({ maxAttempts: 10, baseMs: 60_000, maxDelayMs: 60_000 }),
      now: () => at,
      random: () => 0,
      onProgress: () => reportRetry(),
      onEnded: (id) => ended.push(id),
      // the default sleep: a real timer of 30 s that only the abort can end early
    });
    const result = rejection(fachdienst.dispense(ID, SECRET, PARAMS, notArrived));
    // the first call failed and the wait began
    await retrying;
    expect(fachdienst.cancel(ID)).toBe(true);
    const error = await result;
    expect(error).toBeInstanceOf(AppFailure);
    const appError = (error as AppFailure).appError;
    expect(appError.code).toBe('cancelled');
    expect(appError.message.startsWith(CANCELLED_PREFIX)).toBe(true);
    // a timed-out $dispense stays "outcome unknown" for the workflow
    expect(appError.system).toBe('network');
    expect(appError.retry).toBe('backoff');
    expect(inner.calls).toBe(1);
    expect(ended).toEqual([ID]);
    expect(fachdienst.cancel(ID)).toBe(false);
  });

  it('cancel keeps the HTTP status of the last answer', async () => {
    const controller: { cancel?: () => void } = {};
    const inner = new ScriptedFachdienst([http('getBySecret', 503), http('getBySecret', 504), 'ok']);
    let sleeps = 0;
    const fachdienst: RetryingFachdienst = new RetryingFachdienst({
      inner,
      policy: () => ({ maxAttempts: 10, baseMs: 10, maxDelayMs: 100 }),
      now: () => at,
      sleep: (_ms, signal) =>
        new Promise<void>((resolve) => {
          sleeps++;
          if (sleeps === 2) {
            signal.addEventListener('abort', () => resolve());
            controller.cancel?.();
          } else resolve();
        }),
    });
    controller.cancel = () => fachdienst.cancel(ID);
    const appError = ((await rejection(fachdienst.getBySecret(ID, SECRET))) as AppFailure).appError;
    expect(appError).toMatchObject({ code: 'cancelled', httpStatus: 504, system: 'fachdienst', retry: 'backoff' });
    expect(inner.calls).toBe(2);
  });

  it('cancel while a call is on the wire keeps its answer but stops any further try', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const inner = new ScriptedFachdienst(['ok']);
    inner.dispense = () => {
      calls++;
      return new Promise<void>((_resolve, reject) => {
        release = () => reject(http('dispense', 503));
      });
    };
    const fachdienst = new RetryingFachdienst({ inner, policy: () => ({ maxAttempts: 10, baseMs: 1, maxDelayMs: 1 }), now: () => at, sleep: async () => undefined });
    const result = rejection(fachdienst.dispense(ID, SECRET, { resourceType: 'Parameters' }));
    expect(fachdienst.cancel(ID)).toBe(true);
    release();
    expect(((await result) as AppFailure).appError).toMatchObject({ code: 'cancelled', httpStatus: 503 });
    expect(calls).toBe(1);
  });

  it('cancel returns false when nothing runs for the prescription', () => {
    expect(setup(['ok']).fachdienst.cancel(ID)).toBe(false);
  });

  it('a throwing progress listener does not break the call', async () => {
    const inner = new ScriptedFachdienst([http('dispense', 503), 'ok']);
    const fachdienst = new RetryingFachdienst({
      inner,
      policy: () => ({ maxAttempts: 10, baseMs: 1, maxDelayMs: 1 }),
      now: () => at,
      sleep: async () => undefined,
      onProgress: () => {
        throw new Error('window closed');
      },
    });
    await fachdienst.dispense(ID, SECRET, PARAMS, notArrived);
    expect(inner.calls).toBe(2);
  });
});

describe('RetryingFachdienst: $dispense is read before it is repeated', () => {
  /** A read that answers from a script and logs, with the waits, the order of what happened. */
  function withReads(script: Step[], checks: Array<DispenseRepeatCheck | Error>, policy?: RetryPolicy) {
    const s = setup(script, policy);
    const order: string[] = [];
    const dispense = s.inner.dispense;
    s.inner.dispense = () => {
      order.push('dispense');
      return dispense();
    };
    let reads = 0;
    const beforeRepeat = async (): Promise<DispenseRepeatCheck> => {
      const check = checks[Math.min(reads, checks.length - 1)]!;
      reads++;
      order.push(`read:${check instanceof Error ? 'throws' : check}`);
      if (check instanceof Error) throw check;
      return check;
    };
    const fachdienst = new RetryingFachdienst({
      inner: s.inner,
      policy: () => policy ?? { maxAttempts: 10, baseMs: 1000, maxDelayMs: 60_000 },
      now: () => at,
      random: () => 0.5,
      sleep: async (ms) => {
        order.push(`wait:${ms}`);
      },
      onProgress: (p) => s.progress.push(p),
      onEnded: (id) => s.ended.push(id),
    });
    return { ...s, fachdienst, order, beforeRepeat, reads: () => reads };
  }

  it.each([
    ['a timeout', noAnswer('dispense', 'timeout')],
    ['503', http('dispense', 503)],
    ['500', http('dispense', 500)],
    ['504', http('dispense', 504)],
  ])('without beforeRepeat: not repeated after %s — one call, no wait, no progress', async (_label, error) => {
    const s = setup([error, 'ok']);
    expect(await rejection(s.fachdienst.dispense(ID, SECRET, PARAMS))).toBe(error);
    expect(s.inner.calls).toBe(1);
    expect(s.delays).toEqual([]);
    expect(s.progress).toEqual([]);
    expect(s.ended).toEqual([]);
  });

  it('"arrived": the loop ends as a success after the backoff wait — no second $dispense', async () => {
    const s = withReads([noAnswer('dispense', 'timeout'), 'ok'], ['arrived']);
    await s.fachdienst.dispense(ID, SECRET, PARAMS, { beforeRepeat: s.beforeRepeat });
    expect(s.inner.calls).toBe(1);
    expect(s.order).toEqual(['dispense', 'wait:750', 'read:arrived']);
    // „Wird erneut versucht – Versuch 1 von 10“ was shown during the wait, and its end reported
    expect(s.progress.map((p) => [p.operation, p.attempt, p.maxAttempts])).toEqual([['dispense', 1, 10]]);
    expect(s.ended).toEqual([ID]);
  });

  it('"repeat": the same list is sent again after the backoff wait, read first each time', async () => {
    const s = withReads([http('dispense', 503), noAnswer('dispense', 'timeout'), 'ok'], ['repeat']);
    await s.fachdienst.dispense(ID, SECRET, PARAMS, { beforeRepeat: s.beforeRepeat });
    expect(s.order).toEqual(['dispense', 'wait:750', 'read:repeat', 'dispense', 'wait:1500', 'read:repeat', 'dispense']);
    expect(s.progress.map((p) => p.attempt)).toEqual([1, 2]);
  });

  it('"unknown": the read failed — the loop ends with the last failure, nothing sent again', async () => {
    const last = noAnswer('dispense', 'timeout');
    const s = withReads([http('dispense', 503), last, 'ok'], ['repeat', 'unknown']);
    expect(await rejection(s.fachdienst.dispense(ID, SECRET, PARAMS, { beforeRepeat: s.beforeRepeat }))).toBe(last);
    expect(s.inner.calls).toBe(2);
    expect(s.order.at(-1)).toBe('read:unknown');
    expect(s.ended).toEqual([ID]);
  });

  it('a read that throws counts as "unknown": the last $dispense failure is thrown, not the read\'s error', async () => {
    const first = http('dispense', 500);
    const s = withReads([first, 'ok'], [new Error('read broke')]);
    expect(await rejection(s.fachdienst.dispense(ID, SECRET, PARAMS, { beforeRepeat: s.beforeRepeat }))).toBe(first);
    expect(s.inner.calls).toBe(1);
  });

  it('at most maxAttempts calls of $dispense in total, one read before each repeat', async () => {
    const last = http('dispense', 503);
    const s = withReads([http('dispense', 503), http('dispense', 503), last], ['repeat'], { maxAttempts: 3, baseMs: 10, maxDelayMs: 100 });
    expect(await rejection(s.fachdienst.dispense(ID, SECRET, PARAMS, { beforeRepeat: s.beforeRepeat }))).toBe(last);
    expect(s.inner.calls).toBe(3);
    expect(s.reads()).toBe(2);
    expect(s.order.at(-1)).toBe('dispense');
  });

  it('„Abbrechen“ while the read runs: no further $dispense, the failure comes back as „cancelled“', async () => {
    const inner = new ScriptedFachdienst([http('dispense', 503), 'ok']);
    const fachdienst: RetryingFachdienst = new RetryingFachdienst({ inner, policy: () => ({ maxAttempts: 10, baseMs: 1, maxDelayMs: 1 }), now: () => at, sleep: async () => undefined });
    const beforeRepeat = async (): Promise<DispenseRepeatCheck> => {
      expect(fachdienst.cancel(ID)).toBe(true);
      return 'repeat';
    };
    const appError = ((await rejection(fachdienst.dispense(ID, SECRET, PARAMS, { beforeRepeat }))) as AppFailure).appError;
    expect(appError).toMatchObject({ code: 'cancelled', httpStatus: 503 });
    expect(inner.calls).toBe(1);
  });

  it('„Abbrechen“ while the read runs, and the read found the list: that fact wins — success', async () => {
    const inner = new ScriptedFachdienst([noAnswer('dispense', 'timeout'), 'ok']);
    const fachdienst: RetryingFachdienst = new RetryingFachdienst({ inner, policy: () => ({ maxAttempts: 10, baseMs: 1, maxDelayMs: 1 }), now: () => at, sleep: async () => undefined });
    const beforeRepeat = async (): Promise<DispenseRepeatCheck> => {
      fachdienst.cancel(ID);
      return 'arrived';
    };
    await fachdienst.dispense(ID, SECRET, PARAMS, { beforeRepeat });
    expect(inner.calls).toBe(1);
  });

  it('the reads themselves are still repeated plainly (no beforeRepeat needed)', async () => {
    const s = setup([noAnswer('getBySecret', 'timeout'), http('getBySecret', 503), 'ok']);
    expect(await s.fachdienst.getBySecret(ID, SECRET)).toEqual({ resourceType: 'Bundle' });
    expect(s.inner.calls).toBe(3);
  });

  it('passes the Fachdienst clock offset of the inner client through', () => {
    const inner = new ScriptedFachdienst(['ok']);
    const fachdienst = new RetryingFachdienst({ inner, policy: () => ({ maxAttempts: 1, baseMs: 1, maxDelayMs: 1 }), now: () => at });
    expect(fachdienst.clockOffsetMs()).toBeUndefined();
    Object.assign(inner, { clockOffsetMs: () => -300_000 });
    expect(fachdienst.clockOffsetMs()).toBe(-300_000);
  });
});

describe('RetryingFachdienst: the eGK list', () => {
  it('is asked once: a 503 is not repeated (the proof is short-lived, mismatches count towards the lock)', async () => {
    const { inner, fachdienst, delays } = setup([http('listByEgk', 503), 'ok']);
    const error = await rejection(fachdienst.listByEgk({ kind: 'popp', token: 't' }));
    expect(error).toBeInstanceOf(AppFailure);
    expect(inner.calls).toBe(1);
    expect(delays).toEqual([]);
    expect(await fachdienst.listByEgk({ kind: 'popp', token: 't' })).toMatchObject({ status: 200 });
  });
});


describe('RetryingFachdienst: the messages (spec §3.11)', () => {
  const reply = { resourceType: 'Communication' };

  it('a reply is sent once: a 503 or a timeout is not repeated (not idempotent; the failure says reconcile)', async () => {
    for (const failure of [http('sendCommunication', 503), noAnswer('sendCommunication', 'timeout')]) {
      const { inner, fachdienst, delays, progress } = setup([failure, 'ok']);
      const error = await rejection(fachdienst.sendCommunication(reply));
      expect(error).toBeInstanceOf(AppFailure);
      expect((error as AppFailure).appError.retry).toBe('reconcile');
      expect(inner.calls).toBe(1);
      expect(delays).toEqual([]);
      expect(progress).toEqual([]);
    }
  });

  it('the list and a deletion are asked once as well; their answers pass through', async () => {
    const list = setup([http('listCommunications', 503), 'ok']);
    expect(await rejection(list.fachdienst.listCommunications({ unreadOnly: true }))).toBeInstanceOf(AppFailure);
    expect(list.inner.calls).toBe(1);
    expect(await list.fachdienst.listCommunications()).toMatchObject({ status: 200 });
    const deletion = setup([noAnswer('deleteCommunication', 'timeout'), 'ok']);
    expect(await rejection(deletion.fachdienst.deleteCommunication('c-1'))).toBeInstanceOf(AppFailure);
    expect(deletion.inner.calls).toBe(1);
    await deletion.fachdienst.deleteCommunication('c-1');
    expect(await setup(['ok']).fachdienst.sendCommunication(reply)).toEqual({ id: 'c-1', body: { resourceType: 'Communication', id: 'c-1' } });
  });

  it('an inner client without message calls says so instead of failing obscurely', async () => {
    const inner: FachdienstApi = { ...new ScriptedFachdienst(['ok']), listCommunications: undefined, sendCommunication: undefined, deleteCommunication: undefined };
    const fachdienst = new RetryingFachdienst({ inner, policy: () => ({ maxAttempts: 1, baseMs: 1, maxDelayMs: 1 }), now: () => at });
    await expect(fachdienst.sendCommunication(reply)).rejects.toThrow('keine Nachrichten senden');
    await expect(fachdienst.listCommunications()).rejects.toThrow('keine Nachrichten abrufen');
    await expect(fachdienst.deleteCommunication('c-1')).rejects.toThrow('keine Nachrichten löschen');
  });

  it('the registration for the ping is asked once (the listener has its own backoff) and its answer passes through', async () => {
    const { inner, fachdienst, delays } = setup([http('subscribeCommunications', 503), 'ok']);
    expect(await rejection(fachdienst.subscribeCommunications('3-SMC-B-Testkarte-883110000095957'))).toBeInstanceOf(AppFailure);
    expect(inner.calls).toBe(1);
    expect(delays).toEqual([]);
    expect(await fachdienst.subscribeCommunications('3-SMC-B-Testkarte-883110000095957')).toEqual({ id: 'sub-1', end: new Date('2026-10-05T20:00:00Z'), token: 'jws' });
    const without = new RetryingFachdienst({ inner: { ...inner, subscribeCommunications: undefined }, policy: () => ({ maxAttempts: 1, baseMs: 1, maxDelayMs: 1 }), now: () => at });
    await expect(without.subscribeCommunications('3-SMC-B-Testkarte-883110000095957')).rejects.toThrow('nicht für Benachrichtigungen anmelden');
  });
});
