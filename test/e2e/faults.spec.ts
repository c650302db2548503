/**
 * One browser test per fault kind of the simulator (spec §8, A_25460; A_23814–A_23816): what the pharmacist sees
 * and that every case ends consistent with the Fachdienst — nothing lost, nothing sent twice.
 *
 * - 500 / 503 on $dispense: automatic backoff with „Wird erneut versucht – Versuch n von m“; before each repeat
 *   the app reads GET ?secret and sends the list again only when it is not stored there (docs/reliability.md);
 *   „Abbrechen“ stops it and the draft stays;
 * - 429 on $dispense: not retried at the counter, queued for an hour (the message names the time); done once the
 *   hour is over;
 * - $close answered after the timeout: no blind second $close — GET ?secret finds it completed, receipt kept;
 * - $accept committed, connection dropped: GET ?ac recovers the Secret, the case opens;
 * - outage (the simulator process is stopped): indicator and notice name the hop, drafts keep saving, the submit
 *   waits, and it completes on its own when the Fachdienst is back (after a GET ?secret showed the list missing).
 *
 * The app runs with millisecond timeouts (browser mode's `--request-timeout-ms` …), so no test waits more than
 * 5 s of real time for it; every expectation here times out after 5 s. The fixture (`launch`) and the first steps
 * are in kit/fault-launch.ts, shared with unknown-outcome.spec.ts (5xx and late answers on every operation).
 */
import type { Page } from '@playwright/test';
import type { BrowserModeHandle } from './kit/browser-mode';
import { ConnectionPanel } from './kit/connection-panel';
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { FAST, expect, fillFirstEntry, scanIntoCase, test } from './kit/fault-launch';
import { InboxPage } from './kit/inbox-page';
import { PrescriptionPage } from './kit/prescription-page';
import { ReceiptPage } from './kit/receipt-page';
import type { CreatedPrescription, SimulatorHandle } from './kit/simulator';

/** Berlin wall-clock minutes („14:05“) from `from` to `to`, as the app names a time (A_27660). */
function berlinMinutes(from: Date, to: Date): string[] {
  const format = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });
  const minutes = new Set<string>();
  for (let t = from.getTime() - 60_000; t <= to.getTime() + 60_000; t += 30_000) minutes.add(format.format(new Date(t)));
  return [...minutes];
}

test('500 on $dispense: „wird erneut versucht“ with the attempt, then the list is confirmed once', async ({ launch, page }) => {
  const { app, sim } = await launch();
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  await scanIntoCase(page, app.appUrl, created);
  await fillFirstEntry(editor, 'F500-1');

  await sim.fault({ operation: 'dispense', count: 2, status: 500 });
  await editor.submit();
  const notice = connection.retryNotice(created.taskId);
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('data-operation', 'dispense');
  await expect(notice).toContainText(/Wird erneut versucht – Versuch [12] von 4/);
  await expect(notice.getByTestId('retry-cause')).toHaveText('Der E-Rezept-Fachdienst meldet einen internen Fehler.');
  await expect(notice.getByTestId('retry-http-status')).toHaveText('500');
  expect(await connection.retryAttempt(created.taskId)).toBeGreaterThanOrEqual(1);

  // the third call goes through: confirmed, the notice is gone, no error
  await expect(editor.confirmation).toBeVisible();
  await expect(notice).toHaveCount(0);
  await expect(editor.error).toHaveCount(0);
  expect(await sim.armedFaults(), 'both 500s were answered, so the app called three times').toEqual([]);
  // $dispense replaces the whole list (A_26482): repeating it stored it exactly once
  expect((await sim.storedDispenses(created.taskId, created.kvnr)).map((d) => d.lot)).toEqual(['F500-1']);
});

test('503 on $dispense: „Abbrechen“ stops the retries, says so, and the draft stays to be sent later', async ({ launch, page }) => {
  // all 10 tries (A_25460), so the retries are surely still running when „Abbrechen“ is pressed
  const { app, sim } = await launch({ network: { ...FAST, maxAttempts: 10 } });
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  await scanIntoCase(page, app.appUrl, created);
  await fillFirstEntry(editor, 'F503-1');
  await expect(editor.draftStatus).toHaveAttribute('data-state', 'saved');

  await sim.fault({ operation: 'dispense', count: 20, status: 503 });
  await editor.submit();
  const notice = connection.retryNotice(created.taskId);
  await expect(notice).toContainText(/Wird erneut versucht – Versuch \d+ von 10/);
  // counter language: the cause in words, the status only behind „Technische Details“ (issue 19 item 5)
  await expect(notice.getByTestId('retry-cause')).toHaveText('Der E-Rezept-Fachdienst ist vorübergehend nicht verfügbar.');
  await expect(notice.getByTestId('retry-http-status')).toHaveText('503');
  await connection.cancelRetry(created.taskId);

  await expect(editor.error).toBeVisible();
  await expect(page.getByTestId('dispense-error-message')).toContainText('Die automatischen Wiederholungen wurden abgebrochen.');
  await expect(editor.confirmation).toHaveCount(0);
  // the error is shown once no call is on the wire: from here on, nothing more may reach the Fachdienst
  const armed = await sim.armedFaults();
  expect(armed).toHaveLength(1);
  const remainingAfterCancel = armed[0]!.remaining;
  expect(remainingAfterCancel, 'cancelled before the tenth try').toBeGreaterThan(10);
  expect(remainingAfterCancel, 'the first call got its 503').toBeLessThanOrEqual(19);
  expect(await sim.storedDispenses(created.taskId, created.kvnr)).toEqual([]);

  // the draft is still there — also after a reload
  await expect(editor.field(0, 'batch')).toHaveValue('F503-1');
  await page.reload();
  await new CounterPage(page).chooseStaff('AB');
  await new InboxPage(page).open(created.taskId);
  await expect(editor.field(0, 'batch')).toHaveValue('F503-1');
  expect((await sim.armedFaults())[0]?.remaining, 'nothing was sent in the background').toBe(remainingAfterCancel);

  // once the Fachdienst answers again, the same list goes through
  await sim.clearFaults();
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();
  expect((await sim.storedDispenses(created.taskId, created.kvnr)).map((d) => d.lot)).toEqual(['F503-1']);
});

/** Scans, fills the list and submits it into a 429; returns the Berlin minutes the app may name („frühestens um“). */
async function submitInto429(page: Page, app: BrowserModeHandle, sim: SimulatorHandle, created: CreatedPrescription): Promise<string[]> {
  const editor = new EditorPage(page);
  await scanIntoCase(page, app.appUrl, created);
  await fillFirstEntry(editor, 'F429-1');
  await sim.fault({ operation: 'dispense', count: 1, status: 429 });
  const before = await sim.now();
  await editor.submit();
  await expect(editor.error).toBeVisible();
  const after = await sim.now();
  const hour = 3_600_000;
  return berlinMinutes(new Date(before.getTime() + hour), new Date(after.getTime() + hour));
}

test('429 on $dispense: not retried, queued for an hour with the time named, sent on „Jetzt erneut versuchen“ once the hour is over', async ({ launch, page }) => {
  const { app, sim } = await launch();
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  const times = await submitInto429(page, app, sim, created);

  // A_25460: no sooner than one hour later — the message says when, in Berlin time
  await expect(page.getByTestId('dispense-error-message')).toContainText(new RegExp(`frühestens um (${times.join('|')}) Uhr`));
  await expect(page.getByTestId('dispense-error-queued')).toBeVisible();
  await expect(connection.retryNotice(created.taskId), 'a 429 is never retried at the counter').toHaveCount(0);
  await expect(editor.confirmation).toHaveCount(0);

  await connection.open();
  const waiting = connection.rowsFor(created.taskId, { operation: 'dispense', state: 'pending', reason: 'rate-limited' });
  await expect(waiting).toHaveCount(1);
  await expect(waiting.getByTestId('pending-reason')).toContainText(new RegExp(`zu viele Anfragen – frühestens um (${times.join('|')}) erneut`));

  // „Jetzt erneut versuchen“ before the hour is over sends nothing
  await connection.resumeAll();
  await expect(connection.resume).toBeEnabled();
  await expect(connection.resume).toHaveText('Jetzt erneut versuchen');
  await expect(waiting).toHaveCount(1);
  expect(await sim.storedDispenses(created.taskId, created.kvnr)).toEqual([]);

  // the Fachdienst's (and so the app's, in training) clock moves on by 61 minutes: now the list is due
  await sim.clock({ advance: 'PT61M' });
  await connection.resumeAll();
  await expect(connection.rowsFor(created.taskId, { operation: 'dispense', state: 'done' })).toHaveCount(1);
  await expect(waiting).toHaveCount(0);
  expect((await sim.storedDispenses(created.taskId, created.kvnr)).map((d) => d.lot)).toEqual(['F429-1']);
  await connection.close();
  await expect(editor.confirmation).toBeVisible();
});

test('$close answered after the timeout: reconciled with GET ?secret, receipt kept, exactly one $close at the Fachdienst', async ({ launch, page }) => {
  const { app, sim, fachdienst } = await launch({ external: true });
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  const receipt = new ReceiptPage(page);
  await scanIntoCase(page, app.appUrl, created);
  await fillFirstEntry(editor, 'FCLOSE-1');
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();

  // the Fachdienst completes the Task at once but answers only 1.5 s after the app stopped waiting
  await sim.fault({ operation: 'close', count: 1, phase: 'after-commit', delayMs: FAST.requestTimeoutMs! + 1_500 });
  await editor.close();
  await expect(receipt.root).toBeVisible();
  await expect(receipt.prescriptionId).toHaveText(created.taskId);
  await expect(receipt.signature).toHaveText('Signatur vorhanden');
  await expect(new PrescriptionPage(page).status).toHaveAttribute('data-status', 'closed');
  await expect(editor.error).toHaveCount(0);

  await connection.open();
  const row = connection.rowsFor(created.taskId, { operation: 'close', state: 'done' });
  await expect(row).toHaveCount(1);
  await expect(connection.message(row)).toContainText('nur die Antwort war verloren gegangen');

  // the Fachdienst's request log: one $close (answered late), the reconciling read, no second $close
  const closes = (): string[] => fachdienst!.requests().filter((line) => line.startsWith(`POST /Task/${created.taskId}/$close `));
  await expect.poll(() => closes().length, { timeout: 5_000 }).toBe(1);
  expect(closes()).toEqual([`POST /Task/${created.taskId}/$close → 200`]);
  expect(fachdienst!.requests()).toContain(`GET /Task/${created.taskId} → 200`);
  expect((await sim.storedDispenses(created.taskId, created.kvnr)).map((d) => d.lot)).toEqual(['FCLOSE-1']);
});

test('$accept committed but the connection dropped: GET ?ac recovers the Secret, the case opens, the pending panel says so', async ({ launch, page }) => {
  const { app, sim } = await launch();
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  const prescription = new PrescriptionPage(page);

  await sim.fault({ operation: 'accept', count: 1, phase: 'after-commit', drop: true });
  await scanIntoCase(page, app.appUrl, created);
  await expect(prescription.status).toHaveAttribute('data-status', 'accepted');
  await expect(prescription.patientKvnr).toHaveText(created.kvnr);
  expect(await sim.armedFaults(), 'the $accept was cut off').toEqual([]);

  await connection.open();
  const row = connection.rowsFor(created.taskId, { operation: 'accept', state: 'done' });
  await expect(row).toHaveCount(1);
  await expect(connection.message(row)).toContainText('nur die Antwort war verloren gegangen');
  await expect(connection.rowsFor(created.taskId, { state: 'pending' })).toHaveCount(0);
  await connection.close();

  // the recovered Secret is the Fachdienst's: $dispense with it goes through
  await fillFirstEntry(editor, 'FACC-1');
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();
  expect((await sim.storedDispenses(created.taskId, created.kvnr)).map((d) => d.lot)).toEqual(['FACC-1']);
});

test('outage: indicator and notice name the hop, drafts keep saving, the submit waits and completes on its own when the Fachdienst is back', async ({ launch, page }) => {
  const { app, sim, fachdienst } = await launch({ external: true });
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  await scanIntoCase(page, app.appUrl, created);
  await connection.waitForState('online');
  await expect(connection.notice).toHaveCount(0);

  await fachdienst!.stop();
  // drafts need no Fachdienst (A_23815)
  await fillFirstEntry(editor, 'FOUT-1');
  await expect(editor.draftStatus).toHaveAttribute('data-state', 'saved');
  await editor.submit();
  await expect(page.getByTestId('dispense-error-message')).toContainText('nicht erreichbar');
  await expect(editor.confirmation).toHaveCount(0);

  // A_23814: which hop failed and what to do
  await connection.waitForState('offline');
  await expect(connection.notice).toBeVisible();
  await expect(connection.notice).toHaveAttribute('data-hop', 'network');
  await expect(connection.noticeHop).toContainText('Netzwerk');
  await expect(connection.noticeMessage).toContainText('Keine Verbindung zum E-Rezept-Fachdienst');
  await expect(connection.notice).toContainText('Entwürfe');
  await connection.open();
  await expect(connection.rowsFor(created.taskId, { operation: 'dispense', state: 'pending', reason: 'offline' })).toHaveCount(1);
  await connection.close();

  // the draft is kept while offline: a reload shows it
  await page.reload();
  await new CounterPage(page).chooseStaff('AB');
  await new InboxPage(page).open(created.taskId);
  await expect(editor.field(0, 'batch')).toHaveValue('FOUT-1');
  await connection.waitForState('offline');

  // the Fachdienst is back: the probe notices, the waiting list is sent without anybody pressing a button (A_23815)
  await fachdienst!.restart();
  await connection.waitForState('online');
  await expect(connection.notice).toHaveCount(0);
  await expect(editor.confirmation).toBeVisible();
  await connection.open();
  await expect(connection.rowsFor(created.taskId, { operation: 'dispense', state: 'done' })).toHaveCount(1);
  await expect(connection.rowsFor(created.taskId, { state: 'pending' })).toHaveCount(0);
  expect((await sim.storedDispenses(created.taskId, created.kvnr)).map((d) => d.lot)).toEqual(['FOUT-1']);
  expect(fachdienst!.requests().filter((line) => line.startsWith(`POST /Task/${created.taskId}/$dispense `))).toEqual([
    `POST /Task/${created.taskId}/$dispense → 204`,
  ]);
});
