/**
 * The gematik JOSE profile, client side (spec ti-transport §2.1, §2.9): compact JWS with `BP256R1` (ECDSA on
 * brainpoolP256r1, raw r‖s) or `PS256`, compact JWE with `ECDH-ES` + `A256GCM` to the IDP's key and `dir` +
 * `A256GCM` under the token key. Standard JOSE libraries know no brainpool, so this is written on node:crypto.
 */
import { constants, randomBytes, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { gcmDecrypt, gcmEncrypt, GCM_IV_LENGTH } from '../../ti-crypto/aes-gcm';
import { generateBrainpoolKeyPair, isBrainpoolKey, pointOf, publicKeyFromPoint, sharedSecret } from '../../ti-crypto/brainpool';
import { verifyRawEcdsaSha256 } from '../../ti-crypto/ecdsa-signature';
import { concatKdf } from '../../ti-crypto/kdf';

export type JsonObject = Record<string, unknown>;

export class JoseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JoseError';
  }
}

export interface CompactJws {
  compact: string;
  header: JsonObject;
  payload: Buffer;
  /** `base64url(header) + "." + base64url(payload)` exactly as received: what the signature covers */
  signingInput: string;
  signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function parseCompactJws(compact: string): CompactJws {
  const parts = compact.split('.');
  if (parts.length !== 3 || !parts.every((part) => B64URL.test(part))) throw new JoseError('kein kompaktes JWS');
  const [header = '', payload = '', signature = ''] = parts;
  return {
    compact,
    header: decodeJsonPart(header, 'JWS-Header'),
    payload: Buffer.from(payload, 'base64url'),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

export function jsonPayloadOf(jws: CompactJws): JsonObject {
  return parseJsonObject(jws.payload, 'JWS-Inhalt');
}

/** Checks the signature with the given key; the `alg` must fit the key (no `none`, no algorithm confusion). */
export function verifyJws(jws: CompactJws, publicKey: KeyObject): boolean {
  const alg = jws.header['alg'];
  const data = Buffer.from(jws.signingInput, 'ascii');
  if (alg === 'BP256R1') return isBrainpoolKey(publicKey) && verifyRawEcdsaSha256(publicKey, data, jws.signature);
  if (alg === 'PS256' && publicKey.asymmetricKeyType === 'rsa') {
    try {
      return verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, jws.signature);
    } catch {
      return false;
    }
  }
  return false;
}

/** The first certificate of a JOSE `x5c` (standard base64 DER, spec ti-transport §2.4). */
export function certificateFromX5c(header: JsonObject): X509Certificate {
  const x5c = header['x5c'];
  const first = Array.isArray(x5c) ? x5c[0] : undefined;
  if (typeof first !== 'string') throw new JoseError('x5c fehlt');
  try {
    return new X509Certificate(Buffer.from(first, 'base64'));
  } catch {
    throw new JoseError('x5c ist kein X.509-Zertifikat');
  }
}

/** A BP-256 public JWK (the IDP's `puk_idp_sig`/`puk_idp_enc`); 33-byte BigInteger coordinates are tolerated. */
export function publicKeyFromJwk(jwk: unknown): KeyObject {
  const record = typeof jwk === 'object' && jwk !== null ? (jwk as JsonObject) : {};
  if (record['kty'] !== 'EC' || record['crv'] !== 'BP-256') throw new JoseError('Schlüssel ist kein BP-256-JWK');
  const { x, y } = record;
  if (typeof x !== 'string' || typeof y !== 'string') throw new JoseError('JWK ohne Koordinaten');
  return publicKeyFromPoint({ x: Buffer.from(x, 'base64url'), y: Buffer.from(y, 'base64url') });
}

/**
 * Compact JWE, `ECDH-ES` + `A256GCM` (RFC 7518 §4.6, spec ti-transport §2.1): fresh ephemeral key, Concat KDF
 * without apu/apv, AAD = the ASCII of the encoded protected header, empty encrypted-key part.
 */
export function encryptEcdhEs(plaintext: Uint8Array, recipient: KeyObject, extraHeader: JsonObject): string {
  const ephemeral = generateBrainpoolKeyPair();
  const { x, y } = pointOf(ephemeral.publicKey);
  const header = {
    alg: 'ECDH-ES',
    enc: 'A256GCM',
    ...extraHeader,
    epk: { kty: 'EC', crv: 'BP-256', x: x.toString('base64url'), y: y.toString('base64url') },
  };
  const key = concatKdf(sharedSecret(ephemeral.privateKey, recipient), 'A256GCM', 256);
  return sealCompact(header, key, plaintext);
}

/** Opens a compact JWE `dir` + `A256GCM` under a shared key (the token key, spec ti-transport §2.7). */
export function decryptDir(compact: string, key: Uint8Array): { header: JsonObject; plaintext: Buffer } {
  const parts = compact.split('.');
  if (parts.length !== 5 || !parts.every((part) => B64URL.test(part))) throw new JoseError('kein kompaktes JWE');
  const [encodedHeader = '', encryptedKey, iv = '', ciphertext = '', tag = ''] = parts;
  const header = decodeJsonPart(encodedHeader, 'JWE-Header');
  if (header['alg'] !== 'dir' || header['enc'] !== 'A256GCM' || encryptedKey !== '') throw new JoseError('JWE ist nicht dir/A256GCM');
  try {
    const plaintext = gcmDecrypt(key, Buffer.from(iv, 'base64url'), { ciphertext: Buffer.from(ciphertext, 'base64url'), tag: Buffer.from(tag, 'base64url') }, Buffer.from(encodedHeader, 'ascii'));
    return { header, plaintext };
  } catch {
    throw new JoseError('JWE lässt sich mit dem Token-Schlüssel nicht öffnen');
  }
}

/** `{"njwt": "<compact JWS>"}`, the gematik nesting inside JWEs (spec ti-transport §2.5, §2.7). */
export function njwtOf(plaintext: Buffer): string {
  const njwt = parseJsonObject(plaintext, 'JWE-Inhalt')['njwt'];
  if (typeof njwt !== 'string') throw new JoseError('JWE-Inhalt ohne njwt');
  return njwt;
}

function sealCompact(header: JsonObject, key: Uint8Array, plaintext: Uint8Array): string {
  const encodedHeader = base64urlJson(header);
  const iv = randomBytes(GCM_IV_LENGTH);
  const { ciphertext, tag } = gcmEncrypt(key, iv, plaintext, Buffer.from(encodedHeader, 'ascii'));
  return [encodedHeader, '', iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
}

function decodeJsonPart(part: string, what: string): JsonObject {
  return parseJsonObject(Buffer.from(part, 'base64url'), what);
}

function parseJsonObject(bytes: Buffer, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new JoseError(`${what} ist kein JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new JoseError(`${what} ist kein JSON-Objekt`);
  return parsed as JsonObject;
}
