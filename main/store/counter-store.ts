/**
 * Which store this counter works on (issue 18 item 1, docs/multi-counter.md §2): its own SQLite file (the default,
 * one counter), or the pharmacy's shared PostgreSQL (`--store postgres://user@host:port/db`). Opens it with its keys:
 * - SQLite: the data key of this folder (data-protection.ts), refusing to start afresh when the key was lost;
 * - PostgreSQL: the pharmacy keys from enrolment (pharmacy-enrolment.ts; the secret from `--enrol-passphrase-file`),
 *   held in `<store dir>/shared-store/`; the workplace's own settings in `<store dir>/local-settings.json`, the
 *   pharmacy's in the store (local-settings.ts). A counter's own `erx.db` beside it is imported once with
 *   `importLocalStore`, and refuses the start while it holds open work without it (sqlite-import.ts, §2).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { CaseLeaseStore } from './case-leases';
import { openDataProtection, type DataProtection, type DataProtectionKind, type SafeStorageLike } from './data-protection';
import { assertDataKeyNotLost } from './key-loss';
import { loadOrCreateKey } from './kvnr-key';
import { LocalSettingsFile, splitSettings } from './local-settings';
import { enrolCounter } from './pharmacy-enrolment';
import { readEnrolmentPassphrase, type PharmacyKeys, type WrappedKeys } from './pharmacy-keys';
import { openPostgresStore, type PostgresConnection } from './postgres/open';
import type { Store } from './repositories';
import { settleLocalStore, type LocalStoreOutcome } from './sqlite-import';
import { openStore } from './store';
import { postgresConnection, redactStoreUrl, type PostgresLocation } from './store-location';

export type StoreChoice =
  | { engine: 'sqlite' }
  /** `enrolCode`: the one-time code an enrolled counter showed (§5), when there is no passphrase file */
  | { engine: 'postgres'; location: PostgresLocation; enrolPassphraseFile?: string; enrolCode?: string };

/** What only the shared store has: the other counters. */
export interface SharedStore {
  /** `postgres://user@host:port/db` — never a password, never the query (§2) */
  description: string;
  connection: PostgresConnection;
  leases: CaseLeaseStore;
  /** this workplace's stable id (local settings), so two counters with one name are still two */
  counterId: string;
  /** another counter changed the pharmacy's settings: read them again */
  reloadSettings(): Promise<void>;
  /** after an erasure: no readable old row versions (§6) */
  vacuumErased(): Promise<void>;
  /** „Kasse hinzufügen“ (main/services/enrolment-codes.ts): the keys this counter holds, and where their wrap goes */
  enrolment: { keys(): PharmacyKeys; addCodeWrap(wrap: WrappedKeys, ttlMs: number): Promise<void> };
  /** what became of this counter's own SQLite store at this start (imported, left, none) — for the log */
  localStore: LocalStoreOutcome;
}

export interface CounterStore {
  store: Store;
  protectionKind: DataProtectionKind;
  shared?: SharedStore;
}

export interface CounterStoreOptions {
  choice: StoreChoice;
  /** `<data dir>` or `<data dir>/training` (main/training/data-layout.ts) */
  storeDir: string;
  safeStorage?: SafeStorageLike;
  nativeBinding?: string;
  now: () => Date;
  /** PGPASSFILE / home for the passfile (tests) */
  env?: { env?: NodeJS.ProcessEnv; homeDir?: string };
  /**
   * `--import-local-store` (shared store only): move this folder's own SQLite store into the shared one, once
   * (sqlite-import.ts). Without it a local store with open cases or owed operations refuses the start.
   */
  importLocalStore?: boolean;
}

const COUNTER_ID_KEY = 'counterId';

export async function openCounterStore(options: CounterStoreOptions): Promise<CounterStore> {
  const { choice, storeDir } = options;
  if (choice.engine === 'sqlite') {
    const own = openOwnSqliteStore(options);
    return { store: own.store, protectionKind: own.protection.kind };
  }

  const connection = postgresConnection(choice.location, options.env);
  const passphraseFile = choice.enrolPassphraseFile;
  const enrolCode = choice.enrolCode;
  let protectionKind: DataProtectionKind = 'key-file';
  let heldKeys: (() => PharmacyKeys) | undefined;
  const store = await openPostgresStore({
    connection,
    now: options.now,
    enrol: async (table) => {
      const enrolled = await enrolCounter({
        keyDir: join(storeDir, 'shared-store'),
        table,
        ...(options.safeStorage ? { safeStorage: options.safeStorage } : {}),
        ...(passphraseFile ? { secret: () => readEnrolmentPassphrase(passphraseFile) } : {}),
        ...(enrolCode ? { oneTimeCode: () => enrolCode } : {}),
      });
      protectionKind = enrolled.protection.kind;
      heldKeys = () => enrolled.keys();
      return { cipher: enrolled.protection.cipher, hmacKey: enrolled.hmacKey };
    },
  });
  try {
    const local = new LocalSettingsFile(join(storeDir, 'local-settings.json'), store.keys.cipher);
    let counterId = local.get(COUNTER_ID_KEY);
    if (typeof counterId !== 'string') {
      counterId = randomUUID();
      await local.set(COUNTER_ID_KEY, counterId);
    }
    // this folder's own SQLite store, if any: imported (with the flag), refused (open work, no flag) or left (§2)
    const localStore = await settleLocalStore({
      storeDir,
      target: store,
      importLocalStore: options.importLocalStore === true,
      openSqlite: () => {
        const own = openOwnSqliteStore(options);
        return { store: own.store, cipher: own.protection.cipher };
      },
      localSettings: local,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      now: options.now,
    });
    return {
      store: { ...store, settings: splitSettings(local, store.settings) },
      protectionKind,
      shared: {
        description: redactStoreUrl(choice.location),
        connection,
        leases: store.leases,
        counterId: counterId as string,
        reloadSettings: () => store.settings.reload(),
        vacuumErased: () => store.vacuumErased(),
        enrolment: {
          keys: () => {
            if (!heldKeys) throw new Error('keys not enrolled');
            return heldKeys();
          },
          addCodeWrap: (wrap, ttlMs) => store.addEnrolmentCodeWrap(wrap, ttlMs),
        },
        localStore,
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** This folder's own SQLite store with its own data key, refusing to start afresh when the key was lost. */
function openOwnSqliteStore(options: CounterStoreOptions): { store: Store; protection: DataProtection } {
  const { storeDir } = options;
  const dbFile = join(storeDir, 'erx.db');
  assertDataKeyNotLost({ dataDir: storeDir, dbFile, nativeBinding: options.nativeBinding });
  const protection = openDataProtection({ dataDir: storeDir, safeStorage: options.safeStorage });
  const store = openStore({
    file: dbFile,
    cipher: protection.cipher,
    hmacKey: loadOrCreateKey(join(storeDir, 'store.key')),
    now: options.now,
    nativeBinding: options.nativeBinding,
  });
  return { store, protection };
}
