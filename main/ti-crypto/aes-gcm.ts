/**
 * AES-GCM with a 12-byte IV and a 16-byte tag: AES-128 for the VAU (spec ti-transport §1.3, §1.5), AES-256
 * for the IDP's JWEs (§2.1). The key length picks the variant.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const GCM_IV_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;

export interface GcmSealed {
  ciphertext: Buffer;
  tag: Buffer;
}

/** A wrong key, IV, tag or AAD: the data were not sealed by the one who holds the key. */
export class GcmAuthenticationError extends Error {
  constructor() {
    super('AES-GCM-Prüfsumme stimmt nicht');
    this.name = 'GcmAuthenticationError';
  }
}

export function gcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): GcmSealed {
  const cipher = createCipheriv(algorithmFor(key), key, checkIv(iv), { authTagLength: GCM_TAG_LENGTH });
  if (aad) cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

export function gcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: GcmSealed, aad?: Uint8Array): Buffer {
  if (sealed.tag.length !== GCM_TAG_LENGTH) throw new GcmAuthenticationError();
  const decipher = createDecipheriv(algorithmFor(key), key, checkIv(iv), { authTagLength: GCM_TAG_LENGTH });
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new GcmAuthenticationError();
  }
}

function algorithmFor(key: Uint8Array): 'aes-128-gcm' | 'aes-256-gcm' {
  if (key.length === 16) return 'aes-128-gcm';
  if (key.length === 32) return 'aes-256-gcm';
  throw new RangeError(`AES-Schlüssel mit ${key.length} Bytes`);
}

function checkIv(iv: Uint8Array): Uint8Array {
  if (iv.length !== GCM_IV_LENGTH) throw new RangeError(`IV mit ${iv.length} Bytes`);
  return iv;
}
