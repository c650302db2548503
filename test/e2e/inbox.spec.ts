/**
 * The inbox: local cases with status, deadlines and last $dispense; „noch abzuschließen“ with
 * the closing deadline (spec §9.4); search by name, KVNR or PrescriptionID.
 */
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { expect, test } from './kit/fixtures';
import { InboxPage } from './kit/inbox-page';
import { PrescriptionPage } from './kit/prescription-page';

test('cases sent but not closed show their closing deadline and the filter „noch abzuschließen“', async ({ app, sim, page }) => {
  const sent = await sim.createPrescription({ flowType: '160' });
  const open = await sim.createPrescription({ flowType: '200' });
  const counter = new CounterPage(page);
  const editor = new EditorPage(page);
  const inbox = new InboxPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');

  await counter.scan(sent.dataMatrix);
  await editor.field(0, 'batch').fill('INB-1');
  await editor.field(0, 'expiry').fill('2028-03-31');
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();
  await counter.scan(open.dataMatrix);
  await expect(new PrescriptionPage(page).prescriptionId).toHaveText(open.taskId);

  await inbox.show();
  await expect(inbox.rows()).toHaveCount(2);
  await expect(inbox.status(sent.taskId)).toHaveText(/Abgabe übermittelt/);
  await expect(inbox.lastDispense(sent.taskId)).toHaveText(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
  await expect(inbox.closeDeadline(sent.taskId)).toHaveText(/bis \d{2}\.\d{2}\.\d{4}/);
  await expect(inbox.closeDeadline(open.taskId)).toHaveText('–');

  await inbox.showOnly('to-close');
  await expect(inbox.rows()).toHaveCount(1);
  await expect(inbox.row(sent.taskId)).toBeVisible();
});

test('search finds a case by name, KVNR or PrescriptionID and opens it', async ({ app, sim, page }) => {
  const first = await sim.createPrescription({ flowType: '160' });
  const second = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  const inbox = new InboxPage(page);
  const prescription = new PrescriptionPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(first.dataMatrix);
  await expect(prescription.prescriptionId).toHaveText(first.taskId);
  const name = (await prescription.patientName.textContent()) ?? '';
  await counter.scan(second.dataMatrix);
  await expect(prescription.prescriptionId).toHaveText(second.taskId);

  await page.keyboard.press('Alt+V');
  await expect(inbox.search).toBeFocused();
  await page.keyboard.type(first.kvnr);
  await expect(inbox.rows()).toHaveCount(1);
  await expect(inbox.row(first.taskId)).toBeVisible();

  await inbox.searchFor(name.split(' ').at(-1)!);
  await expect(inbox.row(first.taskId)).toBeVisible();

  await inbox.searchFor(second.taskId);
  await expect(inbox.rows()).toHaveCount(1);
  await inbox.open(second.taskId);
  await expect(prescription.prescriptionId).toHaveText(second.taskId);
});
