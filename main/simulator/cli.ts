/**
 * `node out/node/simulator.mjs --port P [--data DIR]` (npm run simulator). Prints exactly
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

export const USAGE = 'Aufruf: simulator --port <0–65535> [--data <Verzeichnis>] [--log]';

export interface CliOptions {
  port: number;
  dataDir?: string;
  log: boolean;
}

export function parseArgs(argv: readonly string[]): CliOptions | { error: string } | 'help' {
  let port: number | undefined;
  let dataDir: string | undefined;
  let log = false;
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
      default:
        return { error: `unbekanntes Argument „${arg}“` };
    }
  }
  if (port === undefined) return { error: '--port fehlt' };
  return { port, dataDir, log };
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
  });
  const shutdown = (): void => {
    void handle.close().then(() => io.exit(0));
  };
  io.onSignal('SIGINT', shutdown);
  io.onSignal('SIGTERM', shutdown);
  io.out(`listening on ${handle.url}`);
  return handle;
}
