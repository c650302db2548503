/**
 * Builds everything the app runs on (architecture §2): backend (embedded simulator or an external URL),
 * store, Fachdienst client, services and the IPC handler table. The Electron entry (main/index.ts) and
 * browser mode (main/web.ts) both call createCore; nothing here knows which shell it runs in.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendKind } from '../shared/ipc/contract';
import packageJson from '../package.json';
import { SimulatorTokenProvider } from './fachdienst/access-token';
import { FachdienstClient } from './fachdienst/client';
import { HttpTransport } from './fachdienst/http-transport';
import { createHandlers } from './ipc/handlers';
import type { HandlerTable } from './ipc/types';
import { randomIds } from './services/clock';
import { defaultCodecs } from './services/default-codecs';
import { ensureDemoPrescriptions } from './services/demo-prescriptions';
import { EventHub } from './services/events';
import { SettingsService } from './services/settings';
import { SimulatorClock } from './services/simulator-clock';
import { WorkflowService } from './services/workflow';
import { startSimulatorServer } from './simulator/server';
import { IdentityCipher } from './store/cipher';
import { loadOrCreateKey } from './store/kvnr-key';
import { openStore, type Store } from './store/store';

/** Reading calls (inbox, case view) re-read the simulator clock at most this often (training mode). */
const READING_CLOCK_SYNC_MS = 1000;

export interface CoreOptions {
  dataDir: string;
  /** external Fachdienst/simulator base URL; absent = start the embedded simulator */
  fachdienstUrl?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  /** default true for the embedded simulator, false for an external one */
  seedDemoPrescriptions?: boolean;
  requestTimeoutMs?: number;
  /** better-sqlite3 built for Electron's ABI (stack notes); absent = the Node build */
  sqliteNativeBinding?: string;
}

export interface Core {
  handlers: HandlerTable;
  events: EventHub;
  backend: { kind: Extract<BackendKind, 'embedded' | 'simulator'>; url: string };
  /** tokens of the seeded demo prescriptions, printed by browser mode */
  seededTokens: string[];
  close(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true });
  const baseNow = options.now ?? ((): Date => new Date());
  const cleanups: Array<() => void | Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };

  try {
    const backend = await startBackend(options, baseNow, cleanups);
    const transport = new HttpTransport({ baseUrl: backend.url, fetch: options.fetch, timeoutMs: options.requestTimeoutMs });
    // Training mode (every backend so far is a simulator): the app follows the simulator's clock.
    const clock = new SimulatorClock(baseNow, transport);
    await clock.sync();
    const store: Store = openStore({
      file: join(options.dataDir, 'erx.db'),
      cipher: new IdentityCipher(),
      hmacKey: loadOrCreateKey(join(options.dataDir, 'store.key')),
      now: () => clock.now(),
      nativeBinding: options.sqliteNativeBinding,
    });
    cleanups.push(() => store.close());

    const events = new EventHub();
    const settings = new SettingsService({ settings: store.settings, backend, appVersion: packageJson.version, clock });
    // The IDP stand-in: the simulator issues the pharmacy's access token (spec §10.1 is future work).
    const tokens = new SimulatorTokenProvider({ transport, telematikId: settings.pharmacy().telematikId, now: () => clock.now() });
    const fachdienst = new FachdienstClient({ transport, tokens, now: () => clock.now(), userAgent: `eRxCounter/${packageJson.version}` });
    const workflow = new WorkflowService({
      store,
      fachdienst,
      settings,
      events,
      clock,
      ids: randomIds,
      codecs: defaultCodecs,
      syncClock: () => clock.sync(),
      syncClockForReading: () => clock.syncIfOlderThan(READING_CLOCK_SYNC_MS),
    });

    const seed = options.seedDemoPrescriptions ?? backend.kind === 'embedded';
    const seededTokens = seed ? await ensureDemoPrescriptions({ transport, fachdienst, settings: store.settings }) : [];

    return {
      handlers: createHandlers({ settings, workflow }),
      events,
      backend,
      seededTokens,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function startBackend(
  options: CoreOptions,
  now: () => Date,
  cleanups: Array<() => void | Promise<void>>,
): Promise<Core['backend']> {
  if (options.fachdienstUrl !== undefined) {
    return { kind: 'simulator', url: normalizeBaseUrl(options.fachdienstUrl) };
  }
  const simulator = await startSimulatorServer({ port: 0, dataDir: join(options.dataDir, 'simulator'), now });
  cleanups.push(() => simulator.close());
  return { kind: 'embedded', url: normalizeBaseUrl(simulator.url) };
}

/** Only http(s) base URLs; always with a trailing slash so relative Fachdienst paths resolve below it. */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`Ungültige Fachdienst-Adresse: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Fachdienst-Adresse muss http(s) sein: ${raw}`);
  if (url.username || url.password || url.search || url.hash) {
    throw new Error('Fachdienst-Adresse darf weder Zugangsdaten noch Query oder Fragment enthalten');
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
