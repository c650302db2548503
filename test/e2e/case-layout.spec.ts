/**
 * One case on one screen (issue 19 item 5): at a 1366×768 window — a common counter PC — an open case with one
 * dispense entry shows the patient, the prescribed medication and the editor's „Abgabe übermitteln“ and „Abgabe
 * abschließen“ without scrolling; the case head names the patient with the birth date (tt.mm.jjjj) next to the
 * Rezept-ID. Seeded, so names and articles — and with them line breaks — are the same on every run. An Entlassrezept
 * (training deck „entlassrezept“) adds its Rechtsgrundlage and what it means, and still fits.
 */
import type { Page } from '@playwright/test';
import type { ErxApp } from './kit/erx-app';
import { expect, test } from './kit/fixtures';
import type { PrescriptionRequest, SimulatorHandle } from './kit/simulator';

test.use({ viewport: { width: 1366, height: 768 }, seed: 19, fixedTime: '2026-11-10T09:00:00+01:00' });

async function openCase(app: ErxApp, sim: SimulatorHandle, request: PrescriptionRequest): Promise<void> {
  const created = await sim.createPrescription(request);
  await app.openAs('AB');
  await app.counter.scan(created.dataMatrix);
  await expect(app.prescription.prescriptionId).toHaveText(created.taskId);
  await expect(app.editor.entry(0)).toBeVisible();
  await expect(app.editor.entry(1)).toHaveCount(0);
}

/** Nothing was scrolled to get here, and each of these is wholly on screen. */
async function expectOnScreen(page: Page, testIds: readonly string[]): Promise<void> {
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  for (const testId of testIds) await expect(page.getByTestId(testId), testId).toBeInViewport({ ratio: 1 });
}

test('a PZN prescription: patient, medication, submit and close on one 1366×768 screen; the head names the patient', async ({ app, sim, page }) => {
  await openCase(app, sim, { flowType: '160' });
  await page.screenshot({ path: test.info().outputPath('case-1366x768.png') });

  await expectOnScreen(page, [
    'case-header-patient',
    'case-header-birthdate',
    'prescription-patient',
    'prescription-medication',
    'submit-dispense',
    'close-case',
  ]);
  // the head shows who the prescription is for, exactly as the prescription says
  await expect(page.getByTestId('case-header-patient')).toHaveText((await app.prescription.patientName.textContent()) ?? '-');
  const birthDate = (await page.getByTestId('patient-birth-date').textContent()) ?? '-';
  expect(birthDate).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
  await expect(page.getByTestId('case-header-birthdate')).toHaveText(birthDate);
  await expect(page.getByTestId('case-header-patient')).toBeVisible();
});

test('a Wirkstoff prescription: patient, what is prescribed and both buttons still without scrolling', async ({ app, sim, page }) => {
  await openCase(app, sim, { flowType: '160', medication: 'wirkstoff' });
  await expectOnScreen(page, [
    'case-header-patient',
    'prescription-patient',
    'medication-name',
    'medication-ingredients',
    'prescription-quantity',
    'submit-dispense',
    'close-case',
  ]);
});

test.describe('an Entlassrezept (deck scenario „entlassrezept“)', () => {
  test.use({ scenario: 'entlassrezept', seed: undefined, fixedTime: undefined });

  test('shows the Rechtsgrundlage with its short Belieferungsfrist from the Task, and still fits the screen', async ({ app, simulator, page }) => {
    await app.openAs('AB');
    await app.counter.scan(simulator.dataMatrix('Rezept A'));
    await expect(page.getByTestId('legal-basis')).toHaveText('Entlassmanagement');
    await page.screenshot({ path: test.info().outputPath('entlassrezept-1366x768.png') });
    // the Fachdienst's 3 working days from Tuesday 10.11.2026; the app computes none of it
    await expect(app.prescription.acceptDate).toHaveText('bis 12.11.2026');
    await expect(app.prescription.expiryDate).toHaveText('bis 10.02.2027');
    await expect(page.getByTestId('legal-basis-note-discharge')).toContainText('zulasten der Krankenkasse nur bis 12.11.2026');
    await expect(page.getByTestId('legal-basis-note-discharge')).toContainText('kleinste Packung');
    await expectOnScreen(page, ['case-header-patient', 'legal-basis-notes', 'prescription-patient', 'medication-name', 'prescription-quantity', 'submit-dispense', 'close-case']);
  });
});
