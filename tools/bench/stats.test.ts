import { describe, expect, it } from 'vitest';
import { latencyFigure, percentile, targetMet, throughputFigure } from './stats';

describe('percentile (nearest rank)', () => {
  it('is always a measured value', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('latencyFigure', () => {
  it('sorts the samples and reports p50/p95/p99 in ms with the target', () => {
    const samples = [...Array.from({ length: 98 }, () => 5), 40, 100];
    const figure = latencyFigure('x.latency', samples.reverse(), { stat: 'p99', op: '<', value: 25 });
    expect(figure).toEqual({
      name: 'x.latency',
      unit: 'ms',
      samples: 100,
      p50: 5,
      p95: 5,
      p99: 40,
      target: { stat: 'p99', op: '<', value: 25 },
    });
    expect(targetMet(figure)).toBe(false);
    expect(targetMet({ ...figure, p99: 24.9 })).toBe(true);
    expect(targetMet({ ...figure, target: null })).toBeUndefined();
  });
});

describe('throughputFigure', () => {
  it('reports the rate sustained in 50/95/99 % of the windows (higher is better)', () => {
    // 10 s run: 600 completions per second, except one slow second with 100
    const completions: number[] = [];
    for (let second = 0; second < 10; second++) {
      const n = second === 3 ? 100 : 600;
      for (let i = 0; i < n; i++) completions.push(1000 * second + (i * 1000) / n);
    }
    completions.push(10_000);
    const figure = throughputFigure('cycles', 'cycles/s', 0, completions, {
      stat: 'p50',
      op: '>=',
      value: 500,
    });
    expect(figure.samples).toBe(20); // 500 ms windows
    expect(figure.p50).toBe(600);
    expect(figure.p95).toBe(100);
    expect(figure.p99).toBe(100);
    expect(targetMet(figure)).toBe(true);
  });
});
