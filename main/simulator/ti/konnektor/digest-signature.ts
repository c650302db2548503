/**
 * ECDSA on brainpoolP256r1 over a hash the caller hands in — what a card does for `ExternalAuthenticate`
 * (spec ti-transport §3.5: the Konnektor signs the 32 bytes it is sent, no second hash; KAT K17).
 *
 * `crypto.sign` always hashes again (§2.9, §3.8), so the signature is assembled by hand, §3.8 method 1:
 * r = x(k·G) mod n, with OpenSSL doing the scalar multiplication through `ECDH` (private key k, peer point G);
 * s = k⁻¹·(e + r·d) mod n with BigInt. A fresh random k per signature, drawn by rejection sampling so that it
 * is uniform in [1, n−1]; r = 0 or s = 0 (practically never) means a new k, as FIPS 186-4 §6.3 asks.
 *
 * The result is DER (`ECDSA-Sig-Value`), as a real Konnektor returns it in `dss:Base64Signature` (§3.5).
 */
import { createECDH, randomBytes, type KeyObject } from 'node:crypto';
import { COORDINATE_LENGTH, isBrainpoolKey } from '../../../ti-crypto/brainpool';
import { rawSignatureToDer } from '../../../ti-crypto/ecdsa-signature';
import { BRAINPOOL_P256R1, bigIntToBytes, bytesToBigInt, mod, modInverse } from './brainpool-curve';

const CURVE_NAME = 'brainpoolP256r1';
const { n } = BRAINPOOL_P256R1;
/** hash length = group order length: the hash is used whole as e (no truncation, FIPS 186-4 §6.4) */
export const DIGEST_LENGTH = 32;
/** a broken random source must not make the loop spin for ever */
const MAX_ATTEMPTS = 64;

export type RandomSource = (size: number) => Buffer;

/** The uncompressed base point G, obtained as the public key of private key 1 (§3.8). */
let basePoint: Buffer | undefined;
function generatorPoint(): Buffer {
  if (basePoint === undefined) {
    const ecdh = createECDH(CURVE_NAME);
    ecdh.setPrivateKey(bigIntToBytes(1n, COORDINATE_LENGTH));
    basePoint = ecdh.getPublicKey();
  }
  return basePoint;
}

/**
 * Signs `digest` (exactly 32 bytes) with the brainpoolP256r1 private key; returns the DER signature.
 * `random` is for tests only (it lets them walk the retry paths); the default is `crypto.randomBytes`.
 */
export function signDigest(privateKey: KeyObject, digest: Uint8Array, random: RandomSource = randomBytes): Buffer {
  if (privateKey.type !== 'private' || !isBrainpoolKey(privateKey)) {
    throw new TypeError('Signaturschlüssel ist kein privater brainpoolP256r1-Schlüssel');
  }
  if (digest.length !== DIGEST_LENGTH) {
    throw new RangeError(`Hashwert mit ${digest.length} statt ${DIGEST_LENGTH} Bytes`);
  }
  const d = privateScalar(privateKey);
  const e = bytesToBigInt(digest);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const k = bytesToBigInt(random(COORDINATE_LENGTH));
    if (k === 0n || k >= n) continue; // rejection sampling keeps k uniform
    const r = mod(xOfMultiple(k), n);
    if (r === 0n) continue;
    const s = mod(modInverse(k, n) * (e + r * d), n);
    if (s === 0n) continue;
    return rawSignatureToDer(Buffer.concat([bigIntToBytes(r, COORDINATE_LENGTH), bigIntToBytes(s, COORDINATE_LENGTH)]));
  }
  throw new Error(`kein gültiges k nach ${MAX_ATTEMPTS} Versuchen (Zufallsquelle defekt?)`);
}

/** x(k·G): ECDH of private key k with the peer point G gives exactly this x-coordinate, 32 bytes. */
function xOfMultiple(k: bigint): bigint {
  const ecdh = createECDH(CURVE_NAME);
  ecdh.setPrivateKey(bigIntToBytes(k, COORDINATE_LENGTH));
  return bytesToBigInt(ecdh.computeSecret(generatorPoint()));
}

/**
 * The private scalar d from the key's SEC1 `ECPrivateKey` (RFC 5915): SEQUENCE { INTEGER 1, OCTET STRING d, … }.
 * JWK export would be simpler, but Node refuses JWK for brainpool (§1.8).
 */
function privateScalar(privateKey: KeyObject): bigint {
  const der = privateKey.export({ format: 'der', type: 'sec1' });
  let offset = 1; // after the SEQUENCE tag
  const lengthByte = der[offset] ?? 0;
  offset += lengthByte & 0x80 ? 1 + (lengthByte & 0x7f) : 1;
  const expected = [0x02, 0x01, 0x01, 0x04, COORDINATE_LENGTH];
  if (der[0] !== 0x30 || !expected.every((byte, i) => der[offset + i] === byte)) {
    throw new Error('privater Schlüssel nicht im erwarteten SEC1-Aufbau');
  }
  offset += expected.length;
  return bytesToBigInt(der.subarray(offset, offset + COORDINATE_LENGTH));
}
