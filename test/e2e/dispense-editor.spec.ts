/**
 * Stories of the dispense editor (spec §3.4, §9.2): a list of three entries, one of them from a securPharm
 * pack scan; submit; correct and resubmit — and through the patient's read of the Fachdienst (spec §3.10) that
 * only the corrected list is stored (A_26482: every $dispense replaces the list).
 */
import type { Page } from '@playwright/test';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { expect, test } from './kit/fixtures';
import { packCode } from './kit/scanner';
import type { SimulatorHandle } from './kit/simulator';

/** Two securPharm articles of the demo catalogue other than the prescribed one. */
function otherArticles(prescribedPzn: string) {
  const [first, second] = demoCatalog.all().filter((a) => a.securPharm && a.category === '00' && a.pzn !== prescribedPzn && a.form !== 'KPG');
  return [first!, second!] as const;
}

async function acceptNewPrescription(page: Page, appUrl: string, sim: SimulatorHandle) {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  await counter.open(appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);
  const editor = new EditorPage(page);
  await expect(editor.entry(0)).toBeVisible();
  await expect(editor.field(0, 'pzn')).not.toHaveValue('');
  const prescribedPzn = await editor.field(0, 'pzn').inputValue();
  return { created, editor, prescribedPzn };
}

test('a list of three entries, one from a pack scan, is submitted complete', async ({ app, sim, page }) => {
  const { created, editor, prescribedPzn } = await acceptNewPrescription(page, app.appUrl, sim);
  const [productB, productC] = otherArticles(prescribedPzn);

  // entry 1: the prescribed article, batch typed by hand
  await editor.field(0, 'batch').fill('CH-A-0001');
  await editor.field(0, 'expiry').fill('2028-03-31');

  // entry 2: another article by PZN, two packs
  await editor.addEntry();
  await expect(editor.field(1, 'pzn')).toBeFocused();
  await editor.fillProduct(1, { pzn: productB.pzn, batch: 'CH-B-0002', expiry: '2027-12-31', packs: 2 });
  await expect(editor.field(1, 'name')).toHaveValue(productB.name);

  // entry 3: added, then filled by a pack scan while its (empty) PZN field has the focus
  await editor.addEntry();
  await editor.scanPack(packCode({ pzn: productC.pzn, batch: 'LOT77', expiry: '2029-06-30', serial: 'SN0001' }), { index: 2, field: 'pzn' });
  await expect(editor.packScanResult).toHaveAttribute('data-outcome', 'filled');
  await expect(editor.field(2, 'pzn')).toHaveValue(productC.pzn);
  await expect(editor.field(2, 'name')).toHaveValue(productC.name);
  await expect(editor.field(2, 'batch')).toHaveValue('LOT77');
  await expect(editor.field(2, 'expiry')).toHaveValue('2029-06-30');
  await expect(editor.field(2, 'serials')).toContainText('SN0001');
  // A_28417: another article than prescribed
  await expect(editor.field(2, 'substituted')).toBeChecked();

  // a second pack of the same PZN and batch counts up the same entry
  await editor.scanPack(packCode({ pzn: productC.pzn, batch: 'LOT77', expiry: '2029-06-30', serial: 'SN0002' }), { index: 2, field: 'batch' });
  await expect(editor.packScanResult).toHaveAttribute('data-outcome', 'counted');
  await expect(editor.field(2, 'packs')).toHaveValue('2');
  await expect(editor.field(2, 'serials')).toContainText('SN0002');
  // the scanner's keys did not stay in the focused batch field
  await expect(editor.field(2, 'batch')).toHaveValue('LOT77');
  await expect(editor.entries()).toHaveCount(3);

  await editor.submit();
  await expect(editor.confirmation).toBeVisible();
  await expect(editor.version(1)).toHaveAttribute('data-state', 'confirmed');

  const stored = await sim.storedDispenses(created.taskId, created.kvnr);
  expect(stored.map((d) => [d.pzn, d.lot, d.packs])).toEqual([
    [prescribedPzn, 'CH-A-0001', expect.any(Number)],
    [productB.pzn, 'CH-B-0002', 2],
    [productC.pzn, 'LOT77', 2],
  ]);
});

test('a correction resubmits the complete list; the Fachdienst keeps only the corrected one', async ({ app, sim, page }) => {
  const { created, editor, prescribedPzn } = await acceptNewPrescription(page, app.appUrl, sim);
  const [productB] = otherArticles(prescribedPzn);
  await editor.field(0, 'batch').fill('FIRST-1');
  await editor.field(0, 'expiry').fill('2028-03-31');
  await editor.addEntry();
  await editor.fillProduct(1, { pzn: productB.pzn, batch: 'EXTRA-1', expiry: '2027-12-31' });
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();
  expect(await sim.storedDispenses(created.taskId, created.kvnr)).toHaveLength(2);

  // correct: the second article was not handed over after all, and the batch of the first was wrong
  await editor.field(1, 'remove').click();
  await editor.field(0, 'batch').fill('SECOND-2');
  await expect(editor.unsentChanges).toBeVisible();
  await expect(editor.field(0, 'change')).toHaveText(/geändert/);
  await expect(editor.diff).toContainText('Charge');
  await expect(editor.diff).toContainText('FIRST-1');
  await expect(editor.diff).toContainText('SECOND-2');
  await expect(editor.diff).toContainText('Position 2 entfernt');

  await editor.submit();
  await expect(editor.unsentChanges).toHaveCount(0);
  await expect(editor.version(2)).toHaveAttribute('data-state', 'confirmed');

  const stored = await sim.storedDispenses(created.taskId, created.kvnr);
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ pzn: prescribedPzn, lot: 'SECOND-2' });

  // both versions can be viewed and compared
  const details = await editor.showVersion(2);
  await expect(details.getByTestId('version-2-entries')).toContainText('SECOND-2');
  await expect(details.getByTestId('version-2-diff')).toContainText('FIRST-1');

  // the same list again is not sent: every $dispense notifies the patient
  await editor.submit();
  await expect(editor.unchanged).toBeVisible();
  await expect(editor.version(3)).toHaveCount(0);
});

test('the patient preview shows what the app will show, without sending anything', async ({ app, sim, page }) => {
  const { editor } = await acceptNewPrescription(page, app.appUrl, sim);
  await editor.field(0, 'batch').fill('PREV-1');
  await editor.field(0, 'expiry').fill('2028-03-31');
  await editor.previewButton.click();
  await expect(editor.preview).toBeVisible();
  await expect(editor.preview.getByTestId('patient-preview-item-0')).toContainText('PREV-1');
  await page.keyboard.press('Escape');
  await expect(editor.preview).toHaveCount(0);
  await expect(editor.confirmation).toHaveCount(0);
});
