/**
 * The local store (architecture §7): one SQLite file `<dataDir>/erx.db` in WAL mode, explicit migrations,
 * and one repository per kind of record. Built once by main/core.ts and handed to the services.
 */
import Database from 'better-sqlite3';
import { ArticleRepository } from './articles';
import { AuditRepository } from './audit';
import { CaseRepository } from './cases';
import { recognisesCiphertext, type Cipher } from './cipher';
import { DraftRepository } from './drafts';
import { kvnrHasher } from './kvnr-key';
import { encryptLegacyPlaintext } from './legacy-plaintext';
import { MessageRepository } from './messages';
import { migrate } from './migrations';
import { PendingOperationRepository } from './pending-operations';
import { ReceiptRepository } from './receipts';
import { SettingsRepository } from './settings';
import { SubmissionRepository } from './submissions';
import type { Store } from './repositories';
import { SqliteUnitsOfWork } from './sqlite-unit-of-work';
import { resetTrainingData } from './training-reset';

export type { Store } from './repositories';

export interface StoreOptions {
  /** database file, or `:memory:` for tests */
  file: string;
  cipher: Cipher;
  /** key for the KVNR HMAC (search without storing the KVNR in clear) */
  hmacKey: Buffer;
  now?: () => Date;
  /** better-sqlite3 native module built for Electron's ABI (stack notes); absent = the Node build */
  nativeBinding?: string;
}

export function openStore(options: StoreOptions): Store {
  const db = new Database(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // A crash may lose the last transaction, never corrupt the file; with WAL, NORMAL is the usual trade-off —
    // but a stored Secret must survive a power cut right after $accept (A_19169-01), so stay on FULL.
    db.pragma('synchronous = FULL');
    // Erased personal data ($reject/$abort, A_19251) must not linger in free pages of the file.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.now ?? (() => new Date()));
    // Plaintext written by versions before the data key gets encrypted once (legacy-plaintext.ts).
    if (recognisesCiphertext(options.cipher)) encryptLegacyPlaintext(db, options.cipher);
  } catch (e) {
    db.close();
    throw e;
  }
  const units = new SqliteUnitsOfWork(db);
  const settings = new SettingsRepository(db, options.cipher);
  return {
    engine: 'sqlite',
    cases: units.serialise(new CaseRepository(db, options.cipher, kvnrHasher(options.hmacKey))),
    drafts: units.serialise(new DraftRepository(db, options.cipher)),
    submissions: units.serialise(new SubmissionRepository(db, options.cipher)),
    receipts: units.serialise(new ReceiptRepository(db, options.cipher)),
    audit: units.serialise(new AuditRepository(db)),
    pendingOperations: units.serialise(new PendingOperationRepository(db, options.cipher)),
    // Reads straight from the row (one connection, so a read sees what this counter wrote); writes queue.
    settings: {
      get: (key) => settings.get(key),
      getSecret: (key) => settings.getSecret(key),
      set: (key, value) => units.run(() => settings.set(key, value)),
      setSecret: (key, value) => units.run(() => settings.setSecret(key, value)),
    },
    messages: units.serialise(new MessageRepository(db, options.cipher)),
    articles: units.serialise(new ArticleRepository(db)),
    transaction: (fn) => units.transaction(fn),
    resetTrainingData: () => units.run(() => resetTrainingData(db)),
    // After whatever is queued, so a unit of work in flight is not cut off.
    close: () =>
      units.run(() => {
        db.close();
      }),
  };
}
