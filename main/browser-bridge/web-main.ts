/**
 * Browser mode's start-up and shutdown (architecture §2 "Browser mode"): core services → dispatcher → loopback
 * bridge. Everything the process provides (core factory, output, exit, signals) is injected, so the sequence
 * is tested without spawning a process; main/web.ts wires in the real ones.
 *
 * stdout is a contract with QA scripts: with the embedded simulator `simulator: <url>` and one
 * `token: <E-Rezept-Token>` line per seeded prescription, then `app: <url>` — last, so that it doubles as the
 * readiness signal (everything is printed once it appears). Everything else goes to stderr.
 *
 * One instance per data folder (issue 18): the lock (instance-lock.ts) is taken before the store is opened; a
 * second start on the same folder says where the running one is and exits with EXIT_ALREADY_RUNNING.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandlerTable } from '../ipc/types';
import { createDispatcher } from '../ipc/handle';
import type { EventHub } from '../services/events';
import { acquireInstanceLock, alreadyRunningMessage, type InstanceLock } from './instance-lock';
import { startBrowserBridge, type RunningBridge } from './server';
import { coreOptionsOf, parseWebArgs, WEB_USAGE, type WebArgsEnvironment, type WebCoreOptions } from './web-args';

/** What browser mode needs from main/core.ts's `createCore`. */
export interface BrowserModeCore {
  handlers: HandlerTable;
  events: EventHub;
  backend: { kind: string; url: string };
  /** E-Rezept-Tokens the embedded simulator seeded for demos and QA */
  seededTokens: readonly string[];
  /** the shared store, redacted (issue 18); absent = the counter's own SQLite file */
  sharedStore?: string;
  /** what became of the data folder's own store at this start (German) */
  localStoreNote?: string;
  /** `--import-articles`: the article master imported at this start (German, docs/article-master.md) */
  articlesNote?: string;
  /** startup reconciliation of operations owed to the Fachdienst (docs/reliability.md) */
  resumePendingOperations?(): Promise<void>;
  close(): Promise<void>;
}

export interface BrowserModeDeps {
  createCore(options: WebCoreOptions): Promise<BrowserModeCore>;
  stdout(line: string): void;
  stderr(line: string): void;
  exit(code: number): void;
  /** registers the shutdown handler for SIGINT/SIGTERM */
  onShutdownSignal(handler: (signal: string) => void): void;
  env: WebArgsEnvironment;
}

export interface RunningBrowserMode {
  bridge: RunningBridge;
  core: BrowserModeCore;
  /** closes the bridge, then the core; idempotent */
  close(): Promise<void>;
}

export const EXIT_BAD_ARGS = 2;
export const EXIT_FAILURE = 1;
/** another instance already works with this data folder */
export const EXIT_ALREADY_RUNNING = 3;

export async function runBrowserMode(argv: readonly string[], deps: BrowserModeDeps): Promise<RunningBrowserMode | undefined> {
  const parsed = parseWebArgs(argv, deps.env);
  if (parsed.kind === 'help') {
    deps.stdout(WEB_USAGE);
    deps.exit(0);
    return undefined;
  }
  if (parsed.kind === 'error') {
    deps.stderr(`Fehler / error: ${parsed.message}`);
    deps.stderr(WEB_USAGE);
    deps.exit(EXIT_BAD_ARGS);
    return undefined;
  }
  const args = parsed.args;

  if (!existsSync(join(args.rendererDir, 'index.html'))) {
    deps.stderr(
      `Fehler / error: keine gebaute Oberfläche in ${args.rendererDir} — bitte „npm run build“ ausführen oder --renderer angeben ` +
        '(no built renderer there: run `npm run build` or pass --renderer)',
    );
    deps.exit(EXIT_FAILURE);
    return undefined;
  }

  let lock: InstanceLock;
  try {
    await mkdir(args.dataDir, { recursive: true });
    const attempt = acquireInstanceLock(args.dataDir);
    if (attempt.kind === 'held') {
      deps.stderr(alreadyRunningMessage(args.dataDir, attempt.holder));
      deps.exit(EXIT_ALREADY_RUNNING);
      return undefined;
    }
    lock = attempt.lock;
  } catch (error) {
    deps.stderr(`Fehler / error: Start fehlgeschlagen / start failed: ${messageOf(error)}`);
    deps.exit(EXIT_FAILURE);
    return undefined;
  }

  let core: BrowserModeCore;
  try {
    core = await deps.createCore(coreOptionsOf(args));
  } catch (error) {
    lock.release();
    deps.stderr(`Fehler / error: Start fehlgeschlagen / start failed: ${messageOf(error)}`);
    deps.exit(EXIT_FAILURE);
    return undefined;
  }

  let bridge: RunningBridge;
  try {
    bridge = await startBrowserBridge({
      port: args.port,
      dispatcher: createDispatcher(core.handlers, { log: deps.stderr }),
      events: core.events,
      rendererDir: args.rendererDir,
    });
  } catch (error) {
    deps.stderr(
      isAddressInUse(error)
        ? `Fehler / error: Port ${args.port} auf 127.0.0.1 ist belegt — anderen Port mit --port wählen (--port 0 = frei) ` +
            `(port ${args.port} is already in use: choose another one with --port, 0 = any free port)`
        : `Fehler / error: Bridge-Start fehlgeschlagen / bridge failed to start: ${messageOf(error)}`,
    );
    await core.close().catch(() => undefined);
    lock.release();
    deps.exit(EXIT_FAILURE);
    return undefined;
  }
  lock.announce(bridge.url);

  if (core.backend.kind === 'embedded') {
    deps.stdout(`simulator: ${core.backend.url.replace(/\/+$/, '')}`);
    for (const token of core.seededTokens) deps.stdout(`token: ${token}`);
  }
  // the shared store's address as the README shows it — user, host, port, database; never a password (issue 18)
  if (core.sharedStore) deps.stdout(`store: ${core.sharedStore}`);
  if (core.localStoreNote) deps.stdout(`import: ${core.localStoreNote}`);
  if (core.articlesNote) deps.stdout(`articles: ${core.articlesNote}`);
  deps.stdout(`app: ${bridge.url}`);
  // After a crash or restart: what the app still owes the Fachdienst is reconciled on its own; the page shows
  // the progress through its pending-operations list (events), so the start does not wait for it.
  void core.resumePendingOperations?.().catch((e: unknown) => deps.stderr(`Abgleich beim Start fehlgeschlagen / startup reconciliation failed: ${messageOf(e)}`));

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await bridge.close();
      await core.close();
      // only after the store is closed: a new start may open it as soon as the lock is gone
      lock.release();
    })();
    return closing;
  };

  let signalled = false;
  deps.onShutdownSignal((signal) => {
    if (signalled) {
      // A second Ctrl+C while shutting down: the user wants out now.
      deps.exit(EXIT_FAILURE);
      return;
    }
    signalled = true;
    deps.stderr(`${signal}: beende / shutting down …`);
    close().then(
      () => deps.exit(0),
      (error: unknown) => {
        deps.stderr(`Fehler beim Beenden / error while shutting down: ${messageOf(error)}`);
        deps.exit(EXIT_FAILURE);
      },
    );
  });

  return { bridge, core, close };
}

const isAddressInUse = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
