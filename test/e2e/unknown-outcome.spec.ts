/**
 * Answers that do not prove what the Fachdienst did (docs/reliability.md, main/services/unknown-outcome.ts): a 500
 * after the Fachdienst carried out $accept, $close, $reject or $abort, a 500 before it did ($reject), and a
 * $dispense that lands long after the app stopped waiting for it. The app reconciles with a read (GET ?ac /
 * GET ?secret) before it tells the pharmacist anything final, never repeats $reject/$abort on its own, and $close
 * carries the complete list — so every test ends with the Fachdienst and the app agreeing, without the pharmacist
 * doing anything twice (except where the Fachdienst really did not act).
 *
 * The simulator runs as its own process: its request log (`POST /Task/<id>/$close → 500`) shows what reached the
 * Fachdienst. The app runs with millisecond timeouts (kit/fault-launch.ts FAST); every expectation times out
 * after 5 s.
 */
import { ConnectionPanel } from './kit/connection-panel';
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { FAST, expect, fillFirstEntry, operationLog, scanIntoCase, test } from './kit/fault-launch';
import { InboxPage } from './kit/inbox-page';
import { PrescriptionPage } from './kit/prescription-page';
import { ReceiptPage } from './kit/receipt-page';

const lots = (dispenses: { lot?: string }[]): (string | undefined)[] => dispenses.map((d) => d.lot);

test('$accept carried out but answered with 500: GET ?ac recovers the Secret, the case opens, one $accept only', async ({ launch, page }) => {
  const { app, sim, fachdienst } = await launch({ external: true });
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  const prescription = new PrescriptionPage(page);
  const accepts = (): string[] => operationLog(fachdienst!, 'POST', `/Task/${created.taskId}/$accept`);

  await sim.fault({ operation: 'accept', count: 1, status: 500, phase: 'after-commit' });
  await scanIntoCase(page, app.appUrl, created);
  await expect(prescription.status).toHaveAttribute('data-status', 'accepted');
  await expect(prescription.patientKvnr).toHaveText(created.kvnr);
  await expect(page.getByTestId('scan-error-0')).toHaveCount(0);
  expect(await sim.armedFaults(), 'the $accept got its 500').toEqual([]);

  await connection.open();
  const row = connection.rowsFor(created.taskId, { operation: 'accept', state: 'done' });
  await expect(row).toHaveCount(1);
  await expect(connection.message(row)).toContainText('bereits zugeordnet');
  await expect(connection.rowsFor(created.taskId, { state: 'pending' })).toHaveCount(0);
  await connection.close();

  // one $accept (its 500) and the reconciling GET ?ac — no second $accept
  await expect.poll(accepts, { timeout: 5_000 }).toEqual([`POST /Task/${created.taskId}/$accept → 500`]);
  expect(fachdienst!.requests()).toContain(`GET /Task/${created.taskId} → 200`);

  // the recovered Secret is the Fachdienst's: $dispense with it goes through
  await fillFirstEntry(editor, 'U500-ACC');
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();
  expect(lots(await sim.storedDispenses(created.taskId, created.kvnr))).toEqual(['U500-ACC']);
  expect(accepts(), 'still one $accept').toHaveLength(1);
});

test('$close carried out but answered with 500: GET ?secret finds it completed, the receipt is shown, no second $close', async ({ launch, page }) => {
  const { app, sim, fachdienst } = await launch({ external: true });
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  const receipt = new ReceiptPage(page);
  const closes = (): string[] => operationLog(fachdienst!, 'POST', `/Task/${created.taskId}/$close`);
  await scanIntoCase(page, app.appUrl, created);
  await fillFirstEntry(editor, 'U500-CLOSE');

  // „Abgabe abschließen“ straight away: $close carries the complete list
  await sim.fault({ operation: 'close', count: 1, status: 500, phase: 'after-commit' });
  await editor.close();
  await expect(receipt.root).toBeVisible();
  await expect(receipt.prescriptionId).toHaveText(created.taskId);
  await expect(receipt.signature).toHaveText('Signatur vorhanden');
  await expect(new PrescriptionPage(page).status).toHaveAttribute('data-status', 'closed');
  await expect(editor.error).toHaveCount(0);
  await expect(editor.locked).toBeVisible();

  await connection.open();
  const row = connection.rowsFor(created.taskId, { operation: 'close', state: 'done' });
  await expect(row).toHaveCount(1);
  await expect(connection.message(row)).toContainText('Quittung gespeichert');
  await expect(connection.rowsFor(created.taskId, { state: 'pending' })).toHaveCount(0);
  await connection.close();

  // one $close (its 500) and the reconciling GET ?secret — no second $close
  await expect.poll(closes, { timeout: 5_000 }).toEqual([`POST /Task/${created.taskId}/$close → 500`]);
  expect(fachdienst!.requests()).toContain(`GET /Task/${created.taskId} → 200`);
  expect(lots(await sim.storedDispenses(created.taskId, created.kvnr))).toEqual(['U500-CLOSE']);
});

const endings = [
  { kind: 'reject', status: 'rejected', ended: 'Zurückgegeben am', readStatus: 403, what: 'the Secret is void (403)' },
  { kind: 'abort', status: 'aborted', ended: 'Gelöscht am', readStatus: 410, what: 'the Task is deleted (410)' },
] as const;

for (const ending of endings) {
  test(`$${ending.kind} carried out but answered with 500: GET ?secret shows ${ending.what}, the case ends, one $${ending.kind} only`, async ({ launch, page }) => {
    const { app, sim, fachdienst } = await launch({ external: true });
    const created = await sim.createPrescription({ flowType: '160' });
    const editor = new EditorPage(page);
    const connection = new ConnectionPanel(page);
    const prescription = new PrescriptionPage(page);
    const calls = (): string[] => operationLog(fachdienst!, 'POST', `/Task/${created.taskId}/$${ending.kind}`);
    await scanIntoCase(page, app.appUrl, created);
    const patientName = (await prescription.patientName.textContent()) ?? '';
    expect(patientName).not.toBe('');
    await fillFirstEntry(editor, `U500-${ending.kind.toUpperCase()}`);
    await expect(editor.draftStatus).toHaveAttribute('data-state', 'saved');

    await sim.fault({ operation: ending.kind, count: 1, status: 500, phase: 'after-commit' });
    if (ending.kind === 'reject') await prescription.reject();
    else await prescription.abort();

    // the outcome is known before anything is shown: ended, personal data erased (A_19251)
    await expect(prescription.dialog(ending.kind).root).toHaveCount(0);
    await expect(prescription.ended).toContainText(ending.ended);
    await expect(prescription.ended).toContainText('AB');
    await expect(prescription.status).toHaveAttribute('data-status', ending.status);
    await expect(prescription.view).toHaveCount(0);
    await expect(editor.form).toHaveCount(0);
    await expect(page.getByText(patientName)).toHaveCount(0);

    await connection.open();
    const row = connection.rowsFor(created.taskId, { operation: ending.kind, state: 'done' });
    await expect(row).toHaveCount(1);
    await expect(connection.message(row)).toContainText('Abgleich');
    await expect(connection.rowsFor(created.taskId, { state: 'pending' })).toHaveCount(0);
    await connection.close();

    // one call (its 500) and the reconciling GET ?secret — never repeated without the pharmacist
    await expect.poll(calls, { timeout: 5_000 }).toEqual([`POST /Task/${created.taskId}/$${ending.kind} → 500`]);
    expect(fachdienst!.requests()).toContain(`GET /Task/${created.taskId} → ${ending.readStatus}`);

    // the Fachdienst agrees: a returned prescription can be accepted anew, a deleted one is refused (410)
    const counter = new CounterPage(page);
    await new InboxPage(page).show();
    await counter.scan(created.dataMatrix);
    if (ending.kind === 'reject') {
      await expect(prescription.status).toHaveAttribute('data-status', 'accepted');
      await expect(prescription.patientName).toHaveText(patientName);
    } else {
      await expect(page.getByTestId('scan-error-0')).toBeVisible();
      await expect(page.getByTestId('case-view')).toHaveCount(0);
    }
    expect(calls(), `still one $${ending.kind}`).toHaveLength(1);
  });
}

test('$reject answered with 500 before it was carried out: „wurde nicht zurückgegeben“, the case stays, confirming again returns it', async ({ launch, page }) => {
  const { app, sim, fachdienst } = await launch({ external: true });
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  const prescription = new PrescriptionPage(page);
  const rejects = (): string[] => operationLog(fachdienst!, 'POST', `/Task/${created.taskId}/$reject`);
  await scanIntoCase(page, app.appUrl, created);
  const patientName = (await prescription.patientName.textContent()) ?? '';
  expect(patientName).not.toBe('');
  await fillFirstEntry(editor, 'U500-KEEP');
  await expect(editor.draftStatus).toHaveAttribute('data-state', 'saved');

  await sim.fault({ operation: 'reject', count: 1, status: 500, phase: 'before-commit' });
  await prescription.rejectButton.click();
  const dialog = prescription.dialog('reject');
  await dialog.confirm.click();

  // GET ?secret: still in progress here — not returned, and not sent again on its own; the dialog asks
  await expect(dialog.error).toBeVisible();
  const message = page.getByTestId('reject-dialog-error-message');
  await expect(message).toContainText('wurde nicht zurückgegeben');
  await expect(message).toContainText('erneut „Rezept zurückgeben“ wählen');
  await expect(dialog.root).toBeVisible();
  await expect(dialog.confirm).toBeEnabled();
  await expect.poll(rejects, { timeout: 5_000 }).toEqual([`POST /Task/${created.taskId}/$reject → 500`]);
  expect(fachdienst!.requests()).toContain(`GET /Task/${created.taskId} → 200`);

  // the case is still open with all its data
  await expect(prescription.status).toHaveAttribute('data-status', 'accepted');
  await expect(prescription.ended).toHaveCount(0);
  await expect(prescription.view).toBeVisible();
  await expect(prescription.patientName).toHaveText(patientName);
  await expect(prescription.patientKvnr).toHaveText(created.kvnr);
  await expect(editor.field(0, 'batch')).toHaveValue('U500-KEEP');
  expect(rejects(), 'nothing sent while the pharmacist decides').toHaveLength(1);

  // the pharmacist confirms again: returned
  await dialog.confirm.click();
  await expect(dialog.root).toHaveCount(0);
  await expect(prescription.ended).toContainText('Zurückgegeben am');
  await expect(prescription.status).toHaveAttribute('data-status', 'rejected');
  await expect(prescription.view).toHaveCount(0);
  await expect(page.getByText(patientName)).toHaveCount(0);
  await expect.poll(rejects, { timeout: 5_000 }).toEqual([`POST /Task/${created.taskId}/$reject → 500`, `POST /Task/${created.taskId}/$reject → 204`]);

  // the pending panel: the first try failed with what the reconciliation found, nothing is left pending
  await connection.open();
  const failed = connection.rowsFor(created.taskId, { operation: 'reject', state: 'failed' });
  await expect(failed).toHaveCount(1);
  await expect(connection.message(failed)).toContainText('wurde nicht zurückgegeben');
  await expect(connection.rowsFor(created.taskId, { state: 'pending' })).toHaveCount(0);
  await connection.close();
});

/** The first $dispense waits this long at the Fachdienst and is then carried out: long after the app gave up on it. */
const LATE_MS = FAST.requestTimeoutMs! + 4_000;

test('a $dispense carried out after the app stopped waiting never decides what was dispensed: $close carries the list the app shows', async ({ launch, page }) => {
  const { app, sim, fachdienst } = await launch({ external: true });
  const created = await sim.createPrescription({ flowType: '160' });
  const editor = new EditorPage(page);
  const connection = new ConnectionPanel(page);
  const receipt = new ReceiptPage(page);
  const dispenses = (): string[] => operationLog(fachdienst!, 'POST', `/Task/${created.taskId}/$dispense`);
  const closes = (): string[] => operationLog(fachdienst!, 'POST', `/Task/${created.taskId}/$close`);
  const stored = async (): Promise<(string | undefined)[]> => lots(await sim.storedDispenses(created.taskId, created.kvnr));
  await scanIntoCase(page, app.appUrl, created);

  // list A: its first $dispense is slow and lands late
  await fillFirstEntry(editor, 'LATE-A');
  await sim.fault({ operation: 'dispense', count: 1, delayMs: LATE_MS, phase: 'before-commit' });
  await editor.submit();
  // the app's rules: the call timed out; GET ?secret found nothing stored, so the same list A went once more
  await expect(editor.version(1)).toHaveAttribute('data-state', 'confirmed');
  await expect(editor.confirmation).toBeVisible();
  await expect(editor.error).toHaveCount(0);
  await expect.poll(dispenses, { message: 'the repeat answered; the first call still waits at the Fachdienst', timeout: 5_000 }).toEqual([
    `POST /Task/${created.taskId}/$dispense → 204`,
  ]);

  // the pharmacist corrects the batch and sends list B
  await editor.field(0, 'batch').fill('LATE-B');
  await expect(editor.unsentChanges).toBeVisible();
  await editor.submit();
  await expect(editor.version(2)).toHaveAttribute('data-state', 'confirmed');
  await expect(editor.unsentChanges).toHaveCount(0);

  // the stray first call lands now and the Fachdienst stores list A over B — the app cannot know
  await expect.poll(() => dispenses().length, { message: 'the first $dispense landed', timeout: 5_000 }).toBe(3);
  expect(await stored(), 'the late $dispense A landed after B was confirmed').toEqual(['LATE-A']);
  await expect(editor.field(0, 'batch')).toHaveValue('LATE-B');

  // „Abgabe abschließen“: $close carries list B, so B is what was dispensed
  await editor.close();
  await expect(receipt.root).toBeVisible();
  await expect(new PrescriptionPage(page).status).toHaveAttribute('data-status', 'closed');
  await expect(editor.version(3)).toHaveAttribute('data-operation', 'close');
  await expect(editor.version(3)).toHaveAttribute('data-state', 'confirmed');
  await expect(editor.field(0, 'batch')).toHaveValue('LATE-B');
  await expect(editor.error).toHaveCount(0);
  await expect.poll(closes, { timeout: 5_000 }).toEqual([`POST /Task/${created.taskId}/$close → 200`]);
  expect(await stored(), 'the Fachdienst holds the list the app shows as closed').toEqual(['LATE-B']);
  expect(dispenses(), 'no further $dispense').toHaveLength(3);

  await connection.open();
  await expect(connection.rowsFor(created.taskId, { state: 'pending' })).toHaveCount(0);
  await connection.close();
});
