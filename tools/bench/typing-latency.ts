/**
 * Benchmark "typing-latency": typing in an editor holding 50 entries — keydown → first animation
 * frame after React's commit, measured in the page (keystroke-latency.ts), target p95 < 16 ms.
 *
 * The case's draft gets 50 rows through the bridge (not measured, submit-overhead.ts), the case is opened in the
 * page, and one entry's batch field (`dispense-entry-0-batch`) receives `KEYSTROKES` keys: ten letters, then ten
 * Backspaces, and so on (the batch stays within its 20 characters), one key every `KEY_GAP_MS` like a quick typist,
 * with a pause after each ten so the draft autosave runs between bursts as it does when someone types. Baseline in
 * the same run and browser: the same keys into a plain `<input>` on an empty page — what the browser itself costs
 * (the wait for the next frame included).
 */
import { berlinDate } from '../../shared/erezept/dates';
import type { Page } from '@playwright/test';
import { openAppSession } from './app-session';
import { keystrokeLatencies, type KeystrokeLatency } from './keystroke-latency';
import { byTestId, probeCall, PROBE_SCRIPT, type TypingTrace } from './page-probes';
import { openCaseWithEntries } from './submit-overhead';
import { latencyFigure } from './stats';
import type { BenchOptions, Benchmark, Figure } from './types';

export const EDITOR_ENTRIES = 50;
export const KEYSTROKES = 100;
const KEY_GAP_MS = 60;
const BURST = 10;
const BURST_PAUSE_MS = 1000;
const FRAME_TARGET_MS = 16;

/** `count` keys: BURST letters, BURST Backspaces, … */
export function typingPlan(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (Math.floor(i / BURST) % 2 === 0 ? 'x' : 'Backspace'));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Types the plan into the focused field, tracing below `rootSelector`. */
async function typeAndTrace(
  page: Page,
  rootSelector: string,
  plan: readonly string[],
  burstPauseMs: number,
): Promise<KeystrokeLatency[]> {
  await page.evaluate(probeCall('startTyping', rootSelector));
  for (let i = 0; i < plan.length; i++) {
    await page.keyboard.press(plan[i]!);
    await sleep((i + 1) % BURST === 0 ? burstPauseMs : KEY_GAP_MS);
  }
  const trace = await page.evaluate<TypingTrace>(probeCall('stopTyping'));
  return keystrokeLatencies(trace);
}

export const typingLatency: Benchmark = {
  name: 'typing-latency',
  description:
    'Tippen im Abgabe-Editor mit 50 Positionen: keydown → erster Frame nach dem Commit (im Browser gemessen)',
  async run(options: BenchOptions): Promise<Figure[]> {
    const keys = Math.min(KEYSTROKES, options.maxIterations);
    const plan = typingPlan(keys);
    const session = await openAppSession();
    try {
      const [p] = await session.sim.createPrescriptions(1);
      const today = berlinDate(await session.sim.now());
      await openCaseWithEntries(session, p!, EDITOR_ENTRIES, today);
      const batch = session.page.locator(byTestId('dispense-entry-0-batch'));
      await batch.click();
      await batch.press('End');
      await sleep(BURST_PAUSE_MS);
      const editor = await typeAndTrace(session.page, byTestId('app-ready'), plan, BURST_PAUSE_MS);

      const blank = await session.browser.context.newPage();
      await blank.setContent(
        '<!doctype html><html lang="de"><body><input id="plain" autofocus></body></html>',
      );
      await blank.evaluate(PROBE_SCRIPT);
      await blank.locator('#plain').click();
      // nothing autosaves there: a short pause between bursts is enough
      const plain = await typeAndTrace(blank, 'body', plan, 4 * KEY_GAP_MS);
      await blank.close();

      options.log(
        `  ${editor.length} Tasten im Editor mit ${EDITOR_ENTRIES} Positionen, ${plain.length} im leeren Feld`,
      );
      return [
        latencyFigure(
          'typing.editor-50.frame',
          editor.map((l) => l.frame),
          { stat: 'p95', op: '<', value: FRAME_TARGET_MS },
        ),
        latencyFigure(
          'typing.editor-50.handling',
          editor.map((l) => l.handling),
          null,
        ),
        latencyFigure(
          'typing.editor-50.settled',
          editor.map((l) => l.settled),
          null,
        ),
        latencyFigure(
          'typing.plain-input.frame',
          plain.map((l) => l.frame),
          null,
        ),
        latencyFigure(
          'typing.plain-input.handling',
          plain.map((l) => l.handling),
          null,
        ),
      ];
    } finally {
      await session.close();
    }
  },
};
