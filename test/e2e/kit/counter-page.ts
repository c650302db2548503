/**
 * Page object for the counter screen: scan field, prescription view, dispense form, receipt
 * (test ids: docs/qa-contract.md). Locators by test id, role or label only (architecture §9.10).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { typeLikeScanner } from './scanner';

export class CounterPage {
  readonly scanInput: Locator;
  readonly prescriptionView: Locator;
  readonly dispenseForm: Locator;
  readonly receipt: Locator;
  readonly trainingBanner: Locator;
  readonly staffSwitch: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.scanInput = page.getByTestId('scan-input');
    this.prescriptionView = page.getByTestId('prescription-view');
    this.dispenseForm = page.getByTestId('dispense-form');
    this.receipt = page.getByTestId('receipt');
    this.trainingBanner = page.getByTestId('training-banner');
    this.staffSwitch = page.getByTestId('staff-switch');
    this.alert = page.getByRole('alert');
  }

  async open(appUrl: string): Promise<void> {
    await this.page.goto(appUrl);
    await this.scanInput.waitFor();
  }

  /** Types like a keyboard-wedge scanner: fast key events ending in Enter. */
  async scan(text: string): Promise<void> {
    await this.scanInput.focus();
    await typeLikeScanner(this.page, text);
  }

  /**
   * Chooses the staff member and waits until main has taken it (`setStaff` answered): before that, a scan's
   * Enter is refused as „needs staff“ and the code stays in the field.
   */
  async chooseStaff(kuerzel: string): Promise<void> {
    await this.staffSwitch.selectOption(kuerzel);
    await expect(this.staffSwitch).toBeEnabled({ timeout: 5_000 });
    await expect(this.staffSwitch).toHaveValue(kuerzel, { timeout: 5_000 });
    await expect(this.page.getByTestId('staff-hint')).toHaveCount(0, { timeout: 5_000 });
  }

  entry(index: number): Locator {
    return this.page.getByTestId(`dispense-entry-${index}`);
  }

  entryField(index: number, field: 'pzn' | 'name' | 'packs' | 'batch' | 'expiry' | 'handed-over' | 'dosage'): Locator {
    return this.page.getByTestId(`dispense-entry-${index}-${field}`);
  }

  async submitDispense(): Promise<void> {
    await this.page.getByTestId('submit-dispense').click();
  }

  async closeCase(): Promise<void> {
    await this.page.getByTestId('close-case').click();
  }
}
