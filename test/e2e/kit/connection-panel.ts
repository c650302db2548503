/**
 * Page object for the connection to the Fachdienst (A_23814–A_23816; test ids: docs/qa-contract.md): the
 * header indicator, the notice while offline/disrupted with „Jetzt erneut versuchen“, the panel of pending
 * operations (Alt+W) with „Verwerfen“ behind a confirmation, „wird erneut versucht“ with „Abbrechen“, and
 * „Einstellungen & Info“ (data protection, network settings). Locators by test id, role or label only
 * (architecture §9.10).
 */
import type { Locator, Page } from '@playwright/test';

export type ConnectionState = 'online' | 'degraded' | 'offline' | 'unknown';
/** reject/abort are listed only while (and after) their outcome is reconciled (docs/reliability.md) */
export type PendingOperationKind = 'accept' | 'dispense' | 'close' | 'reject' | 'abort';
export type PendingOperationState = 'pending' | 'done' | 'failed' | 'cancelled';
export type PendingReason = 'outcome-unknown' | 'offline' | 'rate-limited';

export class ConnectionPanel {
  readonly indicator: Locator;
  readonly pendingCount: Locator;
  readonly notice: Locator;
  readonly noticeMessage: Locator;
  readonly noticeHop: Locator;
  readonly noticeDetails: Locator;
  readonly retryNow: Locator;
  readonly panel: Locator;
  readonly empty: Locator;
  readonly resume: Locator;
  readonly closeButton: Locator;
  readonly cancelDialog: Locator;
  readonly settings: Locator;
  readonly dataProtection: Locator;

  constructor(readonly page: Page) {
    this.indicator = page.getByTestId('connection-indicator');
    this.pendingCount = page.getByTestId('pending-count');
    this.notice = page.getByTestId('connection-notice');
    this.noticeMessage = page.getByTestId('connection-notice-message');
    this.noticeHop = page.getByTestId('connection-notice-hop');
    this.noticeDetails = page.getByTestId('connection-notice-details');
    this.retryNow = page.getByTestId('connection-retry');
    this.panel = page.getByTestId('pending-operations');
    this.empty = page.getByTestId('pending-empty');
    this.resume = page.getByTestId('pending-resume');
    this.closeButton = page.getByTestId('pending-close');
    this.cancelDialog = page.getByTestId('pending-cancel-dialog');
    this.settings = page.getByTestId('app-settings');
    this.dataProtection = page.getByTestId('data-protection');
  }

  /** online | degraded | offline | unknown, as the indicator shows it (`data-state`). */
  async state(): Promise<ConnectionState> {
    return (await this.indicator.getAttribute('data-state')) as ConnectionState;
  }

  /** Waits until the indicator shows `state` (e.g. after a fault was switched on or off in the simulator). */
  async waitForState(state: ConnectionState, timeout = 5_000): Promise<void> {
    await this.page.locator(`[data-testid="connection-indicator"][data-state="${state}"]`).waitFor({ timeout });
  }

  /** Operations waiting for the Fachdienst, as the indicator's badge says (0 when it shows none). */
  async pendingCountValue(): Promise<number> {
    if ((await this.pendingCount.count()) === 0) return 0;
    return Number(await this.pendingCount.getAttribute('data-count'));
  }

  /** „Jetzt erneut versuchen“ in the notice (resumePendingOperations). */
  async retryConnection(): Promise<void> {
    await this.retryNow.click();
  }

  /** Opens the pending operations from the indicator (Alt+W does the same) and waits for the panel. */
  async open(): Promise<void> {
    if (await this.panel.isVisible()) return;
    await this.indicator.click();
    await this.panel.waitFor();
  }

  async close(): Promise<void> {
    await this.closeButton.click();
    await this.panel.waitFor({ state: 'detached' });
  }

  /** Every listed operation: pending first, then the ones the app finished on its own. */
  rows(): Locator {
    return this.panel.getByTestId('pending-operation');
  }

  /** The rows of one prescription, optionally narrowed to one operation and state. */
  rowsFor(prescriptionId: string, filter: { operation?: PendingOperationKind; state?: PendingOperationState; reason?: PendingReason } = {}): Locator {
    const attributes = [
      `[data-prescription-id="${prescriptionId}"]`,
      filter.operation ? `[data-operation="${filter.operation}"]` : '',
      filter.state ? `[data-state="${filter.state}"]` : '',
      filter.reason ? `[data-reason="${filter.reason}"]` : '',
    ].join('');
    return this.panel.locator(`[data-testid="pending-operation"]${attributes}`);
  }

  /** The German message of a finished row (what the app did about it). */
  message(row: Locator): Locator {
    return row.getByTestId('pending-message');
  }

  /** Opens the case of a row by its PrescriptionID; the panel closes. */
  async openCase(row: Locator): Promise<void> {
    await row.getByTestId('pending-open-case').click();
    await this.page.getByTestId('case-view').waitFor();
  }

  /** „Verwerfen“ of a queued row (offline / rate-limited) and the confirmation; `confirm: false` cancels it. */
  async discard(row: Locator, { confirm = true }: { confirm?: boolean } = {}): Promise<void> {
    await row.getByTestId('pending-cancel').click();
    await this.cancelDialog.waitFor();
    await this.page.getByTestId(confirm ? 'pending-cancel-dialog-confirm' : 'pending-cancel-dialog-cancel').click();
    if (!confirm) await this.cancelDialog.waitFor({ state: 'detached' });
  }

  /**
   * „Verbindung prüfen“ in the panel (opened first): main walks every hop (docs/ti.md „Diagnosis“). Waits for the
   * result and answers `step:state` per step, e.g. `['konnektor:ok', 'smcb:failed', 'idp-discovery:skipped', …]`.
   */
  async checkConnection(): Promise<string[]> {
    await this.open();
    const check = this.panel.getByTestId('connection-check');
    const runs = Number(await check.getAttribute('data-runs'));
    await this.panel.getByTestId('connection-check-run').click();
    // `data-runs` counts ended checks: the result below is this check's, not the one before
    await this.panel.locator(`[data-testid="connection-check"][data-runs="${runs + 1}"]`).waitFor();
    const result = check.getByTestId('connection-check-result');
    return result
      .getByTestId('connection-check-step')
      .evaluateAll((steps) => steps.map((step) => `${step.getAttribute('data-step')}:${step.getAttribute('data-state')}`));
  }

  /** One step of the last „Verbindung prüfen“ (`data-step`, `data-state`, `data-hop`; its German message inside). */
  checkStep(step: string): Locator {
    return this.panel.locator(`[data-testid="connection-check-step"][data-step="${step}"]`);
  }

  /** „Jetzt erneut versuchen“ in the panel. */
  async resumeAll(): Promise<void> {
    await this.resume.click();
  }

  /** „Wird erneut versucht …“ — of one prescription, or any. */
  retryNotice(prescriptionId?: string): Locator {
    return prescriptionId
      ? this.page.locator(`[data-testid="retry-notice"][data-prescription-id="${prescriptionId}"]`)
      : this.page.getByTestId('retry-notice');
  }

  /** The attempt that just failed, as the notice shows it (`data-attempt`). */
  async retryAttempt(prescriptionId: string): Promise<number> {
    return Number(await this.retryNotice(prescriptionId).getAttribute('data-attempt'));
  }

  /** „Abbrechen“ of a running automatic retry (cancelRetry); the notice goes. */
  async cancelRetry(prescriptionId: string): Promise<void> {
    const notice = this.retryNotice(prescriptionId);
    await notice.getByTestId('retry-cancel').click();
    await notice.waitFor({ state: 'detached' });
  }

  /** Opens „Einstellungen & Info“ (Alt+I). */
  async openSettings(): Promise<void> {
    await this.page.getByTestId('app-settings-open').click();
    await this.settings.waitFor();
  }

  async closeSettings(): Promise<void> {
    await this.page.getByTestId('app-settings-close').click();
    await this.settings.waitFor({ state: 'detached' });
  }

  /** Shown network settings: timeout, backoff base (as text, e.g. "250 ms") and maximum attempts. */
  networkSettings(): { timeout: Locator; retryBase: Locator; maxAttempts: Locator } {
    return {
      timeout: this.page.getByTestId('network-timeout'),
      retryBase: this.page.getByTestId('network-retry-base'),
      maxAttempts: this.page.getByTestId('network-max-attempts'),
    };
  }
}
