/** Page object for the receipt (Quittung) of a closed case (spec §7). */
import type { Locator, Page } from '@playwright/test';

export class ReceiptPage {
  readonly root: Locator;
  readonly prescriptionId: Locator;
  readonly completedAt: Locator;
  readonly pharmacy: Locator;
  readonly telematikId: Locator;
  readonly signature: Locator;
  readonly staff: Locator;
  readonly receivedAt: Locator;
  readonly printButton: Locator;
  readonly refetchButton: Locator;
  readonly refetched: Locator;
  readonly refetchError: Locator;
  /** „TRAINING – keine echte Quittung“: only in training, on screen and in print */
  readonly trainingMark: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('receipt');
    this.prescriptionId = page.getByTestId('receipt-prescription-id');
    this.completedAt = page.getByTestId('receipt-completed-at');
    this.pharmacy = page.getByTestId('receipt-pharmacy');
    this.telematikId = page.getByTestId('receipt-telematik-id');
    this.signature = page.getByTestId('receipt-signature');
    this.staff = page.getByTestId('receipt-staff');
    this.receivedAt = page.getByTestId('receipt-received-at');
    this.printButton = page.getByTestId('receipt-print');
    this.refetchButton = page.getByTestId('receipt-refetch');
    this.refetched = page.getByTestId('receipt-refetched');
    this.refetchError = page.getByTestId('receipt-refetch-error');
    this.trainingMark = page.getByTestId('receipt-training-mark');
  }

  async refetch(): Promise<void> {
    await this.refetchButton.click();
  }
}
