/**
 * The benchmark harness's vocabulary (docs/performance.md): a benchmark is a named function that measures and
 * returns figures; the runner collects them into `bench/results.json`.
 */

/** What a figure must reach: `stat` of the figure compared with `value` (e.g. p99 < 25 ms, p50 ≥ 500 cycles/s). */
export interface Target {
  stat: 'p50' | 'p95' | 'p99';
  op: '<' | '<=' | '>=' | '>';
  value: number;
}

/**
 * One measured figure. For latencies the percentiles are the usual ones (p99 = 99 % of the samples were at
 * most this fast). For throughputs (unit `…/s`) the samples are time windows and pNN is the rate that NN % of
 * the windows reached — the rate sustained — so a higher pNN is better and p99 ≤ p95 ≤ p50.
 */
export interface Figure {
  name: string;
  unit: string;
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  target: Target | null;
}

export interface BenchOptions {
  /** upper bound of measured operations per benchmark (e.g. complete cycles) */
  maxIterations: number;
  /** upper bound of measuring time per benchmark */
  maxSeconds: number;
  /** concurrent clients */
  clients: number;
  /** progress lines (stderr); never secrets */
  log: (line: string) => void;
  /**
   * The bench entry module: benchmarks start their load-generating clients as worker threads of it, so the
   * clients' CPU time does not count against what is measured. Absent (tests): clients run in this thread.
   */
  workerEntry?: URL;
}

export interface Benchmark {
  /** kebab-case, stable: `--only <name>` selects it */
  name: string;
  description: string;
  run(options: BenchOptions): Promise<Figure[]>;
}

export interface BenchResults {
  machine: { cpus: number; node: string };
  figures: Figure[];
}
