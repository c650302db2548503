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
import { PostgresAuditRepository } from './audit';
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

export interface PostgresStoreOptions {
  connection: PostgresConnection;
  cipher: Cipher;
  /** key for the KVNR HMAC (search without storing the KVNR in clear), shared by all counters (§5) */
  hmacKey: Buffer;
  now?: () => Date;
}

/** The PostgreSQL store: settings can be reloaded when another counter announces a change (§3). */
export interface PostgresStore extends Store {
  readonly engine: 'postgres';
  readonly settings: SettingsStore & { reload(): Promise<void> };
}

/**
 * Emptied by `resetTrainingData`, as the SQLite engine's training-reset.ts: every case with its drafts, submissions,
 * receipts and messages, the owed operations and the audit trail; settings stay.
 */
const TRAINING_TABLES = ['pending_operations', 'receipts', 'submissions', 'drafts', 'messages', 'cases', 'audit'] as const;

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

  const units = new PostgresUnitsOfWork(pool);
  const settings = new PostgresSettingsRepository(units, options.cipher);
  try {
    await settings.reload();
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    engine: 'postgres',
    cases: new PostgresCaseRepository(units, options.cipher, kvnrHasher(options.hmacKey)),
    drafts: new PostgresDraftRepository(units, options.cipher),
    submissions: new PostgresSubmissionRepository(units, options.cipher),
    receipts: new PostgresReceiptRepository(units, options.cipher),
    audit: new PostgresAuditRepository(units),
    pendingOperations: new PostgresPendingOperationRepository(units, options.cipher),
    settings,
    messages: new PostgresMessageRepository(units, options.cipher),
    transaction: (fn) => units.transaction(fn),
    // One statement for all tables (their foreign keys allow no other order for TRUNCATE); the ids go on counting,
    // as after SQLite's DELETE, and the audit chain starts again from its genesis hash.
    resetTrainingData: () =>
      units.transaction(async () => {
        await units.query(`TRUNCATE ${TRAINING_TABLES.join(', ')}`);
      }),
    // pool.end waits for checked-out connections to be released, so a unit of work in flight is not cut off.
    close: () => (closed ??= pool.end()),
  };
}
