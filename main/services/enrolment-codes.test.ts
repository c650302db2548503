import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../errors';
import { unwrapPharmacyKeys, type WrappedKeys } from '../store/pharmacy-keys';
import { ENROLMENT_CODE_TTL_MS, EnrolmentCodeService } from './enrolment-codes';

const now = () => new Date('2026-12-07T10:00:00Z');
const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('EnrolmentCodeService („Kasse hinzufügen“)', () => {
  it('leaves the pharmacy keys in the store wrapped under a fresh code for 15 minutes; the code opens them', async () => {
    const keys = { dataKey: randomBytes(32), kvnrKey: randomBytes(32) };
    const wraps: { wrap: WrappedKeys; ttlMs: number }[] = [];
    const service = new EnrolmentCodeService({ shared: { keys: () => keys, addCodeWrap: async (wrap, ttlMs) => void wraps.push({ wrap, ttlMs }) }, now, kdf: cheap });
    const first = await service.create();
    const second = await service.create();
    expect(first.code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{1,4})+$/);
    expect(second.code).not.toBe(first.code);
    expect(first.expiresAt).toBe(new Date(now().getTime() + ENROLMENT_CODE_TTL_MS).toISOString());
    expect(wraps.map((w) => w.ttlMs)).toEqual([ENROLMENT_CODE_TTL_MS, ENROLMENT_CODE_TTL_MS]);
    expect(JSON.stringify(wraps)).not.toContain(first.code);
    const opened = await unwrapPharmacyKeys(wraps[0]!.wrap, first.code);
    expect(opened.dataKey.equals(keys.dataKey) && opened.kvnrKey.equals(keys.kvnrKey)).toBe(true);
    expect(wraps[0]!.wrap.purpose).toBe('one-time-code');
  });

  it('without a shared store there is nobody to let in: refused in German', async () => {
    const refused = await new EnrolmentCodeService({ now }).create().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppFailure);
    expect((refused as AppFailure).appError).toMatchObject({ code: 'not-shared', message: expect.stringContaining('gemeinsamen Datenbank') as unknown });
  });
});
