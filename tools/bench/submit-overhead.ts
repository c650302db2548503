/**
 * Benchmark "submit-overhead": „Abgabe übermitteln“ with 10 entries → confirmation visible, minus
 * the bare HTTP time of `$dispense` with the same 10-entry Parameters against the same simulator; then, on the same
 * case, „Abgabe abschließen“ → receipt visible, minus the bare `$close` with the same list (issue 20 item 1: the
 * close measured the way the app closes — main always sends `$close` with the complete list, docs/reliability.md).
 *
 * Preparation (not measured): the prescription is accepted through the bridge (`scanCode`), its draft replaced by
 * 10 copies of its first row with different batches (`saveDraft`, dispense-lists.ts), and the case opened in the
 * page by scanning its code again (a known code opens the local case, A_23801). UI time: from the click on
 * `submit-dispense` to the first animation frame after `dispense-confirmation` appeared in that case's view,
 * measured in the page. Baseline: `$dispense` (spec §3.4) of the same list for another prescription the bench
 * client accepted itself, right beside each submission (alternating which goes first).
 * Close: the case now has a confirmed 10-entry list; from the click on `close-case` to the first animation frame after
 * `receipt` appeared in that case's view. Baseline: `$close` (spec §3.5) of the other prescription — which the bare
 * side has just dispensed with the same list — with that list, built with the app's builder, right beside it.
 */
import { performance } from 'node:perf_hooks';
import { berlinDate } from '../../shared/erezept/dates';
import { openAppSession, type AppSession } from './app-session';
import { closeParametersJson, dispenseParametersJson, entriesLike } from './dispense-lists';
import { BenchClient } from './http-client';
import { overheadFigures, warmupRounds } from './overhead';
import { measureUi } from './page-measure';
import { byTestId } from './page-probes';
import { prescriptionShown } from './scan-overhead';
import type { SimPrescription } from './simulator-control';
import type { BenchOptions, Benchmark, Figure } from './types';

export const SUBMIT_ROUNDS = 30;
export const SUBMIT_ENTRIES = 10;
const BASELINE_TELEMATIK_ID = '3-SMC-B-Bench-Baseline';
const FHIR_JSON = 'application/fhir+json';

/** `$close` with a Parameters body (spec §3.5): the request's duration (sent → whole answer read). */
async function bareClose(client: BenchClient, taskId: string, secret: string, token: string, parametersJson: string): Promise<number> {
  const t0 = performance.now();
  const response = await client.send(
    'POST',
    `/Task/${taskId}/$close?secret=${secret}`,
    { authorization: `Bearer ${token}`, accept: FHIR_JSON, 'content-type': FHIR_JSON },
    parametersJson,
  );
  const ms = performance.now() - t0;
  // OperationOutcome texts carry no secrets; the request path (Secret) is never printed
  if (response.status !== 200) throw new Error(`$close: HTTP ${response.status} statt 200: ${response.body.slice(0, 300)}`);
  return ms;
}

/** Measures one UI action in the page: click on `testId` in the case → first frame after `shown` is in it. */
async function clickUntil(session: AppSession, prescriptionId: string, testId: string, shown: string): Promise<number> {
  const timing = await measureUi(
    session.page,
    { type: 'click', testId },
    { kind: 'present', selector: inCase(prescriptionId, shown) },
    () => session.page.locator(inCase(prescriptionId, testId)).click(),
  );
  return timing.ms;
}

/** UI and bare call, alternating which goes first (a slow moment of the machine hits both in turn). */
async function paired(round: number, ui: () => Promise<number>, bare: () => Promise<number>): Promise<[number, number]> {
  if (round % 2 === 0) {
    const bareMs = await bare();
    return [await ui(), bareMs];
  }
  const uiMs = await ui();
  return [uiMs, await bare()];
}

/** `testId` inside the case view of exactly that prescription (docs/qa-contract.md). */
export const inCase = (prescriptionId: string, testId: string): string =>
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
    '„Abgabe übermitteln“ mit 10 Positionen → Bestätigung sichtbar minus nacktes $dispense per HTTP, dann „Abgabe abschließen“ → Quittung sichtbar minus nacktes $close mit derselben Liste',
  async run(options: BenchOptions): Promise<Figure[]> {
    const rounds = Math.min(SUBMIT_ROUNDS, options.maxIterations);
    const warmup = warmupRounds(rounds);
    const session = await openAppSession();
    const closeClient = new BenchClient(session.sim.url, 2);
    try {
      const started = performance.now();
      const token = await session.sim.pharmacyToken(BASELINE_TELEMATIK_ID);
      const submitted = await session.sim.createPrescriptions(warmup + rounds);
      const bare = await session.sim.createPrescriptions(warmup + rounds);
      const today = berlinDate(await session.sim.now());
      const ui: number[] = [];
      const http: number[] = [];
      const closeUi: number[] = [];
      const closeHttp: number[] = [];
      for (let i = 0; i < warmup + rounds; i++) {
        const p = submitted[i]!;
        const entries = await openCaseWithEntries(session, p, SUBMIT_ENTRIES, today);
        const other = bare[i]!;
        const { secret } = await session.sim.accept(other, token);
        const context = { prescriptionId: other.taskId, kvnr: other.kvnr, telematikId: BASELINE_TELEMATIK_ID };
        const body = dispenseParametersJson(entries, context);
        const [uiMs, httpMs] = await paired(
          i,
          () => clickUntil(session, p.taskId, 'submit-dispense', 'dispense-confirmation'),
          () => session.sim.dispense(other.taskId, secret, token, body),
        );
        // both lists are confirmed now; each case is closed with it
        const closeBody = closeParametersJson(entries, context);
        const [closeUiMs, closeHttpMs] = await paired(
          i,
          () => clickUntil(session, p.taskId, 'close-case', 'receipt'),
          () => bareClose(closeClient, other.taskId, secret, token, closeBody),
        );
        if (i < warmup) continue;
        ui.push(uiMs);
        http.push(httpMs);
        closeUi.push(closeUiMs);
        closeHttp.push(closeHttpMs);
      }
      options.log(
        `  ${rounds} Übermittlungen und Abschlüsse à ${SUBMIT_ENTRIES} Positionen (+${warmup} zum Aufwärmen) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return [...overheadFigures('submit', 'dispense-http', ui, http), ...overheadFigures('close', 'close-http', closeUi, closeHttp)];
    } finally {
      closeClient.close();
      await session.close();
    }
  },
};
