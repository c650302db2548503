/**
 * The IDP side of the gematik JOSE profile (spec ti-transport §2.1, §4.2), written for the simulator on its own
 * — the app's client code is not used here, so the two can only agree by both following gematik's data:
 * BP256R1 JWS signing and verifying, ECDH-ES + A256GCM decryption with the IDP's key, `dir` + A256GCM encryption
 * under the client's token key.
 */
import { constants, createPublicKey, randomBytes, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { gcmDecrypt, gcmEncrypt } from '../../../ti-crypto/aes-gcm';
import { pointOf, publicKeyFromPoint, sharedSecret } from '../../../ti-crypto/brainpool';
import { concatKdf } from '../../../ti-crypto/kdf';

export type Claims = Record<string, unknown>;

export class IdpRequestError extends Error {
  constructor(
    /** the reference IDP's error codes (IDPREF application.yml, spec ti-transport §2.5) */
    readonly gematikCode: string,
    readonly error: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'IdpRequestError';
  }
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function decodeObject(part: string | undefined, what: string): Claims {
  try {
    const value = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Claims;
  } catch {
    // below
  }
  throw new IdpRequestError('2030', 'invalid_request', `${what} ist kein JSON-Objekt`);
}

/** A compact JWS with `BP256R1` (raw r‖s). */
export function signBp256r1(header: Claims, claims: Claims, key: KeyObject): string {
  const input = `${encode({ alg: 'BP256R1', ...header })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input, 'ascii'), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

export interface ReadJws {
  header: Claims;
  claims: Claims;
  signatureValid: (key: KeyObject) => boolean;
}

/** Splits a compact JWS; the caller decides with which key it must verify. */
export function readJws(compact: string): ReadJws {
  const parts = compact.split('.');
  if (parts.length !== 3) throw new IdpRequestError('2030', 'invalid_request', 'kein JWS');
  const [headerPart, payloadPart, signaturePart = ''] = parts;
  const header = decodeObject(headerPart, 'JWS-Header');
  const claims = decodeObject(payloadPart, 'JWS-Inhalt');
  const data = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  const signature = Buffer.from(signaturePart, 'base64url');
  return {
    header,
    claims,
    signatureValid: (key) => {
      try {
        if (header['alg'] === 'BP256R1' && key.asymmetricKeyDetails?.namedCurve === 'brainpoolP256r1') {
          return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
        }
        if (header['alg'] === 'PS256' && key.asymmetricKeyType === 'rsa') {
          return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
        }
      } catch {
        // a malformed signature is an invalid one
      }
      return false;
    },
  };
}

/** Opens a compact `ECDH-ES` + `A256GCM` JWE sent to the IDP's encryption key. */
export function openEcdhEs(compact: string, recipient: KeyObject): { header: Claims; plaintext: Buffer } {
  const parts = compact.split('.');
  if (parts.length !== 5 || parts[1] !== '') throw new IdpRequestError('2030', 'invalid_request', 'kein ECDH-ES-JWE');
  const [headerPart = '', , iv, ciphertext, tag] = parts;
  const header = decodeObject(headerPart, 'JWE-Header');
  const epk = header['epk'] as Claims | undefined;
  if (header['alg'] !== 'ECDH-ES' || header['enc'] !== 'A256GCM' || epk?.['crv'] !== 'BP-256') {
    throw new IdpRequestError('2030', 'invalid_request', 'JWE ist nicht ECDH-ES/A256GCM auf BP-256');
  }
  try {
    const sender = publicKeyFromPoint({ x: Buffer.from(String(epk['x']), 'base64url'), y: Buffer.from(String(epk['y']), 'base64url') });
    const key = concatKdf(sharedSecret(recipient, sender), 'A256GCM', 256);
    const plaintext = gcmDecrypt(
      key,
      Buffer.from(iv ?? '', 'base64url'),
      { ciphertext: Buffer.from(ciphertext ?? '', 'base64url'), tag: Buffer.from(tag ?? '', 'base64url') },
      Buffer.from(headerPart, 'ascii'),
    );
    return { header, plaintext };
  } catch {
    throw new IdpRequestError('2030', 'invalid_request', 'JWE lässt sich nicht entschlüsseln');
  }
}

/** A compact `dir` + `A256GCM` JWE under the client's token key (spec ti-transport §2.7). */
export function sealDir(plaintext: string, key: Buffer, header: Claims): string {
  const headerPart = encode({ alg: 'dir', enc: 'A256GCM', ...header });
  const iv = randomBytes(12);
  const { ciphertext, tag } = gcmEncrypt(key, iv, Buffer.from(plaintext, 'utf8'), Buffer.from(headerPart, 'ascii'));
  return [headerPart, '', iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
}

/** A BP-256 public JWK; `padded` writes Java-BigInteger style 33-byte coordinates (a client must cope, §4.2). */
export function bp256Jwk(key: KeyObject, members: Claims, padded = false): Claims {
  const { x, y } = pointOf(createPublicKey(key));
  const coordinate = (value: Buffer): string => (padded ? Buffer.concat([Buffer.of(0), value]) : value).toString('base64url');
  return { ...members, kty: 'EC', crv: 'BP-256', x: coordinate(x), y: coordinate(y) };
}

export const x5cOf = (certificate: X509Certificate): string[] => [certificate.raw.toString('base64')];
