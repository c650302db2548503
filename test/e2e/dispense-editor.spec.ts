/**
 * Stories of the dispense editor (spec §3.4, §9.2): a list of three entries, one of them from a securPharm
 * pack scan; submit; correct and resubmit — and through the patient's read of the Fachdienst (spec §3.10) that
 * only the corrected list is stored (A_26482: every $dispense replaces the list).
 *
 * The lists hand over more than one article, so the pharmacy's rules (docs/checks.md) ask for reasons first: each
 * deviation is named at its entry, nothing is sent until the pharmacist confirmed it with a reason. The prescription
 * is the deck's fixed Ramipril 5 mg, 100 Tabletten (N3), 1 Packung („mehrfachverordnung“, Teil 1 — redeemable on the
 * class day), so the lists can add what a pharmacy would: Ramipril in another strength, in another pack size.
 */
import type { Page } from '@playwright/test';
import type { Article } from '../../shared/erezept/catalog/article-catalog';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import type { ErxApp } from './kit/erx-app';
import { expect, test } from './kit/fixtures';
import { packCode } from './kit/scanner';
import type { SimulatorHandle } from './kit/simulator';

/** A Ramipril Musterpharma article of the demo catalogue by strength (mg) and Normgröße (deck.ts mvoArticle: 5 mg N3). */
function ramipril(strengthMg: number, normSize: string): Article {
  const found = demoCatalog
    .all()
    .find(
      (a) =>
        a.manufacturer === 'Musterpharma' &&
        a.ingredients[0]?.name === 'Ramipril' &&
        a.ingredients[0].strengthValue === strengthMg &&
        a.normSize === normSize,
    );
  if (!found) throw new Error(`no Ramipril ${strengthMg} mg ${normSize} in the demo catalogue`);
  return found;
}

const prescribed = ramipril(5, 'N3');
/** the same substance and pack size in another strength → PH_STRENGTH_DIFFERS */
const otherStrength = ramipril(2.5, 'N3');
/** the same substance and strength in another pack size (N1, 20 Tabletten) → PH_PACK_SIZE_DIFFERS */
const otherPackSize = ramipril(5, 'N1');

/** Teil 1 of the deck's Ramipril prescription opened at the counter; its PrescriptionID and KVNR for the patient's read. */
async function openRamipril(app: ErxApp, simulator: SimulatorHandle) {
  const teil1 = simulator.prescription('Teil 1');
  await app.openAs('AB');
  await app.counter.scan(teil1.dataMatrix);
  await expect(app.editor.field(0, 'pzn')).toHaveValue(prescribed.pzn);
  await expect(app.prescription.patientKvnr).not.toBeEmpty();
  const kvnr = (await app.prescription.patientKvnr.textContent())?.trim() ?? '';
  return { editor: app.editor, prescriptionId: teil1.prescriptionId, kvnr };
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
  return { created, editor };
}

test.describe('lists of several entries', () => {
  test.use({ scenario: 'mehrfachverordnung' });

  test('a list of three entries, one from a pack scan, is submitted complete', async ({ app, simulator }) => {
    const { editor, prescriptionId, kvnr } = await openRamipril(app, simulator);

    // entry 1: the prescribed article, batch typed by hand
    await editor.field(0, 'batch').fill('CH-A-0001');
    await editor.field(0, 'expiry').fill('2028-03-31');

    // entry 2: Ramipril 2,5 mg by PZN, two packs
    await editor.addEntry();
    await expect(editor.field(1, 'pzn')).toBeFocused();
    await editor.fillProduct(1, { pzn: otherStrength.pzn, batch: 'CH-B-0002', expiry: '2027-12-31', packs: 2 });
    await expect(editor.field(1, 'name')).toHaveValue(otherStrength.name);

    // entry 3: added, then filled by a pack scan while its (empty) PZN field has the focus
    await editor.addEntry();
    await editor.scanPack(packCode({ pzn: otherPackSize.pzn, batch: 'LOT77', expiry: '2029-06-30', serial: 'SN0001' }), { index: 2, field: 'pzn' });
    await expect(editor.packScanResult).toHaveAttribute('data-outcome', 'filled');
    await expect(editor.field(2, 'pzn')).toHaveValue(otherPackSize.pzn);
    await expect(editor.field(2, 'name')).toHaveValue(otherPackSize.name);
    await expect(editor.field(2, 'batch')).toHaveValue('LOT77');
    await expect(editor.field(2, 'expiry')).toHaveValue('2029-06-30');
    await expect(editor.field(2, 'serials')).toContainText('SN0001');
    // A_28417: another article than prescribed
    await expect(editor.field(2, 'substituted')).toBeChecked();

    // a second pack of the same PZN and batch counts up the same entry
    await editor.scanPack(packCode({ pzn: otherPackSize.pzn, batch: 'LOT77', expiry: '2029-06-30', serial: 'SN0002' }), { index: 2, field: 'batch' });
    await expect(editor.packScanResult).toHaveAttribute('data-outcome', 'counted');
    await expect(editor.field(2, 'packs')).toHaveValue('2');
    await expect(editor.field(2, 'serials')).toContainText('SN0002');
    // the scanner's keys did not stay in the focused batch field
    await expect(editor.field(2, 'batch')).toHaveValue('LOT77');
    await expect(editor.entries()).toHaveCount(3);

    // docs/checks.md: every deviation is named at its entry and waits for a reason — the list is not sent
    await expect(editor.finding(0, 'PH_QUANTITY_MORE')).toHaveAttribute('data-state', 'needs-reason');
    await expect(editor.finding(1, 'PH_STRENGTH_DIFFERS')).toHaveAttribute('data-state', 'needs-reason');
    await expect(editor.finding(2, 'PH_PACK_SIZE_DIFFERS')).toHaveAttribute('data-state', 'needs-reason');
    await editor.submit();
    await expect(editor.refused).toContainText('Nicht gesendet');
    await expect(editor.confirmation).toHaveCount(0);
    expect(await simulator.storedDispenses(prescriptionId, kvnr)).toEqual([]);

    // the pharmacist confirms each deviation with a reason; the next attempt sends the complete list
    await editor.confirmDeviation(0, 'PH_QUANTITY_MORE', 'Vorrat für die Reise, mit der Praxis abgestimmt');
    await editor.confirmDeviation(1, 'PH_STRENGTH_DIFFERS', 'Rücksprache Praxis: 2 × 2,5 mg statt 5 mg');
    await editor.confirmDeviation(2, 'PH_PACK_SIZE_DIFFERS', 'N3 nicht vorrätig, Rücksprache Praxis');
    await editor.submit();
    await expect(editor.confirmation).toBeVisible();
    await expect(editor.refused).toHaveCount(0);
    await expect(editor.version(1)).toHaveAttribute('data-state', 'confirmed');

    const stored = await simulator.storedDispenses(prescriptionId, kvnr);
    expect(stored.map((d) => [d.pzn, d.lot, d.packs])).toEqual([
      [prescribed.pzn, 'CH-A-0001', 1],
      [otherStrength.pzn, 'CH-B-0002', 2],
      [otherPackSize.pzn, 'LOT77', 2],
    ]);
  });

  test('a correction resubmits the complete list; the Fachdienst keeps only the corrected one', async ({ app, simulator }) => {
    const { editor, prescriptionId, kvnr } = await openRamipril(app, simulator);
    await editor.field(0, 'batch').fill('FIRST-1');
    await editor.field(0, 'expiry').fill('2028-03-31');
    await editor.addEntry();
    await editor.fillProduct(1, { pzn: otherPackSize.pzn, batch: 'EXTRA-1', expiry: '2027-12-31' });
    // a small pack on top of the prescribed one: more than prescribed, in another pack size — confirmed with reasons
    await expect(editor.finding(0, 'PH_QUANTITY_MORE')).toHaveAttribute('data-state', 'needs-reason');
    await expect(editor.finding(1, 'PH_PACK_SIZE_DIFFERS')).toHaveAttribute('data-state', 'needs-reason');
    await editor.confirmDeviation(0, 'PH_QUANTITY_MORE', 'Überbrückung bis zum nächsten Rezept');
    await editor.confirmDeviation(1, 'PH_PACK_SIZE_DIFFERS', 'Überbrückung bis zum nächsten Rezept');
    await editor.submit();
    await expect(editor.confirmation).toBeVisible();
    expect(await simulator.storedDispenses(prescriptionId, kvnr)).toHaveLength(2);

    // correct: the second article was not handed over after all, and the batch of the first was wrong
    await editor.field(1, 'remove').click();
    await editor.field(0, 'batch').fill('SECOND-2');
    await expect(editor.unsentChanges).toBeVisible();
    await expect(editor.field(0, 'change')).toHaveText(/geändert/);
    await expect(editor.diff).toContainText('Charge');
    await expect(editor.diff).toContainText('FIRST-1');
    await expect(editor.diff).toContainText('SECOND-2');
    await expect(editor.diff).toContainText('Position 2 entfernt');
    // the prescribed pack alone is what was prescribed: nothing left to confirm
    await expect(editor.finding(0, 'PH_QUANTITY_MORE')).toHaveCount(0);

    await editor.submit();
    await expect(editor.unsentChanges).toHaveCount(0);
    await expect(editor.version(2)).toHaveAttribute('data-state', 'confirmed');

    const stored = await simulator.storedDispenses(prescriptionId, kvnr);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ pzn: prescribed.pzn, lot: 'SECOND-2' });

    // both versions can be viewed and compared
    const details = await editor.showVersion(2);
    await expect(details.getByTestId('version-2-entries')).toContainText('SECOND-2');
    await expect(details.getByTestId('version-2-diff')).toContainText('FIRST-1');

    // the same list again is not sent: every $dispense notifies the patient
    await editor.submit();
    await expect(editor.unchanged).toBeVisible();
    await expect(editor.version(3)).toHaveCount(0);
  });
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
