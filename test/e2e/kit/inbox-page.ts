/**
 * Page object for the inbox (test ids: docs/qa-contract.md): search, filter, one row per
 * local case, opening a case.
 */
import type { Locator, Page } from '@playwright/test';

export type InboxFilter = 'all' | 'open' | 'to-close' | 'closed' | 'ended';

export class InboxPage {
  readonly root: Locator;
  readonly search: Locator;
  readonly filter: Locator;
  readonly count: Locator;
  readonly empty: Locator;
  readonly navButton: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('inbox');
    this.search = page.getByTestId('inbox-search');
    this.filter = page.getByTestId('inbox-filter');
    this.count = page.getByTestId('inbox-count');
    this.empty = page.getByTestId('inbox-empty');
    this.navButton = page.getByTestId('nav-inbox');
  }

  /** Back to the inbox from any screen (the header button; Alt+V does the same). */
  async show(): Promise<void> {
    await this.navButton.click();
    await this.root.waitFor();
  }

  row(prescriptionId: string): Locator {
    return this.page.getByTestId(`inbox-row-${prescriptionId}`);
  }

  status(prescriptionId: string): Locator {
    return this.page.getByTestId(`inbox-status-${prescriptionId}`);
  }

  closeDeadline(prescriptionId: string): Locator {
    return this.page.getByTestId(`inbox-close-deadline-${prescriptionId}`);
  }

  lastDispense(prescriptionId: string): Locator {
    return this.page.getByTestId(`inbox-last-dispense-${prescriptionId}`);
  }

  /** All rows currently listed. */
  rows(): Locator {
    return this.root.locator('[data-testid^="inbox-row-"]');
  }

  async searchFor(text: string): Promise<void> {
    await this.search.fill(text);
  }

  async showOnly(filter: InboxFilter): Promise<void> {
    await this.filter.selectOption(filter);
  }

  async open(prescriptionId: string): Promise<void> {
    await this.page.getByTestId(`inbox-open-${prescriptionId}`).click();
    await this.page.getByTestId('case-view').waitFor();
  }
}
