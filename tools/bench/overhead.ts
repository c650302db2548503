import { latencyFigure } from './stats';
import type { Figure } from './types';

/**
 * The app's own share of a wait (docs/performance.md: UI time − the bare HTTP time of the same call against the
 * same simulator): each UI sample is paired with the bare sample taken right beside it in the same run, so a slow
 * phase of the machine shows in both and cancels out in the difference.
 */
export function pairedDifferences(ui: readonly number[], bare: readonly number[]): number[] {
  if (ui.length !== bare.length)
    throw new Error(`bench: ${ui.length} UI-Werte, aber ${bare.length} Basiswerte`);
  return ui.map((u, i) => u - bare[i]!);
}

/** How many warm-up rounds a run of `measured` rounds gets: a tenth, at least 2, at most 5. */
export const warmupRounds = (measured: number): number => Math.min(5, Math.max(2, Math.ceil(measured / 10)));

/** The app's share of a wait must stay below this at p95 (issue 20: scan, submit, close). */
const OVERHEAD_TARGET_MS = 30;

/**
 * The three figures of one paired measurement: `<name>.ui`, the bare call `<name>.<bareName>` and their paired
 * difference `<name>.overhead` with the target p95 < 30 ms.
 */
export function overheadFigures(name: string, bareName: string, ui: readonly number[], bare: readonly number[]): Figure[] {
  return [
    latencyFigure(`${name}.ui`, ui, null),
    latencyFigure(`${name}.${bareName}`, bare, null),
    latencyFigure(`${name}.overhead`, pairedDifferences(ui, bare), { stat: 'p95', op: '<', value: OVERHEAD_TARGET_MS }),
  ];
}
