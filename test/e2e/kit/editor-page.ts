/**
 * Page object for the dispense editor: entries and their fields, add/duplicate/remove,
 * submit and close, the changes since the last confirmed list, the versions and the patient preview.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { typeLikeScanner } from './scanner';

export type EntryField =
  | 'kind'
  | 'pzn'
  | 'name'
  | 'amount'
  | 'packs'
  | 'batch'
  | 'expiry'
  | 'handed-over'
  | 'prepared'
  | 'dosage'
  | 'substituted'
  | 'serials'
  | 'serial-input'
  | 'change'
  | 'findings'
  | 'duplicate'
  | 'remove';

export class EditorPage {
  readonly form: Locator;
  readonly addEntryButton: Locator;
  readonly submitButton: Locator;
  readonly closeButton: Locator;
  readonly confirmation: Locator;
  readonly unsentChanges: Locator;
  readonly changes: Locator;
  readonly diff: Locator;
  readonly error: Locator;
  /** „Nicht gesendet“ with every reason (`dispense-refused`); one `dispense-refused-reason` per reason */
  readonly refused: Locator;
  readonly unchanged: Locator;
  readonly draftStatus: Locator;
  readonly locked: Locator;
  readonly versions: Locator;
  readonly previewButton: Locator;
  readonly preview: Locator;
  readonly packScanResult: Locator;
  readonly packScanError: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByTestId('dispense-form');
    this.addEntryButton = page.getByTestId('add-entry');
    this.submitButton = page.getByTestId('submit-dispense');
    this.closeButton = page.getByTestId('close-case');
    this.confirmation = page.getByTestId('dispense-confirmation');
    this.unsentChanges = page.getByTestId('dispense-unsent-changes');
    this.changes = page.getByTestId('dispense-changes');
    this.diff = page.getByTestId('dispense-diff');
    this.error = page.getByTestId('dispense-error');
    this.refused = page.getByTestId('dispense-refused');
    this.unchanged = page.getByTestId('dispense-unchanged');
    this.draftStatus = page.getByTestId('draft-status');
    this.locked = page.getByTestId('dispense-locked');
    this.versions = page.getByTestId('versions');
    this.previewButton = page.getByTestId('patient-preview-open');
    this.preview = page.getByTestId('patient-preview');
    this.packScanResult = page.getByTestId('pack-scan-result');
    this.packScanError = page.getByTestId('pack-scan-error');
  }

  entry(index: number): Locator {
    return this.page.getByTestId(`dispense-entry-${index}`);
  }

  /** All entries of the list. */
  entries(): Locator {
    return this.form.locator('fieldset[data-entry-index]');
  }

  field(index: number, field: EntryField): Locator {
    return this.page.getByTestId(`dispense-entry-${index}-${field}`);
  }

  fieldError(index: number, field: EntryField): Locator {
    return this.page.getByTestId(`dispense-entry-${index}-${field}-error`);
  }

  /** The live pre-flight findings shown at a field. */
  fieldFinding(index: number, field: EntryField): Locator {
    return this.page.getByTestId(`dispense-entry-${index}-${field}-finding`);
  }

  /**
   * One live finding at entry `index` by its rule code (docs/checks.md), e.g. `finding(0, 'PH_QUANTITY_MORE')`;
   * `data-state` = error | blocking | needs-reason | confirmed | warning | info (docs/qa-contract.md).
   */
  finding(index: number, code: string): Locator {
    return this.page.getByTestId(`dispense-entry-${index}-finding-${code}`);
  }

  /**
   * Confirms a deviation as the pharmacist does (docs/checks.md „Overrides with a reason“): „Abweichung bestätigen“
   * at the finding, the reason typed, „Speichern“. Waits until the reason shows as „bestätigt: …“ and the finding
   * counts as confirmed, so a submit right after it is not refused for it. The finding must show already.
   */
  async confirmDeviation(index: number, code: string, reason: string): Promise<void> {
    const testId = `dispense-entry-${index}-override-${code}`;
    await this.page.getByTestId(testId).click();
    await this.page.getByTestId(`${testId}-reason`).fill(reason);
    await this.page.getByTestId(`${testId}-save`).click();
    await expect(this.page.getByTestId(`${testId}-confirmed`)).toHaveText(`bestätigt: ${reason}`);
    await expect(this.finding(index, code)).toHaveAttribute('data-state', 'confirmed');
  }

  async addEntry(): Promise<void> {
    await this.addEntryButton.click();
  }

  /** Fills a finished-product entry by hand: PZN (the catalogue fills the name), batch, expiry, packs. */
  async fillProduct(index: number, item: { pzn: string; batch: string; expiry: string; packs?: number }): Promise<void> {
    await this.field(index, 'pzn').fill(item.pzn);
    await this.field(index, 'batch').fill(item.batch);
    await this.field(index, 'expiry').fill(item.expiry);
    if (item.packs !== undefined) await this.field(index, 'packs').fill(String(item.packs));
  }

  /** A pack scan while the focus is in `field` of entry `index` (or wherever it is, without a field). */
  async scanPack(code: string, into?: { index: number; field: EntryField }): Promise<void> {
    if (into) await this.field(into.index, into.field).focus();
    await typeLikeScanner(this.page, code);
  }

  async submit(): Promise<void> {
    await this.submitButton.click();
  }

  async close(): Promise<void> {
    await this.closeButton.click();
  }

  version(n: number): Locator {
    return this.page.getByTestId(`version-${n}`);
  }

  /** Opens version n's details (entries + comparison with the one before). */
  async showVersion(n: number): Promise<Locator> {
    await this.page.getByTestId(`version-${n}-toggle`).click();
    return this.page.getByTestId(`version-${n}-details`);
  }
}
