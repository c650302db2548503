/**
 * „Kasse hinzufügen“ (issue 18 item 6, docs/multi-counter.md §5): an enrolled counter makes a one-time code — 128
 * random bits, shown once — and leaves the pharmacy keys in the store wrapped under it (scrypt + AES-256-GCM,
 * pharmacy-keys.ts) for 15 minutes; the new counter that starts with the code takes the wrap and deletes it. The code
 * itself is never stored or logged.
 */
import type { EnrolmentCode } from '../../shared/ipc/contract';
import { failure } from '../errors';
import { generateOneTimeCode, wrapPharmacyKeys, type PharmacyKeys, type ScryptParams, type WrappedKeys } from '../store/pharmacy-keys';

export const ENROLMENT_CODE_TTL_MS = 15 * 60_000;

export interface EnrolmentCodeDeps {
  /** absent: this counter keeps its own store — there is nobody to let in */
  shared?: {
    keys(): PharmacyKeys;
    addCodeWrap(wrap: WrappedKeys, ttlMs: number): Promise<void>;
  };
  now: () => Date;
  /** tests only: cheaper scrypt */
  kdf?: ScryptParams;
}

export class EnrolmentCodeService {
  constructor(private readonly deps: EnrolmentCodeDeps) {}

  async create(): Promise<EnrolmentCode> {
    const shared = this.deps.shared;
    if (!shared) {
      throw failure(
        'not-shared',
        'Diese Kasse arbeitet mit ihrer eigenen Datenbank. Einmal-Codes zum Hinzufügen einer Kasse gibt es nur mit einer gemeinsamen Datenbank (README „Mehrere Kassen“).',
        { at: this.deps.now() },
      );
    }
    const code = generateOneTimeCode();
    const wrap = await wrapPharmacyKeys(shared.keys(), code, { purpose: 'one-time-code', ...(this.deps.kdf ? { kdf: this.deps.kdf } : {}) });
    await shared.addCodeWrap(wrap, ENROLMENT_CODE_TTL_MS);
    return { code, expiresAt: new Date(this.deps.now().getTime() + ENROLMENT_CODE_TTL_MS).toISOString() };
  }
}
