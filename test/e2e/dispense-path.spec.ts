/**
 * The first end-to-end path: token from the simulator → $accept → prescription → submit one entry
 * ($dispense) → close ($close) → receipt; plus what a pharmacist sees when a scan is refused.
 */
import { CounterPage } from './kit/counter-page';
import { expect, test } from './kit/fixtures';

test('a scanned E-Rezept goes from $accept to a kept receipt', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);

  await expect(counter.trainingBanner).toBeVisible();
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);

  await expect(counter.prescriptionView).toBeVisible();
  await expect(page.getByTestId('prescription-id')).toHaveText(created.taskId);
  await expect(counter.prescriptionView).toContainText(created.kvnr);

  // one entry, prefilled from the prescription
  await expect(counter.entry(0)).toBeVisible();
  await expect(counter.entryField(0, 'pzn')).not.toHaveValue('');
  await counter.entryField(0, 'batch').fill('B2026-11');
  await counter.entryField(0, 'expiry').fill('2028-03-31');
  await counter.submitDispense();
  await expect(page.getByTestId('dispense-confirmation')).toBeVisible();

  await counter.closeCase();
  await expect(counter.receipt).toBeVisible();
  await expect(counter.receipt).toContainText(created.taskId);
  await expect(counter.receipt).toContainText('Signatur');
});

test('a printed token typed by hand is accepted like a scan', async ({ app, page }) => {
  expect(app.seededTokens.length).toBeGreaterThan(0);
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(app.seededTokens[0]!);
  await expect(counter.prescriptionView).toBeVisible();
});

test('a foreign URL in the scan field is refused with a German message and nothing is accepted', async ({ app, page }) => {
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await counter.scan('https://evil.example/Task/160.000.000.000.123.76/$accept?ac=' + 'a'.repeat(64));
  await expect(counter.alert).toBeVisible();
  await expect(counter.alert).not.toHaveText('');
  await expect(counter.prescriptionView).toHaveCount(0);
});
