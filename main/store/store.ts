/**
 * The local store (architecture §7): one SQLite file `<dataDir>/erx.db` in WAL mode, explicit migrations,
 * and one repository per kind of record. Built once by main/core.ts and handed to the services.
 */
import Database from 'better-sqlite3';
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
import { resetTrainingData } from './training-reset';

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

export interface Store {
  readonly cases: CaseRepository;
  readonly drafts: DraftRepository;
  readonly submissions: SubmissionRepository;
  readonly receipts: ReceiptRepository;
  readonly audit: AuditRepository;
  readonly pendingOperations: PendingOperationRepository;
  readonly settings: SettingsRepository;
  /** Zuweisungen and replies (spec §3.11) */
  readonly messages: MessageRepository;
  /** runs fn in one SQLite transaction (all or nothing) */
  transaction<T>(fn: () => T): T;
  /** training only: empties cases, drafts, submissions, receipts, messages, owed operations and audit; keeps settings */
  resetTrainingData(): void;
  close(): void;
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
  return {
    cases: new CaseRepository(db, options.cipher, kvnrHasher(options.hmacKey)),
    drafts: new DraftRepository(db, options.cipher),
    submissions: new SubmissionRepository(db, options.cipher),
    receipts: new ReceiptRepository(db, options.cipher),
    audit: new AuditRepository(db),
    pendingOperations: new PendingOperationRepository(db, options.cipher),
    settings: new SettingsRepository(db, options.cipher),
    messages: new MessageRepository(db, options.cipher),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    resetTrainingData: () => resetTrainingData(db),
    close: () => db.close(),
  };
}
