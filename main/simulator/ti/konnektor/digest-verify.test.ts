import { createECDH, createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derSignatureToRaw, rawSignatureToDer } from '../../../ti-crypto/ecdsa-signature';
import {
  addPoints,
  BRAINPOOL_P256R1,
  bigIntToBytes,
  bytesToBigInt,
  INFINITY,
  isOnCurve,
  modInverse,
  multiplyPoint,
} from './brainpool-curve';
import { verifyDigestSignature, verifyRawDigestSignature } from './digest-verify';

const FIXTURES = join(__dirname, '../../../../test/fixtures/gematik');
const certificateOf = (keyPath: string) => new X509Certificate(readFileSync(keyPath.replace('.prv.pem', '.crt'))).publicKey;
const { G, n, p } = BRAINPOOL_P256R1;

describe('brainpoolP256r1 constants (RFC 5639 §3.4)', () => {
  it('G lies on the curve and has order n (n·G = ∞, (n−1)·G = −G)', () => {
    expect(isOnCurve(G)).toBe(true);
    expect(multiplyPoint(n, G)).toBe(INFINITY);
    expect(multiplyPoint(n - 1n, G)).toEqual({ x: G.x, y: p - G.y });
  });

  it('G equals OpenSSL\'s base point (the public key of private key 1)', () => {
    const ecdh = createECDH('brainpoolP256r1');
    ecdh.setPrivateKey(bigIntToBytes(1n, 32));
    const point = ecdh.getPublicKey();
    expect(bytesToBigInt(point.subarray(1, 33))).toBe(G.x);
    expect(bytesToBigInt(point.subarray(33))).toBe(G.y);
  });

  it('scalar multiplication agrees with OpenSSL for random scalars', () => {
    for (let i = 0; i < 3; i++) {
      const ecdh = createECDH('brainpoolP256r1');
      ecdh.generateKeys();
      const k = bytesToBigInt(ecdh.getPrivateKey());
      const point = ecdh.getPublicKey();
      expect(multiplyPoint(k, G)).toEqual({ x: bytesToBigInt(point.subarray(1, 33)), y: bytesToBigInt(point.subarray(33)) });
    }
  });

  it('a point off the curve is recognised, and P + (−P) = ∞', () => {
    expect(isOnCurve({ x: G.x, y: G.y + 1n })).toBe(false);
    expect(addPoints(G, { x: G.x, y: p - G.y })).toBe(INFINITY);
    expect(modInverse(3n, n) * 3n % n).toBe(1n);
  });
});

describe('verifyDigestSignature (spec ti-transport §3.8 method 2)', () => {
  it('K17: the api-erp ExternalAuthenticate example is ECDSA over the sent 32 bytes, no re-hash', () => {
    const certificate = new X509Certificate(readFileSync(join(FIXTURES, 'ti-vectors/authentisieren_readcardcertificate_example.der')));
    const digest = Buffer.from('EGvRHN8ZHbaFVSaMBoKLVO3CqW6SjWM8fVeIZyClkQw=', 'base64');
    const signature = Buffer.from(
      'MEQCIGFM9BsPKQYIJA/UgGosqbVh4r84b6OZukGhzXJ4TabwAiBg2dyMpKtXc93ZbcgXz2wP8WWqsdqUumB4jOpd7zXs/A==',
      'base64',
    );
    expect(digest).toHaveLength(32);
    expect(verifyDigestSignature(certificate.publicKey, digest, signature)).toBe(true);
    // …and not over SHA-256 of those bytes, nor over other bytes
    expect(verifyDigestSignature(certificate.publicKey, createHash('sha256').update(digest).digest(), signature)).toBe(false);
    const flipped = Buffer.from(digest);
    flipped[31] = (flipped[31] ?? 0) ^ 1;
    expect(verifyDigestSignature(certificate.publicKey, flipped, signature)).toBe(false);
  });

  it('accepts what OpenSSL signs over SHA-256(m) when given that hash, raw and DER', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
    const message = randomBytes(100);
    const digest = createHash('sha256').update(message).digest();
    const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
    expect(verifyDigestSignature(publicKey, digest, der)).toBe(true);
    expect(verifyRawDigestSignature(publicKey, digest, derSignatureToRaw(der))).toBe(true);
  });

  it('rejects the wrong key, r or s out of range, a malformed signature and a non-brainpool key', () => {
    const card = join(FIXTURES, 'test-cards/smcb/80276001011699902301/80276001011699902301-C_SMCB_AUT_E256_X509.prv.pem');
    const privateKey = createPrivateKey(readFileSync(card));
    const other = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).publicKey;
    const message = randomBytes(10);
    const digest = createHash('sha256').update(message).digest();
    const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
    expect(verifyDigestSignature(other, digest, der)).toBe(false);

    const raw = derSignatureToRaw(der);
    const publicKey = certificateOf(card);
    const zeroR = Buffer.concat([Buffer.alloc(32), raw.subarray(32)]);
    const bigS = Buffer.concat([raw.subarray(0, 32), bigIntToBytes(n, 32)]);
    expect(verifyRawDigestSignature(publicKey, digest, raw)).toBe(true);
    expect(verifyRawDigestSignature(publicKey, digest, zeroR)).toBe(false);
    expect(verifyRawDigestSignature(publicKey, digest, bigS)).toBe(false);
    expect(verifyDigestSignature(publicKey, digest, Buffer.from('3000', 'hex'))).toBe(false);
    expect(verifyDigestSignature(publicKey, digest.subarray(1), rawSignatureToDer(raw))).toBe(false);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifyRawDigestSignature(p256, digest, raw)).toBe(false);
  });
});
