/**
 * Page object for „Rezepte per Gesundheitskarte“ (Alt+G; test ids: docs/qa-contract.md „eGK“). The card itself is
 * inserted through the simulator handle (`sim.insertEgk(kvnr)`).
 */
import type { Locator, Page } from '@playwright/test';

export class EgkPage {
  readonly dialog: Locator;
  readonly waiting: Locator;
  readonly patient: Locator;
  readonly prescriptions: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByTestId('egk-dialog');
    this.waiting = this.dialog.getByTestId('egk-waiting');
    this.patient = this.dialog.getByTestId('egk-patient');
    this.prescriptions = this.dialog.getByTestId('egk-prescription');
    this.error = this.dialog.getByTestId('egk-error');
  }

  /** Opens the dialog from the header (Alt+G does the same). */
  async open(): Promise<void> {
    await this.page.getByTestId('egk-open').click();
    await this.dialog.waitFor();
  }

  async close(): Promise<void> {
    await this.dialog.getByTestId('egk-cancel').click();
    await this.dialog.waitFor({ state: 'detached' });
  }

  prescription(prescriptionId: string): Locator {
    return this.dialog.locator(`[data-testid="egk-prescription"][data-prescription-id="${prescriptionId}"]`);
  }

  /** Unticks one listed prescription: it will not be claimed. */
  async untick(prescriptionId: string): Promise<void> {
    await this.prescription(prescriptionId).getByTestId('egk-tick').uncheck();
  }

  /** „Übernehmen“: claims the ticked ones. */
  async accept(): Promise<void> {
    await this.dialog.getByTestId('egk-accept').click();
  }
}
