/**
 * brainpoolP256r1 keys with `node:crypto` (spec ti-transport §1.8): WebCrypto and JWK know no brainpool, so
 * public keys are built from a raw point behind a fixed SPKI header and private keys from a raw scalar as
 * SEC1 DER. Used by the VAU (§1.3) and the IDP's JOSE profile (§2.1) on the client and the simulated side.
 */
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';

export const BRAINPOOL_P256R1 = 'brainpoolP256r1';
/** coordinate and scalar length in bytes */
export const COORDINATE_LENGTH = 32;

// SubjectPublicKeyInfo up to the BIT STRING's content: ecPublicKey (1.2.840.10045.2.1) on brainpoolP256r1
// (1.3.36.3.3.2.8.1.1.7), followed by the 65-byte uncompressed point (spec ti-transport §1.8).
const SPKI_HEADER = Buffer.from('305a301406072a8648ce3d020106092b2403030208010107034200', 'hex');
// ECPrivateKey (RFC 5915) around a 32-byte scalar, with the curve OID as parameters (spec ti-transport §1.8).
const SEC1_PREFIX = Buffer.from('30320201010420', 'hex');
const SEC1_SUFFIX = Buffer.from('a00b06092b2403030208010107', 'hex');

export interface EcPoint {
  /** big-endian, exactly 32 bytes */
  x: Buffer;
  y: Buffer;
}

export class CurveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CurveError';
  }
}

/**
 * Exactly 32 bytes: a leading 0x00 (Java BigInteger serialisation, spec ti-transport §2.1) is dropped, a short
 * value is left-padded. Anything that does not fit 32 bytes is not a coordinate of this curve.
 */
export function normaliseCoordinate(bytes: Uint8Array): Buffer {
  let value = Buffer.from(bytes);
  while (value.length > COORDINATE_LENGTH && value[0] === 0) value = value.subarray(1);
  if (value.length > COORDINATE_LENGTH) throw new CurveError(`Koordinate mit ${value.length} Bytes`);
  return Buffer.concat([Buffer.alloc(COORDINATE_LENGTH - value.length), value]);
}

/** A public key from its affine coordinates; throws when the point is not on the curve. */
export function publicKeyFromPoint(point: { x: Uint8Array; y: Uint8Array }): KeyObject {
  const der = Buffer.concat([SPKI_HEADER, Buffer.of(0x04), normaliseCoordinate(point.x), normaliseCoordinate(point.y)]);
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (e) {
    throw new CurveError(`kein Punkt auf brainpoolP256r1 (${e instanceof Error ? e.message : 'unbekannt'})`);
  }
}

/** The affine coordinates of a brainpoolP256r1 public (or private) key. */
export function pointOf(key: KeyObject): EcPoint {
  assertBrainpool(key);
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const point = der.subarray(der.length - 65);
  if (point[0] !== 0x04) throw new CurveError('Punkt nicht unkomprimiert');
  return { x: Buffer.from(point.subarray(1, 33)), y: Buffer.from(point.subarray(33, 65)) };
}

/** A private key from its 32-byte scalar (known-answer tests, fixed simulator keys). */
export function privateKeyFromScalar(scalar: Uint8Array): KeyObject {
  if (scalar.length !== COORDINATE_LENGTH) throw new CurveError(`Skalar mit ${scalar.length} Bytes`);
  return createPrivateKey({ key: Buffer.concat([SEC1_PREFIX, scalar, SEC1_SUFFIX]), format: 'der', type: 'sec1' });
}

export function generateBrainpoolKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: BRAINPOOL_P256R1 });
}

/** Plain ECDH: the x-coordinate of the shared point, always 32 bytes (spec ti-transport §1.3 step 2). */
export function sharedSecret(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  assertBrainpool(privateKey);
  assertBrainpool(publicKey);
  return normaliseCoordinate(diffieHellman({ privateKey, publicKey }));
}

export function isBrainpoolKey(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === BRAINPOOL_P256R1;
}

function assertBrainpool(key: KeyObject): void {
  if (!isBrainpoolKey(key)) {
    throw new CurveError(`Schlüssel ist nicht brainpoolP256r1 (${key.asymmetricKeyDetails?.namedCurve ?? key.asymmetricKeyType ?? 'unbekannt'})`);
  }
}
