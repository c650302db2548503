/**
 * Prescriptions by eGK at the counter (spec erezept-pharmacy §3.9): the patient's card goes into the simulated card
 * terminal of the workplace, the app reads it through the simulator's Konnektor (ReadVSD with online check), lists
 * the patient's redeemable prescriptions with the Prüfungsnachweis, and claims the ticked ones.
 */
import { EgkPage } from './kit/egk-page';
import { CounterPage } from './kit/counter-page';
import { InboxPage } from './kit/inbox-page';
import { PrescriptionPage } from './kit/prescription-page';
import { expect, test } from './kit/fixtures';

test('eGK with three prescriptions: take two; the third stays unclaimed; one taken by mistake is returned at once (A_23152)', async ({ app, sim, page }) => {
  const first = await sim.createPrescription({ flowType: '160' });
  const second = await sim.createPrescription({ flowType: '160', kvnr: first.kvnr });
  const third = await sim.createPrescription({ flowType: '160', kvnr: first.kvnr });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');

  const egk = new EgkPage(page);
  await egk.open();
  await expect(egk.waiting).toBeVisible();
  await sim.insertEgk(first.kvnr);
  await expect(egk.prescriptions).toHaveCount(3);
  await expect(egk.patient).not.toBeEmpty();
  await egk.untick(third.taskId);
  await egk.accept();

  await expect(page.getByTestId('prescription-id')).toHaveText(first.taskId);
  await expect(egk.dialog).toHaveCount(0);
  // claimed: the two ticked ones are the pharmacy's now; the third is still ready for any pharmacy
  for (const claimed of [first, second]) {
    expect(await sim.secretOf(claimed.taskId, claimed.accessCode, '3-SMC-B-Testkarte-883110000095957')).toMatch(/^[0-9a-f]{64}$/);
  }
  expect(await sim.secretOf(third.taskId, third.accessCode, '3-SMC-B-Testkarte-883110000095957')).toBeUndefined();

  // the second was claimed by mistake: from the inbox, „Rezept zurückgeben“ hands it back to the Fachdienst
  const inbox = new InboxPage(page);
  await inbox.show();
  await inbox.open(second.taskId);
  const prescription = new PrescriptionPage(page);
  await expect(prescription.prescriptionId).toHaveText(second.taskId);
  await prescription.reject();
  await expect(prescription.status).toHaveAttribute('data-status', 'rejected');
  expect(await sim.secretOf(second.taskId, second.accessCode, '3-SMC-B-Testkarte-883110000095957')).toBeUndefined();
});

test('an expired prescription is not listed', async ({ app, sim, page }) => {
  const expiring = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await sim.clock({ advance: 'P120D' });
  const fresh = await sim.createPrescription({ flowType: '160', kvnr: expiring.kvnr });
  await sim.insertEgk(expiring.kvnr);

  const egk = new EgkPage(page);
  await egk.open();
  await expect(egk.prescriptions).toHaveCount(1);
  await expect(egk.prescription(fresh.taskId)).toBeVisible();
  await expect(egk.prescription(expiring.taskId)).toHaveCount(0);
});

test('a stale card: the Fachdienst answers 458 (hcv mismatch); after the day\'s limit of mismatches the next read is 423', async ({ app, sim, page }) => {
  const prescription = await sim.createPrescription({ flowType: '160' });
  await sim.egkSettings({ lockAfterMismatches: 1 });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  // the patient moved: the insurer has the new street, the card still the old one
  await sim.insertEgk(prescription.kvnr, { staleCard: true });

  const egk = new EgkPage(page);
  await egk.open();
  await expect(egk.error).toContainText('Versichertendaten der Karte passen nicht');
  await expect(egk.prescriptions).toHaveCount(0);
  // that one mismatch reached the limit: reading again, the pharmacy is locked for today (A_27446)
  await egk.dialog.getByTestId('egk-retry').click();
  await expect(egk.error).toContainText('bis zum Ende des Tages gesperrt');
  await expect(egk.prescriptions).toHaveCount(0);
});

test.describe('the deck scenario egk-drei-rezepte', () => {
  test.use({ scenario: 'egk-drei-rezepte' });

  test('the trainer inserts the patient\'s eGK from the panel; the dialog lists only Rezept A (B expired, C taken elsewhere)', async ({ app, simulator, page }) => {
    await app.openAs('AB');
    await app.trainer.open();
    const card = app.trainer.prescription('Rezept A');
    await card.getByTestId('training-egk-insert').click();
    await expect(card.getByTestId('training-egk-inserted')).toContainText('Alt+G');
    await app.trainer.close();

    const egk = new EgkPage(page);
    await egk.open();
    await expect(egk.prescriptions).toHaveCount(1);
    await expect(egk.prescription(simulator.prescription('Rezept A').prescriptionId)).toBeVisible();
  });
});
