/**
 * A counter joins the pharmacy's shared store (docs/multi-counter.md §5). Personal data at every counter are
 * encrypted with ONE pharmacy data key and KVNRs searched with ONE HMAC key; each counter keeps both locally — the
 * data key like a single counter's (keychain, or a 0600 key file in browser mode; data-protection.ts), the KVNR key
 * in a 0600 file — and the store holds them only wrapped under the enrolment secret (pharmacy-keys.ts: scrypt +
 * AES-256-GCM), together with check values that tell a counter holding other keys from one holding the right ones.
 *
 * - keys held here and the store knows them: check, then use;
 * - keys held here, the store has none (a new, empty database): published under the enrolment secret;
 * - no keys here, the store has them: unwrapped with the enrolment secret (the counter joins without a question);
 * - neither: the first counter creates them — two first counters at once settle on the one inserted first.
 * Without the enrolment secret where one is needed, a German message says what to do.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AesGcmCipher } from './aes-gcm-cipher';
import type { Cipher } from './cipher';
import { openDataProtection, type DataProtection, type SafeStorageLike, KEY_FILE_NAME, WRAPPED_KEY_FILE_NAME } from './data-protection';
import { loadOrCreateKey } from './kvnr-key';
import { PharmacyKeyError, unwrapPharmacyKeys, wrapPharmacyKeys, type PharmacyKeys, type ScryptParams, type WrappedKeys } from './pharmacy-keys';

/** What the store keeps for enrolment: the wrap and the check values (neither reveals a key). */
export interface PharmacyKeyRecord {
  wrap: WrappedKeys;
  /** the data key's Cipher output of CHECK_TEXT: decrypts only under the right key */
  dataKeyCheck: string;
  /** HMAC-SHA256 of CHECK_TEXT under the KVNR key, hex */
  kvnrKeyCheck: string;
}

/** The store's side (PostgreSQL `pharmacy_keys`, `enrolment_codes`). */
export interface PharmacyKeyTable {
  read(): Promise<PharmacyKeyRecord | undefined>;
  /** false when another counter inserted first (then read again) */
  insertIfAbsent(record: PharmacyKeyRecord): Promise<boolean>;
  /** a wrap under a one-time code, valid for `ttlMs` (server time) */
  addCodeWrap(wrap: WrappedKeys, ttlMs: number): Promise<void>;
  /** the one-time-code wraps not yet expired, newest first */
  codeWraps(): Promise<{ id: number; wrap: WrappedKeys }[]>;
  /** deletes the wrap; false when another counter used it first */
  consumeCodeWrap(id: number): Promise<boolean>;
}

export interface EnrolledCounter {
  protection: DataProtection;
  hmacKey: Buffer;
  /** both keys as bytes — only to wrap them for another counter's enrolment (one-time code) */
  keys(): PharmacyKeys;
  /** how this start got its keys */
  enrolment: 'held' | 'published' | 'joined' | 'created';
}

export class EnrolmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnrolmentError';
  }
}

const CHECK_TEXT = 'eRx Counter – Apothekenschlüssel, Prüfwert v1';
const KVNR_KEY_FILE = 'store.key';

const NEEDS_SECRET =
  'Dieser Arbeitsplatz ist noch nicht in die Apotheke eingebunden: Die gemeinsame Datenbank hält die Daten verschlüsselt, und der Schlüssel fehlt hier. Bitte mit derselben Schlüsseldatei starten wie die anderen Kassen (--enrol-passphrase-file DATEI) oder mit dem Einmal-Code, den eine eingebundene Kasse unter „Einstellungen & Info“ → „Kasse hinzufügen“ zeigt (--enrol-code CODE); Einrichtung siehe README „Mehrere Kassen“.';
const CODE_UNKNOWN =
  'Der Einmal-Code passt zu keinem gültigen Code dieser Apotheke (abgelaufen, schon benutzt oder vertippt). Bitte an einer eingebundenen Kasse einen neuen Code erzeugen.';
const NEEDS_SECRET_TO_PUBLISH =
  'Die gemeinsame Datenbank ist neu und kennt den Apothekenschlüssel noch nicht. Bitte diesen ersten Start mit --enrol-passphrase-file DATEI ausführen; die anderen Kassen verwenden dieselbe Datei.';
const OTHER_KEYS =
  'Dieser Arbeitsplatz hält einen anderen Apothekenschlüssel als die gemeinsame Datenbank – er gehört zu einer anderen Apotheke oder Datenbank. Es wurde nichts geöffnet. Bitte den Ordner dieses Arbeitsplatzes (--data) und die Datenbankadresse (--store) prüfen.';

export interface EnrolmentOptions {
  /** the counter's folder for the shared store's keys (not the SQLite store's) */
  keyDir: string;
  table: PharmacyKeyTable;
  safeStorage?: SafeStorageLike;
  /** the enrolment secret, read only when needed */
  secret?: () => string;
  /** the one-time code an enrolled counter showed (Electron, §5): used when there is no secret */
  oneTimeCode?: () => string;
  /** tests only: cheaper scrypt */
  kdf?: ScryptParams;
}

export async function enrolCounter(options: EnrolmentOptions): Promise<EnrolledCounter> {
  mkdirSync(options.keyDir, { recursive: true, mode: 0o700 });
  const stored = await options.table.read();
  const held = holdsKeys(options.keyDir);

  if (held) {
    const local = openLocal(options);
    if (stored) {
      if (!matches(stored, local.protection.cipher, local.hmacKey)) throw new EnrolmentError(OTHER_KEYS);
      return { ...local, enrolment: 'held' };
    }
    // A new, empty database and a counter that already holds keys (e.g. the database was set up afresh): its keys
    // are published — possible only while they are in key files (browser mode); a key in the keychain is not
    // handed out, the counter then enrols afresh in a new key folder.
    const keys = readHeldKeys(options.keyDir);
    if (!keys) throw new EnrolmentError(NEEDS_SECRET_TO_PUBLISH);
    const secret = requireSecret(options, NEEDS_SECRET_TO_PUBLISH);
    if (!(await publish(options, keys, local.protection.cipher, secret))) {
      const theirs = await options.table.read();
      if (!theirs || !matches(theirs, local.protection.cipher, local.hmacKey)) throw new EnrolmentError(OTHER_KEYS);
    }
    return { ...local, enrolment: 'published' };
  }

  if (stored && !options.secret && options.oneTimeCode) {
    return { ...holdLocally(options, await unwrapWithCode(options.table, options.oneTimeCode())), enrolment: 'joined' };
  }
  const secret = requireSecret(options, NEEDS_SECRET);
  if (stored) return { ...holdLocally(options, await unwrapPharmacyKeys(stored.wrap, secret)), enrolment: 'joined' };

  const keys: PharmacyKeys = { dataKey: randomBytes(32), kvnrKey: randomBytes(32) };
  if (await publish(options, keys, new AesGcmCipher(keys.dataKey), secret)) return { ...holdLocally(options, keys), enrolment: 'created' };
  // Another counter was first: take its keys.
  const theirs = await options.table.read();
  if (!theirs) throw new EnrolmentError('Der Apothekenschlüssel konnte in der gemeinsamen Datenbank weder angelegt noch gelesen werden. Bitte erneut starten.');
  return { ...holdLocally(options, await unwrapPharmacyKeys(theirs.wrap, secret)), enrolment: 'joined' };
}

/** Tries the unexpired code wraps (few: each lives 15 minutes); the one that opens is deleted — used once. */
async function unwrapWithCode(table: PharmacyKeyTable, code: string): Promise<PharmacyKeys> {
  for (const candidate of await table.codeWraps()) {
    let keys: PharmacyKeys;
    try {
      keys = await unwrapPharmacyKeys(candidate.wrap, code);
    } catch (error) {
      if (error instanceof PharmacyKeyError && error.reason === 'wrong-secret') continue;
      throw error;
    }
    if (!(await table.consumeCodeWrap(candidate.id))) break;
    return keys;
  }
  throw new EnrolmentError(CODE_UNKNOWN);
}

function requireSecret(options: EnrolmentOptions, message: string): string {
  if (!options.secret) throw new EnrolmentError(message);
  return options.secret();
}

async function publish(options: EnrolmentOptions, keys: PharmacyKeys, cipher: Cipher, secret: string): Promise<boolean> {
  const wrap = await wrapPharmacyKeys(keys, secret, { purpose: 'passphrase', ...(options.kdf ? { kdf: options.kdf } : {}) });
  return options.table.insertIfAbsent({ wrap, dataKeyCheck: cipher.encrypt(CHECK_TEXT), kvnrKeyCheck: kvnrCheck(keys.kvnrKey) });
}

function matches(record: PharmacyKeyRecord, cipher: Cipher, kvnrKey: Buffer): boolean {
  try {
    return cipher.decrypt(record.dataKeyCheck) === CHECK_TEXT && record.kvnrKeyCheck === kvnrCheck(kvnrKey);
  } catch {
    return false;
  }
}

function kvnrCheck(kvnrKey: Buffer): string {
  return createHmac('sha256', kvnrKey).update(CHECK_TEXT, 'utf8').digest('hex');
}

function holdsKeys(keyDir: string): boolean {
  return existsSync(join(keyDir, KVNR_KEY_FILE)) && (existsSync(join(keyDir, KEY_FILE_NAME)) || existsSync(join(keyDir, WRAPPED_KEY_FILE_NAME)));
}

function openLocal(options: EnrolmentOptions): Omit<EnrolledCounter, 'enrolment'> {
  const protection = openDataProtection({ dataDir: options.keyDir, ...(options.safeStorage ? { safeStorage: options.safeStorage } : {}) });
  const hmacKey = loadOrCreateKey(join(options.keyDir, KVNR_KEY_FILE));
  return { protection, hmacKey, keys: () => ({ dataKey: protection.exportKey(), kvnrKey: Buffer.from(hmacKey) }) };
}

/** Both keys as bytes, when the data key is in a key file (browser mode); undefined when it is in the keychain. */
function readHeldKeys(keyDir: string): PharmacyKeys | undefined {
  const keyFile = join(keyDir, KEY_FILE_NAME);
  if (!existsSync(keyFile)) return undefined;
  return {
    dataKey: Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex'),
    kvnrKey: Buffer.from(readFileSync(join(keyDir, KVNR_KEY_FILE), 'utf8').trim(), 'hex'),
  };
}

function holdLocally(options: EnrolmentOptions, keys: PharmacyKeys): Omit<EnrolledCounter, 'enrolment'> {
  const protection = openDataProtection({
    dataDir: options.keyDir,
    initialKey: keys.dataKey,
    ...(options.safeStorage ? { safeStorage: options.safeStorage } : {}),
  });
  const hmacKey = loadOrCreateKey(join(options.keyDir, KVNR_KEY_FILE), keys.kvnrKey);
  return { protection, hmacKey, keys: () => ({ dataKey: protection.exportKey(), kvnrKey: Buffer.from(hmacKey) }) };
}
