/**
 * A benchmark that cannot run on this machine — e.g. `counters-6` without a PostgreSQL server — throws this with a
 * German reason; the runner (run.ts) prints „übersprungen: <reason>“, notes it in bench/results.json and goes on
 * with the next benchmark. It has no figures, so nothing is reported as measured that was not.
 */
export class BenchmarkSkipped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BenchmarkSkipped';
  }
}
