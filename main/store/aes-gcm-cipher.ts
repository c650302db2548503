/**
 * The Cipher the app stores personal data and credentials with (architecture §7, encryption at rest): AES-256-GCM
 * with a fresh random 96-bit IV per value; the 128-bit authentication tag makes any change to a stored value —
 * or a value written under another key — fail loudly instead of yielding wrong data.
 *
 * Stored format: `v1:` + base64(iv ‖ tag ‖ ciphertext). The prefix names key and algorithm generation, so a
 * later change (new key, new algorithm) can recognise and re-encrypt old values.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CiphertextAwareCipher } from './cipher';

export const DATA_KEY_BYTES = 32;
const FORMAT_PREFIX = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
/** Authenticated with every value: a v1 value cannot be passed off as another format generation. */
const ASSOCIATED_DATA = Buffer.from('erx-counter/store/v1', 'utf8');
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A stored value could not be decrypted. The message names neither the value nor the key. */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

interface Parts {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parse(stored: string): Parts | undefined {
  if (!stored.startsWith(FORMAT_PREFIX)) return undefined;
  const body = stored.slice(FORMAT_PREFIX.length);
  if (!CANONICAL_BASE64.test(body)) return undefined;
  const raw = Buffer.from(body, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
  return {
    iv: raw.subarray(0, IV_BYTES),
    tag: raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    ciphertext: raw.subarray(IV_BYTES + TAG_BYTES),
  };
}

export class AesGcmCipher implements CiphertextAwareCipher {
  // A private field: util.inspect and JSON.stringify of the cipher never show the key.
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== DATA_KEY_BYTES) throw new Error(`Der Datenschlüssel muss ${DATA_KEY_BYTES} Byte lang sein.`);
    this.#key = Buffer.from(key);
  }

  encrypt(plain: string): string {
    // A random IV per value: with GCM, reusing an IV under one key would leak plaintext and the auth key.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(ASSOCIATED_DATA);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return FORMAT_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  decrypt(stored: string): string {
    const parts = parse(stored);
    // No silent acceptance of plaintext: legacy values are encrypted when the store opens (legacy-plaintext.ts),
    // so anything else here was changed outside the app.
    if (!parts) throw new DecryptionError('Ein gespeicherter Wert ist nicht verschlüsselt oder hat ein unbekanntes Format.');
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, parts.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(ASSOCIATED_DATA);
      decipher.setAuthTag(parts.tag);
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError(
        'Ein gespeicherter Wert konnte nicht entschlüsselt werden: Er wurde verändert oder mit einem anderen Schlüssel gespeichert.',
      );
    }
  }

  isCiphertext(stored: string): boolean {
    return parse(stored) !== undefined;
  }
}
