/**
 * Scanning E-Rezept codes (spec §2, §3.2, §9.3): accept and show the prescription; a re-scan opens the local
 * case (A_23801); a code with two prescriptions opens both; an MVO part whose window has not started, an
 * expired prescription and a Fachdienst failure are refused with plain German and technical details.
 */
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { expect, test } from './kit/fixtures';
import { InboxPage } from './kit/inbox-page';
import { PrescriptionPage } from './kit/prescription-page';

test('a scanned code is accepted and the prescription shown with patient, medication and deadlines', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  const prescription = new PrescriptionPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);

  await expect(prescription.prescriptionId).toHaveText(created.taskId);
  await expect(prescription.status).toHaveAttribute('data-status', 'accepted');
  await expect(prescription.status).toHaveText(/In Abgabe/);
  await expect(prescription.patientKvnr).toHaveText(created.kvnr);
  await expect(prescription.flowType).toHaveText(/GKV/);
  await expect(prescription.acceptDate).toHaveText(/^bis \d{2}\.\d{2}\.\d{4}$/);
  await expect(prescription.expiryDate).toHaveText(/^bis \d{2}\.\d{2}\.\d{4}$/);
  await expect(page.getByTestId('prescription-medication')).toBeVisible();
  await expect(prescription.deadlineWarning).toHaveCount(0);
  await expect(prescription.deadlineBlocked).toHaveCount(0);

  const inbox = new InboxPage(page);
  await inbox.show();
  await expect(inbox.status(created.taskId)).toHaveText(/In Abgabe/);
});

test('a T-Rezept is marked as such', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '166' });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);
  const prescription = new PrescriptionPage(page);
  await expect(prescription.tRezeptMarker).toContainText('T-Rezept');
  await expect(prescription.tRezeptMarker).toContainText('kein Versand');
});

test('re-scanning a known code opens the local case without asking the Fachdienst again (A_23801)', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  const prescription = new PrescriptionPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);
  await expect(prescription.prescriptionId).toHaveText(created.taskId);

  // Any further $accept would fail now — the re-scan must not make one.
  await sim.fault({ operation: 'accept', count: 5, status: 500 });
  await new InboxPage(page).show();
  await counter.scan(created.dataMatrix);
  await expect(page.getByTestId('scan-existing-note')).toHaveText('Bereits angenommenes Rezept geöffnet');
  await expect(prescription.prescriptionId).toHaveText(created.taskId);
  await expect(page.getByTestId('scan-error-0')).toHaveCount(0);
});

test('a code with two prescriptions accepts and opens both', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160', count: 2 });
  const [first, second] = created.prescriptions!;
  const counter = new CounterPage(page);
  const prescription = new PrescriptionPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);

  await expect(prescription.prescriptionId).toHaveText(first!.taskId);
  const other = page.getByTestId(`scan-result-${second!.taskId}`);
  await expect(page.getByTestId(`scan-result-${first!.taskId}`)).toHaveAttribute('aria-current', 'true');
  await other.click();
  await expect(prescription.prescriptionId).toHaveText(second!.taskId);
  await expect(other).toHaveAttribute('aria-current', 'true');

  const inbox = new InboxPage(page);
  await inbox.show();
  await expect(inbox.row(first!.taskId)).toBeVisible();
  await expect(inbox.row(second!.taskId)).toBeVisible();
});

test('an MVO part whose redemption window has not started is refused and not stored (A_22637)', async ({ app, sim, page }) => {
  const start = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  const created = await sim.createPrescription({ flowType: '160', mvo: { part: 2, of: 3, start } });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);

  const refused = page.getByTestId('scan-error-0');
  await expect(refused).toBeVisible();
  const [y, m, d] = start.split('-');
  await expect(page.getByTestId('scan-error-0-message')).toContainText(`ab ${d}.${m}.${y} einlösbar`);
  await expect(refused).toContainText(created.taskId);
  await expect(page.getByTestId('case-view')).toHaveCount(0);
  await expect(new InboxPage(page).empty).toBeVisible();
});

test('an expired prescription is refused with the Fachdienst’s reason', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  await sim.clock({ advance: 'P120D' });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);

  await expect(page.getByTestId('scan-error-0-message')).toContainText(/Verordnung bis \d{2}\.\d{2}\.\d{4} einlösbar/);
  await expect(page.getByTestId('case-view')).toHaveCount(0);
});

test('a Fachdienst failure is shown in plain German with copyable technical details', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  // a 500 does not prove the outcome (docs/reliability.md): the app reads (GET ?ac: not ours) and tries once more,
  // which fails, too — then it says what it found and keeps the claim owed
  await sim.fault({ operation: 'accept', count: 2, status: 500, phase: 'before-commit' });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);

  const alert = page.getByTestId('scan-error-0');
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('scan-error-0-message')).toContainText('Fachdienst');
  await expect(page.getByTestId('scan-error-0-message')).toContainText('noch unklar');
  const details = page.getByTestId('scan-error-0-details');
  await details.getByText('Technische Details').click();
  await expect(details).toContainText('500');
  await expect(page.getByTestId('scan-error-0-copy')).toBeVisible();
  await expect(page.getByTestId('case-view')).toHaveCount(0);

  // the fault is used up: scanning again reconciles the owed claim and opens the case
  await counter.scan(created.dataMatrix);
  await expect(new PrescriptionPage(page).prescriptionId).toHaveText(created.taskId);
});

test('after the Belieferungsfrist the case warns (A_23798) and can still be dispensed by the app’s clock', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  // the trainer moves the simulator's clock past acceptDate (issue + 28 days), before expiryDate (+3 months)
  await sim.clock({ advance: 'P35D' });
  const counter = new CounterPage(page);
  const prescription = new PrescriptionPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);

  await expect(prescription.deadlineWarning).toContainText('Privatrezept');
  await expect(prescription.deadlineBlocked).toHaveCount(0);
  const editor = new EditorPage(page);
  await editor.field(0, 'batch').fill('LATE-1');
  await editor.field(0, 'expiry').fill('2029-03-31');
  // the handover date is the simulator's today, not this machine's: no "in the future" error
  await expect(editor.fieldFinding(0, 'handed-over')).not.toContainText('Zukunft');
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();
});
