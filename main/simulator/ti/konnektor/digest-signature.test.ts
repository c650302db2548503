import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derSignatureToRaw } from '../../../ti-crypto/ecdsa-signature';
import { BRAINPOOL_P256R1, bigIntToBytes, bytesToBigInt } from './brainpool-curve';
import { signDigest } from './digest-signature';
import { verifyDigestSignature } from './digest-verify';

const CARD_DIR = join(__dirname, '../../../../test/fixtures/gematik/test-cards/smcb/80276001011699902301');
const certificate = new X509Certificate(readFileSync(join(CARD_DIR, '80276001011699902301-C_SMCB_AUT_E256_X509.crt')));
const privateKey = createPrivateKey(readFileSync(join(CARD_DIR, '80276001011699902301-C_SMCB_AUT_E256_X509.prv.pem')));

describe('signDigest (spec ti-transport §3.8 method 1)', () => {
  it('K15: a signature over SHA-256(m) verifies with plain crypto.verify("sha256", m) and the card certificate', () => {
    for (let i = 0; i < 40; i++) {
      const message = randomBytes(1 + (i * 37) % 300);
      const signature = signDigest(privateKey, createHash('sha256').update(message).digest());
      expect(verify('sha256', message, { key: certificate.publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
    }
  });

  it('signs the given bytes, not a hash of them: the signature fails for SHA-256(digest)', () => {
    const digest = randomBytes(32);
    const signature = signDigest(privateKey, digest);
    // crypto.verify hashes what it is given: over `digest` itself it would need sign(SHA-256(digest))
    expect(verify('sha256', digest, { key: certificate.publicKey, dsaEncoding: 'der' }, signature)).toBe(false);
    expect(verifyDigestSignature(certificate.publicKey, digest, signature)).toBe(true);
  });

  it('uses a fresh k each time: two signatures over the same hash differ and both verify', () => {
    const digest = randomBytes(32);
    const first = signDigest(privateKey, digest);
    const second = signDigest(privateKey, digest);
    expect(first.equals(second)).toBe(false);
    expect(verifyDigestSignature(certificate.publicKey, digest, first)).toBe(true);
    expect(verifyDigestSignature(certificate.publicKey, digest, second)).toBe(true);
  });

  it('draws k again when the random bytes are 0 or ≥ n, and then signs with the first usable one', () => {
    const good = randomBytes(32);
    good[0] = 0x10; // below n's first byte 0xa9
    const draws = [Buffer.alloc(32), bigIntToBytes(BRAINPOOL_P256R1.n, 32), Buffer.alloc(32, 0xff), good];
    let used = 0;
    const digest = randomBytes(32);
    const signature = signDigest(privateKey, digest, () => {
      const next = draws[used++];
      if (next === undefined) throw new Error('zu viele Ziehungen');
      return next;
    });
    expect(used).toBe(4);
    expect(verifyDigestSignature(certificate.publicKey, digest, signature)).toBe(true);
    // r is x(k·G) for the accepted k — the same k gives the same r
    const again = signDigest(privateKey, randomBytes(32), () => good);
    expect(derSignatureToRaw(again).subarray(0, 32)).toEqual(derSignatureToRaw(signature).subarray(0, 32));
  });

  it('gives up on a random source that never yields a usable k', () => {
    expect(() => signDigest(privateKey, randomBytes(32), () => Buffer.alloc(32))).toThrow(/kein gültiges k/);
  });

  it('refuses a hash that is not 32 bytes and a key that is not brainpoolP256r1', () => {
    expect(() => signDigest(privateKey, randomBytes(31))).toThrow(/31 statt 32/);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => signDigest(p256, randomBytes(32))).toThrow(/brainpoolP256r1/);
  });

  it('returns DER with r and s in [1, n−1]', () => {
    const raw = derSignatureToRaw(signDigest(privateKey, randomBytes(32)));
    for (const half of [raw.subarray(0, 32), raw.subarray(32)]) {
      const value = bytesToBigInt(half);
      expect(value > 0n && value < BRAINPOOL_P256R1.n).toBe(true);
    }
  });
});
