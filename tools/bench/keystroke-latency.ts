/**
 * Keystroke latencies from a page trace (page-probes.ts `startTyping`/`stopTyping`): for each key, its keydown
 * (`t0`), the input event after React's own listener (by then React has committed a discrete update — it flushes
 * synchronously), the DOM mutations below the root and the start of every animation frame (a continuous rAF loop).
 *
 * - `frame`: keydown → the first animation frame that starts after the input event was handled (the target's
 *   "keydown → first animation frame after React's commit", docs/performance.md);
 * - `settled`: keydown → the first frame after the last DOM mutation the key caused within `settleWindowMs`
 *   (renders React defers — transitions, deferred values, effects — land here; without mutations = `frame`).
 * - `handling`: keydown → input event handled, the key's synchronous work without the wait for the next frame.
 * A key without an input event (nothing changed) counts from its keydown.
 */
import type { TypingTrace } from './page-probes';

export interface KeystrokeLatency {
  key: string;
  /** keydown → the input event handled (the key's synchronous work: handlers, React's render and commit) */
  handling: number;
  frame: number;
  settled: number;
}

/** The first value of ascending `sorted` that is ≥ `t`, or undefined. */
function firstAtOrAfter(sorted: readonly number[], t: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

export function keystrokeLatencies(trace: TypingTrace, settleWindowMs = 100): KeystrokeLatency[] {
  const frames = [...trace.frames].sort((a, b) => a - b);
  const mutations = [...trace.mutations].sort((a, b) => a - b);
  const latencies: KeystrokeLatency[] = [];
  trace.keys.forEach((k, i) => {
    const handled = k.tInput ?? k.t0;
    const next = trace.keys[i + 1]?.t0 ?? Number.POSITIVE_INFINITY;
    const windowEnd = Math.min(next, k.t0 + settleWindowMs);
    const caused = mutations.filter((m) => m >= k.t0 && m < windowEnd);
    const lastChange = Math.max(handled, ...caused);
    const frame = firstAtOrAfter(frames, handled);
    const settled = firstAtOrAfter(frames, lastChange);
    // a key whose frame the trace did not reach (stopped too early) is left out rather than guessed
    if (frame === undefined || settled === undefined) return;
    latencies.push({ key: k.key, handling: handled - k.t0, frame: frame - k.t0, settled: settled - k.t0 });
  });
  return latencies;
}
