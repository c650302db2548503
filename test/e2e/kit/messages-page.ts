/**
 * Page object for the patients' messages (test ids: docs/qa-contract.md „Nachrichten“): the inbox panel „Nachrichten“
 * (Alt+Z) with the Zuweisungen, and the open case's thread with the reply composer. A Zuweisung itself is sent through
 * the simulator handle (`sim.assignPrescription(taskId, wish)`), the patient's side read back with `sim.repliesOf(kvnr)`.
 */
import type { Locator, Page } from '@playwright/test';

export type ReplyTemplate = 'free' | 'pickup' | 'ordered' | 'unavailable';

export class MessagesPage {
  readonly navButton: Locator;
  readonly badge: Locator;
  readonly panel: Locator;
  readonly requests: Locator;
  readonly thread: Locator;
  readonly threadMessages: Locator;
  readonly composer: Locator;
  readonly replyText: Locator;
  readonly pickUpCode: Locator;
  readonly sendButton: Locator;
  readonly sent: Locator;
  readonly problems: Locator;

  constructor(readonly page: Page) {
    this.navButton = page.getByTestId('nav-messages');
    this.badge = page.getByTestId('messages-badge');
    this.panel = page.getByTestId('messages-panel');
    this.requests = this.panel.getByTestId('message-request');
    this.thread = page.getByTestId('case-messages');
    this.threadMessages = this.thread.getByTestId('case-message');
    this.composer = page.getByTestId('reply-composer');
    this.replyText = this.composer.getByTestId('reply-text');
    this.pickUpCode = this.composer.getByTestId('reply-pickup-code');
    this.sendButton = this.composer.getByTestId('reply-send');
    this.sent = page.getByTestId('reply-sent');
    this.problems = this.composer.getByTestId('reply-problem');
  }

  /** Opens the panel from the header (Alt+Z does the same). */
  async open(): Promise<void> {
    if (!(await this.panel.isVisible())) await this.navButton.click();
    await this.panel.waitFor();
  }

  /** „Aktualisieren“: the app asks the Fachdienst for new messages now. */
  async refresh(): Promise<void> {
    await this.panel.getByTestId('messages-refresh').click();
  }

  request(prescriptionId: string): Locator {
    return this.panel.locator(`[data-testid="message-request"][data-prescription-id="${prescriptionId}"]`);
  }

  /** „Annehmen“ on the Zuweisung of this prescription: claims it and opens the case. */
  async accept(prescriptionId: string): Promise<void> {
    await this.request(prescriptionId).getByTestId('message-accept').click();
  }

  /** Opens the panel, fetches now and accepts the Zuweisung of this prescription: its case opens. */
  async fetchAndAccept(prescriptionId: string): Promise<void> {
    await this.open();
    await this.refresh();
    await this.accept(prescriptionId);
  }

  async chooseTemplate(template: ReplyTemplate): Promise<void> {
    await this.composer.getByTestId('reply-template').selectOption(template);
  }

  async send(): Promise<void> {
    await this.sendButton.click();
  }
}
