/**
 * Browser mode as the browser benchmarks start it: `node out/node/web.mjs --port 0 --data DIR` as a
 * child process, read like the QA kit reads it (main/browser-bridge/web-main.ts prints `simulator:`, `token:` and
 * last `app:` — its readiness signal). The spawn instant and the instant the `app:` line arrived are kept as
 * absolute times (ms since the epoch, sub-millisecond), so a page in Chromium can be compared with them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { absoluteNow } from './cycle-clients';

/**
 * The package root: the first folder above this module holding package.json and out/ or main/ — the same for the
 * bundle (out/node/bench.mjs) and for the sources under vitest (tools/bench/).
 */
export function findAppRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'main'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: Projektordner nicht gefunden (gesucht ab ${from})`);
    dir = parent;
  }
}

/** The lines of browser mode's stdout contract, once the `app:` line arrived. */
export interface WebLines {
  appUrl: string;
  simulatorUrl?: string;
  tokens: string[];
}

/** Reads the contract lines from everything printed so far; undefined until `app:` is there. */
export function parseWebLines(output: string): WebLines | undefined {
  const lines = output.split('\n').map((l) => l.trim());
  const value = (prefix: string): string | undefined =>
    lines
      .find((l) => l.startsWith(prefix))
      ?.slice(prefix.length)
      .trim();
  const appUrl = value('app: ');
  if (appUrl === undefined) return undefined;
  const simulatorUrl = value('simulator: ');
  return {
    appUrl,
    ...(simulatorUrl !== undefined ? { simulatorUrl } : {}),
    tokens: lines.filter((l) => l.startsWith('token: ')).map((l) => l.slice('token: '.length).trim()),
  };
}

export interface WebProcessOptions {
  dataDir: string;
  /** default: findAppRoot() */
  appRoot?: string;
  /** Node flags before the script (e.g. `--expose-gc`, `--import <probe>`) */
  nodeArgs?: readonly string[];
  startTimeoutMs?: number;
}

export interface WebProcess extends WebLines {
  pid: number;
  /** absolute ms: just before spawn() */
  spawnedAt: number;
  /** absolute ms: when the `app:` line was read */
  readyAt: number;
  /** everything printed so far (stdout + stderr); may carry tokens — never log it whole */
  output(): string;
  /** SIGTERM (the app closes its store), SIGKILL after 5 s */
  stop(): Promise<void>;
}

export async function startWebProcess(options: WebProcessOptions): Promise<WebProcess> {
  const root = options.appRoot ?? findAppRoot();
  const script = join(root, 'out', 'node', 'web.mjs');
  if (!existsSync(script)) throw new Error(`bench: ${script} fehlt – bitte „npm run build“ ausführen`);
  const args = [...(options.nodeArgs ?? []), script, '--port', '0', '--data', options.dataDir];
  const spawnedAt = absoluteNow();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let readyAt = 0;
  let lines: WebLines | undefined;
  let onReady = (): void => undefined;
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (lines) return;
    lines = parseWebLines(output);
    if (!lines) return;
    readyAt = absoluteNow();
    onReady();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail('Zeitlimit'), options.startTimeoutMs ?? 30_000);
    const onExit = (code: number | null): void => fail(`Exit-Code ${code}`);
    child.once('exit', onExit);
    onReady = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve();
    };
    function fail(why: string): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.kill('SIGKILL');
      // never the `token:` lines (they carry AccessCodes); the rest is the app's own German messages
      const messages = output
        .split('\n')
        .filter((l) => !l.startsWith('token: '))
        .join('\n');
      reject(new Error(`Browser-Modus startete nicht (${why}):\n${messages.slice(-2000)}`));
    }
  });
  const ready = lines as WebLines | undefined;
  if (!ready) throw new Error('bench: app-Zeile fehlt');
  return {
    ...ready,
    pid: child.pid ?? 0,
    spawnedAt,
    readyAt,
    output: () => output,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
