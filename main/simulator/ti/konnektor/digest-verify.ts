/**
 * Verifies an ECDSA brainpoolP256r1 signature over a GIVEN hash (no hashing here), spec ti-transport §3.8 method 2.
 * This is how a card signature from `ExternalAuthenticate` relates to the 32 bytes that were sent (§3.5, KAT K17);
 * `crypto.verify` cannot check that because it always hashes the message first.
 *
 * SEC 1 §4.1.4 / FIPS 186-4 §6.4.2: 1 ≤ r, s ≤ n−1; w = s⁻¹; u1 = e·w, u2 = r·w; X = u1·G + u2·Q ≠ ∞;
 * valid iff x(X) mod n = r. Used by the tests of the simulated Konnektor and usable by the simulated IDP.
 */
import type { KeyObject } from 'node:crypto';
import { COORDINATE_LENGTH, pointOf } from '../../../ti-crypto/brainpool';
import { derSignatureToRaw } from '../../../ti-crypto/ecdsa-signature';
import {
  addPoints,
  BRAINPOOL_P256R1,
  bytesToBigInt,
  INFINITY,
  isOnCurve,
  mod,
  modInverse,
  multiplyPoint,
  type AffinePoint,
} from './brainpool-curve';

const { G, n } = BRAINPOOL_P256R1;

/** DER `ECDSA-Sig-Value` (as a Konnektor returns it) over `digest`, checked against a brainpoolP256r1 public key. */
export function verifyDigestSignature(publicKey: KeyObject, digest: Uint8Array, derSignature: Uint8Array): boolean {
  let raw: Buffer;
  try {
    raw = derSignatureToRaw(derSignature, COORDINATE_LENGTH);
  } catch {
    return false;
  }
  return verifyRawDigestSignature(publicKey, digest, raw);
}

/** The same for a raw `r‖s` signature (32 + 32 bytes, as in a BP256R1 JWS). */
export function verifyRawDigestSignature(publicKey: KeyObject, digest: Uint8Array, rawSignature: Uint8Array): boolean {
  if (rawSignature.length !== 2 * COORDINATE_LENGTH) return false;
  let point;
  try {
    point = pointOf(publicKey);
  } catch {
    return false; // not a brainpoolP256r1 key
  }
  return verifyAgainstPoint(
    { x: bytesToBigInt(point.x), y: bytesToBigInt(point.y) },
    digest,
    bytesToBigInt(rawSignature.subarray(0, COORDINATE_LENGTH)),
    bytesToBigInt(rawSignature.subarray(COORDINATE_LENGTH)),
  );
}

/** The arithmetic itself; `digest` is used whole as e because its 256 bits equal the bit length of n. */
export function verifyAgainstPoint(publicPoint: AffinePoint, digest: Uint8Array, r: bigint, s: bigint): boolean {
  if (digest.length !== COORDINATE_LENGTH) return false;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  if (!isOnCurve(publicPoint)) return false;
  const e = bytesToBigInt(digest);
  const w = modInverse(s, n);
  const sum = addPoints(multiplyPoint(mod(e * w, n), G), multiplyPoint(mod(r * w, n), publicPoint));
  if (sum === INFINITY) return false;
  return mod(sum.x, n) === r;
}
