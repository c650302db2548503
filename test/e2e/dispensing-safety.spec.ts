/**
 * Dispensing safety at the counter (issue 19 items 1 and 4, docs/checks.md): what is handed over matches what was
 * prescribed — or the pharmacist says why it does not.
 *
 * (a) A pack of another substance scanned into a prescription is named at its position and the list is refused
 *     („Nicht gesendet“, nothing reaches the Fachdienst).
 * (b) The difference confirmed with a reason („Abweichung bestätigen“, by keyboard): the list is sent, the reason is
 *     kept at the counter (shown as „bestätigt: …“ after a reload) and is neither in the audit — which records only
 *     „override“, the rule and the Kürzel — nor in what the Fachdienst stored.
 * (c) The deck's Stückelung (N3 prescribed, 3 × N1 dispensed) shows no warning and is sent.
 *
 * The prescriptions come from the training deck: „Mehrfachverordnung“ (Ramipril 5 mg, 100 Tabletten, part 1
 * redeemable) and „Stückelung“ (Salbutamol N3). The wrong pack is Amlodipin 5 mg, 100 Tabletten from the demo
 * catalogue: same strength, form and size — only the substance differs, as in the story.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Article } from '../../shared/erezept/catalog/article-catalog';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { kvnrCheckDigit } from '../../shared/erezept/identifiers';
import { TRAINING_DIR_NAME } from '../../main/training/data-layout';
import { expect, test } from './kit/fixtures';
import { packCode } from './kit/scanner';

/** A demo article by name and Normgröße, as main/simulator/scenarios/deck.ts names them (not imported: it reads FHIR). */
function demoArticle(name: string, normSize: string): Article {
  const found = demoCatalog.all().find((a) => a.name === name && a.normSize === normSize);
  if (!found) throw new Error(`${name} ${normSize} is not in the demo catalogue`);
  return found;
}

/** deck.ts mvoArticle, stueckelungPrescribed, stueckelungDispensed */
const mvoArticle = demoArticle('Ramipril Musterpharma 5 mg Tabletten', 'N3');
const stueckelungPrescribed = demoArticle('Salbutamol Demopharm 100 µg Dosieraerosol', 'N3');
const stueckelungDispensed = demoArticle('Salbutamol Demopharm 100 µg Dosieraerosol', 'N1');
/** The scenario's patient (deck.ts mehrfachverordnung: kvnrOf('R', '14142135')). */
const MVO_KVNR = `R14142135${kvnrCheckDigit('R', '14142135')}`;

/** Another substance in the prescribed article's strength, form and pack size. */
function wrongDrug() {
  const found = demoCatalog
    .all()
    .find(
      (a) =>
        a.ingredients[0]?.name === 'Amlodipin' &&
        a.ingredients[0].strengthValue === mvoArticle.ingredients[0]?.strengthValue &&
        a.form === mvoArticle.form &&
        a.packSize === mvoArticle.packSize,
    );
  if (!found) throw new Error('no Amlodipin pack like the prescribed Ramipril in the demo catalogue');
  return found;
}

const RULE = 'PH_SUBSTANCE_DIFFERS';
/** The pharmacist's reason: local data, never sent, never audited. */
const REASON = 'Rücksprache Praxis Dr. Quelle, Umstellung gewollt';

/** The MedicationDispenses the Fachdienst stored, as the patient's app reads them (spec §3.10). */
async function storedJson(simulator: { insurantGet(path: string, kvnr: string): Promise<unknown> }, prescriptionId: string): Promise<string> {
  const bundle = await simulator.insurantGet(
    `MedicationDispense?identifier=https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId|${prescriptionId}`,
    MVO_KVNR,
  );
  return JSON.stringify(bundle);
}

test.describe('a pack of another substance', () => {
  test.use({ scenario: 'mehrfachverordnung' });

  test('scanned into a prescription: the difference is named and submitting says „Nicht gesendet“', async ({ app, simulator, page }) => {
    const teil1 = simulator.prescription('Teil 1');
    const amlodipin = wrongDrug();
    await app.openAs('AB');
    await app.counter.scan(teil1.dataMatrix);
    await expect(app.editor.field(0, 'pzn')).toHaveValue(mvoArticle.pzn);

    // the scanner is used as at the counter: no field chosen — the pack becomes a position of its own
    await app.editor.scanPack(packCode({ pzn: amlodipin.pzn, batch: 'AML-0001', expiry: '2028-06-30', serial: 'SNAML0001' }));
    await expect(app.editor.packScanResult).toHaveAttribute('data-outcome', 'added');
    await expect(app.editor.field(1, 'name')).toHaveValue(amlodipin.name);
    const finding = page.getByTestId(`dispense-entry-1-finding-${RULE}`);
    await expect(finding).toHaveAttribute('data-state', 'blocking');
    await expect(finding).toContainText('Blockiert');
    await expect(finding).toContainText('Ramipril');
    await expect(finding).toContainText('Amlodipin');

    await app.editor.submit();
    await expect(app.editor.refused).toContainText('Nicht gesendet');
    const reason = app.editor.refused.getByTestId('dispense-refused-reason').and(page.locator(`[data-code="${RULE}"]`));
    await expect(reason).toContainText('Position 2');
    await expect(reason).toContainText('Amlodipin');
    // no rule code in what the pharmacist reads, only behind „Technische Details“
    await expect(app.editor.refused.getByTestId('dispense-refused-reason').first()).not.toContainText('PH_');
    await expect(app.editor.confirmation).toHaveCount(0);
    await expect(app.editor.version(1)).toHaveCount(0);
    expect(await storedJson(simulator, teil1.prescriptionId)).not.toContain(amlodipin.pzn);
  });

  test('confirmed with a reason it is sent; the reason stays at the counter — not in the audit, not at the Fachdienst', async ({
    app,
    simulator,
    browserMode,
    page,
  }) => {
    const teil1 = simulator.prescription('Teil 1');
    const amlodipin = wrongDrug();
    await app.openAs('AB');
    await app.counter.scan(teil1.dataMatrix);
    await expect(app.editor.field(0, 'pzn')).toHaveValue(mvoArticle.pzn);

    // the pack scanned into position 1 (its batch field has the focus)
    await app.editor.scanPack(packCode({ pzn: amlodipin.pzn, batch: 'AML-0002', expiry: '2028-06-30', serial: 'SNAML0002' }), { index: 0, field: 'batch' });
    await expect(app.editor.packScanResult).toHaveAttribute('data-outcome', 'filled');
    await expect(app.editor.field(0, 'pzn')).toHaveValue(amlodipin.pzn);
    const finding = page.getByTestId(`dispense-entry-0-finding-${RULE}`);
    await expect(finding).toHaveAttribute('data-state', 'blocking');

    // keyboard only: from the PZN, Tab reaches „Abweichung bestätigen“; Enter opens the reason, Enter saves it
    await app.editor.field(0, 'pzn').focus();
    await page.keyboard.press('Tab');
    await expect(page.getByTestId(`dispense-entry-0-override-${RULE}`)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(`dispense-entry-0-override-${RULE}-reason`)).toBeFocused();
    // at a person's pace: a burst of keys ending in Enter is a keyboard-wedge scan (scan-detector.ts, mean gap
    // ≤ 35 ms) and goes to the scan field — typed at machine speed the reason became „Packungscode nicht lesbar“
    await page.keyboard.type(REASON, { delay: 60 });
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(`dispense-entry-0-override-${RULE}-confirmed`)).toHaveText(`bestätigt: ${REASON}`);
    await expect(finding).toHaveAttribute('data-state', 'confirmed');

    await app.editor.submit();
    await expect(app.editor.confirmation).toContainText('Abgabe übermittelt');
    await expect(app.editor.version(1)).toHaveAttribute('data-state', 'confirmed');
    await expect(app.editor.refused).toHaveCount(0);

    // the Fachdienst has the dispensed Amlodipin — and nothing of the reason
    const stored = await storedJson(simulator, teil1.prescriptionId);
    expect(stored).toContain(amlodipin.pzn);
    expect(stored).not.toContain('Rücksprache');

    // after a reload the reason is still there, kept with the list at this counter
    await page.reload();
    await app.counter.chooseStaff('AB');
    await app.inbox.open(teil1.prescriptionId);
    await expect(page.getByTestId(`dispense-entry-0-override-${RULE}-confirmed`)).toHaveText(`bestätigt: ${REASON}`);
    await expect(page.getByTestId(`dispense-entry-0-finding-${RULE}`)).toHaveAttribute('data-state', 'confirmed');

    // the audit: „override“, the rule and the Kürzel — never the reason
    const db = new Database(join(browserMode.dataDir, TRAINING_DIR_NAME, 'erx.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT staff, operation, prescription_id, result FROM audit ORDER BY id').all() as Record<string, unknown>[];
      expect(rows.filter((r) => r.operation === 'override')).toEqual([
        { staff: 'AB', operation: 'override', prescription_id: teil1.prescriptionId, result: RULE },
      ]);
      expect(rows.some((r) => r.operation === 'dispense')).toBe(true);
      expect(JSON.stringify(rows)).not.toContain('Rücksprache');
    } finally {
      db.close();
    }
  });
});

test.describe('Stückelung', () => {
  test.use({ scenario: 'stueckelung-drei-packungen' });

  test('N3 prescribed, 3 × N1 of the same article dispensed: no warning, sent', async ({ app, simulator }) => {
    const rezeptA = simulator.prescription('Rezept A');
    await app.openAs('AB');
    await app.counter.scan(rezeptA.dataMatrix);
    await expect(app.editor.field(0, 'pzn')).toHaveValue(stueckelungPrescribed.pzn);

    // the scenario's steps: the N1's PZN, 3 packs, batch and expiry
    await app.editor.field(0, 'pzn').fill(stueckelungDispensed.pzn);
    await expect(app.editor.field(0, 'name')).toHaveValue(stueckelungDispensed.name);
    await app.editor.field(0, 'packs').fill('3');
    await app.editor.field(0, 'batch').fill('SAL-0003');
    await app.editor.field(0, 'expiry').fill('2028-06-30');
    await expect(app.editor.draftStatus).toHaveAttribute('data-state', 'saved');
    const notQuiet = app.editor.form.locator('[data-severity="warning"], [data-severity="error"]');
    await expect(notQuiet).toHaveCount(0);

    await app.editor.submit();
    await expect(app.editor.confirmation).toContainText('Abgabe übermittelt');
    await expect(app.editor.refused).toHaveCount(0);
    // after the attempt every finding shows: still none
    await expect(notQuiet).toHaveCount(0);
  });
});
