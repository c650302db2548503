/**
 * The node:crypto primitives against gematik's and the RFCs' known answers (spec ti-transport §4.4, Appendix A).
 * Protocol framing (VAU, JOSE, SOAP) is tested on each side separately; these are the only shared pieces.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gcmDecrypt, gcmEncrypt, GcmAuthenticationError } from './aes-gcm';
import {
  CurveError,
  generateBrainpoolKeyPair,
  normaliseCoordinate,
  pointOf,
  privateKeyFromScalar,
  publicKeyFromPoint,
  sharedSecret,
} from './brainpool';
import { derSignatureToRaw, rawSignatureToDer, SignatureEncodingError, signRawEcdsaSha256, verifyRawEcdsaSha256 } from './ecdsa-signature';
import { concatKdf, hkdfSha256 } from './kdf';

const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const VECTORS = new URL('../../test/fixtures/gematik/ti-vectors/', import.meta.url);

// Appendix A.1: REF vau/src/decrypt.rs = api-erp VAUFixed.cs
const VAU_SCALAR = hex('a54a5685b80f71fd5ebee91659afa98c847c5c864e2335844146675afc595e3c');
const VAU_X = hex('8634212830dad457ca05305e6687134166b9c21a65ffebf555f4e75dfb048888');
const VAU_Y = hex('66e4b6843624cbda43c97ea89968bc41fd53576f82c03efa7d601b9facac2b29');
const EPHEMERAL_SCALAR = hex('5bbba34d47502bd588ed680dfa2309ca375eb7a35ddbbd67cc7f8b6b687a1c1d');
const EPHEMERAL_X = hex('754e548941e5cd073fed6d734578a484be9f0bbfa1b6fa3168ed7ffb22878f0f');
const EPHEMERAL_Y = hex('9aef9bbd932a020d8828367bd080a3e72b36c41ee40c87253f9b1b0beb8371bf');

describe('brainpoolP256r1 keys', () => {
  it('a scalar gives the public point gematik lists for it, and the point imports as that key (A.1)', () => {
    expect(pointOf(privateKeyFromScalar(VAU_SCALAR))).toEqual({ x: VAU_X, y: VAU_Y });
    expect(pointOf(privateKeyFromScalar(EPHEMERAL_SCALAR))).toEqual({ x: EPHEMERAL_X, y: EPHEMERAL_Y });
    const imported = publicKeyFromPoint({ x: VAU_X, y: VAU_Y });
    expect(imported.equals(createPublicKey(privateKeyFromScalar(VAU_SCALAR)))).toBe(true);
  });

  it('the PEM key of the reference VAU is the scalar of A.1', () => {
    const pem = readFileSync(new URL('ref_vau_key.pem', VECTORS), 'utf8');
    expect(pointOf(createPublicKey(pem))).toEqual({ x: VAU_X, y: VAU_Y });
  });

  it('K1 intermediate values: ECDH gives Z and HKDF("ecies-vau-transport") gives K, from either side', () => {
    const z = hex('9656c2b4b3da81d0385f6a1ee60e93b91828fd90231c923d53ce7bbbcd58ceaa');
    expect(sharedSecret(privateKeyFromScalar(EPHEMERAL_SCALAR), publicKeyFromPoint({ x: VAU_X, y: VAU_Y }))).toEqual(z);
    expect(sharedSecret(privateKeyFromScalar(VAU_SCALAR), publicKeyFromPoint({ x: EPHEMERAL_X, y: EPHEMERAL_Y }))).toEqual(z);
    expect(hkdfSha256(z, 'ecies-vau-transport', 16)).toEqual(hex('23977ba552a21363916af9b5147c83d4'));
  });

  it('K4: 200 random keys: every point survives export and import as 32-byte coordinates, and ECDH agrees', () => {
    for (let round = 0; round < 200; round += 1) {
      const alice = generateBrainpoolKeyPair();
      const bob = generateBrainpoolKeyPair();
      const point = pointOf(alice.publicKey);
      expect(point.x).toHaveLength(32);
      expect(point.y).toHaveLength(32);
      const reimported = publicKeyFromPoint(point);
      expect(reimported.equals(alice.publicKey)).toBe(true);
      const fromAlice = sharedSecret(alice.privateKey, bob.publicKey);
      expect(fromAlice).toHaveLength(32);
      expect(sharedSecret(bob.privateKey, reimported)).toEqual(fromAlice);
    }
  });

  it('coordinates are normalised to 32 bytes: a Java BigInteger 0x00 prefix is dropped, short ones padded', () => {
    const x = Buffer.concat([Buffer.of(0), VAU_X]);
    expect(normaliseCoordinate(x)).toEqual(VAU_X);
    expect(normaliseCoordinate(hex('0102'))).toEqual(Buffer.concat([Buffer.alloc(30), hex('0102')]));
    expect(() => normaliseCoordinate(Buffer.alloc(33, 1))).toThrow(CurveError);
  });

  it('a point that is not on the curve is refused with a CurveError', () => {
    const badY = Buffer.from(VAU_Y);
    badY[31] = (badY[31] ?? 0) ^ 1;
    expect(() => publicKeyFromPoint({ x: VAU_X, y: badY })).toThrow(CurveError);
  });

  it('keys of another curve are refused for ECDH', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    expect(() => sharedSecret(privateKeyFromScalar(VAU_SCALAR), p256)).toThrow(/nicht brainpoolP256r1.*prime256v1/);
  });
});

describe('ECDSA signature encodings', () => {
  // Appendix A.8: api-erp authentisieren.adoc, ExternalAuthenticateResponse
  const KONNEKTOR_DER = Buffer.from(
    'MEQCIGFM9BsPKQYIJA/UgGosqbVh4r84b6OZukGhzXJ4TabwAiBg2dyMpKtXc93ZbcgXz2wP8WWqsdqUumB4jOpd7zXs/A==',
    'base64',
  );

  it('K14: the Konnektor example signature converts to r‖s and back to the identical DER', () => {
    const raw = derSignatureToRaw(KONNEKTOR_DER);
    expect(raw).toHaveLength(64);
    expect(raw.subarray(0, 8).toString('hex')).toBe('614cf41b0f290608');
    expect(raw.subarray(32, 40).toString('hex')).toBe('60d9dc8ca4ab5773');
    expect(rawSignatureToDer(raw)).toEqual(KONNEKTOR_DER);
  });

  it('r‖s → DER → r‖s is the identity, also with leading zeros and high bits', () => {
    const half = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(half, half, (r, s) => {
        const raw = Buffer.concat([r, s]);
        expect(derSignatureToRaw(rawSignatureToDer(raw))).toEqual(raw);
      }),
    );
    const zeros = Buffer.concat([Buffer.alloc(32), Buffer.alloc(31), Buffer.of(0x80)]);
    expect(derSignatureToRaw(rawSignatureToDer(zeros))).toEqual(zeros);
  });

  it('malformed DER is refused, not misread', () => {
    expect(() => derSignatureToRaw(Buffer.concat([KONNEKTOR_DER, Buffer.of(0)]))).toThrow(SignatureEncodingError);
    expect(() => derSignatureToRaw(KONNEKTOR_DER.subarray(0, 40))).toThrow(SignatureEncodingError);
    expect(() => derSignatureToRaw(hex('3006020101020101020101'))).toThrow(SignatureEncodingError);
    expect(() => derSignatureToRaw(hex('3026022101' + 'ff'.repeat(32) + '020101'))).toThrow(/länger als 32/);
  });

  it('a raw BP256R1 signature verifies with the key and fails for changed data', () => {
    const { privateKey, publicKey } = generateBrainpoolKeyPair();
    const data = Buffer.from('header.payload');
    const signature = signRawEcdsaSha256(privateKey, data);
    expect(signature).toHaveLength(64);
    expect(verifyRawEcdsaSha256(publicKey, data, signature)).toBe(true);
    expect(verifyRawEcdsaSha256(publicKey, Buffer.from('header.payloaD'), signature)).toBe(false);
    expect(verifyRawEcdsaSha256(publicKey, data, signature.subarray(1))).toBe(false);
  });
});

describe('key derivation and AES-GCM', () => {
  it('K7: the Concat KDF gives RFC 7518 Appendix C\'s key', () => {
    const z = hex('9e56d91d817135d372834283bf84269cfb316ea3da806a48f6daa7798cfe90c4');
    const key = concatKdf(z, 'A128GCM', 128, Buffer.from('Alice'), Buffer.from('Bob'));
    expect(key.toString('base64url')).toBe('VqqN6vgjbSBcIijNcacQGg');
  });

  it('AES-128-GCM of A.1: "Hallo Test" under K and the fixed IV gives gematik\'s ciphertext and tag', () => {
    const key = hex('23977ba552a21363916af9b5147c83d4');
    const iv = hex('257db4604af8ae0dfced37ce');
    const sealed = gcmEncrypt(key, iv, Buffer.from('Hallo Test'));
    expect(sealed.ciphertext.toString('hex')).toBe('86c2b491c7a8309e750b');
    expect(sealed.tag.toString('hex')).toBe('4e6e307219863938c204dfe85502ee0a');
    expect(gcmDecrypt(key, iv, sealed).toString()).toBe('Hallo Test');
  });

  it('a changed tag, ciphertext or AAD fails authentication; AES-256 is picked by a 32-byte key', () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const aad = Buffer.from('protected-header');
    const sealed = gcmEncrypt(key, iv, Buffer.from('{"njwt":"x"}'), aad);
    expect(gcmDecrypt(key, iv, sealed, aad).toString()).toBe('{"njwt":"x"}');
    expect(() => gcmDecrypt(key, iv, sealed, Buffer.from('other'))).toThrow(GcmAuthenticationError);
    const flipped = Buffer.from(sealed.tag);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => gcmDecrypt(key, iv, { ciphertext: sealed.ciphertext, tag: flipped }, aad)).toThrow(GcmAuthenticationError);
    expect(() => gcmEncrypt(randomBytes(24), iv, Buffer.alloc(1))).toThrow(RangeError);
  });
});
