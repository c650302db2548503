import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { benchmarks } from './registry';
import { main, parseBenchArgs, runBenchmarks, summaryLine } from './run';
import { BenchmarkSkipped } from './skipped';
import type { Benchmark } from './types';

const dir = mkdtempSync(join(tmpdir(), 'erx-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseBenchArgs', () => {
  it('defaults to 2000 cycles, 60 s, 16 clients and bench/results.json', () => {
    expect(parseBenchArgs([], '/repo')).toEqual({
      iterations: 2000,
      seconds: 60,
      clients: 16,
      out: '/repo/bench/results.json',
    });
  });
  it.each([
    [['--only', 'nope']],
    [['--iterations', '0']],
    [['--seconds', '601']],
    [['--clients', 'x']],
    [['--cases-per-counter', '0']],
    [['--fast']],
  ])('refuses %j', (argv) => {
    expect(parseBenchArgs(argv, '/repo')).toHaveProperty('error');
  });
  it('reads both spellings and answers --help (shared option table, main/cli-options.ts)', () => {
    expect(parseBenchArgs(['--only=cold-start', '--iterations', '5', '--out=x/r.json'], '/repo')).toEqual({
      only: 'cold-start',
      iterations: 5,
      seconds: 60,
      clients: 16,
      out: '/repo/x/r.json',
    });
    expect(parseBenchArgs(['--iterations', '5', '-h'], '/repo')).toBe('help');
  });
  it('reads --cases-per-counter for counters-6 (absent: the benchmark takes its default)', () => {
    expect(parseBenchArgs(['--only', 'counters-6', '--cases-per-counter', '1000'], '/repo')).toEqual({
      only: 'counters-6',
      iterations: 2000,
      seconds: 60,
      clients: 16,
      casesPerCounter: 1000,
      out: '/repo/bench/results.json',
    });
  });
});

describe('the registry', () => {
  it('lists every benchmark of docs/performance.md once, under stable kebab-case names', () => {
    const names = benchmarks.map((b) => b.name);
    expect(names).toEqual([
      'simulator-cycles',
      'cold-start',
      'scan-overhead',
      'submit-overhead',
      'typing-latency',
      'inbox-10k',
      'renderer-bundle',
      'main-memory',
      'counters-6',
      'articles-100k',
    ]);
    for (const name of names) {
      expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(parseBenchArgs(['--only', name], '/repo')).toMatchObject({ only: name });
    }
  });
});

describe('runBenchmarks', () => {
  it('runs every benchmark of the list in order and collects their figures with the machine', async () => {
    const calls: string[] = [];
    const fake = (name: string): Benchmark => ({
      name,
      description: name,
      run: async (options) => {
        calls.push(`${name}:${options.maxIterations}`);
        return [{ name: `${name}.x`, unit: 'ms', samples: 1, p50: 1, p95: 1, p99: 1, target: null }];
      },
    });
    const results = await runBenchmarks([fake('a'), fake('b')], {
      maxIterations: 7,
      maxSeconds: 1,
      clients: 1,
      log: () => undefined,
    });
    expect(calls).toEqual(['a:7', 'b:7']);
    expect(results.figures.map((f) => f.name)).toEqual(['a.x', 'b.x']);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
    expect(summaryLine(results.figures[0]!)).toBe('a.x: p50 1 / p95 1 / p99 1 ms (1 Werte); kein Ziel');
    expect(results).not.toHaveProperty('skipped');
  });

  it('prints a skipped benchmark with its reason, lists it under skipped and goes on; any other error fails the run', async () => {
    const log: string[] = [];
    const skipping: Benchmark = {
      name: 'needs-postgres',
      description: 'x',
      run: () => Promise.reject(new BenchmarkSkipped('kein PostgreSQL-Server auf diesem Rechner')),
    };
    const measuring: Benchmark = {
      name: 'b',
      description: 'b',
      run: async (options) => [
        { name: `b.${options.maxIterations}`, unit: 'ms', samples: 1, p50: 1, p95: 1, p99: 1, target: null },
      ],
    };
    const options = { maxIterations: 3, maxSeconds: 1, clients: 1, log: (line: string) => log.push(line) };
    const results = await runBenchmarks([skipping, measuring], options);
    expect(results.figures.map((f) => f.name)).toEqual(['b.3']);
    expect(results.skipped).toEqual([
      { name: 'needs-postgres', reason: 'kein PostgreSQL-Server auf diesem Rechner' },
    ]);
    expect(log).toContain('bench: needs-postgres übersprungen: kein PostgreSQL-Server auf diesem Rechner');
    const failing: Benchmark = {
      name: 'c',
      description: 'c',
      run: () => Promise.reject(new Error('kaputt')),
    };
    await expect(runBenchmarks([failing], options)).rejects.toThrow('kaputt');
  });
});

describe('npm run bench (in-process, small)', () => {
  it('measures real cycles against the simulator and writes results.json in the agreed shape', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      [
        '--only',
        'simulator-cycles',
        '--iterations',
        '12',
        '--seconds',
        '20',
        '--clients',
        '3',
        '--out',
        join(dir, 'results.json'),
      ],
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      dir,
    );
    expect(code, err.join('\n')).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
      machine: { cpus: number; node: string };
      figures: {
        name: string;
        unit: string;
        samples: number;
        p50: number;
        p95: number;
        p99: number;
        target: unknown;
      }[];
    };
    expect(JSON.parse(out.join('\n'))).toEqual(written);
    expect(Object.keys(written)).toEqual(['machine', 'figures']);
    expect(written.figures.map((f) => [f.name, f.unit])).toEqual([
      ['simulator.cycles', 'cycles/s'],
      ['simulator.bare-http', 'requests/s'],
      ['simulator.cycles.share-of-bare-http', '%'],
      ['simulator.accept.latency', 'ms'],
      ['simulator.dispense.latency', 'ms'],
      ['simulator.close.latency', 'ms'],
    ]);
    for (const figure of written.figures) {
      expect(Object.keys(figure)).toEqual(['name', 'unit', 'samples', 'p50', 'p95', 'p99', 'target']);
      // a latency is never 0; the throughput of 12 cycles in 250 ms windows may have a median of 0 on a loaded
      // machine (more empty windows than full ones), so only its shape is checked here
      if (figure.unit === 'ms') expect(figure.p50).toBeGreaterThan(0);
      else expect(figure.p50).toBeGreaterThanOrEqual(0);
    }
    expect(written.figures.slice(3).map((f) => f.samples)).toEqual([12, 12, 12]);
    // the bare node:http server answered thousands of requests; the share is cycles/s over its requests/s
    const [cycles, bare, share] = written.figures;
    expect(bare!.p50).toBeGreaterThan(1000);
    expect(share!.p50).toBe(Math.round((cycles!.p50 / bare!.p50) * 1000) / 10);
    expect(share!.target).toEqual({ stat: 'p50', op: '>=', value: 7 });
    expect(err.some((line) => line.startsWith('simulator.close.latency: p50'))).toBe(true);
  });

  it('exits 2 with the usage for bad arguments', async () => {
    const err: string[] = [];
    expect(await main(['--clients', '0'], { out: () => undefined, err: (t) => err.push(t) }, dir)).toBe(2);
    expect(err.join('\n')).toContain('Aufruf: bench');
  });

  it('--help prints the usage on stdout and runs nothing', async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(await main(['--help'], { out: (t) => out.push(t), err: (t) => err.push(t) }, dir)).toBe(0);
    expect(out.join('\n')).toContain('Aufruf: bench');
    expect(err).toEqual([]);
  });
});

describe('the bundled entry (as npm run bench runs it, clients in a worker thread)', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const outDir = join(root, 'node_modules', '.cache', `erx-bench-test-${process.pid}`);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  // bundling plus a real run with warm-up and quiet seconds: no timed test, so generous for a loaded machine
  it('runs, writes the results and exits 0', { timeout: 120_000 }, async () => {
    mkdirSync(outDir, { recursive: true });
    // Same options as scripts/build.mjs; the output sits under node_modules so `better-sqlite3` resolves.
    await build({
      absWorkingDir: root,
      entryPoints: { bench: 'tools/bench/entry.ts' },
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: [
        'better-sqlite3',
        'electron',
        '@playwright/test',
        'playwright',
        'playwright-core',
        'esbuild',
      ],
      banner: {
        js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
      },
      logLevel: 'silent',
    });
    const results = join(dir, 'bundled.json');
    const { stderr } = await promisify(execFile)(
      process.execPath,
      [
        join(outDir, 'bench.mjs'),
        // the browser benchmarks need the built app and Chromium: they run in `npm run bench`, not here
        '--only',
        'simulator-cycles',
        '--iterations',
        '10',
        '--seconds',
        '20',
        '--clients',
        '2',
        '--out',
        results,
      ],
      { cwd: dir },
    );
    expect(stderr).toContain('(eigener Thread)');
    const written = JSON.parse(readFileSync(results, 'utf8')) as {
      figures: { name: string; samples: number }[];
    };
    expect(written.figures.find((f) => f.name === 'simulator.close.latency')?.samples).toBe(10);
  });
});
