/**
 * `node out/node/simulator.mjs --port P [--data DIR] [--log] [--ti] [--seed N] [--fixed-time INSTANT]` (npm run simulator).
 * `--seed` and `--fixed-time` make runs repeatable (same ids and names, timestamps standing still). Prints exactly
 * `listening on http://127.0.0.1:P` once it accepts requests; bad arguments ⇒ a message and exit code 2;
 * SIGINT/SIGTERM close the server (and the database) cleanly. The entry file imports and calls `main`, this
 * module never runs anything on import.
 */
import { resolve } from 'node:path';
import { flagOption, readCommandLine, sharedOptions, type OptionTable } from '../cli-options';
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
  'Aufruf: simulator --port <0–65535> [--data <Verzeichnis>] [--log] [--ti] [--seed <0–4294967295>] [--fixed-time <ISO-Zeitpunkt>]';

export interface CliOptions {
  port: number;
  dataDir?: string;
  log: boolean;
  /** deterministic ids and fictional data */
  seed?: number;
  /** the base clock stands still at this instant (the `/_sim/clock` offset still applies) */
  fixedTime?: Date;
  /** also play the TI: VAU and IDP under /idp/ (spec ti-transport §4); the Konnektor under /konnektor/ is always served */
  ti: boolean;
}

/** What the simulator understands: the shared options (main/cli-options.ts) plus `--log`. */
const simulatorOptions = {
  help: sharedOptions.help,
  port: sharedOptions.port,
  data: sharedOptions.data,
  log: flagOption(),
  ti: flagOption(),
  seed: sharedOptions.seed,
  'fixed-time': sharedOptions['fixed-time'],
} as const satisfies OptionTable;

/** `argv` without node and script. Accepts `--opt value` and `--opt=value`; messages in German, like the usage. */
export function parseSimulatorArgs(argv: readonly string[]): CliOptions | { error: string } | 'help' {
  const line = readCommandLine(argv, simulatorOptions);
  if (line.kind === 'help') return 'help';
  if (line.kind === 'error') return { error: line.problem.de };
  const { port, data, log, ti, seed, 'fixed-time': fixedTime } = line.values;
  if (port === undefined) return { error: '--port fehlt' };
  return {
    port,
    dataDir: data === undefined ? undefined : resolve(data),
    log: log === true,
    ti: ti === true,
    ...(seed !== undefined ? { seed } : {}),
    ...(fixedTime !== undefined ? { fixedTime } : {}),
  };
}

export async function main(argv: string[], io: CliIo = processIo): Promise<SimulatorHandle | undefined> {
  const parsed = parseSimulatorArgs(argv);
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
    ti: parsed.ti,
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
