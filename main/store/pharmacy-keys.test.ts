/**
 * The pharmacy keys wrapped for enrolment (docs/multi-counter.md §5): round trip, refusals of a wrong secret and
 * of every changed field, the scrypt parameters of §5 as the default, the passphrase file's rules and the
 * one-time code's format.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMS,
  PharmacyKeyError,
  generateOneTimeCode,
  normaliseOneTimeCode,
  readEnrolmentPassphrase,
  unwrapPharmacyKeys,
  wrapPharmacyKeys,
  type PharmacyKeys,
  type WrappedKeys,
} from './pharmacy-keys';

/** cheap parameters so the tests stay fast; one test below runs the real ones */
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSPHRASE = 'Kasse-und-Backoffice-2026!';

const freshKeys = (): PharmacyKeys => ({ dataKey: randomBytes(32), kvnrKey: randomBytes(32) });

const failureOf = async (promise: Promise<unknown>): Promise<PharmacyKeyError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PharmacyKeyError) return error;
    throw error;
  }
  throw new Error('expected a PharmacyKeyError');
};

describe('wrapPharmacyKeys / unwrapPharmacyKeys', () => {
  it('round trip: the same two keys come back', async () => {
    const keys = freshKeys();
    const wrapped = await wrapPharmacyKeys(keys, PASSPHRASE, { kdf: FAST });
    const back = await unwrapPharmacyKeys(wrapped, PASSPHRASE);
    expect(back.dataKey.equals(keys.dataKey)).toBe(true);
    expect(back.kvnrKey.equals(keys.kvnrKey)).toBe(true);
  });

  it('is a plain JSON record without a key or the secret in clear', async () => {
    const keys = freshKeys();
    const wrapped = await wrapPharmacyKeys(keys, PASSPHRASE, { kdf: FAST });
    const json = JSON.stringify(wrapped);
    expect(JSON.parse(json)).toEqual(wrapped);
    expect(wrapped).toMatchObject({ version: 1, purpose: 'passphrase', kdf: { name: 'scrypt', ...FAST } });
    expect(Buffer.from(wrapped.kdf.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(wrapped.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(wrapped.ciphertext, 'base64')).toHaveLength(64 + 16);
    for (const secret of [keys.dataKey.toString('base64'), keys.dataKey.toString('hex'), keys.kvnrKey.toString('base64'), PASSPHRASE]) {
      expect(json).not.toContain(secret);
    }
    // fresh salt and nonce every time
    const again = await wrapPharmacyKeys(keys, PASSPHRASE, { kdf: FAST });
    expect(again.kdf.salt).not.toBe(wrapped.kdf.salt);
    expect(again.nonce).not.toBe(wrapped.nonce);
  });

  it('uses scrypt N = 2^17, r = 8, p = 1 unless told otherwise (§5), and unwraps with them', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    const keys = freshKeys();
    const wrapped = await wrapPharmacyKeys(keys, PASSPHRASE);
    expect(wrapped.kdf).toMatchObject({ name: 'scrypt', N: 131072, r: 8, p: 1 });
    expect((await unwrapPharmacyKeys(wrapped, PASSPHRASE)).dataKey.equals(keys.dataKey)).toBe(true);
  });

  it('refuses a wrong secret in German, naming neither key nor secret', async () => {
    const wrapped = await wrapPharmacyKeys(freshKeys(), PASSPHRASE, { kdf: FAST });
    const failure = await failureOf(unwrapPharmacyKeys(wrapped, `${PASSPHRASE}x`));
    expect(failure.reason).toBe('wrong-secret');
    expect(failure.message).toMatch(/konnten nicht entschlüsselt werden/);
    expect(failure.message).not.toContain(PASSPHRASE);
    expect((await failureOf(unwrapPharmacyKeys(wrapped, ''))).reason).toBe('wrong-secret');
  });

  it('refuses a change to any field of the record', async () => {
    const wrapped = await wrapPharmacyKeys(freshKeys(), PASSPHRASE, { kdf: FAST });
    const flip = (base64: string): string => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    const sealed = Buffer.from(wrapped.ciphertext, 'base64');
    const tagFlipped = Buffer.from(sealed);
    tagFlipped[sealed.length - 1] = (tagFlipped[sealed.length - 1] ?? 0) ^ 1;
    const changed: [string, WrappedKeys, PharmacyKeyError['reason']][] = [
      ['salt', { ...wrapped, kdf: { ...wrapped.kdf, salt: flip(wrapped.kdf.salt) } }, 'wrong-secret'],
      ['N', { ...wrapped, kdf: { ...wrapped.kdf, N: 2 ** 11 } }, 'wrong-secret'],
      ['r', { ...wrapped, kdf: { ...wrapped.kdf, r: 4 } }, 'wrong-secret'],
      ['p', { ...wrapped, kdf: { ...wrapped.kdf, p: 2 } }, 'wrong-secret'],
      ['nonce', { ...wrapped, nonce: flip(wrapped.nonce) }, 'wrong-secret'],
      ['ciphertext', { ...wrapped, ciphertext: flip(wrapped.ciphertext) }, 'wrong-secret'],
      ['tag', { ...wrapped, ciphertext: tagFlipped.toString('base64') }, 'wrong-secret'],
      ['version', { ...wrapped, version: 2 as unknown as 1 }, 'malformed-wrap'],
      ['kdf name', { ...wrapped, kdf: { ...wrapped.kdf, name: 'pbkdf2' as 'scrypt' } }, 'malformed-wrap'],
      ['N not a power of two', { ...wrapped, kdf: { ...wrapped.kdf, N: 1000 } }, 'malformed-wrap'],
      ['N beyond the memory bound', { ...wrapped, kdf: { ...wrapped.kdf, N: 2 ** 24 } }, 'malformed-wrap'],
      ['salt length', { ...wrapped, kdf: { ...wrapped.kdf, salt: Buffer.alloc(8).toString('base64') } }, 'malformed-wrap'],
      ['ciphertext cut short', { ...wrapped, ciphertext: sealed.subarray(0, 70).toString('base64') }, 'malformed-wrap'],
      ['nonce not base64', { ...wrapped, nonce: 'not base64!' }, 'malformed-wrap'],
    ];
    for (const [field, record, reason] of changed) {
      expect((await failureOf(unwrapPharmacyKeys(record, PASSPHRASE))).reason, field).toBe(reason);
    }
  });

  it('the purpose is bound too: a code wrap passed off as a passphrase wrap fails', async () => {
    const code = generateOneTimeCode();
    const wrapped = await wrapPharmacyKeys(freshKeys(), code, { purpose: 'one-time-code', kdf: FAST });
    expect(wrapped.purpose).toBe('one-time-code');
    expect((await failureOf(unwrapPharmacyKeys({ ...wrapped, purpose: 'passphrase' }, normaliseOneTimeCode(code)))).reason).toBe('wrong-secret');
  });

  it('a one-time code unwraps however it is typed (case, blanks, dashes)', async () => {
    const keys = freshKeys();
    const code = generateOneTimeCode();
    const wrapped = await wrapPharmacyKeys(keys, code, { purpose: 'one-time-code', kdf: FAST });
    const typed = ` ${code.toLowerCase().replace(/-/g, ' ')} `;
    expect((await unwrapPharmacyKeys(wrapped, typed)).kvnrKey.equals(keys.kvnrKey)).toBe(true);
    expect((await failureOf(unwrapPharmacyKeys(wrapped, 'O0O0'))).reason).toBe('one-time-code');
  });

  it('wraps only two 32-byte keys', async () => {
    await expect(wrapPharmacyKeys({ dataKey: randomBytes(16), kvnrKey: randomBytes(32) }, PASSPHRASE, { kdf: FAST })).rejects.toThrow(/32 Byte/);
  });
});

describe('readEnrolmentPassphrase', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'erx-enrol-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let count = 0;
  const file = (text: string, mode = 0o600): string => {
    const path = join(dir, `passphrase-${++count}`);
    writeFileSync(path, text, { mode });
    chmodSync(path, mode);
    return path;
  };
  const refusal = (path: string): PharmacyKeyError => {
    try {
      readEnrolmentPassphrase(path);
    } catch (error) {
      if (error instanceof PharmacyKeyError) return error;
      throw error;
    }
    throw new Error('expected a refusal');
  };

  it('reads the text without one trailing line break', () => {
    expect(readEnrolmentPassphrase(file(`${PASSPHRASE}\n`))).toBe(PASSPHRASE);
    expect(readEnrolmentPassphrase(file(`${PASSPHRASE}\r\n`))).toBe(PASSPHRASE);
    expect(readEnrolmentPassphrase(file(PASSPHRASE))).toBe(PASSPHRASE);
    expect(readEnrolmentPassphrase(file(`${PASSPHRASE} \n\n`))).toBe(`${PASSPHRASE} \n`);
    expect(readEnrolmentPassphrase(file('äöüßäöüßäöüßäöüß', 0o400))).toBe('äöüßäöüßäöüßäöüß');
  });

  it('refuses fewer than 16 characters', () => {
    const failure = refusal(file('fünfzehn-zeich\n'));
    expect(failure.reason).toBe('passphrase-file');
    expect(failure.message).toMatch(/zu kurz: Sie braucht mindestens 16 Zeichen/);
    expect(failure.message).not.toContain('fünfzehn');
    expect(readEnrolmentPassphrase(file('sechzehn-zeichen\n'))).toBe('sechzehn-zeichen');
  });

  it.skipIf(process.platform === 'win32')('refuses a file group or others may access, without its content', () => {
    for (const mode of [0o640, 0o604, 0o660, 0o644, 0o610]) {
      const failure = refusal(file(`${PASSPHRASE}\n`, mode));
      expect(failure.message, mode.toString(8)).toMatch(/auch für andere Benutzer lesbar .*chmod 600/);
      expect(failure.message).not.toContain(PASSPHRASE);
    }
  });

  it('refuses a missing file and a folder', () => {
    expect(refusal(join(dir, 'missing')).message).toMatch(/kann nicht geöffnet werden/);
    expect(refusal(dir).message).toMatch(/keine gewöhnliche Datei/);
  });
});

describe('one-time codes', () => {
  it('128 random bits in RFC 4648 Base32, groups of four', () => {
    const code = generateOneTimeCode();
    expect(code).toMatch(/^(?:[A-Z2-7]{4}-){6}[A-Z2-7]{2}$/);
    const plain = normaliseOneTimeCode(code);
    expect(plain).toHaveLength(26); // ceil(128 / 5)
    // 26 characters carry 130 bits: the last one holds 3 data bits and 2 zero bits of padding
    expect('AEIMQUY4').toContain(plain[25]);
    const codes = new Set(Array.from({ length: 200 }, generateOneTimeCode));
    expect(codes.size).toBe(200);
  });

  it('uses the whole RFC 4648 alphabet and nothing else', () => {
    const seen = new Set(Array.from({ length: 300 }, () => normaliseOneTimeCode(generateOneTimeCode())).join(''));
    expect([...seen].sort().join('')).toBe('234567ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  });

  it('normalises what was typed; refuses other characters and other lengths', () => {
    expect(normaliseOneTimeCode(' abcd-efgh ijkl-mnop-qrst-uvwx-yz ')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    for (const bad of ['ABCD-EFGH-IJKL-MNOP-QRST-UVWX-Y0', 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-Y1', 'ABCD_EFGH', 'ÄBCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ']) {
      expect(() => normaliseOneTimeCode(bad), bad).toThrow(/ungültige Zeichen/);
    }
    expect(() => normaliseOneTimeCode('ABCD-EFGH')).toThrow(/26 Zeichen/);
  });
});
