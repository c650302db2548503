import { constants, createHash, createPrivateKey, generateKeyPairSync, publicEncrypt, randomBytes, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signDigestRsaPss } from './digest-signature-rsa';

// the simulation's RSA-only SMC-B (material/smcb-rsa/NOTICE)
const CARD = join(__dirname, '../material/smcb-rsa/80276001011699902399/80276001011699902399-C_SMCB_AUT_R2048_X509');
const certificate = new X509Certificate(readFileSync(`${CARD}.crt`));
const privateKey = createPrivateKey(readFileSync(`${CARD}.prv.pem`));

const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();
/** PS256 as a JWS verifier checks it: SHA-256 of the message, PSS with MGF1-SHA-256 and a 32-byte salt */
const verifiesAsPs256 = (key: KeyObject, message: Uint8Array | string, signature: Buffer, saltLength = 32): boolean =>
  verify('sha256', typeof message === 'string' ? Buffer.from(message) : message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);

/** s^e mod n: the encoded message a signature carries (RSAVP1, raw RSA with the public key), to look at EM's shape. */
const verifyRaw = (publicKey: KeyObject, signature: Buffer): Buffer => publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);

describe('signDigestRsaPss (spec ti-transport §3.8 "RSA-PSS on a given digest")', () => {
  it('K16: a signature over SHA-256(m) verifies as PS256 over m with the card certificate, 256 bytes long', () => {
    const messages = [
      'eyJhbGciOiJQUzI1NiIsImN0eSI6Ik5KV1QifQ.eyJuand0IjoiZXlKaGJHY2lPaUpDVURJMU5sSXhJbjAuZS5zIn0', // header.payload of a card JWS
      ...Array.from({ length: 20 }, (_, i) => randomBytes(1 + ((i * 53) % 400))),
    ];
    for (const message of messages) {
      const signature = signDigestRsaPss(privateKey, sha256(message));
      expect(signature).toHaveLength(256);
      expect(verifiesAsPs256(certificate.publicKey, message, signature)).toBe(true);
    }
  });

  it('does not verify for another message, for the hash taken as message, or with another salt length', () => {
    const message = randomBytes(64);
    const digest = sha256(message);
    const signature = signDigestRsaPss(privateKey, digest);
    expect(verifiesAsPs256(certificate.publicKey, randomBytes(64), signature)).toBe(false);
    // it signs the given bytes, not a hash of them
    expect(verifiesAsPs256(certificate.publicKey, digest, signature)).toBe(false);
    expect(verifiesAsPs256(certificate.publicKey, message, signature, 20)).toBe(false);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(verifiesAsPs256(other, message, signature)).toBe(false);
  });

  it('draws a fresh salt each time; with a fixed salt the signature is the same (the salt is the only randomness)', () => {
    const digest = randomBytes(32);
    expect(signDigestRsaPss(privateKey, digest).equals(signDigestRsaPss(privateKey, digest))).toBe(false);
    const salt = randomBytes(32);
    const first = signDigestRsaPss(privateKey, digest, () => salt);
    expect(first.equals(signDigestRsaPss(privateKey, digest, () => salt))).toBe(true);
    // the encoded message behind it ends with 0xbc and keeps the top bit clear (emBits = 2047)
    const encoded = verifyRaw(certificate.publicKey, first);
    expect(encoded[encoded.length - 1]).toBe(0xbc);
    expect((encoded[0] as number) & 0x80).toBe(0);
  });

  it('pads EM to modulus length when modBits − 1 is a multiple of 8 (1025-bit key: EM 128, signature 129 bytes)', () => {
    const odd = generateKeyPairSync('rsa', { modulusLength: 1025 });
    const message = randomBytes(40);
    const signature = signDigestRsaPss(odd.privateKey, sha256(message));
    expect(signature).toHaveLength(129);
    expect(verifiesAsPs256(odd.publicKey, message, signature)).toBe(true);
  });

  it('refuses a hash that is not 32 bytes, a salt that is not 32 bytes, a key that is not a private RSA key', () => {
    expect(() => signDigestRsaPss(privateKey, randomBytes(31))).toThrow(/31 statt 32/);
    expect(() => signDigestRsaPss(privateKey, randomBytes(33))).toThrow(/33 statt 32/);
    expect(() => signDigestRsaPss(privateKey, randomBytes(32), () => randomBytes(20))).toThrow(/Salt mit 20/);
    expect(() => signDigestRsaPss(certificate.publicKey, randomBytes(32))).toThrow(/privater RSA-Schlüssel/);
    expect(() => signDigestRsaPss(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, randomBytes(32))).toThrow(/RSA/);
  });

  it('refuses a modulus too short for SHA-256 with a 32-byte salt', () => {
    const tiny = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey; // emLen 64 < 32 + 32 + 2
    expect(() => signDigestRsaPss(tiny, randomBytes(32))).toThrow(/zu kurz/);
  });
});
