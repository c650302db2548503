import { describe, expect, it } from 'vitest';
import { overheadFigures, pairedDifferences, warmupRounds } from './overhead';
import { latencyFigure } from './stats';

describe('pairedDifferences', () => {
  it('subtracts each bare sample from the UI sample taken beside it', () => {
    expect(pairedDifferences([50, 60, 300], [2, 10, 250])).toEqual([48, 50, 50]);
    // a slow moment of the machine shows in both and cancels out: p95 of the differences stays 50
    expect(latencyFigure('x', pairedDifferences([50, 60, 300], [2, 10, 250]), null).p95).toBe(50);
  });

  it('refuses unpaired samples', () => {
    expect(() => pairedDifferences([1, 2], [1])).toThrow(/2 UI-Werte, aber 1/);
  });
});

describe('warmupRounds', () => {
  it('is a tenth of the run, at least 2 and at most 5', () => {
    expect([1, 10, 30, 50, 200].map(warmupRounds)).toEqual([2, 2, 3, 5, 5]);
  });
});

describe('overheadFigures', () => {
  it('names the UI, the bare call and their paired difference, the difference with the target p95 < 30 ms', () => {
    const figures = overheadFigures('close', 'close-http', [50, 60, 300], [2, 10, 250]);
    expect(figures.map((f) => [f.name, f.target])).toEqual([
      ['close.ui', null],
      ['close.close-http', null],
      ['close.overhead', { stat: 'p95', op: '<', value: 30 }],
    ]);
    expect(figures[2]!.p95).toBe(50);
  });
});
