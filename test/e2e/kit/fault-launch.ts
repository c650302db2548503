/**
 * The fixture of the fault specs (test/e2e/faults.spec.ts, test/e2e/unknown-outcome.spec.ts): `launch()` starts
 * browser mode with millisecond network settings (FAST, browser mode's `--request-timeout-ms` …) — optionally
 * against the simulator as its own process (`external: true`), whose request log tells what reached the
 * Fachdienst — and stops everything after the test. Plus the steps every fault test starts with.
 *
 * ```ts
 * import { expect, fillFirstEntry, operationLog, scanIntoCase, test } from './kit/fault-launch';
 * test('…', async ({ launch, page }) => {
 *   const { app, sim, fachdienst } = await launch({ external: true });
 *   await sim.fault({ operation: 'close', count: 1, status: 500, phase: 'after-commit' });
 *   …
 *   expect(operationLog(fachdienst!, 'POST', `/Task/${id}/$close`)).toEqual([`POST /Task/${id}/$close → 500`]);
 * });
 * ```
 */
import { test as base, expect as baseExpect, type Page } from '@playwright/test';
import { startBrowserMode, type BrowserModeHandle, type NetworkOptions } from './browser-mode';
import { CounterPage } from './counter-page';
import type { EditorPage } from './editor-page';
import { PrescriptionPage } from './prescription-page';
import { SimulatorHandle, type CreatedPrescription } from './simulator';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process';

/** Every expectation of a fault test waits at most 5 s: the app runs with millisecond timeouts. */
export const expect = baseExpect.configure({ timeout: 5_000 });

/** Milliseconds instead of seconds; the backoff waits 300–600 ms, then 600–1200 ms, at most 4 calls. */
export const FAST: NetworkOptions = {
  requestTimeoutMs: 2_000,
  retryBaseMs: 600,
  retryMaxDelayMs: 1_200,
  maxAttempts: 4,
  probeIntervalMs: 250,
};

export interface Launched {
  app: BrowserModeHandle;
  sim: SimulatorHandle;
  /** the simulator as its own process (`external: true`), with its request log */
  fachdienst?: SimulatorProcess;
}

export interface LaunchOptions {
  /** default: FAST */
  network?: NetworkOptions;
  /** run the simulator as its own process and the app with `--fachdienst` (to stop it, or to count requests) */
  external?: boolean;
}

export const test = base.extend<{ launch: (options?: LaunchOptions) => Promise<Launched> }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring to see the fixture has no dependencies
  launch: async ({}, use) => {
    const cleanups: (() => Promise<void>)[] = [];
    await use(async ({ network = FAST, external = false } = {}) => {
      let fachdienst: SimulatorProcess | undefined;
      if (external) {
        const started = await startSimulatorProcess({ log: true });
        fachdienst = started;
        cleanups.push(() => started.remove());
      }
      const app = await startBrowserMode({ network, fachdienstUrl: fachdienst?.url });
      cleanups.push(() => app.stop());
      return { app, sim: new SimulatorHandle(fachdienst?.url ?? app.simulatorUrl!), fachdienst };
    });
    for (const cleanup of cleanups.reverse()) await cleanup();
  },
});

/** Opens the app, picks the staff member and scans the prescription; its case is open afterwards. */
export async function scanIntoCase(page: Page, appUrl: string, created: CreatedPrescription): Promise<void> {
  const counter = new CounterPage(page);
  await counter.open(appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);
  await expect(new PrescriptionPage(page).prescriptionId).toHaveText(created.taskId);
}

/** Batch and expiry of the first entry (the rest comes from the prescription): the list is complete. */
export async function fillFirstEntry(editor: EditorPage, batch: string): Promise<void> {
  await editor.field(0, 'batch').fill(batch);
  await editor.field(0, 'expiry').fill('2028-03-31');
}

/**
 * The request log lines (`POST /Task/<id>/$close → 200`) of one method and path, in the order the simulator
 * answered them — a call is logged when its handler is done, also when the app had stopped waiting for it.
 */
export function operationLog(fachdienst: SimulatorProcess, method: string, path: string): string[] {
  const prefix = `${method} ${path} → `;
  return fachdienst.requests().filter((line) => line.startsWith(prefix));
}
