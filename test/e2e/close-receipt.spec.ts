/**
 * Closing a case and its receipt (spec §3.5, §3.6, §7): „Abgabe abschließen“ runs $close, shows and keeps the
 * receipt (PrescriptionID, time, pharmacy, signature), locks the list; „Quittung erneut abrufen“ fetches it
 * again (GET ?secret); the closed case opens read-only from the inbox.
 */
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { expect, test } from './kit/fixtures';
import { InboxPage } from './kit/inbox-page';
import { PrescriptionPage } from './kit/prescription-page';
import { ReceiptPage } from './kit/receipt-page';

test('closing shows the receipt, locks the list, and the receipt can be fetched again', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  const editor = new EditorPage(page);
  const receipt = new ReceiptPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);
  await editor.field(0, 'batch').fill('CLOSE-1');
  await editor.field(0, 'expiry').fill('2028-03-31');
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();

  // Alt+A: $close (without a body — the confirmed $dispense holds exactly this list)
  await page.keyboard.press('Alt+A');
  await expect(receipt.root).toBeVisible();
  await expect(receipt.prescriptionId).toHaveText(created.taskId);
  await expect(receipt.completedAt).toHaveText(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
  await expect(receipt.pharmacy).not.toHaveText('');
  await expect(receipt.telematikId).toHaveText(/^3-/);
  await expect(receipt.signature).toHaveText('Signatur vorhanden');
  await expect(receipt.staff).toHaveText('AB');
  await expect(new PrescriptionPage(page).status).toHaveAttribute('data-status', 'closed');
  await expect(editor.locked).toBeVisible();
  await expect(editor.field(0, 'batch')).toBeDisabled();
  await expect(editor.submitButton).toBeDisabled();
  await expect(editor.version(2)).toHaveAttribute('data-operation', 'close');

  await receipt.refetch();
  await expect(receipt.refetched).toBeVisible();
  await expect(receipt.refetchError).toHaveCount(0);

  // the patient's app sees exactly the list that was confirmed
  const stored = await sim.storedDispenses(created.taskId, created.kvnr);
  expect(stored.map((d) => d.lot)).toEqual(['CLOSE-1']);
});

test('a closed case opens read-only from the inbox, and a re-scan opens it, too', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  const editor = new EditorPage(page);
  const inbox = new InboxPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);
  await editor.field(0, 'batch').fill('RO-1');
  await editor.field(0, 'expiry').fill('2028-03-31');
  // closing directly sends the list with $close
  await editor.close();
  await expect(new ReceiptPage(page).root).toBeVisible();

  await inbox.show();
  await inbox.showOnly('closed');
  await expect(inbox.status(created.taskId)).toHaveText(/Abgeschlossen/);
  await inbox.open(created.taskId);
  await expect(new ReceiptPage(page).root).toBeVisible();
  await expect(editor.locked).toBeVisible();
  await expect(new PrescriptionPage(page).rejectButton).toHaveCount(0);

  await inbox.show();
  await counter.scan(created.dataMatrix);
  await expect(page.getByTestId('scan-existing-note')).toBeVisible();
  await expect(editor.locked).toBeVisible();
});
