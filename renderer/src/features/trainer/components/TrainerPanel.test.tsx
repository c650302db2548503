import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeBridge, type FakeBridgeOptions } from '../../../test/fake-bridge';
import { appError, appInfo, caseDetail, ids } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';
import {
  insurantView,
  loadedScenario,
  threePrescriptionScenario,
  trainingTokens,
} from '../../../test/trainer-fixtures';

// jsdom has no canvas: bwip-js's drawing is replaced, and what it was asked to draw is checked instead.
const { toCanvas } = vi.hoisted(() => ({
  toCanvas: vi.fn((canvas: HTMLCanvasElement, _options: { bcid: string; text: string }) => canvas),
}));
vi.mock('bwip-js/browser', () => ({ toCanvas }));

afterEach(() => {
  toCanvas.mockClear();
});

async function openPanel(options: FakeBridgeOptions = {}) {
  const fake = createFakeBridge(options);
  const rendered = renderWithProviders({ bridge: fake.bridge });
  await rendered.user.click(await screen.findByTestId('trainer-open'));
  const panel = await screen.findByTestId('trainer-panel');
  return { ...rendered, fake, panel };
}

/** The texts bwip-js was asked to draw on this canvas. */
const drawnOn = (canvas: HTMLElement) =>
  toCanvas.mock.calls.filter(([target]) => target === canvas).map(([, options]) => options);

describe('trainer panel: only in training (architecture §2)', () => {
  it('has no „Training“ button, no panel and no Alt+T against the real TI', async () => {
    const fake = createFakeBridge({ appInfo: appInfo({ training: false, backend: 'ti' }) });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await screen.findByTestId('app-ready');
    expect(screen.queryByTestId('trainer-open')).not.toBeInTheDocument();
    await user.keyboard('{Alt>}t{/Alt}');
    expect(screen.queryByTestId('trainer-panel')).not.toBeInTheDocument();
    expect(fake.calls.trainerListScenarios).not.toHaveBeenCalled();
  });

  it('opens with Alt+T (focus on its title) and closes with Esc, focus back on „Training“', async () => {
    const { user } = renderWithProviders({ bridge: createFakeBridge().bridge });
    const opener = await screen.findByTestId('trainer-open');
    expect(opener).toHaveAttribute('aria-keyshortcuts', 'Alt+T');
    expect(opener).toHaveTextContent('Training');

    await user.keyboard('{Alt>}t{/Alt}');
    const panel = await screen.findByTestId('trainer-panel');
    expect(within(panel).getByRole('heading', { name: 'Training: Übungsszenarien' })).toHaveFocus();
    expect(opener).toHaveAttribute('aria-expanded', 'true');

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('trainer-panel')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });
});

describe('the scenario deck', () => {
  it('lists every scenario with title and description; nothing is loaded yet', async () => {
    const { panel, fake } = await openPanel();
    const scenarios = await within(panel).findAllByTestId('scenario');
    expect(scenarios.map((s) => s.getAttribute('data-name'))).toEqual(['gkv-pzn', 'fachdienst-503']);
    expect(scenarios[0]).toHaveTextContent('GKV-Rezept mit PZN');
    expect(scenarios[0]).toHaveTextContent('Ein Fertigarzneimittel abrufen, abgeben und abschließen.');
    expect(within(panel).getByTestId('trainer-no-scenario')).toHaveTextContent('Kein Szenario geladen');
    expect(fake.calls.trainerListScenarios).toHaveBeenCalledTimes(1);
  });

  it('loads at once when the app holds no case, then shows the scenario with a real DataMatrix per prescription', async () => {
    const { user, panel, fake } = await openPanel();
    const [first] = await within(panel).findAllByTestId('scenario');
    await user.click(within(first!).getByTestId('scenario-load'));

    expect(screen.queryByTestId('scenario-load-dialog')).not.toBeInTheDocument();
    expect(fake.calls.trainerLoadScenario).toHaveBeenCalledWith({ name: 'gkv-pzn' });
    const card = await within(panel).findByTestId('training-prescription');
    expect(card).toHaveAttribute('data-prescription-id', ids.first);
    expect(card).toHaveAttribute('data-label', 'Rezept A');
    expect(within(panel).getByTestId('loaded-scenario-title')).toHaveTextContent('GKV-Rezept mit PZN');
    expect(first).toHaveAttribute('data-loaded', 'true');

    const canvas = within(card).getByTestId('training-datamatrix');
    expect(canvas.tagName).toBe('CANVAS');
    await waitFor(() => expect(canvas).toHaveAttribute('data-state', 'drawn'));
    const [options] = drawnOn(canvas);
    expect(options).toMatchObject({ bcid: 'datamatrix', text: `{"urls":["${trainingTokens.a}"]}` });
  });

  it('asks first when cases exist („Alle Übungsdaten werden zurückgesetzt“); cancel loads nothing, confirm loads', async () => {
    const { user, panel, fake } = await openPanel({ cases: [caseDetail()] });
    const [, second] = await within(panel).findAllByTestId('scenario');
    await user.click(within(second!).getByTestId('scenario-load'));

    const dialog = await screen.findByTestId('scenario-load-dialog');
    expect(dialog).toHaveTextContent('Szenario „Fachdienst nicht erreichbar (503)“ laden?');
    expect(dialog).toHaveTextContent('Alle Übungsdaten werden zurückgesetzt');
    await user.click(within(dialog).getByTestId('scenario-load-dialog-cancel'));
    expect(fake.calls.trainerLoadScenario).not.toHaveBeenCalled();

    await user.click(within(second!).getByTestId('scenario-load'));
    await user.click(await screen.findByTestId('scenario-load-dialog-confirm'));
    await waitFor(() =>
      expect(fake.calls.trainerLoadScenario).toHaveBeenCalledWith({ name: 'fachdienst-503' }),
    );
    await waitFor(() => expect(screen.queryByTestId('scenario-load-dialog')).not.toBeInTheDocument());
    // the training store was reset: the inbox no longer shows the old case
    expect(await screen.findByTestId('inbox-empty')).toBeInTheDocument();
  });

  it('shows the steps in order, the armed faults and, per prescription, flow type and „schon vergeben“', async () => {
    const { user, panel } = await openPanel({ scenarioFor: () => threePrescriptionScenario() });
    const [, second] = await within(panel).findAllByTestId('scenario');
    await user.click(within(second!).getByTestId('scenario-load'));

    const steps = await within(panel).findByTestId('scenario-steps');
    expect(steps.tagName).toBe('OL');
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Rezept A vom Bildschirm scannen.',
      'Abgabe erfassen und übermitteln.',
      'Abgabe abschließen und die Quittung prüfen.',
    ]);
    expect(within(panel).getByTestId('scenario-faults')).toHaveTextContent('$accept: 2× HTTP 503');

    const cards = within(panel).getAllByTestId('training-prescription');
    expect(cards.map((c) => c.getAttribute('data-label'))).toEqual(['Rezept A', 'Rezept B', 'Rezept C']);
    expect(within(cards[0]!).queryByTestId('training-accepted-by')).not.toBeInTheDocument();
    expect(within(cards[1]!).getByTestId('training-accepted-by')).toHaveTextContent('schon vergeben');
    expect(within(cards[1]!).getByTestId('training-patient')).toHaveTextContent(
      'Erika Mustermann (geb. 22.06.1935)',
    );
    expect(within(cards[2]!).getByTestId('training-flow-type')).toHaveTextContent(
      'Arzneimittel nach § 3a AMVV (T-Rezept)',
    );
    expect(within(cards[2]!).getByTestId('training-medication')).toHaveTextContent('Lenalidomid 10 mg');
  });

  it('shows the scenario loaded before (kept across restarts) when the panel opens', async () => {
    const { panel, fake } = await openPanel({ currentScenario: loadedScenario({ faults: [] }) });
    expect(await within(panel).findByTestId('loaded-scenario-title')).toHaveTextContent('GKV-Rezept mit PZN');
    expect(within(panel).getByTestId('scenario-no-faults')).toHaveTextContent('Keine Störungen eingestellt.');
    expect(fake.calls.trainerCurrentScenario).toHaveBeenCalled();
  });
});

describe('„Zurücksetzen“', () => {
  it('asks first; only the confirmation empties the training store', async () => {
    const { user, panel, fake } = await openPanel({
      currentScenario: loadedScenario(),
      cases: [caseDetail()],
    });
    await within(panel).findByTestId('loaded-scenario');

    await user.click(within(panel).getByTestId('training-reset'));
    const dialog = await screen.findByTestId('training-reset-dialog');
    expect(dialog).toHaveTextContent('Alle Übungsdaten werden zurückgesetzt');
    expect(within(dialog).getByTestId('training-reset-dialog-cancel')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(fake.calls.trainerReset).not.toHaveBeenCalled();
    // Esc in the dialog closes only the dialog
    expect(screen.getByTestId('trainer-panel')).toBeInTheDocument();

    await user.click(within(panel).getByTestId('training-reset'));
    await user.click(await screen.findByTestId('training-reset-dialog-confirm'));
    await waitFor(() => expect(fake.calls.trainerReset).toHaveBeenCalledTimes(1));
    expect(await within(panel).findByTestId('training-reset-done')).toHaveTextContent(
      'Übungsdaten zurückgesetzt',
    );
    expect(within(panel).getByTestId('trainer-no-scenario')).toBeInTheDocument();
    expect(within(panel).queryByTestId('token-sheet')).not.toBeInTheDocument();
    expect(await screen.findByTestId('inbox-empty')).toBeInTheDocument();
  });

  it('removes local draft copies, so a scenario loaded again does not restore old entries', async () => {
    localStorage.setItem(
      `erx.unsavedDraft.${ids.first}`,
      JSON.stringify({ entries: [{ key: 'x', medication: { kind: 'pzn' } }], savedAt: 'x' }),
    );
    localStorage.setItem('erx.language', 'de');
    const { user, panel } = await openPanel({ currentScenario: loadedScenario() });
    await user.click(await within(panel).findByTestId('training-reset'));
    await user.click(await screen.findByTestId('training-reset-dialog-confirm'));
    await within(panel).findByTestId('training-reset-done');
    expect(localStorage.getItem(`erx.unsavedDraft.${ids.first}`)).toBeNull();
    expect(localStorage.getItem('erx.language')).toBe('de');
  });

  it('says that every counter on a shared store loses its training (issue 18), and only then', async () => {
    const sharedStore = 'postgres://erx@db:5432/apotheke';
    const { user, panel, unmount } = await openPanel({ appInfo: appInfo({ sharedStore }), cases: [caseDetail()] });
    await user.click(within(panel).getByTestId('training-reset'));
    const dialog = await screen.findByTestId('training-reset-dialog');
    expect(within(dialog).getByTestId('training-shared-store')).toHaveTextContent(
      `Mehrere Kassen teilen sich diesen Datenbestand (${sharedStore}): Die Übungsdaten ALLER Kassen werden geleert`,
    );
    await user.keyboard('{Escape}');
    // loading a scenario empties the same store
    await user.click(within(panel).getAllByTestId('scenario-load')[0]!);
    expect(within(await screen.findByTestId('scenario-load-dialog')).getByTestId('training-shared-store')).toHaveTextContent('ALLER Kassen');
    unmount();

    const single = await openPanel({ cases: [caseDetail()] });
    await single.user.click(within(single.panel).getByTestId('training-reset'));
    const alone = await screen.findByTestId('training-reset-dialog');
    expect(alone).toHaveTextContent('Alle Übungsdaten werden zurückgesetzt');
    expect(within(alone).queryByTestId('training-shared-store')).not.toBeInTheDocument();
  });
});

describe('the token sheet (like the patient printout)', () => {
  it('lists each prescription with medication, patient, birth date, prescriber, date and its own code, plus a combined code', async () => {
    const { panel } = await openPanel({ currentScenario: threePrescriptionScenario() });
    const sheet = await within(panel).findByTestId('token-sheet');
    expect(within(sheet).getByTestId('token-sheet-training')).toHaveTextContent(
      'TRAINING – kein gültiges Rezept',
    );

    const items = within(sheet).getAllByTestId('token-sheet-item');
    expect(items).toHaveLength(3);
    const first = items[0]!;
    expect(within(first).getByTestId('token-sheet-medication')).toHaveTextContent(
      'Sumatriptan-1a Pharma 100 mg Tabletten',
    );
    expect(within(first).getByTestId('token-sheet-patient')).toHaveTextContent('Ludger Königsstein');
    expect(within(first).getByTestId('token-sheet-birth-date')).toHaveTextContent('22.06.1935');
    expect(within(first).getByTestId('token-sheet-prescriber')).toHaveTextContent(
      'Dr. med. Hans Topp-Glücklich',
    );
    expect(within(first).getByTestId('token-sheet-authored-on')).toHaveTextContent('01.10.2026');
    const own = within(first).getByTestId('token-sheet-datamatrix');
    await waitFor(() => expect(own).toHaveAttribute('data-state', 'drawn'));
    expect(drawnOn(own)[0]).toMatchObject({ bcid: 'datamatrix', text: `{"urls":["${trainingTokens.a}"]}` });

    const combined = within(sheet).getByTestId('token-sheet-combined');
    expect(combined).toHaveAttribute('data-count', '3');
    expect(combined).toHaveTextContent('Sammelcode für Rezept A, Rezept B, Rezept C');
    const code = within(combined).getByTestId('token-sheet-combined-datamatrix');
    await waitFor(() => expect(code).toHaveAttribute('data-state', 'drawn'));
    expect(drawnOn(code)[0]).toMatchObject({
      bcid: 'datamatrix',
      text: JSON.stringify({ urls: [trainingTokens.a, trainingTokens.b, trainingTokens.t] }),
    });
  });

  it('gives each prescription its own single-token code, also when the scenario printed several on one code', async () => {
    const shared = JSON.stringify({ urls: [trainingTokens.a, trainingTokens.b] });
    const scenario = threePrescriptionScenario();
    scenario.prescriptions = scenario.prescriptions.slice(0, 2).map((p) => ({ ...p, dataMatrix: shared }));
    const { panel } = await openPanel({ currentScenario: scenario });
    const [card] = await within(panel).findAllByTestId('training-prescription');
    const onScreen = within(card!).getByTestId('training-datamatrix');
    const [item] = within(panel).getAllByTestId('token-sheet-item');
    const onSheet = within(item!).getByTestId('token-sheet-datamatrix');
    await waitFor(() => expect(onSheet).toHaveAttribute('data-state', 'drawn'));
    await waitFor(() => expect(onScreen).toHaveAttribute('data-state', 'drawn'));
    // the card shows the printout's code as the scenario made it; the sheet the prescription's own
    expect(drawnOn(onScreen)[0]).toMatchObject({ text: shared });
    expect(drawnOn(onSheet)[0]).toMatchObject({ text: `{"urls":["${trainingTokens.a}"]}` });
  });

  it('has no combined code for a single prescription', async () => {
    const { panel } = await openPanel({ currentScenario: loadedScenario() });
    const sheet = await within(panel).findByTestId('token-sheet');
    expect(within(sheet).getAllByTestId('token-sheet-item')).toHaveLength(1);
    expect(within(sheet).queryByTestId('token-sheet-combined')).not.toBeInTheDocument();
  });

  it('„Code-Blatt drucken“ prints with the page switched to the sheet alone, and switches back', async () => {
    let printedAs: string | undefined;
    const print = vi.spyOn(window, 'print').mockImplementation(() => {
      printedAs = document.documentElement.dataset.print;
    });
    const { user, panel } = await openPanel({ currentScenario: loadedScenario() });
    await user.click(await within(panel).findByTestId('token-sheet-print'));
    expect(print).toHaveBeenCalledTimes(1);
    expect(printedAs).toBe('token-sheet');
    expect(document.documentElement.dataset.print).toBeUndefined();
    print.mockRestore();
  });
});

describe('the patient view (insurant read)', () => {
  it('shows status, medication, pharmacy and the dispenses; refreshes on case-changed and on „Aktualisieren“', async () => {
    const { user, panel, fake } = await openPanel({
      currentScenario: loadedScenario(),
      insurantViews: [insurantView({ taskStatus: 'ready', statusText: 'Einlösbar', pharmacy: undefined })],
    });
    const card = await within(panel).findByTestId('training-prescription');
    await user.click(within(card).getByTestId('patient-view-open'));

    const view = await within(card).findByTestId('insurant-view');
    expect(await within(view).findByTestId('insurant-view-status')).toHaveTextContent('Einlösbar');
    expect(within(view).getByTestId('insurant-view-status')).toHaveAttribute('data-status', 'ready');
    expect(within(view).getByTestId('insurant-view-medication')).toHaveTextContent(
      'Sumatriptan-1a Pharma 100 mg Tabletten',
    );
    expect(within(view).getByTestId('insurant-view-no-dispenses')).toBeInTheDocument();
    expect(fake.calls.trainerPatientView).toHaveBeenCalledWith({ prescriptionId: ids.first });

    // the class closes the case at the counter: main says so with case-changed
    fake.setInsurantView(
      insurantView({
        taskStatus: 'completed',
        statusText: 'Eingelöst',
        lastMedicationDispense: '2026-10-05T09:15:00.000Z',
        dispenses: [
          {
            medication: 'Sumatriptan-1a Pharma 100 mg Tabletten',
            pzn: '06313728',
            batch: 'B1',
            whenHandedOver: '2026-10-05',
            dosage: '1-0-1-0',
          },
        ],
      }),
    );
    act(() => fake.emit({ type: 'case-changed', prescriptionId: ids.first }));
    await waitFor(() =>
      expect(within(view).getByTestId('insurant-view-status')).toHaveTextContent('Eingelöst'),
    );
    expect(within(view).getByTestId('insurant-view-pharmacy')).toHaveTextContent('Löwen-Apotheke am Markt');
    const [dispense] = within(view).getAllByTestId('insurant-view-dispense');
    expect(dispense).toHaveTextContent('PZN 06313728 · Charge B1');
    expect(dispense).toHaveTextContent('Abgegeben am 05.10.2026');
    expect(dispense).toHaveTextContent('Dosierung: 1-0-1-0');
    expect(within(view).getByTestId('insurant-view-last-dispense')).toHaveTextContent('05.10.2026, 11:15');

    const calls = fake.calls.trainerPatientView.mock.calls.length;
    await user.click(within(view).getByTestId('insurant-view-refresh'));
    await waitFor(() => expect(fake.calls.trainerPatientView.mock.calls.length).toBe(calls + 1));

    await user.click(within(view).getByTestId('insurant-view-close'));
    expect(within(card).queryByTestId('insurant-view')).not.toBeInTheDocument();
  });

  it('shows main’s error with the ErrorAlert', async () => {
    const { user, panel } = await openPanel({ currentScenario: loadedScenario(), insurantViews: [] });
    const card = await within(panel).findByTestId('training-prescription');
    await user.click(within(card).getByTestId('patient-view-open'));
    expect(await within(card).findByTestId('insurant-view-error-message')).toHaveTextContent(
      `Kein Rezept ${ids.first} im Simulator.`,
    );
  });
});

describe('„eGK des Patienten stecken“ (spec erezept-pharmacy §3.9)', () => {
  it('inserts the card of that prescription\'s patient, or a stale one, and says to open the eGK dialog', async () => {
    const { user, panel, fake } = await openPanel({ scenarioFor: () => threePrescriptionScenario() });
    const [, second] = await within(panel).findAllByTestId('scenario');
    await user.click(within(second!).getByTestId('scenario-load'));
    const cards = await within(panel).findAllByTestId('training-prescription');
    const card = cards[1]!;

    await user.click(within(card).getByTestId('training-egk-insert'));
    const done = await within(card).findByTestId('training-egk-inserted');
    expect(done).toHaveTextContent('Gesundheitskarte steckt im Kartenterminal dieses Arbeitsplatzes');
    expect(done).toHaveTextContent('Alt+G');
    expect(fake.calls.trainerInsertEgk).toHaveBeenLastCalledWith({ prescriptionId: card.getAttribute('data-prescription-id'), staleCard: false });
    expect(within(cards[0]!).queryByTestId('training-egk-inserted')).not.toBeInTheDocument();

    await user.click(within(card).getByTestId('training-egk-insert-stale'));
    await waitFor(() => expect(within(card).getByTestId('training-egk-inserted')).toHaveAttribute('data-stale', 'true'));
    expect(within(card).getByTestId('training-egk-inserted')).toHaveTextContent('mit veralteten Daten');
    expect(fake.calls.trainerInsertEgk).toHaveBeenLastCalledWith({ prescriptionId: card.getAttribute('data-prescription-id'), staleCard: true });
  });

  it('shows main\'s refusal with the ErrorAlert', async () => {
    const fake = createFakeBridge({ currentScenario: loadedScenario() });
    fake.calls.trainerInsertEgk.mockResolvedValueOnce({
      ok: false,
      error: appError({ code: 'simulator', message: 'Der Simulator hat das Stecken der Gesundheitskarte abgelehnt (HTTP 400).', system: 'fachdienst', httpStatus: 400 }),
    } as never);
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.click(await screen.findByTestId('trainer-open'));
    const card = await screen.findByTestId('training-prescription');
    await user.click(within(card).getByTestId('training-egk-insert'));
    expect(await within(card).findByTestId('training-egk-error-message')).toHaveTextContent('Stecken der Gesundheitskarte abgelehnt');
    expect(within(card).queryByTestId('training-egk-inserted')).not.toBeInTheDocument();
  });
});

describe('errors of the trainer channels', () => {
  it('shows a refused deck with the ErrorAlert', async () => {
    const fake = createFakeBridge();
    fake.calls.trainerListScenarios.mockResolvedValueOnce({
      ok: false,
      error: appError({
        code: 'state',
        message: 'Der Simulator antwortet nicht.',
        system: 'app',
        httpStatus: undefined,
      }),
    } as never);
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.click(await screen.findByTestId('trainer-open'));
    expect(await screen.findByTestId('trainer-scenarios-error-message')).toHaveTextContent(
      'Der Simulator antwortet nicht.',
    );
  });

  it('shows a failed load with the ErrorAlert; nothing counts as loaded', async () => {
    const fake = createFakeBridge();
    fake.calls.trainerLoadScenario.mockResolvedValueOnce({
      ok: false,
      error: appError({
        code: 'internal',
        message: 'Das Szenario konnte nicht geladen werden.',
        system: 'app',
        httpStatus: undefined,
      }),
    } as never);
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.click(await screen.findByTestId('trainer-open'));
    const [first] = await screen.findAllByTestId('scenario');
    await user.click(within(first!).getByTestId('scenario-load'));
    expect(await screen.findByTestId('trainer-load-error-message')).toHaveTextContent(
      'Das Szenario konnte nicht geladen werden.',
    );
    expect(screen.getByTestId('trainer-no-scenario')).toBeInTheDocument();
    expect(first).toHaveAttribute('data-loaded', 'false');
  });
});
