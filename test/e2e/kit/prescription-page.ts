/**
 * Page object for an open case's head and prescription view: id, flow type, deadlines,
 * flags, the status badge, and „Rezept zurückgeben“ / „Rezept löschen“ with their confirmation dialogs. With several
 * counters on one store also who holds the case (docs/multi-counter.md §4): the lease banner and „Übernehmen“.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** Another counter holding the open case, as `case-lease` names it (docs/qa-contract.md). */
export interface CaseLeaseHolder {
  /** that counter's name, e.g. „Kasse 2“ */
  counter: string;
  /** the Kürzel working there; empty when none is chosen */
  staff: string;
  /** it is sending to the Fachdienst right now („Übernehmen“ is disabled meanwhile) */
  busy: boolean;
}

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
  /** `case-lease`: shown only while another counter holds the open case */
  readonly leaseBanner: Locator;
  /** „Übernehmen“ inside the lease banner */
  readonly takeOverButton: Locator;

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
    this.leaseBanner = page.getByTestId('case-lease');
    this.takeOverButton = page.getByTestId('case-lease-take-over');
  }

  /**
   * Whom main said the open case belongs to (`case-view`'s `data-lease`): `mine`, `other`, or null until main
   * answered (and for a closed or ended case). Wait on it with `expect(prescription.caseView).toHaveAttribute(…)`.
   */
  leaseState(): Promise<string | null> {
    return this.caseView.getAttribute('data-lease');
  }

  /** The other counter holding the open case, read from `case-lease`'s attributes; waits for the banner. */
  async lease(): Promise<CaseLeaseHolder> {
    await this.leaseBanner.waitFor();
    const [counter, staff, busy] = await Promise.all([
      this.leaseBanner.getAttribute('data-counter'),
      this.leaseBanner.getAttribute('data-staff'),
      this.leaseBanner.getAttribute('data-busy'),
    ]);
    return { counter: counter ?? '', staff: staff ?? '', busy: busy === 'true' };
  }

  /** The confirmation of „Übernehmen“ (`case-lease-dialog`). */
  leaseDialog(): { root: Locator; confirm: Locator; cancel: Locator; error: Locator } {
    const id = 'case-lease-dialog';
    return {
      root: this.page.getByTestId(id),
      confirm: this.page.getByTestId(`${id}-confirm`),
      cancel: this.page.getByTestId(`${id}-cancel`),
      error: this.page.getByTestId(`${id}-error`),
    };
  }

  /**
   * „Übernehmen“ and its confirmation; resolves once the case is this counter's (banner gone, `data-lease="mine"`).
   * A refusal (the other counter is sending) shows in `leaseDialog().error` and fails the wait.
   */
  async takeOver(): Promise<void> {
    await this.takeOverButton.click();
    await this.leaseDialog().confirm.click();
    await expect(this.leaseBanner).toHaveCount(0);
    await expect(this.caseView).toHaveAttribute('data-lease', 'mine');
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
