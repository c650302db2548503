/**
 * Page object for an open case's head and prescription view: id, flow type, deadlines,
 * flags, the status badge, and „Rezept zurückgeben“ / „Rezept löschen“ with their confirmation dialogs.
 */
import type { Locator, Page } from '@playwright/test';

export class PrescriptionPage {
  readonly caseView: Locator;
  readonly view: Locator;
  readonly prescriptionId: Locator;
  readonly status: Locator;
  readonly flowType: Locator;
  readonly tRezeptMarker: Locator;
  readonly acceptDate: Locator;
  readonly expiryDate: Locator;
  readonly deadlineWarning: Locator;
  readonly deadlineBlocked: Locator;
  readonly mvoFlag: Locator;
  readonly findings: Locator;
  readonly patientName: Locator;
  readonly patientKvnr: Locator;
  readonly ended: Locator;
  readonly rejectButton: Locator;
  readonly abortButton: Locator;
  readonly backToInbox: Locator;

  constructor(readonly page: Page) {
    this.caseView = page.getByTestId('case-view');
    this.view = page.getByTestId('prescription-view');
    this.prescriptionId = page.getByTestId('prescription-id');
    this.status = page.getByTestId('case-status');
    this.flowType = page.getByTestId('flow-type');
    this.tRezeptMarker = page.getByTestId('t-rezept-marker');
    this.acceptDate = page.getByTestId('accept-date');
    this.expiryDate = page.getByTestId('expiry-date');
    this.deadlineWarning = page.getByTestId('deadline-warning');
    this.deadlineBlocked = page.getByTestId('deadline-blocked');
    this.mvoFlag = page.getByTestId('flag-mvo');
    this.findings = page.getByTestId('prescription-findings');
    this.patientName = page.getByTestId('patient-name');
    this.patientKvnr = page.getByTestId('patient-kvnr');
    this.ended = page.getByTestId('case-ended');
    this.rejectButton = page.getByTestId('reject-case');
    this.abortButton = page.getByTestId('abort-case');
    this.backToInbox = page.getByTestId('back-to-inbox');
  }

  /** The open case's PrescriptionID as the app shows it in `case-view`. */
  openCaseId(): Promise<string | null> {
    return this.caseView.getAttribute('data-prescription-id');
  }

  /** The confirmation dialog of „Rezept zurückgeben“ (reject) or „Rezept löschen“ (abort). */
  dialog(kind: 'reject' | 'abort'): { root: Locator; confirm: Locator; cancel: Locator; error: Locator } {
    const id = `${kind}-dialog`;
    return {
      root: this.page.getByTestId(id),
      confirm: this.page.getByTestId(`${id}-confirm`),
      cancel: this.page.getByTestId(`${id}-cancel`),
      error: this.page.getByTestId(`${id}-error`),
    };
  }

  async reject(): Promise<void> {
    await this.rejectButton.click();
    await this.dialog('reject').confirm.click();
  }

  async abort(): Promise<void> {
    await this.abortButton.click();
    await this.dialog('abort').confirm.click();
  }
}
