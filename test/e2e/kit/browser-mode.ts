/**
 * Starts browser mode (`node out/node/web.mjs`) as its own process with a fresh data directory and reads
 * the lines it prints (`app: …`, `simulator: …`, `token: …`, `store: …` — the scripts' output contract, README "Run it").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../fixtures';

export interface BrowserModeOptions {
  /** reuse a data directory (e.g. to test a restart); default: a fresh temporary one, removed on stop */
  dataDir?: string;
  /** an external simulator/Fachdienst; default: the embedded simulator */
  fachdienstUrl?: string;
  /**
   * how long to wait for the `app:` line; default 60 s — on a loaded 2-core machine a cold Node start with
   * SQLite and the embedded simulator took over 20 s (the suite under load), and the test's own budget
   * (90 s) still bounds a process that really hangs
   */
  startTimeoutMs?: number;
  /**
   * Timeouts and retry policy in milliseconds, passed as browser mode's command-line flags
   * (main/browser-bridge/web-args.ts): fault tests never wait seconds for the app.
   */
  network?: NetworkOptions;
  /**
   * Deterministic runs (docs/simulator.md „Deterministic runs“): the embedded simulator takes
   * AccessCodes, KVNRs, names and articles from this seed (`--seed`). Not with `fachdienstUrl`.
   */
  seed?: number;
  /** The embedded simulator's base clock stands still at this ISO instant (`--fixed-time`). Not with `fachdienstUrl`. */
  fixedTime?: string;
  /**
   * `--backend ti --idp URL --konnektor URL` beside `fachdienstUrl`: the app's TI backend; all on loopback = the TI
   * simulation against a simulator started with `--ti` (kit/fixtures.ts option `tiSimulation`).
   */
  ti?: { idpUrl: string; konnektorUrl: string };
  /**
   * Several counters on one PostgreSQL (docs/multi-counter.md §2, §5): `--store URL --enrol-passphrase-file FILE`, and
   * PGPASSFILE for the password (never in the URL). Every counter of a pharmacy gets the same three; the first on an
   * empty store creates the pharmacy keys, the others join with the passphrase. Use with `fachdienstUrl` (the
   * embedded simulator is refused on a shared store). kit/shared-pharmacy.ts sets it up.
   */
  sharedStore?: SharedStoreOptions;
}

export interface SharedStoreOptions {
  /** `postgres://user@host:port/db`, no password */
  url: string;
  /** the 0600 pgpass file with the password */
  passfile: string;
  /** the 0600 file with the pharmacy's enrolment passphrase (≥ 16 characters) */
  passphraseFile: string;
}

export interface NetworkOptions {
  requestTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxDelayMs?: number;
  /** 1–10, the first call included */
  maxAttempts?: number;
  probeIntervalMs?: number;
}

/** The command-line name of each network setting (web-args.ts `networkOptions`). */
const networkFlags: Record<keyof NetworkOptions, string> = {
  requestTimeoutMs: '--request-timeout-ms',
  retryBaseMs: '--retry-base-ms',
  retryMaxDelayMs: '--retry-max-delay-ms',
  maxAttempts: '--max-attempts',
  probeIntervalMs: '--probe-interval-ms',
};

/** `{ requestTimeoutMs: 800 }` → `['--request-timeout-ms', '800']`; unset settings keep the app's defaults. */
export function networkArgs(network: NetworkOptions = {}): string[] {
  return (Object.keys(networkFlags) as (keyof NetworkOptions)[]).flatMap((key) => {
    const value = network[key];
    return value === undefined ? [] : [networkFlags[key], String(value)];
  });
}

export interface BrowserModeHandle {
  appUrl: string;
  /** the embedded simulator's URL (absent with --fachdienst) */
  simulatorUrl?: string;
  /** the E-Rezept-Tokens of the seeded demo prescriptions */
  seededTokens: string[];
  dataDir: string;
  /** everything the process printed so far (stdout + stderr) */
  output(): string;
  stop(): Promise<void>;
}

export async function startBrowserMode(options: BrowserModeOptions = {}): Promise<BrowserModeHandle> {
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'erx-e2e-'));
  const args = [join(repoRoot, 'out/node/web.mjs'), '--port', '0', '--data', dataDir];
  if (options.fachdienstUrl) args.push('--fachdienst', options.fachdienstUrl);
  if (options.ti) args.push('--backend', 'ti', '--idp', options.ti.idpUrl, '--konnektor', options.ti.konnektorUrl);
  args.push(...networkArgs(options.network));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.fixedTime !== undefined) args.push('--fixed-time', options.fixedTime);
  if (options.sharedStore) args.push('--store', options.sharedStore.url, '--enrol-passphrase-file', options.sharedStore.passphraseFile);
  const env = options.sharedStore ? { ...process.env, PGPASSFILE: options.sharedStore.passfile } : process.env;
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });

  let output = '';
  const lines: string[] = [];
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    lines.splice(0, lines.length, ...output.split('\n'));
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const appUrl = await waitForLine(child, () => lines.find((l) => l.startsWith('app: ')), options.startTimeoutMs ?? 60_000, () => output);
  const value = (prefix: string) => lines.find((l) => l.startsWith(prefix))?.slice(prefix.length).trim();
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  // web.ts prints the `simulator:` and `token:` lines before the `app:` line, which is its readiness signal.
  return {
    appUrl: appUrl.slice('app: '.length).trim(),
    simulatorUrl: value('simulator: '),
    seededTokens: lines.filter((l) => l.startsWith('token: ')).map((l) => l.slice('token: '.length).trim()),
    dataDir,
    output: () => output,
    stop,
  };
}

function waitForLine(
  child: ChildProcess,
  find: () => string | undefined,
  timeoutMs: number,
  output: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = setInterval(() => {
      const line = find();
      if (line) {
        clearInterval(poll);
        resolve(line);
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`browser mode did not start (exit ${child.exitCode}):\n${output()}`));
      }
    }, 25);
  });
}
