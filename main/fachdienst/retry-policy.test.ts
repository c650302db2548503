import { describe, expect, it } from 'vitest';
import { fachdienstErrorFromResponse, fachdienstUnreachableError, type FachdienstOperation } from '../../shared/fhir/operation-outcome';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  mustReadBeforeRepeat,
  RATE_LIMIT_DELAY_MS,
  retryCause,
  shouldRetryAutomatically,
} from './retry-policy';

const at = new Date('2026-10-05T08:00:00Z');
const answered = (operation: FachdienstOperation, status: number) => fachdienstErrorFromResponse(operation, status, undefined, at);

describe('retry policy (spec §8, A_25460)', () => {
  it('allows at most 10 tries and waits an hour after 429', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(10);
    expect(RATE_LIMIT_DELAY_MS).toBe(60 * 60 * 1000);
  });

  it('backs off for exactly 408, 500, 503, 504, 507, 509, 512', () => {
    const retryable = [];
    for (let status = 400; status < 600; status++) if (isRetryableStatus(status)) retryable.push(status);
    expect(retryable).toEqual([408, 500, 503, 504, 507, 509, 512]);
  });

  it.each(['dispense', 'getBySecret', 'getByAc'] as const)('repeats %s after a listed status or a timeout', (operation) => {
    expect(shouldRetryAutomatically(operation, answered(operation, 503))).toBe(true);
    expect(shouldRetryAutomatically(operation, answered(operation, 408))).toBe(true);
    expect(shouldRetryAutomatically(operation, fachdienstUnreachableError(operation, 'timeout', at))).toBe(true);
  });

  it.each([429, 502, 506, 400, 403, 409, 501])('never repeats a $dispense answered with %i at the counter', (status) => {
    expect(shouldRetryAutomatically('dispense', answered('dispense', status))).toBe(false);
  });

  it('repeats $dispense only after a read; the reads themselves need none', () => {
    expect(mustReadBeforeRepeat('dispense')).toBe(true);
    expect(mustReadBeforeRepeat('getBySecret')).toBe(false);
    expect(mustReadBeforeRepeat('getByAc')).toBe(false);
  });

  it('does not repeat a call that got no connection at all (the outage queue takes it)', () => {
    expect(shouldRetryAutomatically('dispense', fachdienstUnreachableError('dispense', 'network', at, 'ECONNREFUSED'))).toBe(false);
  });

  it.each(['accept', 'close', 'reject', 'abort', 'listCommunications', 'sendCommunication', 'deleteCommunication'] as const)('never repeats %s automatically, even after 503 or a timeout', (operation) => {
    expect(shouldRetryAutomatically(operation, answered(operation, 503))).toBe(false);
    expect(shouldRetryAutomatically(operation, fachdienstUnreachableError(operation, 'timeout', at))).toBe(false);
  });

  it('waits base·2^(n−1), capped, with equal jitter within [half, full] (A_20884)', () => {
    const policy = { maxAttempts: 10, baseMs: 1000, maxDelayMs: 60_000 };
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, () => 0.999_999))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(3000);
    // capped: 2^9 s would be 512 s
    expect(backoffDelayMs(10, policy, () => 0)).toBe(30_000);
    expect(backoffDelayMs(10, policy, () => 0.999_999)).toBe(60_000);
    expect(backoffDelayMs(2000, policy, () => 0.3)).toBeLessThanOrEqual(60_000);
  });

  it('keeps every random wait within [half, full] of the exponential value', () => {
    const policy = { maxAttempts: 10, baseMs: 7, maxDelayMs: 1000 };
    for (let n = 1; n <= 12; n++) {
      const exp = Math.min(1000, 7 * 2 ** (n - 1));
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelayMs(n, policy, Math.random);
        expect(delay).toBeGreaterThanOrEqual(exp / 2);
        expect(delay).toBeLessThanOrEqual(exp);
      }
    }
  });

  it('names the cause in German for „wird erneut versucht“', () => {
    expect(retryCause(answered('dispense', 503))).toBe('Der E-Rezept-Fachdienst ist vorübergehend nicht verfügbar.');
    expect(retryCause(fachdienstUnreachableError('dispense', 'timeout', at))).toBe('Der E-Rezept-Fachdienst hat nicht rechtzeitig geantwortet.');
  });
});
