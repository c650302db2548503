/**
 * Where the data key of the store lives (architecture §7). One random 32-byte key encrypts
 * every `*_enc` value (AesGcmCipher). It is kept
 * - wrapped by Electron `safeStorage` (OS keychain: macOS Keychain, Windows DPAPI, libsecret/KWallet) in
 *   `<dataDir>/data-key.safe` — only when safeStorage is usable and not Chromium's `basic_text` fallback, which
 *   "encrypts" with a hard-coded password and protects nothing;
 * - otherwise, and always in browser mode, in `<dataDir>/data.key`, readable by the user only (mode 0600).
 *
 * Losing the key loses every Secret, and without the Secret a prescription can be neither dispensed nor closed
 * (spec §3.2, A_19169-01). So this module never replaces a key it cannot read: it throws DataProtectionError and
 * the app refuses to open the store instead of starting over with an empty one.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { AesGcmCipher, DATA_KEY_BYTES } from './aes-gcm-cipher';
import type { Cipher } from './cipher';

/** the slice of Electron's safeStorage we use; main/index.ts passes the real one, tests a fake */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only (absent on macOS/Windows); `unknown` before the app's `ready` event */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export type DataProtectionKind = 'safe-storage' | 'key-file';

export interface DataProtection {
  /** shown in the settings: where the data key is kept */
  kind: DataProtectionKind;
  cipher: Cipher & { isCiphertext(stored: string): boolean };
  /**
   * The key's bytes, for wrapping it under an enrolment secret only (a counter letting another join the shared store,
   * docs/multi-counter.md §5) — never stored, logged or sent as they are.
   */
  exportKey(): Buffer;
}

function held(kind: DataProtectionKind, key: Buffer): DataProtection {
  const copy = Buffer.from(key);
  return { kind, cipher: new AesGcmCipher(key), exportKey: () => Buffer.from(copy) };
}

export type DataProtectionFailure =
  | 'keychain-unavailable'
  | 'key-corrupt'
  | 'key-unreadable'
  | 'key-exposed'
  | 'key-conflict'
  | 'key-unwritable';

/** The data key cannot be used; the store must not be opened. German message, never the key. */
export class DataProtectionError extends Error {
  constructor(
    readonly reason: DataProtectionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DataProtectionError';
  }
}

export const KEY_FILE_NAME = 'data.key';
export const WRAPPED_KEY_FILE_NAME = 'data-key.safe';

const SUPPORT = 'Die gespeicherten Daten können nicht geöffnet werden. Bitte wenden Sie sich an den Support.';
const KEY_HEX = /^[0-9a-f]{64}$/;
/** Backends that do not protect the key: the hard-coded-password fallback, and "asked before app ready". */
const UNPROTECTED_BACKENDS = new Set(['basic_text', 'unknown']);

export function openDataProtection(options: {
  dataDir: string;
  safeStorage?: SafeStorageLike;
  /**
   * The key to hold when this folder holds none yet — a counter joining a shared store gets the pharmacy's data key
   * (docs/multi-counter.md §5) instead of a random one. A key already held is never replaced by it.
   */
  initialKey?: Buffer;
}): DataProtection {
  const keyFile = join(options.dataDir, KEY_FILE_NAME);
  const wrappedFile = join(options.dataDir, WRAPPED_KEY_FILE_NAME);
  const keychain = usableKeychain(options.safeStorage);

  if (existsSync(wrappedFile)) {
    // The key is in the keychain; a missing keychain must not lead to a new key — that would orphan all data.
    if (!keychain) throw keychainUnavailable();
    const key = unwrapKey(keychain, wrappedFile);
    if (existsSync(keyFile)) finishMove(keyFile, key);
    return held('safe-storage', key);
  }

  if (keychain) {
    // First start with a usable keychain, or it became usable: the existing key moves into it unchanged, so the
    // data written with it stays readable. data.key goes only after the wrapped copy was read back.
    const existing = existsSync(keyFile) ? readKeyFile(keyFile) : undefined;
    const key = existing ?? options.initialKey ?? randomBytes(DATA_KEY_BYTES);
    if (storeWrappedKey(keychain, wrappedFile, key)) {
      if (existing) unlinkSync(keyFile);
      return held('safe-storage', key);
    }
    // The keychain claims to work but does not give the key back: the key file it is (the settings show it).
    if (existing) return held('key-file', existing);
  }

  const key = existsSync(keyFile) ? readKeyFile(keyFile) : createKeyFile(keyFile, options.initialKey);
  return held('key-file', key);
}

function usableKeychain(safeStorage: SafeStorageLike | undefined): SafeStorageLike | undefined {
  if (!safeStorage) return undefined;
  try {
    if (!safeStorage.isEncryptionAvailable()) return undefined;
    const backend = safeStorage.getSelectedStorageBackend?.();
    return backend !== undefined && UNPROTECTED_BACKENDS.has(backend) ? undefined : safeStorage;
  } catch {
    return undefined;
  }
}

const keychainUnavailable = (): DataProtectionError =>
  new DataProtectionError(
    'keychain-unavailable',
    `Der Schlüssel der gespeicherten Daten liegt im Schlüsselbund des Betriebssystems, der Schlüsselbund ist aber nicht erreichbar. ${SUPPORT}`,
  );

const corrupt = (file: string): DataProtectionError =>
  new DataProtectionError('key-corrupt', `Die Schlüsseldatei ${file} ist beschädigt. ${SUPPORT}`);

function parseKeyHex(text: string, file: string): Buffer {
  const hex = text.trim();
  if (!KEY_HEX.test(hex)) throw corrupt(file);
  return Buffer.from(hex, 'hex');
}

function readKeyFile(file: string): Buffer {
  ensureOwnerOnly(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataProtectionError('key-unreadable', `Die Schlüsseldatei ${file} kann nicht gelesen werden (${errorCode(e)}). ${SUPPORT}`);
  }
  return parseKeyHex(text, file);
}

/**
 * POSIX: the key file must be readable by its owner only. A wider mode (a restored backup, a copy) is set back
 * to 0600 — the data stays usable; if that is not possible (file of another user, a file system without Unix
 * rights) the app refuses rather than work with a key others can read. Windows: the user profile's ACLs apply.
 */
function ensureOwnerOnly(file: string): void {
  if (process.platform === 'win32') return;
  if ((statSync(file).mode & 0o077) === 0) return;
  try {
    chmodSync(file, 0o600);
  } catch {
    // checked below
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new DataProtectionError(
      'key-exposed',
      `Die Schlüsseldatei ${file} ist für andere Benutzer lesbar, und die Rechte lassen sich nicht auf „nur Eigentümer“ einschränken. ${SUPPORT}`,
    );
  }
}

function createKeyFile(file: string, initialKey?: Buffer): Buffer {
  const key = initialKey ?? randomBytes(DATA_KEY_BYTES);
  // 'wx' = exclusive: never overwrite a key another process wrote in the meantime. Mode 0600 at creation, so
  // the key is never readable by others, not even for a moment; fsync because data will be written with it.
  writeDurably(file, `${key.toString('hex')}\n`, 'wx');
  ensureOwnerOnly(file);
  return key;
}

function writeDurably(file: string, content: string | Buffer, flag: 'wx' | 'w'): void {
  let fd: number;
  try {
    fd = openSync(file, flag, 0o600);
  } catch (e) {
    throw new DataProtectionError('key-unwritable', `Die Schlüsseldatei ${file} kann nicht angelegt werden (${errorCode(e)}).`);
  }
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function unwrapKey(keychain: SafeStorageLike, file: string): Buffer {
  let wrapped: Buffer;
  try {
    wrapped = readFileSync(file);
  } catch (e) {
    throw new DataProtectionError('key-unreadable', `Die Schlüsseldatei ${file} kann nicht gelesen werden (${errorCode(e)}). ${SUPPORT}`);
  }
  let hex: string;
  try {
    hex = keychain.decryptString(wrapped);
  } catch {
    // The keychain refused (locked, other user, reinstalled system) or the file was altered.
    throw keychainUnavailable();
  }
  if (!KEY_HEX.test(hex.trim())) {
    throw new DataProtectionError(
      'key-corrupt',
      `Die Schlüsseldatei ${file} ist beschädigt oder gehört zu einem anderen Schlüsselbund. ${SUPPORT}`,
    );
  }
  return Buffer.from(hex.trim(), 'hex');
}

/**
 * Written beside and renamed into place, so a crash leaves either no wrapped key or a complete one; kept only
 * when the keychain gives the same key back. false = the keychain cannot hold the key (nothing left on disk).
 */
function storeWrappedKey(keychain: SafeStorageLike, file: string, key: Buffer): boolean {
  const temporary = `${file}.tmp`;
  try {
    const wrapped = keychain.encryptString(key.toString('hex'));
    if (existsSync(temporary)) unlinkSync(temporary);
    writeDurably(temporary, wrapped, 'wx');
    renameSync(temporary, file);
    if (unwrapKey(keychain, file).equals(key)) return true;
  } catch {
    // falls through to the clean-up
  }
  for (const leftover of [temporary, file]) if (existsSync(leftover)) unlinkSync(leftover);
  return false;
}

/** A crash between writing data-key.safe and deleting data.key leaves both: finish, if they hold one key. */
function finishMove(keyFile: string, key: Buffer): void {
  if (!readKeyFile(keyFile).equals(key)) {
    throw new DataProtectionError(
      'key-conflict',
      `Es gibt zwei verschiedene Schlüssel für die gespeicherten Daten (Schlüsselbund und ${keyFile}). ${SUPPORT}`,
    );
  }
  unlinkSync(keyFile);
}

function errorCode(e: unknown): string {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : 'unbekannter Fehler';
}
