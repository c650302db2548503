/**
 * `node out/node/simulator.mjs --port P [--data DIR] [--log] [--seed N] [--fixed-time INSTANT]` (npm run simulator).
 * `--seed` and `--fixed-time` make runs repeatable (same ids and names, timestamps standing still; issue 7). Prints exactly
 * `listening on http://127.0.0.1:P` once it accepts requests; bad arguments ⇒ a message and exit code 2;
 * SIGINT/SIGTERM close the server (and the database) cleanly. The entry file imports and calls `main`, this
 * module never runs anything on import.
 */
import { resolve } from 'node:path';
import { startSimulatorServer, type SimulatorHandle } from './server';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  exit(code: number): void;
  onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  exit: (code) => process.exit(code),
  onSignal: (signal, handler) => {
    process.once(signal, handler);
  },
};

export const USAGE =
  'Aufruf: simulator --port <0–65535> [--data <Verzeichnis>] [--log] [--seed <0–4294967295>] [--fixed-time <ISO-Zeitpunkt>]';

export interface CliOptions {
  port: number;
  dataDir?: string;
  log: boolean;
  /** deterministic ids and fictional data */
  seed?: number;
  /** the base clock stands still at this instant (the `/_sim/clock` offset still applies) */
  fixedTime?: Date;
}

export function parseArgs(argv: readonly string[]): CliOptions | { error: string } | 'help' {
  let port: number | undefined;
  let dataDir: string | undefined;
  let log = false;
  let seed: number | undefined;
  let fixedTime: Date | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--port': {
        const raw = value();
        if (raw === undefined || !/^[0-9]{1,5}$/.test(raw) || Number(raw) > 65535) {
          return { error: `--port braucht eine Zahl von 0 bis 65535 (0 = freier Port), nicht „${raw ?? ''}“` };
        }
        port = Number(raw);
        break;
      }
      case '--data': {
        const raw = value();
        if (raw === undefined || raw === '' || raw.startsWith('--')) return { error: '--data braucht ein Verzeichnis' };
        dataDir = resolve(raw);
        break;
      }
      case '--log':
        log = true;
        break;
      case '--seed': {
        const raw = value();
        if (raw === undefined || !/^[0-9]{1,10}$/.test(raw) || Number(raw) > 0xffff_ffff) {
          return { error: `--seed braucht eine ganze Zahl von 0 bis 4294967295, nicht „${raw ?? ''}“` };
        }
        seed = Number(raw);
        break;
      }
      case '--fixed-time': {
        const raw = value();
        const instant = raw === undefined ? undefined : new Date(raw);
        if (raw === undefined || !/^\d{4}-\d{2}-\d{2}T/.test(raw) || instant === undefined || Number.isNaN(instant.getTime())) {
          return { error: `--fixed-time braucht einen ISO-8601-Zeitpunkt, z. B. 2026-10-05T09:00:00+02:00, nicht „${raw ?? ''}“` };
        }
        fixedTime = instant;
        break;
      }
      default:
        return { error: `unbekanntes Argument „${arg}“` };
    }
  }
  if (port === undefined) return { error: '--port fehlt' };
  return { port, dataDir, log, ...(seed !== undefined ? { seed } : {}), ...(fixedTime ? { fixedTime } : {}) };
}

export async function main(argv: string[], io: CliIo = processIo): Promise<SimulatorHandle | undefined> {
  const parsed = parseArgs(argv);
  if (parsed === 'help') {
    io.out(USAGE);
    io.exit(0);
    return undefined;
  }
  if ('error' in parsed) {
    io.err(`simulator: ${parsed.error}`);
    io.err(USAGE);
    io.exit(2);
    return undefined;
  }
  const handle = await startSimulatorServer({
    port: parsed.port,
    dataDir: parsed.dataDir,
    log: parsed.log ? (line): void => io.err(line) : undefined,
    seed: parsed.seed,
    now: parsed.fixedTime ? fixedClock(parsed.fixedTime) : undefined,
  });
  const shutdown = (): void => {
    void handle.close().then(() => io.exit(0));
  };
  io.onSignal('SIGINT', shutdown);
  io.onSignal('SIGTERM', shutdown);
  io.out(`listening on ${handle.url}`);
  return handle;
}

const fixedClock =
  (instant: Date) =>
  (): Date =>
    new Date(instant.getTime());
