/**
 * Page object for the trainer panel (training mode only; test ids: docs/qa-contract.md): the
 * scenario deck with load and reset (each behind a confirmation when needed), the loaded scenario with its steps
 * and faults, one card per prescription with its E-Rezept code as a DataMatrix on screen, the patient's view,
 * the printable token sheet — and the backend choice in „Einstellungen & Info“. Locators by test id, role or
 * label only (architecture §9.10).
 */
import type { Locator, Page } from '@playwright/test';
import { decodeOneDataMatrix } from './datamatrix';

/** A prescription of the loaded scenario: its label as the steps name it („Rezept A“) or its PrescriptionID. */
export type PrescriptionRef = string;

export class TrainerPage {
  readonly openButton: Locator;
  readonly panel: Locator;
  readonly closeButton: Locator;
  readonly deck: Locator;
  readonly scenarios: Locator;
  readonly loadDialog: Locator;
  readonly loadError: Locator;
  readonly scenariosError: Locator;
  readonly busy: Locator;
  readonly loaded: Locator;
  readonly title: Locator;
  readonly steps: Locator;
  readonly faults: Locator;
  readonly noScenario: Locator;
  readonly prescriptions: Locator;
  readonly resetButton: Locator;
  readonly resetDialog: Locator;
  readonly resetDone: Locator;
  readonly resetError: Locator;
  readonly tokenSheet: Locator;
  readonly tokenSheetPrint: Locator;
  readonly tokenSheetTraining: Locator;
  readonly clockHourButton: Locator;
  readonly clockNow: Locator;
  readonly clockError: Locator;

  constructor(readonly page: Page) {
    this.openButton = page.getByTestId('trainer-open');
    this.panel = page.getByTestId('trainer-panel');
    this.closeButton = page.getByTestId('trainer-close');
    this.deck = page.getByTestId('scenario-deck');
    this.scenarios = page.getByTestId('scenario');
    this.loadDialog = page.getByTestId('scenario-load-dialog');
    this.loadError = page.getByTestId('trainer-load-error');
    this.scenariosError = page.getByTestId('trainer-scenarios-error');
    this.busy = page.getByTestId('trainer-busy');
    this.loaded = page.getByTestId('loaded-scenario');
    this.title = page.getByTestId('loaded-scenario-title');
    this.steps = page.getByTestId('scenario-steps').getByRole('listitem');
    this.faults = page.getByTestId('scenario-faults').getByRole('listitem');
    this.noScenario = page.getByTestId('trainer-no-scenario');
    this.prescriptions = page.getByTestId('training-prescription');
    this.resetButton = page.getByTestId('training-reset');
    this.resetDialog = page.getByTestId('training-reset-dialog');
    this.resetDone = page.getByTestId('training-reset-done');
    this.resetError = page.getByTestId('training-reset-error');
    this.tokenSheet = page.getByTestId('token-sheet');
    this.tokenSheetPrint = page.getByTestId('token-sheet-print');
    this.tokenSheetTraining = page.getByTestId('token-sheet-training');
    this.clockHourButton = page.getByTestId('trainer-clock-hour');
    this.clockNow = page.getByTestId('trainer-clock-now');
    this.clockError = page.getByTestId('trainer-clock-error');
  }

  /** Opens the panel („Training“, Alt+T does the same) and waits for the deck. */
  async open(): Promise<void> {
    if (!(await this.panel.isVisible())) await this.openButton.click();
    await this.deck.waitFor();
  }

  async close(): Promise<void> {
    await this.closeButton.click();
    await this.panel.waitFor({ state: 'detached' });
  }

  /** One scenario of the deck by its name (`data-name`, e.g. `standard-gkv-pzn`); `data-loaded="true"` once loaded. */
  scenario(name: string): Locator {
    return this.page.locator(`[data-testid="scenario"][data-name="${name}"]`);
  }

  /** The names of the deck's scenarios, in order. */
  async scenarioNames(): Promise<string[]> {
    await this.scenarios.first().waitFor();
    return this.scenarios.evaluateAll((items) => items.map((item) => item.getAttribute('data-name') ?? ''));
  }

  /**
   * „Laden“: resets the training store and loads the scenario. When cases exist the app asks first
   * („Alle Übungsdaten werden zurückgesetzt“); `confirm: false` answers „Abbrechen“ there. Resolves once this
   * load is shown (a new `data-loaded-at`), or throws main's message when the load failed.
   */
  async loadScenario(name: string, { confirm = true }: { confirm?: boolean } = {}): Promise<void> {
    await this.open();
    const before = (await this.loaded.count()) > 0 ? await this.loaded.getAttribute('data-loaded-at') : null;
    const fresh = this.page.locator(
      `[data-testid="loaded-scenario"][data-name="${name}"]${before ? `:not([data-loaded-at="${before}"])` : ''}`,
    );
    await this.scenario(name).getByTestId('scenario-load').click();
    await fresh.or(this.loadDialog).or(this.loadError).first().waitFor();
    if (await this.loadDialog.isVisible()) {
      await this.page
        .getByTestId(confirm ? 'scenario-load-dialog-confirm' : 'scenario-load-dialog-cancel')
        .click();
      if (!confirm) {
        await this.loadDialog.waitFor({ state: 'detached' });
        return;
      }
      await fresh.or(this.loadError).first().waitFor();
    }
    if (await this.loadError.isVisible())
      throw new Error(`Szenario ${name} nicht geladen: ${await this.errorMessage(this.loadError)}`);
  }

  /** „Zurücksetzen“ and its confirmation (`confirm: false` cancels); resolves once the store is empty. */
  async reset({ confirm = true }: { confirm?: boolean } = {}): Promise<void> {
    await this.open();
    await this.resetButton.click();
    await this.resetDialog.waitFor();
    await this.page
      .getByTestId(confirm ? 'training-reset-dialog-confirm' : 'training-reset-dialog-cancel')
      .click();
    if (!confirm) {
      await this.resetDialog.waitFor({ state: 'detached' });
      return;
    }
    await this.resetDone.or(this.resetError).first().waitFor();
    if (await this.resetError.isVisible())
      throw new Error(`Zurücksetzen fehlgeschlagen: ${await this.errorMessage(this.resetError)}`);
  }

  /** The card of one prescription of the loaded scenario (`data-label`, `data-prescription-id`, `data-accepted-by`). */
  prescription(ref: PrescriptionRef): Locator {
    return this.page.locator(
      `[data-testid="training-prescription"][data-label="${ref}"], [data-testid="training-prescription"][data-prescription-id="${ref}"]`,
    );
  }

  /** The PrescriptionID of a card, e.g. to open its case in the inbox afterwards. */
  async prescriptionId(ref: PrescriptionRef): Promise<string> {
    return (await this.prescription(ref).getAttribute('data-prescription-id')) ?? '';
  }

  /** „schon vergeben“: present when another pharmacy already holds the prescription. */
  acceptedBy(ref: PrescriptionRef): Locator {
    return this.prescription(ref).getByTestId('training-accepted-by');
  }

  /** The on-screen DataMatrix (a canvas, one module = 6 CSS px), once bwip-js has drawn it. */
  async dataMatrix(ref: PrescriptionRef): Promise<Locator> {
    const canvas = this.prescription(ref).getByTestId('training-datamatrix');
    await this.prescription(ref).locator('[data-testid="training-datamatrix"][data-state="drawn"]').waitFor();
    return canvas;
  }

  /** A PNG of the on-screen code, e.g. to decode it with zxing-wasm like a scanner would read the monitor. */
  async dataMatrixPng(ref: PrescriptionRef): Promise<Buffer> {
    return this.pngOf(await this.dataMatrix(ref));
  }

  /** The text a scanner reads from the on-screen code of one prescription (its screenshot, decoded with zxing-wasm). */
  async readDataMatrix(ref: PrescriptionRef): Promise<string> {
    return decodeOneDataMatrix(await this.dataMatrixPng(ref));
  }

  /** A PNG of one prescription's own code on the token sheet (its token alone). */
  async tokenSheetCodePng(ref: PrescriptionRef): Promise<Buffer> {
    return this.pngOf(this.tokenSheetItem(ref).getByTestId('token-sheet-datamatrix'));
  }

  /** A PNG of the n-th combined code of the token sheet (0-based; up to three tokens each). */
  async combinedCodePng(index = 0): Promise<Buffer> {
    return this.pngOf(this.combinedCodes().nth(index).getByTestId('token-sheet-combined-datamatrix'));
  }

  /**
   * „Simulatorzeit +1 Stunde“ (e.g. the hour a 429 makes the app wait); resolves with the simulated time the panel
   * shows afterwards (ISO), or throws main's message.
   */
  async advanceClockOneHour(): Promise<string> {
    await this.open();
    const before = (await this.clockNow.count()) > 0 ? await this.clockNow.getAttribute('data-now') : null;
    const fresh = this.page.locator(`[data-testid="trainer-clock-now"]${before ? `:not([data-now="${before}"])` : ''}`);
    await this.clockHourButton.click();
    await fresh.or(this.clockError).first().waitFor();
    if (await this.clockError.isVisible())
      throw new Error(`Simulatorzeit nicht vorgestellt: ${await this.errorMessage(this.clockError)}`);
    return (await fresh.getAttribute('data-now')) ?? '';
  }

  /** Opens the panel if needed, then the patient's view of one prescription, and waits for its status. */
  async openPatientView(ref: PrescriptionRef): Promise<Locator> {
    await this.open();
    const card = this.prescription(ref);
    const view = card.getByTestId('insurant-view');
    if (!(await view.isVisible())) await card.getByTestId('patient-view-open').click();
    await view
      .getByTestId('insurant-view-status')
      .or(view.getByTestId('insurant-view-error'))
      .first()
      .waitFor();
    return view;
  }

  /** „Aktualisieren“ in an open patient view. */
  async refreshPatientView(ref: PrescriptionRef): Promise<void> {
    await this.prescription(ref).getByTestId('insurant-view-refresh').click();
  }

  /** The Task status the patient's app shows (`data-status`: ready, in-progress, completed, cancelled). */
  async patientViewStatus(ref: PrescriptionRef): Promise<string | null> {
    return this.prescription(ref).getByTestId('insurant-view-status').getAttribute('data-status');
  }

  /** Waits until the patient's view shows `status` (it follows `case-changed` events). */
  async waitForPatientViewStatus(ref: PrescriptionRef, status: string, timeout = 5_000): Promise<void> {
    await this.prescription(ref)
      .locator(`[data-testid="insurant-view-status"][data-status="${status}"]`)
      .waitFor({ timeout });
  }

  /** The dispenses in the patient's view (medication, „PZN … · Charge …“, date, dosage). */
  patientViewDispenses(ref: PrescriptionRef): Locator {
    return this.prescription(ref).getByTestId('insurant-view-dispense');
  }

  /** One prescription's entry on the token sheet. */
  tokenSheetItem(ref: PrescriptionRef): Locator {
    return this.page.locator(
      `[data-testid="token-sheet-item"][data-label="${ref}"], [data-testid="token-sheet-item"][data-prescription-id="${ref}"]`,
    );
  }

  /** The combined codes of the token sheet (`data-count` = 2 or 3 tokens). */
  combinedCodes(): Locator {
    return this.tokenSheet.getByTestId('token-sheet-combined');
  }

  /**
   * Shows the page as „Code-Blatt drucken“ prints it (the sheet alone), without a print dialog: print media
   * and the same switch the button sets. `endPrintPreview` returns to the screen.
   */
  async printPreview(): Promise<void> {
    await this.page.evaluate(() => {
      document.documentElement.dataset.print = 'token-sheet';
    });
    await this.page.emulateMedia({ media: 'print' });
  }

  async endPrintPreview(): Promise<void> {
    await this.page.emulateMedia({ media: 'screen' });
    await this.page.evaluate(() => {
      delete document.documentElement.dataset.print;
    });
  }

  // ---- backend choice („Einstellungen & Info“) ---------------------------------------------------------

  /**
   * „Echte TI verwenden …“ → „Ich verstehe …“ → „Umschalten“. Resolves when main answered: the dialog closed
   * (switched), or it shows main's refusal (`backend-ti-error`, „Die echte TI wird beim Start gewählt …“). Returns the dialog.
   */
  async chooseRealTi(): Promise<Locator> {
    const settings = this.page.getByTestId('app-settings');
    if (!(await settings.isVisible())) await this.page.getByTestId('app-settings-open').click();
    await this.page.getByTestId('backend-ti').click();
    const dialog = this.page.getByTestId('backend-ti-dialog');
    await dialog.getByTestId('backend-ti-understood').check();
    await dialog.getByTestId('backend-ti-confirm').click();
    await this.page.waitForFunction(
      () =>
        document.querySelector('[data-testid="backend-ti-dialog"]') === null ||
        document.querySelector('[data-testid="backend-ti-error"]') !== null,
    );
    return dialog;
  }

  /** Waits until a code canvas is drawn, scrolls it into view and takes its element screenshot (CSS pixels). */
  private async pngOf(canvas: Locator): Promise<Buffer> {
    await canvas.and(this.page.locator('[data-state="drawn"]')).waitFor();
    await canvas.scrollIntoViewIfNeeded();
    return canvas.screenshot({ animations: 'disabled', scale: 'css' });
  }

  private async errorMessage(alert: Locator): Promise<string> {
    return (
      (await alert.getByTestId(`${(await alert.getAttribute('data-testid')) ?? ''}-message`).textContent()) ??
      ''
    );
  }
}
