/**
 * The pharmacy keys wrapped for enrolment (docs/multi-counter.md §5). Every counter of a pharmacy encrypts with
 * one data key and searches KVNRs with one HMAC key; a new counter gets both from the store, where they are kept
 * only encrypted under a key derived from the enrolment secret — the passphrase file of browser mode, or the
 * one-time code an enrolled Electron counter shows:
 *
 * - KDF: scrypt, N = 2^17, r = 8, p = 1, 32-byte output, 16-byte random salt (§5: ~130 MB and ~0.3 s, so a stolen
 *   store makes guessing a passphrase expensive).
 * - Cipher: AES-256-GCM, 12-byte random nonce, 16-byte tag appended to the ciphertext. The associated data binds
 *   the format version, the purpose and the KDF parameters, so none of them can be swapped without the tag check
 *   failing.
 *
 * The record is plain JSON (base64 strings), one row of the store's `key_wraps` (§5). The secret never appears
 * in a message or the record.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

/** Both pharmacy keys, 32 bytes each: AES-256-GCM data key, and the KVNR search key (HMAC). */
export interface PharmacyKeys {
  dataKey: Buffer;
  kvnrKey: Buffer;
}

export type KeyWrapPurpose = 'passphrase' | 'one-time-code';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** §5: the parameters every wrap is made with unless a test asks for cheaper ones. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

export interface WrappedKeys {
  version: 1;
  purpose: KeyWrapPurpose;
  /** `salt` in base64 (16 bytes) */
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  /** base64, 12 bytes */
  nonce: string;
  /** base64: AES-256-GCM ciphertext of dataKey ‖ kvnrKey, followed by the 16-byte tag */
  ciphertext: string;
}

export type PharmacyKeyFailure = 'wrong-secret' | 'malformed-wrap' | 'passphrase-file' | 'one-time-code';

/** Enrolment failed; the German message names neither a key nor the secret. */
export class PharmacyKeyError extends Error {
  constructor(
    readonly reason: PharmacyKeyFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PharmacyKeyError';
  }
}

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
/** scrypt needs about 128·N·r bytes: 128 MiB for the defaults; this leaves room, and bounds what a record may ask */
const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024;
const MIN_PASSPHRASE_CHARS = 16;
const CODE_BYTES = 16;
const CODE_GROUP = 4;
/** RFC 4648 §6 */
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** 128 bits in 5-bit characters */
const CODE_CHARS = Math.ceil((CODE_BYTES * 8) / 5);
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const WRONG_SECRET =
  'Die Schlüssel der Apotheke konnten nicht entschlüsselt werden: Das Passwort bzw. der Einmal-Code ist falsch, oder die gespeicherten Daten wurden verändert.';
const MALFORMED = 'Die gespeicherten Schlüssel der Apotheke haben ein unbekanntes oder beschädigtes Format.';

/** Encrypts both keys under a key derived from `secret` (a one-time code is normalised first, see below). */
export async function wrapPharmacyKeys(
  keys: PharmacyKeys,
  secret: string,
  options: { purpose?: KeyWrapPurpose; kdf?: ScryptParams } = {},
): Promise<WrappedKeys> {
  if (keys.dataKey.length !== KEY_BYTES || keys.kvnrKey.length !== KEY_BYTES) {
    throw new Error(`Die Schlüssel der Apotheke müssen je ${KEY_BYTES} Byte lang sein.`);
  }
  const purpose = options.purpose ?? 'passphrase';
  const params = options.kdf ?? DEFAULT_SCRYPT_PARAMS;
  if (!validScryptParams(params)) throw new Error('Ungültige scrypt-Parameter.');
  const kdf = { name: 'scrypt' as const, N: params.N, r: params.r, p: params.p, salt: randomBytes(SALT_BYTES).toString('base64') };
  const key = await deriveKey(secretBytes(purpose, secret), kdf);
  const nonce = randomBytes(NONCE_BYTES);
  const plain = Buffer.concat([keys.dataKey, keys.kvnrKey]);
  try {
    const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(purpose, kdf));
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { version: 1, purpose, kdf, nonce: nonce.toString('base64'), ciphertext: ciphertext.toString('base64') };
  } finally {
    key.fill(0);
    plain.fill(0);
  }
}

/**
 * Decrypts a wrap. The record comes from the store, so every field is checked before use; a wrong secret and a
 * changed record cannot be told apart (both fail the GCM tag) and get one message.
 */
export async function unwrapPharmacyKeys(wrapped: WrappedKeys, secret: string): Promise<PharmacyKeys> {
  const parts = partsOf(wrapped);
  if (parts === undefined) throw new PharmacyKeyError('malformed-wrap', MALFORMED);
  const key = await deriveKey(secretBytes(wrapped.purpose, secret), wrapped.kdf);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, parts.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(wrapped.purpose, wrapped.kdf));
    decipher.setAuthTag(parts.tag);
    const plain = Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
    const keys = { dataKey: Buffer.from(plain.subarray(0, KEY_BYTES)), kvnrKey: Buffer.from(plain.subarray(KEY_BYTES)) };
    plain.fill(0);
    return keys;
  } catch {
    throw new PharmacyKeyError('wrong-secret', WRONG_SECRET);
  } finally {
    key.fill(0);
  }
}

/**
 * The enrolment passphrase of browser mode (`--enrol-passphrase-file`, §5): the file's text without one trailing
 * line break. Refused when others may read it (the passphrase unlocks every patient's data) or when it is too
 * short to resist guessing even through scrypt.
 */
export function readEnrolmentPassphrase(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new PharmacyKeyError('passphrase-file', `Die Passphrasen-Datei ${file} kann nicht geöffnet werden.`);
  }
  let text: string;
  try {
    // the mode of the file opened, not of whatever the path names a moment later
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new PharmacyKeyError('passphrase-file', `Die Passphrasen-Datei ${file} ist keine gewöhnliche Datei.`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new PharmacyKeyError(
        'passphrase-file',
        `Die Passphrasen-Datei ${file} ist auch für andere Benutzer lesbar (Rechte ${(stat.mode & 0o777).toString(8)}). Bitte mit „chmod 600 ${file}“ auf den Besitzer beschränken.`,
      );
    }
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const passphrase = text.replace(/\r?\n$/, '');
  if ([...passphrase].length < MIN_PASSPHRASE_CHARS) {
    throw new PharmacyKeyError(
      'passphrase-file',
      `Die Passphrase in ${file} ist zu kurz: Sie braucht mindestens ${MIN_PASSPHRASE_CHARS} Zeichen.`,
    );
  }
  return passphrase;
}

/** A fresh one-time code (§5): 128 random bits in Base32 (RFC 4648, no padding), groups of four joined by `-`. */
export function generateOneTimeCode(): string {
  const chars = base32(randomBytes(CODE_BYTES));
  const groups: string[] = [];
  for (let i = 0; i < chars.length; i += CODE_GROUP) groups.push(chars.slice(i, i + CODE_GROUP));
  return groups.join('-');
}

/** A typed code as it was generated: upper case, without blanks and dashes; anything else is refused. */
export function normaliseOneTimeCode(text: string): string {
  const code = text.toUpperCase().replace(/[\s-]/g, '');
  if (![...code].every((char) => BASE32_ALPHABET.includes(char))) {
    throw new PharmacyKeyError('one-time-code', 'Der Einmal-Code enthält ungültige Zeichen (erlaubt: A–Z und 2–7).');
  }
  if (code.length !== CODE_CHARS) {
    throw new PharmacyKeyError('one-time-code', `Der Einmal-Code muss ${CODE_CHARS} Zeichen haben (ohne Bindestriche).`);
  }
  return code;
}

/** What scrypt derives from: a one-time code however it was typed (groups, case), a passphrase as it is. */
function secretBytes(purpose: KeyWrapPurpose, secret: string): Buffer {
  const text = purpose === 'one-time-code' ? normaliseOneTimeCode(secret) : secret;
  if (text === '') throw new PharmacyKeyError('wrong-secret', WRONG_SECRET);
  return Buffer.from(text, 'utf8');
}

function deriveKey(secret: Buffer, params: ScryptParams & { salt: string }): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: SCRYPT_MAX_MEMORY };
  return new Promise((resolve, reject) => {
    scrypt(secret, Buffer.from(params.salt, 'base64'), KEY_BYTES, options, (error, key) => {
      secret.fill(0);
      if (error) reject(new PharmacyKeyError('malformed-wrap', MALFORMED));
      else resolve(key);
    });
  });
}

/** Binds version, purpose and KDF parameters to the ciphertext (§5). */
function associatedData(purpose: KeyWrapPurpose, kdf: WrappedKeys['kdf']): Buffer {
  return Buffer.from(`erx-counter/pharmacy-keys|v1|${purpose}|${kdf.name}|N=${kdf.N}|r=${kdf.r}|p=${kdf.p}|salt=${kdf.salt}`, 'utf8');
}

/** scrypt's own rules (N a power of two above 1) and bounds a stored record must keep (memory, time). */
function validScryptParams(params: ScryptParams): boolean {
  const { N, r, p } = params;
  const integers = [N, r, p].every((n) => Number.isSafeInteger(n) && n >= 1);
  return integers && N > 1 && (N & (N - 1)) === 0 && N <= 2 ** 20 && r <= 32 && p <= 16 && 128 * N * r <= SCRYPT_MAX_MEMORY / 2;
}

function partsOf(wrapped: WrappedKeys): { nonce: Buffer; ciphertext: Buffer; tag: Buffer } | undefined {
  const record = wrapped as Partial<Record<keyof WrappedKeys, unknown>>;
  const kdf = record.kdf as Partial<Record<keyof WrappedKeys['kdf'], unknown>> | undefined;
  if (record.version !== 1 || (record.purpose !== 'passphrase' && record.purpose !== 'one-time-code')) return undefined;
  if (typeof kdf !== 'object' || kdf === null || kdf.name !== 'scrypt') return undefined;
  if (typeof kdf.N !== 'number' || typeof kdf.r !== 'number' || typeof kdf.p !== 'number') return undefined;
  if (!validScryptParams({ N: kdf.N, r: kdf.r, p: kdf.p })) return undefined;
  const salt = base64(kdf.salt);
  const nonce = base64(record.nonce);
  const sealed = base64(record.ciphertext);
  if (salt?.length !== SALT_BYTES || nonce?.length !== NONCE_BYTES || sealed?.length !== 2 * KEY_BYTES + TAG_BYTES) return undefined;
  return { nonce, ciphertext: sealed.subarray(0, 2 * KEY_BYTES), tag: sealed.subarray(2 * KEY_BYTES) };
}

function base64(value: unknown): Buffer | undefined {
  return typeof value === 'string' && CANONICAL_BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

function base32(bytes: Buffer): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
