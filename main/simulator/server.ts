/**
 * Starts the simulator as an HTTP server on 127.0.0.1 only (architecture §6): the app's embedded default
 * backend, the trainers' stage, QA's test double. With `dataDir` its state (SQLite), test PKI and JWT key live
 * there and survive restarts; without, everything is in memory. The subscription service's WebSocket
 * (`/subscription`, subscription-socket.ts) shares the HTTP server.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ArticleTable } from '../../shared/erezept/catalog/demo-catalog';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { createSimulatorApp } from './app';
import { createTiSimulation, type StandaloneCards } from './ti/ti-simulation';
import { loadOrCreateTokenService } from './auth';
import { createClock } from './clock';
import { loadOrCreateTestPki } from './pki';
import { MemoryTaskRepository, type TaskRepository } from './repository';
import { SqliteTaskRepository } from './sqlite-repository';
import { trainingDeck, type Scenario } from './scenarios';
import { attachSubscriptionSocket } from './subscription-socket';
import { SubscriptionHub } from './subscriptions';

export interface SimulatorHandle {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /**
   * The simulator's own "now" (its base clock plus the offset `/_sim/clock` set): the app that embeds it reads it
   * in-process instead of asking `GET /_sim/clock` before every state-changing call (issue 20: 2–6 ms each).
   */
  now(): Date;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  /** 0 or undefined = a free port */
  port?: number;
  /** state in SQLite + PKI + JWT key there, survives restarts; absent = memory */
  dataDir?: string;
  /** base time source (the `/_sim/clock` offset applies on top) */
  now?: () => Date;
  /** article catalogue for generated prescriptions (default: the demo catalogue) */
  catalog?: ArticleTable;
  /** one line per request, without query strings (secrets travel there) */
  log?: (line: string) => void;
  /**
   * Deterministic runs: PrescriptionIDs (from an empty data dir), AccessCodes, Secrets, KVNRs, names and UUIDs
   * come from this seed instead of a CSPRNG (random-sources.ts). Test and training only.
   */
  seed?: number;
  /** what `/_sim/scenarios` offers (default: the training deck, which holds both samples; scenarios/deck.ts) */
  scenarios?: readonly Scenario[];
  /** `--ti`: also play VAU and IDP on the same port (spec ti-transport §4); the Konnektor is served always */
  ti?: boolean;
  /** without `ti`: where the Konnektor's SMC-Bs come from (ti/ti-simulation.ts StandaloneCards) */
  konnektorCards?: StandaloneCards;
}

export const HOST = '127.0.0.1';

export async function startSimulatorServer(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const base = options.now ?? ((): Date => new Date());
  let repository: TaskRepository;
  if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    repository = new SqliteTaskRepository(join(options.dataDir, 'simulator.db'));
  } else {
    repository = new MemoryTaskRepository();
  }
  try {
    const clock = createClock(base, repository);
    const [pki, tokens] = await Promise.all([
      loadOrCreateTestPki(options.dataDir, base()),
      loadOrCreateTokenService(options.dataDir),
    ]);
    // Known only once the server listens; the control API's Host check reads it per request.
    const listening: { port?: number } = {};
    const subscriptions = new SubscriptionHub();
    const app = createSimulatorApp({
      subscriptions,
      repository,
      clock,
      tokens,
      pki,
      catalog: options.catalog ?? demoCatalog,
      port: () => listening.port,
      log: options.log,
      seed: options.seed,
      scenarios: options.scenarios ?? trainingDeck,
      ...(options.ti ? { ti: createTiSimulation() } : {}),
      ...(options.konnektorCards ? { konnektorCards: options.konnektorCards } : {}),
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: HOST }, () => resolve(s));
      s.once('error', reject);
    });
    const closeSubscriptionSockets = attachSubscriptionSocket(server as Server, subscriptions, () => clock.now());
    const port = (server.address() as AddressInfo).port;
    listening.port = port;
    let closed: Promise<void> | undefined;
    return {
      url: `http://${HOST}:${port}`,
      port,
      now: () => clock.now(),
      close: () => {
        closed ??= new Promise<void>((resolve) => {
          server.close(() => resolve());
          closeSubscriptionSockets();
          // Keep-alive connections would hold close() open; the simulator owns them all.
          const closeAll = (server as { closeAllConnections?: () => void }).closeAllConnections;
          closeAll?.call(server);
        }).finally(() => repository.close());
        return closed;
      },
    };
  } catch (error) {
    repository.close();
    throw error;
  }
}
