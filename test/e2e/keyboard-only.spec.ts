/**
 * „A pharmacist can do the whole job with scanner and keyboard“ (architecture §5, docs/qa-contract.md): staff by
 * Alt+M, the E-Rezept and the pack scanned, the list submitted with Ctrl+Enter and closed with Alt+A — no mouse.
 */
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { expect, test } from './kit/fixtures';
import { PrescriptionPage } from './kit/prescription-page';
import { ReceiptPage } from './kit/receipt-page';
import { packCode, typeLikeScanner } from './kit/scanner';

test('scan, dispense, submit and close with scanner and keyboard only', async ({ app, sim, page }) => {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  const editor = new EditorPage(page);
  await page.goto(app.appUrl);
  await expect(counter.scanInput).toBeFocused();

  await page.keyboard.press('Alt+M');
  await expect(counter.staffSwitch).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(counter.staffSwitch).toHaveValue('AB');

  await page.keyboard.press('Alt+S');
  await expect(counter.scanInput).toBeFocused();
  await typeLikeScanner(page, created.dataMatrix);
  await expect(new PrescriptionPage(page).prescriptionId).toHaveText(created.taskId);
  await expect(editor.entry(0)).toBeVisible();
  const prescribedPzn = await editor.field(0, 'pzn').inputValue();

  // the pack of the prescribed article: batch, expiry and serial land in the waiting entry
  await typeLikeScanner(page, packCode({ pzn: prescribedPzn, batch: 'KB-2026', expiry: '2028-11-30', serial: 'K1' }));
  await expect(editor.packScanResult).toHaveAttribute('data-outcome', 'filled');
  await expect(editor.field(0, 'batch')).toHaveValue('KB-2026');
  await expect(editor.field(0, 'expiry')).toHaveValue('2028-11-30');
  await expect(editor.field(0, 'substituted')).not.toBeChecked();

  await page.keyboard.press('Control+Enter');
  await expect(editor.confirmation).toBeVisible();
  await page.keyboard.press('Alt+A');
  const receipt = new ReceiptPage(page);
  await expect(receipt.root).toBeVisible();
  await expect(receipt.prescriptionId).toHaveText(created.taskId);
});
