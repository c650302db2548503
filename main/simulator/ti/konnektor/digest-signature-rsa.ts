/**
 * RSASSA-PSS over a hash the caller hands in — what an RSA-only SMC-B does for `ExternalAuthenticate` with
 * `urn:ietf:rfc:3447` / `RSASSA-PSS` (spec ti-transport §3.5: the Konnektor signs the 32 bytes it is sent, no second
 * hash; the JWS then carries it as `PS256`).
 *
 * `crypto.sign` always hashes again (§3.8), so the signature is assembled as §3.8 says: EMSA-PSS encoding by hand
 * (RFC 8017 §9.1.1 with SHA-256, MGF1-SHA-256, a fresh 32-byte salt, emBits = modBits − 1), then the raw RSA
 * private-key operation through `privateDecrypt` with `RSA_NO_PADDING` (RSASP1, §8.1.1 step 2). The result is the
 * raw signature of modulus length (256 bytes for RSA 2048), as a Konnektor returns it in `dss:Base64Signature`.
 */
import { constants, createHash, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import type { RandomSource } from './digest-signature';

const HASH_LENGTH = 32;
/** §3.5: salt length = hash length, what PS256 verifiers expect */
const SALT_LENGTH = 32;
const TRAILER = 0xbc;

/**
 * Signs `digest` (exactly 32 bytes, a SHA-256 value) with the RSA private key; returns the raw signature.
 * `random` is for tests only (a fixed salt); the default is `crypto.randomBytes`.
 */
export function signDigestRsaPss(privateKey: KeyObject, digest: Uint8Array, random: RandomSource = randomBytes): Buffer {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new TypeError('Signaturschlüssel ist kein privater RSA-Schlüssel');
  }
  if (digest.length !== HASH_LENGTH) {
    throw new RangeError(`Hashwert mit ${digest.length} statt ${HASH_LENGTH} Bytes`);
  }
  const modulusBits = privateKey.asymmetricKeyDetails?.modulusLength;
  if (modulusBits === undefined) throw new TypeError('RSA-Schlüssel ohne Modulus-Länge');
  const salt = random(SALT_LENGTH);
  if (salt.length !== SALT_LENGTH) throw new RangeError(`Salt mit ${salt.length} statt ${SALT_LENGTH} Bytes`);

  const encoded = emsaPssEncode(digest, salt, modulusBits - 1);
  // RSASP1 wants an input of modulus length; EM is one byte shorter when modBits − 1 is a multiple of 8
  const modulusLength = Math.ceil(modulusBits / 8);
  const input = Buffer.concat([Buffer.alloc(modulusLength - encoded.length), encoded]);
  return privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input);
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) for SHA-256 with the given salt; `mHash` is the message hash itself. */
function emsaPssEncode(mHash: Uint8Array, salt: Buffer, emBits: number): Buffer {
  const emLength = Math.ceil(emBits / 8);
  if (emLength < HASH_LENGTH + SALT_LENGTH + 2) throw new RangeError(`RSA-Modulus zu kurz für PSS mit SHA-256 (${emBits + 1} Bit)`);
  const h = createHash('sha256').update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  // DB = PS (zeros) ‖ 0x01 ‖ salt
  const db = Buffer.alloc(emLength - HASH_LENGTH - 1);
  db[db.length - SALT_LENGTH - 1] = 0x01;
  salt.copy(db, db.length - SALT_LENGTH);
  const mask = mgf1Sha256(h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (mask[i] as number);
  // the leftmost 8·emLen − emBits bits are zero, so that EM < modulus
  db[0] = (db[0] as number) & (0xff >> (8 * emLength - emBits));
  return Buffer.concat([db, h, Buffer.of(TRAILER)]);
}

/** MGF1 with SHA-256 (RFC 8017 §B.2.1). */
function mgf1Sha256(seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * HASH_LENGTH < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash('sha256').update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}
