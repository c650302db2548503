/**
 * `npm run bench [-- --only <name>] [--iterations N] [--seconds S] [--clients C] [--out FILE]`: runs the
 * registered benchmarks one after the other, writes `{"machine":{"cpus","node"},"figures":[…]}` to
 * bench/results.json (git-ignored) and prints it, followed by one line per figure with its target.
 * Exit code 0 when every benchmark ran (a missed target is reported, not an error), 1 when one failed,
 * 2 for bad arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { benchmarks as registered } from './registry';
import { targetMet } from './stats';
import type { BenchOptions, BenchResults, Benchmark, Figure } from './types';

export interface BenchIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: BenchIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export interface BenchArgs {
  only?: string;
  iterations: number;
  seconds: number;
  clients: number;
  out: string;
}

export const BENCH_USAGE =
  'Aufruf: bench [--only <Name>] [--iterations <Anzahl, Standard 2000>] [--seconds <Sekunden, Standard 60>] [--clients <Anzahl, Standard 16>] [--out <Datei>]';

export function parseBenchArgs(argv: readonly string[], cwd: string): BenchArgs | { error: string } {
  const args: BenchArgs = {
    iterations: 2000,
    seconds: 60,
    clients: 16,
    out: resolve(cwd, 'bench', 'results.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    i++;
    const positive = (max: number): number | undefined =>
      value !== undefined && /^[0-9]+$/.test(value) && Number(value) >= 1 && Number(value) <= max
        ? Number(value)
        : undefined;
    switch (flag) {
      case '--only':
        if (value === undefined || !registered.some((b) => b.name === value)) {
          return {
            error: `--only: unbekannter Benchmark „${value ?? ''}“ (bekannt: ${registered.map((b) => b.name).join(', ')})`,
          };
        }
        args.only = value;
        break;
      case '--iterations': {
        const n = positive(1_000_000);
        if (n === undefined) return { error: '--iterations braucht eine Zahl von 1 bis 1000000' };
        args.iterations = n;
        break;
      }
      case '--seconds': {
        const n = positive(600);
        if (n === undefined) return { error: '--seconds braucht eine Zahl von 1 bis 600' };
        args.seconds = n;
        break;
      }
      case '--clients': {
        const n = positive(256);
        if (n === undefined) return { error: '--clients braucht eine Zahl von 1 bis 256' };
        args.clients = n;
        break;
      }
      case '--out':
        if (value === undefined || value === '') return { error: '--out braucht einen Dateinamen' };
        args.out = resolve(cwd, value);
        break;
      default:
        return { error: `unbekanntes Argument „${flag}“` };
    }
  }
  return args;
}

/** Runs the benchmarks and returns the results (without writing them). */
export async function runBenchmarks(
  list: readonly Benchmark[],
  options: BenchOptions,
): Promise<BenchResults> {
  const figures: Figure[] = [];
  for (const benchmark of list) {
    options.log(`bench: ${benchmark.name} – ${benchmark.description}`);
    figures.push(...(await benchmark.run(options)));
  }
  return { machine: { cpus: cpus().length, node: process.version }, figures };
}

export function summaryLine(figure: Figure): string {
  const met = targetMet(figure);
  const target = figure.target
    ? `Ziel ${figure.target.stat} ${figure.target.op} ${figure.target.value} ${figure.unit}`
    : 'kein Ziel';
  const verdict = met === undefined ? '' : met ? ' – erreicht' : ' – VERFEHLT';
  return `${figure.name}: p50 ${figure.p50} / p95 ${figure.p95} / p99 ${figure.p99} ${figure.unit} (${figure.samples} Werte); ${target}${verdict}`;
}

export async function main(
  argv: readonly string[],
  io: BenchIo = processIo,
  cwd = process.cwd(),
  workerEntry?: URL,
): Promise<number> {
  const args = parseBenchArgs(argv, cwd);
  if ('error' in args) {
    io.err(`bench: ${args.error}`);
    io.err(BENCH_USAGE);
    return 2;
  }
  const list = args.only === undefined ? registered : registered.filter((b) => b.name === args.only);
  try {
    const results = await runBenchmarks(list, {
      maxIterations: args.iterations,
      maxSeconds: args.seconds,
      clients: args.clients,
      log: (line) => io.err(line),
      ...(workerEntry ? { workerEntry } : {}),
    });
    mkdirSync(dirname(args.out), { recursive: true });
    const text = `${JSON.stringify(results, null, 2)}\n`;
    writeFileSync(args.out, text);
    io.out(text.trimEnd());
    for (const figure of results.figures) io.err(summaryLine(figure));
    io.err(`bench: geschrieben nach ${args.out}`);
    return 0;
  } catch (error) {
    io.err(`bench: fehlgeschlagen: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
