/**
 * One pharmacy with several counters for Playwright (issue 18 item 9, docs/multi-counter.md §7): a throwaway
 * PostgreSQL cluster (test/integration/support/postgres-cluster.ts — the same one the integration tests use), the
 * Fachdienst simulator as its own process (the embedded one is refused on a shared store) and one enrolment
 * passphrase file. `pharmacy.counter({ name, kuerzel })` starts one more browser-mode process on that store with its
 * own data folder, names the counter through its bridge (a workplace setting, §2), opens it in a browser context of
 * its own and chooses the staff member. Everything stops after the test.
 *
 * ```ts
 * import { expect, test } from './kit/shared-pharmacy';
 * test('…', async ({ pharmacy }) => {
 *   const kasse1 = await pharmacy.counter({ name: 'Kasse 1', kuerzel: 'AB' });
 *   const kasse2 = await pharmacy.counter({ name: 'Kasse 2', kuerzel: 'CD' });
 *   const created = await pharmacy.sim.createPrescription();
 *   await kasse1.counter.scan(created.dataMatrix);
 *   await expect(kasse2.inbox.row(created.taskId)).toBeVisible();
 * });
 * ```
 *
 * Needs `npm run build` and the Debian package `postgresql`: without it the test fails with the cluster's message
 * naming `apt-get install postgresql`, like the integration tests (a missing server is a broken machine, not a skip).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect as baseExpect, type BrowserContext } from '@playwright/test';
import { startPostgresCluster, type PostgresCluster } from '../../integration/support/postgres-cluster';
import { connectBridge, type BridgeClient } from './bridge-client';
import { startBrowserMode, type NetworkOptions } from './browser-mode';
import { bindApp, type ErxApp } from './erx-app';
import { SimulatorHandle } from './simulator';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process';

/** The same at every counter of the pharmacy (§5: the first creates the keys, the others join with it); ≥ 16 chars. */
const PASSPHRASE = 'Apotheke am Markt – Passphrase der Kassen 2026';

/** One counter of the pharmacy: the app and its page objects in its own browser context, plus its bridge. */
export interface PharmacyCounter extends ErxApp {
  /** the counter's name as set in „Apotheke & Personal“, e.g. „Kasse 1“ */
  readonly name: string;
  /** the Kürzel chosen at this counter */
  readonly kuerzel: string;
  /** this counter's bridge from the test process (setup and checks the UI cannot give) */
  readonly bridge: BridgeClient;
}

export interface CounterOptions {
  name: string;
  /** a demo Kürzel (`AB`, `CD`); the staff list is the pharmacy's, shared by every counter */
  kuerzel: string;
  /** timeouts and retry policy in milliseconds; default: the app's own */
  network?: NetworkOptions;
}

export interface SharedPharmacy {
  /** the Fachdienst of every counter: prescriptions, faults, clock, the patient's reads */
  readonly sim: SimulatorHandle;
  /** the simulator process (its request log with `requests()`) */
  readonly fachdienst: SimulatorProcess;
  /** the store: `connectionString`, `superuserConfig()` for checks in SQL */
  readonly cluster: PostgresCluster;
  /** Starts one more counter on the store — one after the other, so the first creates the pharmacy keys (§5). */
  counter(options: CounterOptions): Promise<PharmacyCounter>;
}

export const test = base.extend<{ pharmacy: SharedPharmacy }>({
  pharmacy: async ({ browser, locale, timezoneId }, use) => {
    const cleanups: (() => Promise<void>)[] = [];
    // pages before their apps, apps before the store and the simulator they use; every one runs
    const cleanUp = async (): Promise<unknown[]> => {
      const failures: unknown[] = [];
      for (const cleanup of cleanups.reverse())
        await cleanup().catch((error: unknown) => failures.push(error));
      return failures;
    };
    try {
      const cluster = await startPostgresCluster();
      cleanups.push(() => cluster.stop());
      const fachdienst = await startSimulatorProcess({ log: true });
      cleanups.push(() => fachdienst.remove());
      const secretDir = mkdtempSync(join(tmpdir(), 'erx-e2e-secret-'));
      cleanups.push(async () => rmSync(secretDir, { recursive: true, force: true }));
      const passphraseFile = join(secretDir, 'passphrase');
      writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
      // the app refuses a passphrase file others may read; the mode of writeFileSync is filtered by the umask
      chmodSync(passphraseFile, 0o600);
      const sharedStore = { url: cluster.connectionString, passfile: cluster.passfile, passphraseFile };

      const counter = async ({ name, kuerzel, network }: CounterOptions): Promise<PharmacyCounter> => {
        const handle = await startBrowserMode({ fachdienstUrl: fachdienst.url, sharedStore, network });
        cleanups.push(() => handle.stop());
        const bridge = await connectBridge(handle.appUrl);
        const setup = await bridge.call('getPharmacySetup', {});
        const saved = await bridge.call('savePharmacySetup', {
          staff: setup.staff,
          counterName: name,
          pharmacy: setup.pharmacy,
        });
        if (!saved.saved)
          throw new Error(
            `${name}: the counter name was refused: ${saved.problems.map((p) => p.message).join('; ')}`,
          );
        // a context of its own, with the config's German locale and Berlin time like the test's `page`
        const context: BrowserContext = await browser.newContext({ locale, timezoneId });
        cleanups.push(() => context.close());
        const app = bindApp(handle, await context.newPage());
        await app.openAs(kuerzel);
        return { ...app, name, kuerzel, bridge };
      };

      await use({ sim: new SimulatorHandle(fachdienst.url), fachdienst, cluster, counter });
    } catch (error) {
      // a failed start's own error says more than what its clean-up ran into
      await cleanUp();
      throw error;
    }
    const failures = await cleanUp();
    if (failures.length > 0) throw failures[0];
  },
});

/** Playwright's `expect`, waiting at most 10 s: a change travels from one counter's store write to the other's page. */
export const expect = baseExpect.configure({ timeout: 10_000 });
