/**
 * Benchmark "cold-start": spawning browser mode on an existing data folder → `scan-input` focused
 * in an already running Chromium, target < 1.5 s (p95 over `COLD_STARTS` starts).
 *
 * The folder is made by one start beforehand (store, keys, simulator state, demo prescriptions), then stopped.
 * Each measured start: Chromium's page waits on about:blank; the bench spawns `node out/node/web.mjs --port 0
 * --data DIR`, navigates as soon as the `app:` line is read, and the page probe notes when `scan-input` became
 * document.activeElement (autofocus). The total is in absolute time (the page's timeOrigin + performance.now()
 * against the Node clock at spawn), split into:
 * - `app-line`: spawn → `app:` line (Node's own start, bundle load, core start: store, embedded simulator, demo check);
 * - `navigate`: `app:` line read → the page's navigation began (the bench's and the browser's share);
 * - `page`: navigation start → `scan-input` focused, in the page (HTML, bundle, getAppInfo, first render).
 * Baseline beside it: `node -e 0`, Node's bare start on this machine.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { newDataDir } from './app-session';
import { launchBenchBrowser } from './chromium';
import { absoluteNow } from './cycle-clients';
import { probeCall, type ColdStartTimes } from './page-probes';
import { latencyFigure } from './stats';
import type { BenchOptions, Benchmark, Figure } from './types';
import { startWebProcess } from './web-process';

export const COLD_STARTS = 10;
const COLD_START_TARGET_MS = 1500;

function nodeBareStartMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = absoluteNow();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(absoluteNow() - t0));
  });
}

export interface ColdStartSplit {
  total: number;
  appLine: number;
  navigate: number;
  page: number;
}

/** The split of one start from the Node-side instants and the page's times. */
export function coldStartSplit(spawnedAt: number, readyAt: number, page: ColdStartTimes): ColdStartSplit {
  return {
    total: page.absFocusedAt - spawnedAt,
    appLine: readyAt - spawnedAt,
    navigate: page.absTimeOrigin - readyAt,
    page: page.focusedAt,
  };
}

export const coldStart: Benchmark = {
  name: 'cold-start',
  description:
    'Browser-Modus starten (vorhandener Datenordner) → scan-input fokussiert im laufenden Chromium',
  async run(options: BenchOptions): Promise<Figure[]> {
    const starts = Math.min(COLD_STARTS, options.maxIterations);
    const dataDir = newDataDir();
    const browser = await launchBenchBrowser();
    try {
      const first = await startWebProcess({ dataDir });
      await first.stop();
      const splits: ColdStartSplit[] = [];
      const bare: number[] = [];
      for (let i = 0; i < starts; i++) {
        bare.push(await nodeBareStartMs());
        await browser.page.goto('about:blank');
        const web = await startWebProcess({ dataDir });
        try {
          await browser.page.goto(web.appUrl, { waitUntil: 'commit' });
          const times = await browser.page.evaluate<ColdStartTimes>(probeCall('coldStarted'));
          splits.push(coldStartSplit(web.spawnedAt, web.readyAt, times));
        } finally {
          await web.stop();
        }
      }
      const median = (values: number[]): number =>
        [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      options.log(
        `  ${starts} Starts; Median: app-Zeile ${median(splits.map((s) => s.appLine)).toFixed(0)} ms, ` +
          `Navigation ${median(splits.map((s) => s.navigate)).toFixed(0)} ms, Seite ${median(splits.map((s) => s.page)).toFixed(0)} ms`,
      );
      return [
        latencyFigure(
          'cold-start.total',
          splits.map((s) => s.total),
          { stat: 'p95', op: '<', value: COLD_START_TARGET_MS },
        ),
        latencyFigure(
          'cold-start.app-line',
          splits.map((s) => s.appLine),
          null,
        ),
        latencyFigure(
          'cold-start.navigate',
          splits.map((s) => s.navigate),
          null,
        ),
        latencyFigure(
          'cold-start.page',
          splits.map((s) => s.page),
          null,
        ),
        latencyFigure('cold-start.node-baseline', bare, null),
      ];
    } finally {
      await browser.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
