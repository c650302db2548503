/**
 * One pharmacy with several counters in ONE test process (issue 18 item 7, docs/multi-counter.md §6): a throwaway
 * PostgreSQL cluster (postgres-cluster.ts), one simulator on its own loopback port with a request log
 * (in-process-app.ts), and counters as in-process cores (`createCore` with `store`, its own data folder each) that
 * enrol with one passphrase file (§5) and reach the store through the cluster's 0600 passfile (§2) — the handler
 * table the renderer calls, so a test drives each counter like its page. The first counter started becomes the
 * background owner (§4).
 *
 * Beside the app's way in, the test's own: SQL as the superuser (rows, raw pages), an auditor's Store on the same
 * database (the audit trail needs no pharmacy key) and the pharmacy keys a counter holds (to tell ciphertext of
 * the pharmacy key from plaintext).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createCore, storeDirOf, type Core } from '../../../main/core';
import type { HandlerTable } from '../../../main/ipc/types';
import type { NetworkSettings } from '../../../main/services/settings';
import { AesGcmCipher } from '../../../main/store/aes-gcm-cipher';
import { openPostgresStore, type PostgresStore } from '../../../main/store/postgres/open';
import { handlerView, type AppView } from './consistency';
import { startTestSimulator, type TestSimulator } from './in-process-app';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';

/**
 * Millisecond settings: an in-process simulator on a loaded machine answers well within the timeout (a timeout
 * would turn a plain send into a reconciliation); retries and probes fast, so a healed connection shows at once.
 */
export const SHARED_NETWORK: NetworkSettings = {
  requestTimeoutMs: 5_000,
  retryBaseMs: 5,
  retryMaxDelayMs: 20,
  maxAttempts: 3,
  probeIntervalMs: 100,
};

/** How often a counter that is not the background owner tries to become it (§4: 30 s in the app; tests less). */
const BACKGROUND_RETRY_MS = 200;

const PASSPHRASE = 'Apotheke am Markt – gemeinsame Passphrase für die Tests 2026\n';

export interface SharedCounter {
  /** the counter's name (pharmacy setup), e.g. „Kasse 1“ */
  name: string;
  kuerzel: string;
  core: Core;
  handlers: HandlerTable;
  view: AppView;
  dataDir: string;
  /** closes the core (its pool, listener and background lock end with it) */
  close(): Promise<void>;
}

/** The pharmacy keys a counter holds after enrolment (browser mode: hex key files, pharmacy-enrolment.ts). */
export interface HeldKeys {
  dataKey: Buffer;
  kvnrKey: Buffer;
  /** the data key's Cipher: what every counter encrypts personal data with (§5) */
  cipher: AesGcmCipher;
}

export interface SharedPharmacy {
  cluster: PostgresCluster;
  sim: TestSimulator;
  /** starts a counter on the pharmacy's store; the staff member `kuerzel` is signed in */
  startCounter(name: string, kuerzel: string, options?: { network?: Partial<NetworkSettings> }): Promise<SharedCounter>;
  /** one statement as the superuser on the store's database (a fresh connection: works across pause/resume) */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * A Store on the same database as an auditor opens it: for `audit.verify()` and `audit.list()` (the audit trail
   * holds no personal data, so a throwaway key serves — it must not be used for encrypted records). Closed by close().
   */
  auditorStore(): Promise<PostgresStore>;
  /** the keys `counter` holds */
  heldKeys(counter: SharedCounter): HeldKeys;
  /** every counter, the simulator and the cluster; removes the folders */
  close(): Promise<void>;
}

export async function startSharedPharmacy(): Promise<SharedPharmacy> {
  const dirs: string[] = [];
  const tempDir = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  const removeDirs = (): void => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  const passphraseFile = join(tempDir('erx-shared-secret-'), 'passphrase');
  writeFileSync(passphraseFile, PASSPHRASE, { mode: 0o600 });
  chmodSync(passphraseFile, 0o600);

  const cluster = await startPostgresCluster();
  let sim: TestSimulator;
  try {
    sim = await startTestSimulator();
  } catch (error) {
    await cluster.stop();
    removeDirs();
    throw error;
  }
  const closers: (() => Promise<void>)[] = [];
  const location = { host: cluster.host, port: cluster.port, user: cluster.user, database: cluster.database };

  return {
    cluster,
    sim,
    startCounter: async (name, kuerzel, options = {}) => {
      const dataDir = tempDir('erx-shared-counter-');
      const core = await createCore({
        dataDir,
        fachdienstUrl: sim.handle.url,
        network: { ...SHARED_NETWORK, ...options.network },
        seedDemoPrescriptions: false,
        store: location,
        enrolPassphraseFile: passphraseFile,
        backgroundRetryMs: BACKGROUND_RETRY_MS,
        // the passfile as libpq finds it (§2); not the test process's own environment
        storeEnvironment: { env: { PGPASSFILE: cluster.passfile } },
      });
      let closed: Promise<void> | undefined;
      const close = (): Promise<void> => (closed ??= core.close());
      closers.push(close);
      try {
        const setup = await core.handlers['erx:getPharmacySetup']({});
        await core.handlers['erx:savePharmacySetup']({ staff: setup.staff, counterName: name, pharmacy: setup.pharmacy });
        await core.handlers['erx:setStaff']({ kuerzel });
      } catch (error) {
        await close();
        throw error;
      }
      return { name, kuerzel, core, handlers: core.handlers, view: handlerView(core.handlers), dataDir, close };
    },
    query: async <R extends pg.QueryResultRow>(sql: string, params: readonly unknown[] = []) => {
      const client = new pg.Client(cluster.superuserConfig());
      await client.connect();
      try {
        return (await client.query<R>(sql, [...params])).rows;
      } finally {
        await client.end();
      }
    },
    auditorStore: async () => {
      const superuser = cluster.superuserConfig();
      const password = String(superuser.password);
      const store = await openPostgresStore({
        connection: { ...location, password: () => password },
        cipher: new AesGcmCipher(randomBytes(32)),
        hmacKey: randomBytes(32),
      });
      closers.push(() => store.close());
      return store;
    },
    heldKeys: (counter) => {
      const keyDir = join(storeDirOf(counter.dataDir, true), 'shared-store');
      const hexFile = (file: string): Buffer => Buffer.from(readFileSync(join(keyDir, file), 'utf8').trim(), 'hex');
      const dataKey = hexFile('data.key');
      return { dataKey, kvnrKey: hexFile('store.key'), cipher: new AesGcmCipher(dataKey) };
    },
    close: async () => {
      // every counter before the store goes; the first failure is reported after all were tried
      const results = await Promise.allSettled(closers.splice(0).reverse().map((close) => close()));
      await sim.handle.close();
      await cluster.stop();
      removeDirs();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
