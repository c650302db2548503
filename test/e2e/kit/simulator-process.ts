/**
 * The Fachdienst simulator as its own process (`node out/node/simulator.mjs --port P --data DIR [--log]`,
 * docs/simulator.md „Starting it“), for tests that take the Fachdienst away and bring it back (docs/reliability.md):
 * the app runs with `--fachdienst <url>`, the test stops this process — the app sees connection refused, a real
 * outage — and starts it again on the same port and data directory, where Tasks, test PKI and the JWT key
 * survived. With `log` the simulator writes one line per request to stderr (`POST /Task/<id>/$close → 200`),
 * which lets a test count what reached the Fachdienst.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../fixtures';

export interface SimulatorProcessOptions {
  /** default: a free port; pass the old one to bring a stopped simulator back where the app expects it */
  port?: number;
  /** default: a fresh temporary directory, removed by `remove()` */
  dataDir?: string;
  /** one line per request on stderr (`--log`) */
  log?: boolean;
  /** `--ti`: also the simulated VAU, IDP (`/idp/`) and Konnektor (`/konnektor/`) — docs/simulator.md */
  ti?: boolean;
  /** how long to wait for the listening line; default 60 s for the same reason as browser-mode.ts's */
  startTimeoutMs?: number;
}

export interface SimulatorProcess {
  url: string;
  port: number;
  dataDir: string;
  /** everything the process printed (stdout + stderr), over all its restarts */
  output(): string;
  /** the request log lines (`METHOD /path → status`), needs `log: true` */
  requests(): string[];
  /** SIGTERM (the simulator closes its database cleanly); SIGKILL after 5 s */
  stop(): Promise<void>;
  /** starts it again on the same port and data directory (after `stop()`) */
  restart(): Promise<void>;
  /** stops it and removes a data directory this helper created */
  remove(): Promise<void>;
}

const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/m;
const REQUEST_LINE = /^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ → \d{3}$/;

export async function startSimulatorProcess(options: SimulatorProcessOptions = {}): Promise<SimulatorProcess> {
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'erx-e2e-sim-'));
  let output = '';
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;

  const launch = async (): Promise<number> => {
    const args = [join(repoRoot, 'out/node/simulator.mjs'), '--port', String(port), '--data', dataDir];
    if (options.log) args.push('--log');
    if (options.ti) args.push('--ti');
    // The port of a process stopped a moment ago can still be held briefly: try again a few times.
    for (let attempt = 1; ; attempt++) {
      const started = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      const before = output.length;
      const append = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
      };
      started.stdout?.on('data', append);
      started.stderr?.on('data', append);
      try {
        const listening = await waitFor(started, () => LISTENING.exec(output.slice(before)), options.startTimeoutMs ?? 60_000, () => output.slice(before));
        child = started;
        return Number(listening[2]);
      } catch (error) {
        if (attempt >= 5 || !/EADDRINUSE/.test(output.slice(before))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };

  port = await launch();
  const url = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  return {
    url,
    port,
    dataDir,
    output: () => output,
    requests: () => output.split('\n').filter((line) => REQUEST_LINE.test(line)),
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    remove: async () => {
      await stop();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitFor<T>(child: ChildProcess, find: () => T | null | undefined, timeoutMs: number, output: () => string): Promise<T> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = setInterval(() => {
      const found = find();
      if (found) {
        clearInterval(poll);
        resolve(found);
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`simulator did not start (exit ${child.exitCode}):\n${output()}`));
      }
    }, 25);
  });
}
