/**
 * One running app for a browser benchmark: browser mode with its embedded simulator (web-process.ts), the bridge
 * as a Node client (bridge-api.ts), the simulator's control API, and Chromium showing the counter — the staff
 * member chosen, so scanning and submitting are allowed. Everything is stopped by `close()`; a temporary data
 * folder made here is removed there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { BridgeApi } from './bridge-api';
import { launchBenchBrowser, type BenchBrowser } from './chromium';
import { byTestId } from './page-probes';
import { SimulatorControl } from './simulator-control';
import { startWebProcess, type WebProcess } from './web-process';

/** the Kürzel every benchmark works under (one of the default staff list, main/services/settings.ts) */
export const BENCH_STAFF = 'AB';

/** browser mode with its simulator, driven from Node only */
export interface AppBackend {
  web: WebProcess;
  api: BridgeApi;
  sim: SimulatorControl;
  dataDir: string;
  close(): Promise<void>;
}

/** …and Chromium showing the counter */
export interface AppSession extends AppBackend {
  browser: BenchBrowser;
  page: Page;
}

export interface AppSessionOptions {
  /** an existing data folder (kept); default: a fresh temporary one (removed on close) */
  dataDir?: string;
  nodeArgs?: readonly string[];
}

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'erx-bench-web-'));

export async function openAppBackend(options: AppSessionOptions = {}): Promise<AppBackend> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? newDataDir();
  const cleanups: (() => void | Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  if (ownsDataDir) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const web = await startWebProcess({
      dataDir,
      ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    });
    cleanups.push(() => web.stop());
    if (!web.simulatorUrl) throw new Error('bench: Browser-Modus ohne eingebauten Simulator');
    const sim = new SimulatorControl(web.simulatorUrl);
    cleanups.push(() => sim.close());
    const api = await BridgeApi.connect(web.appUrl);
    cleanups.push(() => api.close());
    await api.call('erx:setStaff', { kuerzel: BENCH_STAFF });
    return { web, api, sim, dataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function openAppSession(options: AppSessionOptions = {}): Promise<AppSession> {
  const backend = await openAppBackend(options);
  let browser: BenchBrowser | undefined;
  try {
    browser = await launchBenchBrowser();
    await browser.page.goto(backend.web.appUrl);
    await browser.page.locator(byTestId('scan-input')).waitFor();
  } catch (error) {
    await browser?.close();
    await backend.close();
    throw error;
  }
  const opened = browser;
  return {
    ...backend,
    browser: opened,
    page: opened.page,
    close: async () => {
      await opened.close();
      await backend.close();
    },
  };
}
