/**
 * The built entry points as their own processes (`npm run build` → out/node/*.mjs): the simulator CLI and
 * browser mode. Crash tests kill them with SIGKILL — no shutdown handler runs, exactly like a power cut of the
 * app (the store must already hold what the restart needs). Every process started here is remembered, so
 * `stopAll()` in afterEach/afterAll ends them even when a test failed half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../fixtures';
import type { NetworkSettings } from '../../../main/services/settings';
import { pollUntil } from './poll';
import { RequestLog } from './request-log';

export const SIMULATOR_ENTRY = join(repoRoot, 'out/node/simulator.mjs');
export const WEB_ENTRY = join(repoRoot, 'out/node/web.mjs');

/** Fails with a clear message when the entry points were not built (`npm test` builds first). */
export function requireBuild(): void {
  const missing = [SIMULATOR_ENTRY, WEB_ENTRY, join(repoRoot, 'out/renderer/index.html')].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`These tests run the built app: missing ${missing.join(', ')}. Run "npm run build" first (npm test does).`);
  }
}

export interface NodeProcess {
  child: ChildProcess;
  /** stdout + stderr so far */
  output(): string;
  /** resolves with the exit code or signal once the process is gone */
  exited: Promise<number | string | null>;
  /** SIGKILL (default) or SIGTERM; resolves when the process is gone */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

const running = new Set<NodeProcess>();

/** Starts `node <entry> <args>` and waits for a line matching `ready` (its first capture group is returned). */
export async function startNode(entry: string, args: readonly string[], ready: RegExp, options: { onOutput?: (chunk: string) => void; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ process: NodeProcess; match: string }> {
  const child = spawn(process.execPath, [entry, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let output = '';
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output += text;
    options.onOutput?.(text);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const handle: NodeProcess = {
    child,
    output: () => output,
    exited,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      running.delete(handle);
    },
  };
  running.add(handle);
  try {
    const line = await pollUntil(
      () => (child.exitCode !== null ? 'exited' : output.split('\n').find((l) => ready.test(l))),
      (found) => found !== undefined,
      { what: `${entry} to print ${String(ready)}`, timeoutMs: options.timeoutMs ?? 15_000, intervalMs: 25 },
    );
    if (line === 'exited') throw new Error(`${entry} exited with ${String(child.exitCode)}:\n${output}`);
    return { process: handle, match: ready.exec(line!)?.[1] ?? line! };
  } catch (e) {
    await handle.kill();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- output ---\n${output}`);
  }
}

/** Ends every process this module started (SIGKILL); for afterEach/afterAll. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill()));
}

export interface SimulatorProcess {
  process: NodeProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** the Fachdienst calls it answered (its `--log` lines) */
  requests: RequestLog;
}

/** `node out/node/simulator.mjs --port P --data DIR --log`; state in DIR survives a restart on the same port. */
export async function startSimulatorProcess(dataDir: string, port = 0, requests = new RequestLog()): Promise<SimulatorProcess> {
  const { process: proc, match } = await startNode(SIMULATOR_ENTRY, ['--port', String(port), '--data', dataDir, '--log'], /^listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/, {
    onOutput: requests.feed,
  });
  return { process: proc, url: match, port: Number(new URL(match).port), requests };
}

export interface AppProcess {
  process: NodeProcess;
  /** http://127.0.0.1:<port>/ */
  appUrl: string;
}

const networkFlags: Record<keyof NetworkSettings, string> = {
  requestTimeoutMs: '--request-timeout-ms',
  retryBaseMs: '--retry-base-ms',
  retryMaxDelayMs: '--retry-max-delay-ms',
  maxAttempts: '--max-attempts',
  probeIntervalMs: '--probe-interval-ms',
};

/** `node out/node/web.mjs --port 0 --data DIR --fachdienst URL …`; ready when it prints `app: <url>` (last). */
export async function startAppProcess(dataDir: string, fachdienstUrl: string, network: Partial<NetworkSettings>): Promise<AppProcess> {
  const args = ['--port', '0', '--data', dataDir, '--fachdienst', fachdienstUrl];
  for (const [key, value] of Object.entries(network)) args.push(networkFlags[key as keyof NetworkSettings], String(value));
  const { process: proc, match } = await startNode(WEB_ENTRY, args, /^app: (http:\/\/127\.0\.0\.1:\d+\/)\s*$/);
  return { process: proc, appUrl: match };
}
