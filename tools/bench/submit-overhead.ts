/**
 * Benchmark "submit-overhead": „Abgabe übermitteln“ with 10 entries → confirmation visible, minus
 * the bare HTTP time of `$dispense` with the same 10-entry Parameters against the same simulator.
 *
 * Preparation (not measured): the prescription is accepted through the bridge (`scanCode`), its draft replaced by
 * 10 copies of its first row with different batches (`saveDraft`, dispense-lists.ts), and the case opened in the
 * page by scanning its code again (a known code opens the local case, A_23801). UI time: from the click on
 * `submit-dispense` to the first animation frame after `dispense-confirmation` appeared in that case's view,
 * measured in the page. Baseline: `$dispense` (spec §3.4) of the same list for another prescription the bench
 * client accepted itself, right beside each submission (alternating which goes first).
 */
import { performance } from 'node:perf_hooks';
import { berlinDate } from '../../shared/erezept/dates';
import { openAppSession, type AppSession } from './app-session';
import { dispenseParametersJson, entriesLike } from './dispense-lists';
import { pairedDifferences, warmupRounds } from './overhead';
import { measureUi } from './page-measure';
import { byTestId } from './page-probes';
import { prescriptionShown } from './scan-overhead';
import type { SimPrescription } from './simulator-control';
import { latencyFigure } from './stats';
import type { BenchOptions, Benchmark, Figure } from './types';

export const SUBMIT_ROUNDS = 30;
export const SUBMIT_ENTRIES = 10;
const OVERHEAD_TARGET_MS = 30;
const BASELINE_TELEMATIK_ID = '3-SMC-B-Bench-Baseline';

const inCase = (prescriptionId: string, testId: string): string =>
  `${byTestId('case-view')}[data-prescription-id=${JSON.stringify(prescriptionId)}] ${byTestId(testId)}`;

/** Accepts through the bridge, saves a draft of `entryCount` rows and opens the case in the page. */
export async function openCaseWithEntries(
  session: AppSession,
  p: SimPrescription,
  entryCount: number,
  today: string,
): Promise<ReturnType<typeof entriesLike>> {
  const scan = await session.api.call('erx:scanCode', { text: p.token });
  const result = scan.results[0];
  if (!result?.ok)
    throw new Error(`scanCode: ${result && !result.ok ? result.error.message : 'kein Ergebnis'}`);
  const detail = await session.api.call('erx:getCase', { prescriptionId: p.taskId });
  const template = detail.draft?.[0];
  if (!template) throw new Error('getCase: kein Entwurf nach $accept');
  const entries = entriesLike(template, entryCount, today);
  await session.api.call('erx:saveDraft', { prescriptionId: p.taskId, entries });
  const scanInput = session.page.locator(byTestId('scan-input'));
  await scanInput.fill(p.token);
  await scanInput.press('Enter');
  await session.page.locator(prescriptionShown(p.taskId)).waitFor();
  await session.page.locator(inCase(p.taskId, `dispense-entry-${entryCount - 1}`)).waitFor();
  return entries;
}

export const submitOverhead: Benchmark = {
  name: 'submit-overhead',
  description:
    '„Abgabe übermitteln“ mit 10 Positionen → Bestätigung sichtbar minus nacktes $dispense per HTTP',
  async run(options: BenchOptions): Promise<Figure[]> {
    const rounds = Math.min(SUBMIT_ROUNDS, options.maxIterations);
    const warmup = warmupRounds(rounds);
    const session = await openAppSession();
    try {
      const started = performance.now();
      const token = await session.sim.pharmacyToken(BASELINE_TELEMATIK_ID);
      const submitted = await session.sim.createPrescriptions(warmup + rounds);
      const bare = await session.sim.createPrescriptions(warmup + rounds);
      const today = berlinDate(await session.sim.now());
      const ui: number[] = [];
      const http: number[] = [];
      for (let i = 0; i < warmup + rounds; i++) {
        const p = submitted[i]!;
        const entries = await openCaseWithEntries(session, p, SUBMIT_ENTRIES, today);
        const other = bare[i]!;
        const { secret } = await session.sim.accept(other, token);
        const body = dispenseParametersJson(entries, {
          prescriptionId: other.taskId,
          kvnr: other.kvnr,
          telematikId: BASELINE_TELEMATIK_ID,
        });
        const submit = async (): Promise<number> => {
          const timing = await measureUi(
            session.page,
            { type: 'click', testId: 'submit-dispense' },
            { kind: 'present', selector: inCase(p.taskId, 'dispense-confirmation') },
            () => session.page.locator(inCase(p.taskId, 'submit-dispense')).click(),
          );
          return timing.ms;
        };
        const dispense = (): Promise<number> => session.sim.dispense(other.taskId, secret, token, body);
        let uiMs: number;
        let httpMs: number;
        if (i % 2 === 0) {
          httpMs = await dispense();
          uiMs = await submit();
        } else {
          uiMs = await submit();
          httpMs = await dispense();
        }
        if (i < warmup) continue;
        ui.push(uiMs);
        http.push(httpMs);
      }
      options.log(
        `  ${rounds} Übermittlungen à ${SUBMIT_ENTRIES} Positionen (+${warmup} zum Aufwärmen) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return [
        latencyFigure('submit.ui', ui, null),
        latencyFigure('submit.dispense-http', http, null),
        latencyFigure('submit.overhead', pairedDifferences(ui, http), {
          stat: 'p95',
          op: '<',
          value: OVERHEAD_TARGET_MS,
        }),
      ];
    } finally {
      await session.close();
    }
  },
};
