/**
 * The app under test as one object (docs/qa.md „Fixtures“): the running browser mode (its URL, data directory,
 * output, stop) and every page object bound to the test's page, so a spec reads `app.editor.submit()` instead of
 * building page objects itself.
 */
import type { Page } from '@playwright/test';
import type { BrowserModeHandle } from './browser-mode';
import { ConnectionPanel } from './connection-panel';
import { CounterPage } from './counter-page';
import { EditorPage } from './editor-page';
import { InboxPage } from './inbox-page';
import { PrescriptionPage } from './prescription-page';
import { ReceiptPage } from './receipt-page';
import { TrainerPage } from './trainer-page';

export interface ErxApp extends BrowserModeHandle {
  readonly page: Page;
  /** frame, scan field, staff switch, training banner */
  readonly counter: CounterPage;
  readonly inbox: InboxPage;
  /** the open case's head and prescription; return / delete */
  readonly prescription: PrescriptionPage;
  /** the dispense editor: entries, submit, close, changes, versions, preview, pack scans */
  readonly editor: EditorPage;
  readonly receipt: ReceiptPage;
  /** connection indicator and notice, pending operations (Alt+W), retry notice, settings */
  readonly connection: ConnectionPanel;
  /** the trainer panel (Alt+T): deck, codes on screen, patient's view, token sheet, simulated time */
  readonly trainer: TrainerPage;
  /** Opens the app in the page and waits for the scan field. */
  open(): Promise<void>;
  /** Opens the app and chooses the staff member (a demo Kürzel such as `AB`) — the usual start at the counter. */
  openAs(kuerzel: string): Promise<void>;
}

export function bindApp(handle: BrowserModeHandle, page: Page): ErxApp {
  const counter = new CounterPage(page);
  return {
    ...handle,
    page,
    counter,
    inbox: new InboxPage(page),
    prescription: new PrescriptionPage(page),
    editor: new EditorPage(page),
    receipt: new ReceiptPage(page),
    connection: new ConnectionPanel(page),
    trainer: new TrainerPage(page),
    open: () => counter.open(handle.appUrl),
    openAs: async (kuerzel) => {
      await counter.open(handle.appUrl);
      await counter.chooseStaff(kuerzel);
    },
  };
}
