/** Percentiles and figures from raw samples (nearest-rank method: a percentile is always a measured value). */
import type { Figure, Target } from './types';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** A latency figure (lower is better) from durations in milliseconds. */
export function latencyFigure(name: string, durationsMs: readonly number[], target: Target | null): Figure {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return {
    name,
    unit: 'ms',
    samples: sorted.length,
    p50: round(percentile(sorted, 50), 2),
    p95: round(percentile(sorted, 95), 2),
    p99: round(percentile(sorted, 99), 2),
    target,
  };
}

/**
 * A throughput figure (higher is better) from the completion instants (ms) of the measured operations: the run
 * is cut into equal windows and pNN is the rate NN % of the windows reached (the (100 − NN)th percentile of
 * the window rates). Windows are at least 250 ms and at most 1/20 of the run; a last partial window is dropped.
 */
export function throughputFigure(
  name: string,
  unit: string,
  startMs: number,
  completionsMs: readonly number[],
  target: Target | null,
): Figure {
  const end = Math.max(startMs, ...completionsMs);
  const duration = end - startMs;
  const window = Math.max(250, duration / 20);
  const windows = Math.max(1, Math.floor(duration / window));
  const counts = new Array<number>(windows).fill(0);
  for (const t of completionsMs) {
    const index = Math.floor((t - startMs) / window);
    if (index < windows) counts[index]! += 1;
  }
  const rates = counts.map((n) => (n * 1000) / window).sort((a, b) => a - b);
  return {
    name,
    unit,
    samples: windows,
    p50: round(percentile(rates, 50), 1),
    p95: round(percentile(rates, 5), 1),
    p99: round(percentile(rates, 1), 1),
    target,
  };
}

export function targetMet(figure: Figure): boolean | undefined {
  const t = figure.target;
  if (!t) return undefined;
  const actual = figure[t.stat];
  switch (t.op) {
    case '<':
      return actual < t.value;
    case '<=':
      return actual <= t.value;
    case '>=':
      return actual >= t.value;
    case '>':
      return actual > t.value;
  }
}
