import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AesGcmCipher, DecryptionError } from './aes-gcm-cipher';

const key = Buffer.alloc(32, 7);
const cipher = new AesGcmCipher(key);
const SECRET = 'c36ca26502892b371d252c99b496e31505ff449aca9bc69e231c58148f6233cf';

/** flips one bit of the decoded payload at `index` (0–11 IV, 12–27 tag, 28… ciphertext) */
function tamper(stored: string, index: number): string {
  const raw = Buffer.from(stored.slice(3), 'base64');
  raw[index] = (raw[index] ?? 0) ^ 0x01;
  return `v1:${raw.toString('base64')}`;
}

describe('AesGcmCipher', () => {
  it('round-trips empty, German/unicode and 1 MB texts', () => {
    const big = 'Ä€😀x'.repeat(1024 * 1024 / 4);
    for (const plain of ['', 'Erika Müller-Lüdenscheidt ß € 😀 中文', big]) {
      expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
    }
  });

  it('writes the v1 format and never the plaintext', () => {
    const stored = cipher.encrypt(SECRET);
    expect(stored).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(stored).not.toContain(SECRET);
    expect(Buffer.from(stored.slice(3), 'base64').toString('latin1')).not.toContain(SECRET);
    // 12 IV + 16 tag + one byte per ASCII character
    expect(Buffer.from(stored.slice(3), 'base64')).toHaveLength(12 + 16 + SECRET.length);
  });

  it('encrypts the same text differently each time (fresh IV)', () => {
    const a = cipher.encrypt(SECRET);
    const b = cipher.encrypt(SECRET);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(3), 'base64').subarray(0, 12)).not.toEqual(Buffer.from(b.slice(3), 'base64').subarray(0, 12));
  });

  it.each([
    ['IV', 0],
    ['tag', 12],
    ['ciphertext', 40],
  ])('rejects a value with a changed %s byte', (_part, index) => {
    const stored = cipher.encrypt(SECRET);
    expect(() => cipher.decrypt(tamper(stored, index))).toThrow(DecryptionError);
  });

  it('rejects a value written under another key, with a German message naming neither value nor key', () => {
    const stored = new AesGcmCipher(randomBytes(32)).encrypt(SECRET);
    let error: unknown;
    try {
      cipher.decrypt(stored);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecryptionError);
    const message = (error as Error).message;
    expect(message).toMatch(/entschlüsselt/);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(key.toString('hex'));
    expect(message).not.toContain(stored);
  });

  it('rejects plaintext and foreign formats instead of passing them through', () => {
    for (const foreign of [SECRET, 'Erika Mustermann', '', 'v2:AAAA', 'v1:', 'v1:not base64!', `v1:${Buffer.alloc(27).toString('base64')}`]) {
      expect(cipher.isCiphertext(foreign)).toBe(false);
      expect(() => cipher.decrypt(foreign)).toThrow(/nicht verschlüsselt oder hat ein unbekanntes Format/);
    }
  });

  it('recognises its own output, also of the empty text', () => {
    expect(cipher.isCiphertext(cipher.encrypt(''))).toBe(true);
    expect(cipher.isCiphertext(cipher.encrypt(SECRET))).toBe(true);
  });

  it('keeps the key out of inspection and JSON', () => {
    const hex = key.toString('hex');
    expect(inspect(cipher, { showHidden: true, depth: 5 })).not.toContain(hex);
    expect(JSON.stringify(cipher)).not.toContain(hex);
  });

  it('accepts only 32-byte keys', () => {
    expect(() => new AesGcmCipher(Buffer.alloc(16))).toThrow(/32 Byte/);
  });
});
