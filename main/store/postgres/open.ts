/**
 * The PostgreSQL store for several counters (docs/multi-counter.md §1): a connection pool, the migrations under
 * their advisory lock, the settings copy, and one repository per kind of record behind the engine-neutral `Store`
 * (repositories.ts). Choosing the store, the passfile and the TLS policy (§2) happen before: this module takes a
 * resolved connection.
 */
import pg from 'pg';
import type { Cipher } from '../cipher';
import { kvnrHasher } from '../kvnr-key';
import type { SettingsStore, Store } from '../repositories';
import type { CaseLeaseStore } from '../case-leases';
import type { PharmacyKeyTable } from '../pharmacy-enrolment';
import type { WrappedKeys } from '../pharmacy-keys';
import { PostgresArticleRepository } from './articles';
import { PostgresAuditRepository } from './audit';
import { PostgresCaseLeaseRepository } from './case-leases';
import { CASE_CHANGED, MESSAGES_CHANGED, PENDING_CHANGED } from './notify';
import { PostgresPharmacyKeyTable } from './pharmacy-keys-table';
import { PostgresCaseRepository } from './cases';
import { clientConfig } from './client-config';
import { PostgresDraftRepository } from './drafts';
import { PostgresMessageRepository } from './messages';
import { migratePostgres } from './migrations';
import { PostgresPendingOperationRepository } from './pending-operations';
import { PostgresReceiptRepository } from './receipts';
import { PostgresSettingsRepository } from './settings';
import { PostgresSubmissionRepository } from './submissions';
import { PostgresUnitsOfWork } from './unit-of-work';

export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  database: string;
  /** asked for each new connection (e.g. read from the 0600 passfile, §2); never part of a URL */
  password?: () => string | Promise<string>;
  /** TLS with the server's CA, certificate and host name verified (sslmode=verify-full, §2); absent = plain TCP */
  ssl?: { ca: string; servername?: string };
}

/** The pharmacy keys: the data key's Cipher and the KVNR search key, shared by all counters (§5). */
export interface StoreKeys {
  cipher: Cipher;
  /** key for the KVNR HMAC (search without storing the KVNR in clear) */
  hmacKey: Buffer;
}

export type PostgresStoreOptions = {
  connection: PostgresConnection;
  now?: () => Date;
} & (
  | StoreKeys
  /** the keys come out of the store itself (enrolment, pharmacy-enrolment.ts): asked after the migrations */
  | { enrol: (table: PharmacyKeyTable) => Promise<StoreKeys> }
);

/** The PostgreSQL store: settings can be reloaded when another counter announces a change (§3). */
export interface PostgresStore extends Store {
  readonly engine: 'postgres';
  readonly settings: SettingsStore & { reload(): Promise<void> };
  /** one owner per open case (§4) */
  readonly leases: CaseLeaseStore;
  /** what `enrol` answered, when the keys came from the store */
  readonly keys: StoreKeys;
  /**
   * After an erasure ($reject/$abort, A_19251): old row versions still hold the erased ciphertext until the tables are
   * rewritten (VACUUM FULL, §6). Not inside a transaction (VACUUM cannot run in one).
   */
  vacuumErased(): Promise<void>;
  /** „Kasse hinzufügen“: the pharmacy keys wrapped under a one-time code, for `ttlMs` (server time, §5) */
  addEnrolmentCodeWrap(wrap: WrappedKeys, ttlMs: number): Promise<void>;
}

/** Where an erasure leaves old row versions with personal data (case-ending.ts: cases, submissions, owed, messages). */
const ERASED_TABLES = ['cases', 'submissions', 'pending_operations', 'messages', 'drafts'] as const;
/** How long VACUUM FULL waits for a table another counter is using before it leaves it to the next erasure. */
const VACUUM_LOCK_TIMEOUT_MS = 2000;

/**
 * Emptied by `resetTrainingData`, as the SQLite engine's training-reset.ts: every case with its drafts, submissions,
 * receipts and messages, the owed operations, the audit trail and who holds which case; settings stay.
 */
const TRAINING_TABLES = ['pending_operations', 'receipts', 'submissions', 'drafts', 'messages', 'cases', 'audit', 'case_leases'] as const;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const { connection } = options;
  const pool = new pg.Pool(clientConfig(connection, 'store'));
  // An idle pooled connection that breaks (server restart, network) emits 'error' on the pool; unhandled, it would
  // end the process. The pool drops that connection, and the next query reports the outage where it happens.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, options.now ?? (() => new Date()));
      client.release();
    } catch (error) {
      client.release(true);
      throw error;
    }
  } catch (error) {
    await pool.end();
    throw error;
  }

  let keys: StoreKeys;
  try {
    keys = 'enrol' in options ? await options.enrol(new PostgresPharmacyKeyTable(pool)) : { cipher: options.cipher, hmacKey: options.hmacKey };
  } catch (error) {
    await pool.end();
    throw error;
  }
  const units = new PostgresUnitsOfWork(pool);
  const settings = new PostgresSettingsRepository(units, keys.cipher);
  try {
    await settings.reload();
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    engine: 'postgres',
    cases: new PostgresCaseRepository(units, keys.cipher, kvnrHasher(keys.hmacKey)),
    drafts: new PostgresDraftRepository(units, keys.cipher),
    submissions: new PostgresSubmissionRepository(units, keys.cipher),
    receipts: new PostgresReceiptRepository(units, keys.cipher),
    audit: new PostgresAuditRepository(units),
    pendingOperations: new PostgresPendingOperationRepository(units, keys.cipher),
    settings,
    messages: new PostgresMessageRepository(units, keys.cipher),
    articles: new PostgresArticleRepository(units),
    leases: new PostgresCaseLeaseRepository(units),
    keys,
    addEnrolmentCodeWrap: (wrap, ttlMs) => new PostgresPharmacyKeyTable(pool).addCodeWrap(wrap, ttlMs),
    vacuumErased: async () => {
      // Plain VACUUM frees the dead row versions but leaves their bytes in the pages' free space — still readable in
      // the table files. VACUUM FULL writes each table (and its TOAST table) anew and drops the old files. It locks
      // the table while it does; a short lock_timeout keeps another counter's waiting short: when it cannot get the
      // lock, the next erasure does it (the old bytes are still inside the database's own files only).
      const client = await pool.connect();
      try {
        await client.query(`SET lock_timeout = '${VACUUM_LOCK_TIMEOUT_MS}ms'`);
        for (const table of ERASED_TABLES) await client.query(`VACUUM FULL ${table}`);
      } finally {
        client.release(true);
      }
    },
    transaction: (fn) => units.transaction(fn),
    // One statement for all tables (their foreign keys allow no other order for TRUNCATE); the ids go on counting,
    // as after SQLite's DELETE, and the audit chain starts again from its genesis hash.
    resetTrainingData: () =>
      units.transaction(async () => {
        await units.query(`TRUNCATE ${TRAINING_TABLES.join(', ')}`);
        // every counter reloads everything (a payload that is no PrescriptionID means „all cases“, §3)
        await units.query(`SELECT pg_notify('${CASE_CHANGED}', '*'), pg_notify('${MESSAGES_CHANGED}', ''), pg_notify('${PENDING_CHANGED}', '')`);
      }),
    // pool.end waits for checked-out connections to be released, so a unit of work in flight is not cut off.
    close: () => (closed ??= pool.end()),
  };
}
