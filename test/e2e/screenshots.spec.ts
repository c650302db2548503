/**
 * Screenshots of the main screens for docs/screenshots/, at 1280×900: inbox, prescription
 * with editor, the editor's changes since the confirmed list, versions with a comparison, receipt, confirmation
 * dialog. They are written by the real app in browser mode against the simulator — training banner included, as
 * a trainer would see it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Article } from '../../shared/erezept/catalog/article-catalog';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { chromiumArgs } from '../../playwright.config';
import { repoRoot } from '../fixtures';
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { expect, test } from './kit/fixtures';
import { InboxPage } from './kit/inbox-page';
import { PrescriptionPage } from './kit/prescription-page';
import { ReceiptPage } from './kit/receipt-page';
import { packCode } from './kit/scanner';

// `npm test` must not rewrite tracked files: the pictures go to docs/screenshots/ only when asked
// (ERX_UPDATE_SCREENSHOTS=1 npx playwright test test/e2e/screenshots.spec.ts), else to the test output folder.
const outDir =
  process.env.ERX_UPDATE_SCREENSHOTS === '1'
    ? join(repoRoot, 'docs', 'screenshots')
    : join(repoRoot, '.tmp', 'playwright-results', 'screenshots');

// Date inputs render in Chromium's UI language, not the page locale: German (dd.mm.yyyy) only where Chromium has
// its German locale data (Debian: chromium-l10n); without it they show the en-US format.
test.use({
  viewport: { width: 1280, height: 900 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: chromiumArgs,
    env: { ...process.env, LANGUAGE: 'de_DE', LANG: 'de_DE.UTF-8' },
  },
});

/**
 * A Wirkstoffverordnung is handed over as an article of the prescribed substance, strength and pack size — then the
 * pharmacy's rules have nothing to ask (docs/checks.md). Read from the row the app prefilled from the prescription.
 */
async function articleAsPrescribed(page: Page): Promise<Article> {
  const value = (testId: string) => page.getByTestId(`dispense-entry-0-${testId}`).inputValue();
  const [substance, strength, packSize] = await Promise.all([value('ingredient-0-name'), value('ingredient-0-strength'), value('amount')]);
  const found = demoCatalog
    .all()
    .find(
      (a) =>
        a.ingredients[0]?.name === substance &&
        a.ingredients[0].strengthValue === Number(strength.replace(',', '.')) &&
        a.packSize === packSize,
    );
  if (!found) throw new Error(`no article ${substance} ${strength}, ${packSize} in the demo catalogue`);
  return found;
}

test('screenshots of the main screens', async ({ app, sim, page }) => {
  test.setTimeout(90_000);
  mkdirSync(outDir, { recursive: true });
  const shot = (name: string) => page.screenshot({ path: join(outDir, `${name}.png`) });

  const counter = new CounterPage(page);
  const inbox = new InboxPage(page);
  const prescription = new PrescriptionPage(page);
  const editor = new EditorPage(page);
  const receipt = new ReceiptPage(page);

  // a few cases in different states for the inbox
  const closed = await sim.createPrescription({ flowType: '160' });
  const sent = await sim.createPrescription({ flowType: '200', medication: 'wirkstoff' });
  const tRezept = await sim.createPrescription({ flowType: '166' });
  const main = await sim.createPrescription({ flowType: '160' });

  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');

  for (const created of [closed, sent]) {
    await counter.scan(created.dataMatrix);
    await expect(prescription.prescriptionId).toHaveText(created.taskId);
    await editor.field(0, 'batch').fill('B2026-41');
    await editor.field(0, 'expiry').fill('2028-03-31');
    if (created === sent) {
      const article = await articleAsPrescribed(page);
      await editor.field(0, 'kind').selectOption('pzn');
      await editor.field(0, 'pzn').fill(article.pzn);
      await expect(editor.field(0, 'name')).toHaveValue(article.name);
    }
    await editor.submit();
    await expect(editor.confirmation).toBeVisible();
    if (created === closed) {
      await editor.close();
      await expect(receipt.root).toBeVisible();
    }
  }
  await counter.scan(tRezept.dataMatrix);
  await expect(prescription.tRezeptMarker).toBeVisible();

  // 1. the prescription beside the editor, with a second entry from a pack scan: a pack of the prescribed article
  // from another batch — one more than prescribed, which the pharmacist confirms with a reason (docs/checks.md)
  await counter.scan(main.dataMatrix);
  await expect(prescription.prescriptionId).toHaveText(main.taskId);
  await expect(editor.field(0, 'pzn')).not.toHaveValue('');
  const prescribedPzn = await editor.field(0, 'pzn').inputValue();
  await editor.field(0, 'batch').fill('X4711');
  await editor.field(0, 'expiry').fill('2028-09-30');
  await editor.addEntry();
  await editor.scanPack(packCode({ pzn: prescribedPzn, batch: 'LOT2026', expiry: '2029-01-31', serial: 'SN8812' }), { index: 1, field: 'pzn' });
  await expect(editor.packScanResult).toHaveAttribute('data-outcome', 'filled');
  await expect(editor.finding(0, 'PH_QUANTITY_MORE')).toHaveAttribute('data-state', 'needs-reason');
  await editor.confirmDeviation(0, 'PH_QUANTITY_MORE', 'Zweite Packung auf Wunsch der Praxis');
  await page.getByTestId('app-name').click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('prescription-editor');

  // 2. changes since the last confirmed submission, and the versions
  await editor.submit();
  await expect(editor.version(1)).toBeVisible();
  await editor.field(1, 'packs').fill('2');
  await editor.field(0, 'batch').fill('X4712');
  await expect(editor.unsentChanges).toBeVisible();
  await editor.submit();
  await expect(editor.version(2)).toBeVisible();
  await editor.field(0, 'dosage').fill('1-0-1');
  await expect(editor.diff).toBeVisible();
  const details = await editor.showVersion(2);
  await expect(details).toBeVisible();
  await editor.changes.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => window.scrollBy(0, -12));
  await shot('editor-changes');
  // the versions and a version's comparison with the one before
  await page.getByTestId('version-2-diff').evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await page.evaluate(() => window.scrollBy(0, 24));
  await shot('versions-diff');

  // 3. the confirmation dialog of „Rezept zurückgeben“
  await page.evaluate(() => window.scrollTo(0, 0));
  await prescription.rejectButton.click();
  await expect(prescription.dialog('reject').root).toBeVisible();
  await shot('confirm-dialog');
  await page.keyboard.press('Escape');
  await expect(prescription.dialog('reject').root).toHaveCount(0);

  // 4. the receipt of the closed case
  await inbox.show();
  await inbox.open(closed.taskId);
  await expect(receipt.root).toBeVisible();
  await shot('receipt');

  // 5. the inbox with cases in every state
  await inbox.show();
  await expect(inbox.rows()).toHaveCount(4);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('inbox');
});

test.describe('training and outage screens', () => {
  test.use({ scenario: 'zu-viele-anfragen-429' });

  test('screenshots of the trainer panel and of „Ausstehende Vorgänge“', async ({ app, simulator, page }) => {
    test.setTimeout(60_000);
    mkdirSync(outDir, { recursive: true });
    const shot = (name: string) => page.screenshot({ path: join(outDir, `${name}.png`) });
    const first = simulator.prescriptions[0]!;
    await app.openAs('AB');

    // 6. the trainer panel: the loaded scenario, its steps and the on-screen DataMatrix
    await app.trainer.open();
    const code = await app.trainer.dataMatrix(first.label ?? first.prescriptionId);
    await expect(code).toHaveAttribute('data-state', 'drawn');
    await page.getByTestId('scenario-steps').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -150));
    await shot('trainer-panel');
    await app.trainer.close();

    // 7. a 429 on $dispense: the list waits its hour, „Ausstehende Vorgänge“ says until when
    await app.counter.scan(first.dataMatrix);
    await expect(app.prescription.prescriptionId).toHaveText(first.prescriptionId);
    await app.editor.field(0, 'batch').fill('B2026-42');
    await app.editor.field(0, 'expiry').fill('2028-03-31');
    await app.editor.submit();
    await app.connection.open();
    await expect(app.connection.rowsFor(first.prescriptionId, { operation: 'dispense', state: 'pending' })).toHaveCount(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('pending-operations');
  });
});
