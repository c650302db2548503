/**
 * `npm run bench [-- --only <name>] [--iterations N] [--seconds S] [--clients C] [--cases-per-counter N] [--out FILE]`:
 * runs the registered benchmarks one after the other, writes `{"machine":{"cpus","node"},"figures":[…]}` to
 * bench/results.json (git-ignored) and prints it, followed by one line per figure with its target. A benchmark that
 * cannot run on this machine (skipped.ts) is printed with its reason and listed under `"skipped"`.
 * Exit code 0 when every benchmark ran or was skipped (a missed target is reported, not an error) and after
 * `--help`, 1 when one failed, 2 for bad arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { integerOption, ok, readCommandLine, refused, sharedOptions, textOption, valueOption, type OptionTable } from '../../main/cli-options';
import { benchmarks as registered } from './registry';
import { DEFAULT_CASES_PER_COUNTER } from './shared-store-counters';
import { BenchmarkSkipped } from './skipped';
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
  /** `counters-6` only; absent = its default */
  casesPerCounter?: number;
  out: string;
}

/**
 * The options every benchmark gets, plus the size of `counters-6` (shared-store-counters.ts reads it by name; the
 * other benchmarks ignore it).
 */
export interface RunOptions extends BenchOptions {
  casesPerCounter?: number;
}

/** A benchmark that did not run here, and why (German). */
export interface SkippedBenchmark {
  name: string;
  reason: string;
}

/** bench/results.json: `skipped` only when a benchmark was skipped, so a full run keeps the agreed shape. */
export type RunResults = BenchResults & { skipped?: SkippedBenchmark[] };

export const BENCH_USAGE =
  'Aufruf: bench [--help] [--only <Name>] [--iterations <Anzahl, Standard 2000>] [--seconds <Sekunden, Standard 60>] [--clients <Anzahl, Standard 16>] ' +
  `[--cases-per-counter <Vorgänge je Kasse in counters-6, Standard ${DEFAULT_CASES_PER_COUNTER}>] [--out <Datei>]`;

/** What the benchmarks understand; `--help` is the one option they share with the other processes (main/cli-options.ts). */
const benchOptions = {
  help: sharedOptions.help,
  only: valueOption((name) =>
    registered.some((b) => b.name === name)
      ? ok(name)
      : refused(
          `--only: unbekannter Benchmark „${name}“ (bekannt: ${registered.map((b) => b.name).join(', ')})`,
          'unknown benchmark',
        ),
  ),
  iterations: integerOption('--iterations', 1, 1_000_000, {
    de: '--iterations braucht eine Zahl von 1 bis 1000000',
    en: 'expects a number from 1 to 1000000',
  }),
  seconds: integerOption('--seconds', 1, 600, { de: '--seconds braucht eine Zahl von 1 bis 600', en: 'expects a number from 1 to 600' }),
  clients: integerOption('--clients', 1, 256, { de: '--clients braucht eine Zahl von 1 bis 256', en: 'expects a number from 1 to 256' }),
  'cases-per-counter': integerOption('--cases-per-counter', 1, 10_000, {
    de: '--cases-per-counter braucht eine Zahl von 1 bis 10000',
    en: 'expects a number from 1 to 10000',
  }),
  out: textOption(),
} as const satisfies OptionTable;

/** `argv` without node and script. Accepts `--opt value` and `--opt=value`; messages in German, like the usage. */
export function parseBenchArgs(argv: readonly string[], cwd: string): BenchArgs | { error: string } | 'help' {
  const line = readCommandLine(argv, benchOptions);
  if (line.kind === 'help') return 'help';
  if (line.kind === 'error') return { error: line.problem.de };
  const given = line.values;
  return {
    ...(given.only !== undefined ? { only: given.only } : {}),
    iterations: given.iterations ?? 2000,
    seconds: given.seconds ?? 60,
    clients: given.clients ?? 16,
    ...(given['cases-per-counter'] !== undefined ? { casesPerCounter: given['cases-per-counter'] } : {}),
    out: resolve(cwd, given.out ?? join('bench', 'results.json')),
  };
}

/** Runs the benchmarks and returns the results (without writing them); a skipped one is noted with its reason. */
export async function runBenchmarks(list: readonly Benchmark[], options: RunOptions): Promise<RunResults> {
  const figures: Figure[] = [];
  const skipped: SkippedBenchmark[] = [];
  for (const benchmark of list) {
    options.log(`bench: ${benchmark.name} – ${benchmark.description}`);
    try {
      figures.push(...(await benchmark.run(options)));
    } catch (error) {
      if (!(error instanceof BenchmarkSkipped)) throw error;
      options.log(`bench: ${benchmark.name} übersprungen: ${error.reason}`);
      skipped.push({ name: benchmark.name, reason: error.reason });
    }
  }
  return {
    machine: { cpus: cpus().length, node: process.version },
    figures,
    ...(skipped.length > 0 ? { skipped } : {}),
  };
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
  if (args === 'help') {
    io.out(BENCH_USAGE);
    return 0;
  }
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
      ...(args.casesPerCounter !== undefined ? { casesPerCounter: args.casesPerCounter } : {}),
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
