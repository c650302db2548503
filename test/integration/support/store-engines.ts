/**
 * Both store engines behind one harness, so the repository tests run the same bodies against each
 * (docs/multi-counter.md §1, §7): SQLite on a file in a fresh temp folder per test, PostgreSQL on ONE throwaway
 * cluster per test file (postgres-cluster.ts) with a fresh database per test. Every Store a test opens is closed
 * by `closeAll()`; `open()` may be called more than once per test — several counters on one store.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Cipher } from '../../../main/store/cipher';
import { openPostgresStore, type PostgresConnection } from '../../../main/store/postgres/open';
import type { Store, StoreEngine } from '../../../main/store/repositories';
import { openStore } from '../../../main/store/store';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';

export interface StoreOpenOptions {
  cipher: Cipher;
  now?: () => Date;
}

export type RawRow = Record<string, unknown>;

export interface StoreEngineHarness {
  readonly name: StoreEngine;
  /** beforeAll: the PostgreSQL harness starts its cluster (a few seconds on a loaded machine) */
  start(): Promise<void>;
  /** beforeEach: an empty store location for the next test */
  fresh(): Promise<void>;
  /** a Store on the current test's location */
  open(options: StoreOpenOptions): Promise<Store>;
  /** runs one SQL statement straight on the current location (no repository); answers its rows */
  raw(sql: string): Promise<RawRow[]>;
  /** every row of every table of the current location as JSON text, to search for plaintext */
  storedText(): Promise<string>;
  /** PostgreSQL only: a plain client on the current test's database (LISTEN, locks), ended by closeAll() */
  client?: () => Promise<pg.Client>;
  /** PostgreSQL only: the current test's database as the app connects to it (for stores opened by hand) */
  connection?: () => PostgresConnection;
  /** afterEach: closes every Store and client opened for the test */
  closeAll(): Promise<void>;
  /** afterAll */
  stop(): Promise<void>;
}

/** The KVNR HMAC key of every store the tests open: all counters of a pharmacy share it (§5). */
const HMAC_KEY = Buffer.alloc(32, 7);

export function storeEngines(): StoreEngineHarness[] {
  return [sqliteHarness(), postgresHarness()];
}

/** Closes what a test opened; remembers the first failure and reports it after trying all. */
async function closeEach(closers: (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(closers.splice(0).map((close) => close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function sqliteHarness(): StoreEngineHarness {
  let dir: string | undefined;
  const closers: (() => Promise<void>)[] = [];
  const file = (): string => {
    if (dir === undefined) throw new Error('fresh() first');
    return join(dir, 'erx.db');
  };
  const withDb = <T>(use: (db: Database.Database) => T): T => {
    const db = new Database(file());
    try {
      return use(db);
    } finally {
      db.close();
    }
  };
  const removeDir = async (): Promise<void> => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  };
  return {
    name: 'sqlite',
    start: async () => undefined,
    fresh: async () => {
      await removeDir();
      dir = await mkdtemp(join(tmpdir(), 'erx-store-engines-'));
    },
    open: async ({ cipher, now }) => {
      const store = openStore({ file: file(), cipher, hmacKey: HMAC_KEY, now });
      closers.push(() => store.close());
      return store;
    },
    raw: async (sql) =>
      withDb((db) => {
        const statement = db.prepare(sql);
        if (statement.reader) return statement.all() as RawRow[];
        statement.run();
        return [];
      }),
    storedText: async () =>
      withDb((db) => {
        const tables = db.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all();
        return tables.map((t) => `${t.name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())}`).join('\n');
      }),
    closeAll: () => closeEach(closers),
    stop: async () => {
      await closeEach(closers);
      await removeDir();
    },
  };
}

function postgresHarness(): StoreEngineHarness {
  let cluster: PostgresCluster | undefined;
  let admin: pg.Client | undefined;
  let database: string | undefined;
  let databases = 0;
  const closers: (() => Promise<void>)[] = [];

  const connection = (): PostgresConnection => {
    if (cluster === undefined || database === undefined) throw new Error('start() and fresh() first');
    const { host, port, user, passfile } = cluster;
    // as the app will: the password read from the 0600 passfile for each connection, never in a URL (§2)
    return { host, port, user, database, password: () => passwordFromPassfile(passfile, host, port, user) };
  };
  const client = async (): Promise<pg.Client> => {
    const c = new pg.Client(connection());
    await c.connect();
    closers.push(() => c.end());
    return c;
  };
  const query = async (sql: string): Promise<RawRow[]> => {
    const c = new pg.Client(connection());
    await c.connect();
    try {
      return (await c.query<RawRow>(sql)).rows;
    } finally {
      await c.end();
    }
  };

  return {
    name: 'postgres',
    connection,
    start: async () => {
      cluster = await startPostgresCluster();
      admin = new pg.Client({ ...superuserConnection(cluster), database: 'postgres' });
      await admin.connect();
    },
    fresh: async () => {
      if (admin === undefined) throw new Error('start() first');
      // A new, empty database per test (template0: nothing of the cluster's template1); names are ours, not input.
      // Its default collation is German (ICU), as on a pharmacy's server: the store must sort by byte order like
      // SQLite all the same (postgres/migrations.ts, COLLATE "C").
      database = `store_test_${++databases}`;
      await admin.query(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'de-DE'`);
    },
    open: async ({ cipher, now }) => {
      const store = await openPostgresStore({ connection: connection(), cipher, hmacKey: HMAC_KEY, now });
      closers.push(() => store.close());
      return store;
    },
    raw: query,
    storedText: async () => {
      const tables = await query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
      const parts: string[] = [];
      for (const { table_name: name } of tables) {
        const rows = await query(`SELECT row_to_json(t)::text AS row FROM "${String(name)}" t`);
        parts.push(`${String(name)}: [${rows.map((r) => String(r.row)).join(',')}]`);
      }
      return parts.join('\n');
    },
    client,
    closeAll: () => closeEach(closers),
    stop: async () => {
      await closeEach(closers);
      await admin?.end();
      await cluster?.stop();
    },
  };
}

/** The superuser's connection to the cluster (the database is set by the caller). */
function superuserConnection(cluster: PostgresCluster): pg.ClientConfig {
  const { host, port, user, passfile } = cluster;
  return { host, port, user, password: () => passwordFromPassfile(passfile, host, port, user) };
}

/**
 * The password of the first passfile line (`host:port:database:user:password`, `*` for any; `\:` and `\\`
 * escaped) matching host, port and user — what libpq does with a passfile (the cluster writes `database` as `*`).
 */
async function passwordFromPassfile(passfile: string, host: string, port: number, user: string): Promise<string> {
  const lines = (await readFile(passfile, 'utf8')).split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  for (const line of lines) {
    const fields = splitPassfileLine(line);
    if (fields.length !== 5) continue;
    const [h, p, , u, password] = fields as [string, string, string, string, string];
    const matches = (field: string, value: string): boolean => field === '*' || field === value;
    if (matches(h, host) && matches(p, String(port)) && matches(u, user)) return password;
  }
  throw new Error(`no password for ${user}@${host}:${port} in ${passfile}`);
}

function splitPassfileLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (ch === '\\' && i + 1 < line.length) field += line.charAt(++i);
    else if (ch === ':') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
