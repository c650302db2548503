/**
 * „Rezept zurückgeben“ ($reject) and „Rezept löschen“ ($abort), each behind a confirmation with cancel
 * (spec §3.7, §3.8, §9.3; A_19241–A_19251): afterwards only PrescriptionID, status, times and staff remain, the
 * case is no longer found by name or KVNR, and the Fachdienst shows the consequences.
 */
import type { Page } from '@playwright/test';
import { CounterPage } from './kit/counter-page';
import { expect, test } from './kit/fixtures';
import { InboxPage } from './kit/inbox-page';
import { PrescriptionPage } from './kit/prescription-page';
import type { SimulatorHandle } from './kit/simulator';

async function accept(page: Page, appUrl: string, sim: SimulatorHandle) {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  await counter.open(appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);
  const prescription = new PrescriptionPage(page);
  await expect(prescription.prescriptionId).toHaveText(created.taskId);
  const patientName = (await prescription.patientName.textContent()) ?? '';
  return { created, counter, prescription, patientName };
}

test('a returned prescription keeps only id, status, times and staff, and can be accepted again', async ({ app, sim, page }) => {
  const { created, counter, prescription, patientName } = await accept(page, app.appUrl, sim);

  // cancel first: Esc closes the dialog and nothing happens
  await prescription.rejectButton.click();
  const dialog = prescription.dialog('reject');
  await expect(dialog.root).toBeVisible();
  await expect(dialog.cancel).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog.root).toHaveCount(0);
  await expect(prescription.status).toHaveAttribute('data-status', 'accepted');

  await prescription.reject();
  await expect(prescription.ended).toContainText('Zurückgegeben am');
  await expect(prescription.ended).toContainText('AB');
  await expect(prescription.status).toHaveAttribute('data-status', 'rejected');
  await expect(prescription.view).toHaveCount(0);
  await expect(page.getByText(patientName)).toHaveCount(0);

  // A_19251: found by PrescriptionID only
  const inbox = new InboxPage(page);
  await inbox.show();
  await inbox.searchFor(patientName);
  await expect(inbox.empty).toBeVisible();
  await inbox.searchFor(created.kvnr);
  await expect(inbox.empty).toBeVisible();
  await inbox.searchFor(created.taskId);
  await expect(inbox.status(created.taskId)).toHaveText(/Zurückgegeben/);

  // back at the Fachdienst, the prescription is "ready" again: it can be accepted anew
  await inbox.searchFor('');
  await counter.scan(created.dataMatrix);
  await expect(prescription.status).toHaveAttribute('data-status', 'accepted');
  await expect(prescription.patientName).toHaveText(patientName);
});

test('a deleted prescription is gone at the Fachdienst, too', async ({ app, sim, page }) => {
  const { created, counter, prescription } = await accept(page, app.appUrl, sim);
  await page.keyboard.press('Alt+L');
  const dialog = prescription.dialog('abort');
  await expect(dialog.root).toBeVisible();
  await expect(dialog.root).toContainText('Nur auf ausdrücklichen Wunsch des Patienten');
  await dialog.confirm.click();
  await expect(prescription.ended).toContainText('Gelöscht am');
  await expect(prescription.status).toHaveAttribute('data-status', 'aborted');

  const inbox = new InboxPage(page);
  await inbox.show();
  await inbox.showOnly('ended');
  await expect(inbox.status(created.taskId)).toHaveText(/Gelöscht/);

  // the Fachdienst deleted it: a new scan is refused there (410)
  await counter.scan(created.dataMatrix);
  await expect(page.getByTestId('scan-error-0')).toBeVisible();
  await expect(page.getByTestId('case-view')).toHaveCount(0);
});
