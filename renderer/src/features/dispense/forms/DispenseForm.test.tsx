import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Article, ArticleCatalog } from '../../../../../shared/erezept/catalog/article-catalog';
import type { Pzn } from '../../../../../shared/erezept/identifiers';
import { catalogForTests } from '../../../test/catalog';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError, caseDetail, dispensedCase, entry, ids, prescription, receipt } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';
import { draftDelayMs } from './use-draft-autosave';

const ibuprofen: Article = {
  pzn: '04773414' as Pzn,
  name: 'Ibudolor 400 mg Filmtabletten',
  packSize: '20 St',
  normSize: 'N1',
  form: 'FTA',
  ingredients: [{ name: 'Ibuprofen', strengthValue: 400, strengthUnit: 'mg' }],
  category: '00',
  vaccine: false,
  securPharm: true,
};

/** The prescribed article (fixtures.ts), no securPharm pack, so a list without batch can be sent. */
const sumatriptan: Article = {
  pzn: '06313728' as Pzn,
  name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
  packSize: '20 St',
  normSize: 'N1',
  form: 'TAB',
  ingredients: [{ name: 'Sumatriptan', strengthValue: 100, strengthUnit: 'mg' }],
  category: '00',
  vaccine: false,
  securPharm: false,
};
/** Another maker's Sumatriptan: same substance, strength, form and size — an exchange without a safety finding. */
const sumatriptanGeneric: Article = { ...sumatriptan, pzn: '06313740' as Pzn, name: 'Sumatriptan Generika 100 mg Tabletten', securPharm: true };

/** Another substance in the same strength, form and size: only the substance differs. */
const naratriptan: Article = { ...sumatriptan, pzn: '06313757' as Pzn, name: 'Naratriptan 100 mg Tabletten', ingredients: [{ name: 'Naratriptan', strengthValue: 100, strengthUnit: 'mg' }] };

const catalog: ArticleCatalog = catalogForTests([ibuprofen, sumatriptan, sumatriptanGeneric, naratriptan]);

/** The fixture's case, its prescription asking for `quantity` packs. */
const caseOf = (quantity: number, overrides: Parameters<typeof caseDetail>[0] = {}) =>
  caseDetail({ prescription: prescription({ request: { ...prescription().request, quantity } }), ...overrides });

async function openCase(detail = caseDetail()) {
  const fake = createFakeBridge({ cases: [detail] });
  const rendered = renderWithProviders({ bridge: fake.bridge, catalog, initialCase: detail.prescriptionId });
  const form = await screen.findByTestId('dispense-form');
  return { ...rendered, fake, form };
}

const field = (index: number, name: string) => screen.getByTestId(`dispense-entry-${index}-${name}`);

/** Date inputs: set the value the way a date picker does (user-event types into them unreliably). */
const setDate = (input: HTMLElement, value: string) => fireEvent.change(input, { target: { value } });

/**
 * The draft's pause (and everything else on a timer) runs on fake time, which the test moves on. It also moves
 * along with real time, so react-query and the screen go on as usual meanwhile.
 */
const useFakeTime = () => vi.useFakeTimers({ shouldAdvanceTime: true });
/** The pause after the last change is over: the autosave starts now. */
const pauseOver = () => act(() => vi.advanceTimersByTimeAsync(draftDelayMs));

afterEach(() => vi.useRealTimers());

describe('dispense form', () => {
  it('is prefilled from the case draft', async () => {
    await openCase();
    expect(field(0, 'pzn')).toHaveValue('06313728');
    expect(field(0, 'name')).toHaveValue('Sumatriptan-1a Pharma 100 mg Tabletten');
    expect(field(0, 'packs')).toHaveValue(1);
    expect(field(0, 'handed-over')).toHaveValue('2026-10-05');
    expect(field(0, 'substituted')).not.toBeChecked();
    expect(screen.getByLabelText('Charge')).toBe(field(0, 'batch'));
  });

  it('adds and removes entries; the last one cannot be removed', async () => {
    const { user } = await openCase();
    expect(field(0, 'remove')).toBeDisabled();

    await user.click(screen.getByTestId('add-entry'));
    expect(screen.getByTestId('dispense-entry-1')).toBeVisible();
    expect(field(1, 'pzn')).toHaveValue('');
    expect(field(1, 'pzn')).toHaveFocus();

    await user.click(field(1, 'remove'));
    expect(screen.queryByTestId('dispense-entry-1')).not.toBeInTheDocument();
    expect(field(0, 'pzn')).toHaveValue('06313728');
  });

  it('submits the COMPLETE list and confirms with the time (A_26482)', async () => {
    const { user, fake } = await openCase(caseOf(3));
    await user.type(field(0, 'batch'), 'B2026-11');
    setDate(field(0, 'expiry'), '2028-03-31');
    await user.click(screen.getByTestId('add-entry'));
    await user.type(field(1, 'pzn'), sumatriptanGeneric.pzn);
    await user.clear(field(1, 'packs'));
    await user.type(field(1, 'packs'), '2');
    await user.type(field(1, 'batch'), 'X77');
    setDate(field(1, 'expiry'), '2027-12-31');
    await user.type(field(1, 'dosage'), '1-0-0-0');

    await user.click(screen.getByTestId('submit-dispense'));

    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1));
    const [request] = fake.calls.submitDispense.mock.calls[0]!;
    expect(request.prescriptionId).toBe(ids.first);
    const entries = request.entries as ReturnType<typeof entry>[];
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      key: 'entry-1',
      medication: { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan-1a Pharma 100 mg Tabletten' },
      packs: 1,
      batch: { lot: 'B2026-11', expiry: '2028-03-31' },
      whenHandedOver: '2026-10-05',
    });
    expect(entries[0]!.dosageText).toBeUndefined();
    expect(entries[1]).toMatchObject({
      medication: { kind: 'pzn', pzn: sumatriptanGeneric.pzn, name: sumatriptanGeneric.name, packSize: '20 St' },
      packs: 2,
      batch: { lot: 'X77', expiry: '2027-12-31' },
      dosageText: '1-0-0-0',
      substituted: true,
    });
    // 08:30 UTC is 10:30 in Berlin (CEST) — the pharmacist's clock, whatever zone the machine runs in
    expect(await screen.findByTestId('dispense-confirmation')).toHaveTextContent('Abgabe übermittelt um 10:30');
    expect(screen.getByTestId('case-status')).toHaveTextContent('Abgabe übermittelt');
  });

  it('submits with Ctrl+Enter', async () => {
    const { user, fake } = await openCase();
    field(0, 'packs').focus();
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1));
  });

  it('never sends on a plain Enter in a field', async () => {
    useFakeTime();
    const { user, fake } = await openCase();
    // a complete list: a submit would send it
    await user.type(field(0, 'dosage'), '1-0-0-0{Enter}');
    await pauseOver();
    expect(fake.calls.submitDispense).not.toHaveBeenCalled();
    // the draft's save went out after its pause (a send would have stopped it): anything the key started has run
    await waitFor(() => expect(fake.calls.saveDraft).toHaveBeenCalledTimes(1));
    expect(fake.calls.submitDispense).not.toHaveBeenCalled();
    expect(fake.calls.closeCase).not.toHaveBeenCalled();
  });

  it('shows validation errors at the fields and sends nothing', async () => {
    const { user, fake } = await openCase();
    await user.clear(field(0, 'name'));
    await user.type(field(0, 'batch'), 'B1');

    await user.click(screen.getByTestId('submit-dispense'));

    expect(await screen.findByTestId('dispense-entry-0-name-error')).toHaveTextContent('Pflichtfeld');
    expect(screen.getByTestId('dispense-entry-0-expiry-error')).toBeVisible();
    expect(field(0, 'name')).toHaveAttribute('aria-invalid', 'true');
    expect(fake.calls.submitDispense).not.toHaveBeenCalled();
  });

  it("puts the Fachdienst's findings at their fields and in the alert", async () => {
    const { user, fake } = await openCase();
    fake.calls.submitDispense.mockResolvedValueOnce({
      ok: false,
      error: appError({
        code: 'validation',
        message: 'Die Abgabe wurde nicht übermittelt: Angaben fehlen.',
        httpStatus: 400,
        findings: [
          { severity: 'error', code: 'batch-required', message: 'Charge fehlt (securPharm-Packung)', path: 'entries.0.batch.lot' },
          { severity: 'error', code: 'handed-over', message: 'Abgabedatum liegt in der Zukunft', path: 'rxDispensation[0].medicationDispense.whenHandedOver' },
        ],
      }),
    } as never);

    await user.click(screen.getByTestId('submit-dispense'));

    const alert = await screen.findByTestId('dispense-error');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveTextContent('Die Abgabe wurde nicht übermittelt');
    expect(alert).toHaveTextContent('Charge fehlt (securPharm-Packung)');
    expect(screen.getByTestId('dispense-entry-0-batch-error')).toHaveTextContent('Charge fehlt (securPharm-Packung)');
    expect(screen.getByTestId('dispense-entry-0-handed-over-error')).toHaveTextContent('Abgabedatum liegt in der Zukunft');
    expect(screen.queryByTestId('dispense-confirmation')).not.toBeInTheDocument();
  });

  it('looks a typed PZN up in the article catalogue', async () => {
    const { user } = await openCase();
    await user.clear(field(0, 'pzn'));
    await user.type(field(0, 'pzn'), '04773414');
    expect(field(0, 'name')).toHaveValue('Ibudolor 400 mg Filmtabletten');
    expect(screen.getByTestId('dispense-entry-0-article')).toHaveTextContent('Aus dem Artikelstamm übernommen: Ibudolor 400 mg Filmtabletten (20 St · N1 · FTA)');
    // A_28417: dispensed PZN ≠ prescribed PZN
    expect(field(0, 'substituted')).toBeChecked();
  });

  it('offers the substitution flag only on a PZN prescription and sends none on a Wirkstoff prescription (A_28417)', async () => {
    const wirkstoff = prescription({
      medication: { kind: 'wirkstoff', name: 'Ibuprofen 400 mg', ingredients: [{ name: 'Ibuprofen', strength: '400 mg' }], form: 'FTA', amount: '20 St', vaccine: false },
    });
    const { user, fake } = await openCase(caseDetail({ prescription: { ...wirkstoff, request: { ...wirkstoff.request, quantity: 2 } }, draft: null }));
    expect(screen.queryByTestId('dispense-entry-0-substituted')).not.toBeInTheDocument();
    // two packs prescribed: one in each entry
    await user.clear(field(0, 'packs'));
    await user.type(field(0, 'packs'), '1');
    await user.type(field(0, 'pzn'), '04773414');
    expect(field(0, 'name')).toHaveValue('Ibudolor 400 mg Filmtabletten');
    await user.type(field(0, 'batch'), 'W1');
    setDate(field(0, 'expiry'), '2028-03-31');
    // a pack scan into a second entry leaves it unset, too
    await user.click(screen.getByTestId('add-entry'));
    expect(screen.queryByTestId('dispense-entry-1-substituted')).not.toBeInTheDocument();
    await user.type(field(1, 'pzn'), '04773414');
    await user.type(field(1, 'batch'), 'W2');
    setDate(field(1, 'expiry'), '2028-04-30');
    await user.click(screen.getByTestId('submit-dispense'));
    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1));
    const sent = fake.calls.submitDispense.mock.calls[0]![0].entries;
    expect(sent.map((e) => e.substituted)).toEqual([undefined, undefined]);
  });

  it('warns about a PZN with a wrong check digit — once, under the field', async () => {
    const { user } = await openCase();
    await user.clear(field(0, 'pzn'));
    await user.type(field(0, 'pzn'), '04773415');
    expect(screen.getByText(/PZN-Prüfziffer stimmt nicht/)).toBeVisible();
    // the live check has found it, too (the list's other fields are complete) — but says nothing more at the field
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(screen.getByTestId('dispense-entry-0-pzn').closest('.field')).not.toHaveTextContent(/falsche Prüfziffer/);
    expect(screen.getAllByText(/Prüfziffer/)).toHaveLength(1);
  });

  it('flags a name typed over a catalogue PZN at the name field', async () => {
    const { user } = await openCase();
    await user.clear(field(0, 'name'));
    await user.type(field(0, 'name'), 'Ibuprofen 400');
    const finding = await screen.findByTestId('dispense-entry-0-name-finding');
    expect(within(finding).getByTestId('dispense-entry-0-finding-PH_NAME_PZN_MISMATCH')).toHaveTextContent('Warnung:');
  });

  it('another substance than prescribed blocks until confirmed with a reason; then the list is sent with it (docs/checks.md)', async () => {
    const { user, fake } = await openCase();
    await user.clear(field(0, 'pzn'));
    await user.type(field(0, 'pzn'), naratriptan.pzn);
    expect(field(0, 'name')).toHaveValue(naratriptan.name);
    const blocking = await screen.findByTestId('dispense-entry-0-finding-PH_SUBSTANCE_DIFFERS');
    expect(blocking).toHaveAttribute('data-state', 'blocking');
    expect(blocking).toHaveTextContent('Blockiert:');
    expect(blocking).toHaveTextContent('Sumatriptan');
    expect(blocking).toHaveTextContent('Naratriptan');
    await user.type(field(0, 'batch'), 'N1');
    setDate(field(0, 'expiry'), '2028-03-31');

    await user.click(screen.getByTestId('submit-dispense'));
    const refused = await screen.findByTestId('dispense-refused');
    expect(within(refused).getAllByTestId('dispense-refused-reason').map((r) => r.getAttribute('data-code'))).toEqual(['PH_SUBSTANCE_DIFFERS']);
    expect(fake.calls.submitDispense).not.toHaveBeenCalled();
    // the focus went to the PZN: the next Tab stop after it is the confirmation
    expect(field(0, 'pzn')).toHaveFocus();
    await user.tab();
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS')).toHaveFocus();
    await user.keyboard('{Enter}');
    await user.keyboard('Rücksprache mit der Praxis{Enter}');
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-confirmed')).toHaveTextContent('bestätigt: Rücksprache mit der Praxis');
    await waitFor(() => expect(screen.getByTestId('dispense-entry-0-finding-PH_SUBSTANCE_DIFFERS')).toHaveAttribute('data-state', 'confirmed'));

    await user.click(screen.getByTestId('submit-dispense'));
    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1));
    const [sent] = fake.calls.submitDispense.mock.calls[0]![0].entries;
    expect(sent).toMatchObject({ medication: { pzn: naratriptan.pzn }, substituted: true, overrides: [{ rule: 'PH_SUBSTANCE_DIFFERS', reason: 'Rücksprache mit der Praxis' }] });
    expect(screen.queryByTestId('dispense-refused')).not.toBeInTheDocument();
  });

  it('another PZN drops the confirmation: the new article is confirmed anew', async () => {
    const overrides = [{ rule: 'PH_SUBSTANCE_DIFFERS', reason: 'Rücksprache mit der Praxis' }];
    const { user } = await openCase(caseDetail({ draft: [entry({ medication: { kind: 'pzn', pzn: naratriptan.pzn, name: naratriptan.name, ingredients: [], category: '00', vaccine: false }, substituted: true, overrides })] }));
    expect(await screen.findByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-confirmed')).toBeVisible();
    await user.clear(field(0, 'pzn'));
    await user.type(field(0, 'pzn'), '04773414');
    expect(await screen.findByTestId('dispense-entry-0-finding-PH_SUBSTANCE_DIFFERS')).toHaveAttribute('data-state', 'blocking');
    expect(screen.queryByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-confirmed')).not.toBeInTheDocument();
  });

  it('closes the case, shows the receipt and locks the form', async () => {
    const { user, fake } = await openCase();
    await user.click(screen.getByTestId('close-case'));

    const shown = await screen.findByTestId('receipt');
    expect(fake.calls.closeCase).toHaveBeenCalledWith(expect.objectContaining({ prescriptionId: ids.first }));
    expect(shown).toHaveTextContent('Quittung erhalten');
    expect(within(shown).getByTestId('receipt-prescription-id')).toHaveTextContent(ids.first);
    expect(within(shown).getByTestId('receipt-completed-at')).toHaveTextContent('05.10.2026, 11:15');
    expect(within(shown).getByTestId('receipt-telematik-id')).toHaveTextContent('3-SMC-B-Testkarte-883110000095957');
    expect(within(shown).getByTestId('receipt-signature')).toHaveTextContent('Signatur vorhanden');
    expect(within(shown).getByTestId('receipt-staff')).toHaveTextContent('AB');
    expect(field(0, 'pzn')).toBeDisabled();
    expect(screen.getByTestId('add-entry')).toBeDisabled();
    expect(screen.getByTestId('submit-dispense')).toBeDisabled();
    expect(screen.getByTestId('close-case')).toBeDisabled();
    expect(screen.getByTestId('dispense-locked')).toBeVisible();
  });

  it('closes with Alt+A', async () => {
    const { user, fake } = await openCase();
    await user.keyboard('{Alt>}a{/Alt}');
    await waitFor(() => expect(fake.calls.closeCase).toHaveBeenCalledTimes(1));
    expect(await screen.findByTestId('receipt')).toBeVisible();
  });

  it('shows a closed case read-only with its receipt', async () => {
    await openCase(caseDetail({ status: 'closed', readOnly: true, receipt: receipt(ids.first) }));
    expect(screen.getByTestId('receipt')).toBeVisible();
    expect(field(0, 'batch')).toBeDisabled();
    expect(screen.getByTestId('close-case')).toBeDisabled();
  });

  it('autosaves the draft shortly after a change', async () => {
    useFakeTime();
    const { user, fake } = await openCase();
    await user.type(field(0, 'batch'), 'B7');
    setDate(field(0, 'expiry'), '2028-01-31');
    await pauseOver();
    await waitFor(() => expect(fake.calls.saveDraft).toHaveBeenCalled());
    const [request] = fake.calls.saveDraft.mock.calls.at(-1)!;
    expect(request.entries).toEqual([expect.objectContaining({ batch: { lot: 'B7', expiry: '2028-01-31' } })]);
    expect(await screen.findByTestId('draft-status')).toHaveTextContent('Entwurf gespeichert um 10:30');
  });

  it('a list main could not save (the shared database unreachable) stays on this computer until main has it', async () => {
    useFakeTime();
    const { user, fake } = await openCase();
    fake.calls.saveDraft.mockResolvedValueOnce({ ok: false, error: appError({ code: 'store-unavailable', message: 'Die Datenbank der Apotheke ist nicht erreichbar.' }) } as never);
    await user.type(field(0, 'batch'), 'B5');
    setDate(field(0, 'expiry'), '2028-01-31');
    await pauseOver();
    await waitFor(() => expect(fake.calls.saveDraft).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(localStorage.getItem(`erx.unsavedDraft.${ids.first}`)).toContain('B5'));
    // the database is back: the next change is saved by main and the copy goes
    await user.clear(field(0, 'packs'));
    await user.type(field(0, 'packs'), '2');
    await pauseOver();
    await waitFor(() => expect(fake.calls.saveDraft).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(localStorage.getItem(`erx.unsavedDraft.${ids.first}`)).toBeNull());
  });

  it('says „wird gespeichert“ until the latest change is saved, never „gespeichert“ for an older list', async () => {
    useFakeTime();
    const { user, fake } = await openCase();
    await user.type(field(0, 'batch'), 'B7');
    setDate(field(0, 'expiry'), '2028-01-31');
    await pauseOver();
    await waitFor(() => expect(screen.getByTestId('draft-status')).toHaveAttribute('data-state', 'saved'));
    // one more change after a save: the status must not keep saying „gespeichert“ for the list before it
    await user.clear(field(0, 'packs'));
    await user.type(field(0, 'packs'), '3');
    expect(screen.getByTestId('draft-status')).toHaveAttribute('data-state', 'saving');
    expect(screen.getByTestId('draft-status')).toHaveTextContent('Änderungen werden gespeichert');
    await pauseOver();
    await waitFor(() => expect(screen.getByTestId('draft-status')).toHaveAttribute('data-state', 'saved'));
    const [request] = fake.calls.saveDraft.mock.calls.at(-1)!;
    expect(request.entries).toEqual([expect.objectContaining({ packs: 3, batch: { lot: 'B7', expiry: '2028-01-31' } })]);
  });

  it('saves a change still waiting for its pause when the editor goes away (another case, window closed)', async () => {
    const { fake, unmount } = await openCase();
    // from here fake time stands still: the pause is never over by itself (changes go in without user-event,
    // whose waits need time to move)
    vi.useFakeTimers();
    fireEvent.change(field(0, 'batch'), { target: { value: 'B8' } });
    setDate(field(0, 'expiry'), '2028-02-29');
    expect(fake.calls.saveDraft).not.toHaveBeenCalled();
    unmount();
    // sent although the pause's timer went with the editor
    await vi.waitFor(() => expect(fake.calls.saveDraft).toHaveBeenCalledTimes(1));
    const [request] = fake.calls.saveDraft.mock.calls[0]!;
    expect(request.entries).toEqual([expect.objectContaining({ batch: { lot: 'B8', expiry: '2028-02-29' } })]);
  });

  it('saves a waiting change when the page is hidden for good (reload, window closed)', async () => {
    const { fake } = await openCase();
    // from here fake time stands still: the pause is never over by itself (changes go in without user-event,
    // whose waits need time to move)
    vi.useFakeTimers();
    fireEvent.change(field(0, 'batch'), { target: { value: 'B9' } });
    setDate(field(0, 'expiry'), '2028-02-29');
    expect(fake.calls.saveDraft).not.toHaveBeenCalled();
    window.dispatchEvent(new Event('pagehide'));
    // at once: a copy on this computer first (the page may be gone before main answers), then main
    expect(localStorage.getItem(`erx.unsavedDraft.${ids.first}`)).toContain('B9');
    await vi.waitFor(() => expect(fake.calls.saveDraft).toHaveBeenCalledTimes(1));
    // main has it: the copy goes
    await vi.waitFor(() => expect(localStorage.getItem(`erx.unsavedDraft.${ids.first}`)).toBeNull());
    expect(fake.calls.saveDraft.mock.calls[0]![0].entries).toEqual([expect.objectContaining({ batch: { lot: 'B9', expiry: '2028-02-29' } })]);
  });

  it('duplicates an entry for a second batch: same article, fresh batch, one pack', async () => {
    const { user, fake } = await openCase(caseOf(2));
    await user.type(field(0, 'batch'), 'B1');
    setDate(field(0, 'expiry'), '2028-03-31');
    await user.click(field(0, 'duplicate'));

    expect(screen.getByTestId('dispense-entry-1')).toBeVisible();
    expect(field(1, 'pzn')).toHaveValue('06313728');
    expect(field(1, 'batch')).toHaveValue('');
    await user.type(field(1, 'batch'), 'B2');
    setDate(field(1, 'expiry'), '2028-04-30');
    await user.click(screen.getByTestId('submit-dispense'));

    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1));
    const entries = fake.calls.submitDispense.mock.calls[0]![0].entries;
    expect(entries.map((e) => [e.medication.kind === 'pzn' ? e.medication.pzn : '', e.batch?.lot])).toEqual([
      ['06313728', 'B1'],
      ['06313728', 'B2'],
    ]);
    expect(entries[0]!.key).not.toBe(entries[1]!.key);
  });

  it('adds, duplicates and removes entries with Alt+N, Alt+K and Alt+Entf', async () => {
    const { user } = await openCase();
    await user.keyboard('{Alt>}n{/Alt}');
    expect(field(1, 'pzn')).toHaveFocus();
    await user.type(field(1, 'pzn'), '04773414');
    await user.keyboard('{Alt>}k{/Alt}');
    expect(field(2, 'pzn')).toHaveValue('04773414');
    await user.click(field(0, 'batch'));
    await user.keyboard('{Alt>}{Delete}{/Alt}');
    expect(screen.queryByTestId('dispense-entry-2')).not.toBeInTheDocument();
    expect(field(0, 'pzn')).toHaveValue('04773414');
  });

  it('switches an entry to Freitext, Wirkstoff or Rezeptur and sends that kind', async () => {
    const { user, fake } = await openCase(caseOf(2));
    await user.selectOptions(field(0, 'kind'), 'rezeptur');
    expect(screen.queryByTestId('dispense-entry-0-pzn')).not.toBeInTheDocument();
    expect(field(0, 'name')).toHaveValue('Sumatriptan-1a Pharma 100 mg Tabletten');
    await user.clear(field(0, 'name'));
    await user.type(field(0, 'name'), 'Hydrophile Creme');
    await user.type(field(0, 'component-0-name'), 'Triamcinolonacetonid');
    await user.type(field(0, 'component-0-amount'), '0,1 g');
    await user.click(field(0, 'component-add'));
    await user.type(field(0, 'component-1-name'), 'Basiscreme DAC');

    await user.click(screen.getByTestId('add-entry'));
    await user.selectOptions(field(1, 'kind'), 'freitext');
    await user.type(field(1, 'name'), 'Kamillenblüten 100 g');

    await user.click(screen.getByTestId('submit-dispense'));
    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1));
    const [rezeptur, freitext] = fake.calls.submitDispense.mock.calls[0]![0].entries;
    expect(rezeptur!.medication).toMatchObject({
      kind: 'rezeptur',
      name: 'Hydrophile Creme',
      components: [{ name: 'Triamcinolonacetonid', amount: '0,1 g' }, { name: 'Basiscreme DAC' }],
    });
    expect(freitext!.medication).toMatchObject({ kind: 'freitext', text: 'Kamillenblüten 100 g' });
  });

  it('shows pre-flight findings once the entry was worked on and refuses with every reason: „Nicht gesendet“', async () => {
    const securPharmCatalog: ArticleCatalog = catalogForTests([ibuprofen, { ...sumatriptan, securPharm: true }]);
    const fake = createFakeBridge({ cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge: fake.bridge, catalog: securPharmCatalog, initialCase: ids.first });
    await screen.findByTestId('dispense-form');

    // the case just opened with the list main derived from the prescription: no red text before anything was done
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(screen.queryByTestId('dispense-entry-0-findings')).not.toBeInTheDocument();
    expect(screen.queryByTestId('dispense-entry-0-handed-over-finding')).not.toBeInTheDocument();

    // a handover date in the future (and after the Einlösefrist): at its field; the entry now shows what it lacks
    setDate(field(0, 'handed-over'), '2099-01-01');
    expect(await screen.findByTestId('dispense-entry-0-handed-over-finding')).toHaveTextContent('liegt in der Zukunft');
    // a securPharm pack without batch (A_21105-02)
    expect(await screen.findByTestId('dispense-entry-0-findings')).toHaveTextContent('Fehler: securPharm-Packung');

    await user.click(screen.getByTestId('submit-dispense'));
    const refused = await screen.findByTestId('dispense-refused');
    expect(refused).toHaveAttribute('role', 'alert');
    expect(refused).toHaveTextContent('Nicht gesendet');
    const reasons = within(refused).getAllByTestId('dispense-refused-reason');
    expect(reasons.map((r) => r.getAttribute('data-code'))).toEqual(['PH_HANDOVER_IN_FUTURE', 'PH_AFTER_EXPIRY_DATE', 'PH_BATCH_REQUIRED']);
    expect(reasons[0]).toHaveTextContent('Position 1 · Abgabedatum: Das Abgabedatum 01.01.2099 liegt in der Zukunft.');
    // the pharmacist's view names no rule codes; they are in „Technische Details“
    expect(within(refused).getByTestId('dispense-refused-details')).toHaveTextContent('PH_BATCH_REQUIRED');
    expect(fake.calls.submitDispense).not.toHaveBeenCalled();
    expect(field(0, 'handed-over')).toHaveFocus();
  });

  it('refuses 0 packs or a batch without its number with „Nicht gesendet“ and hides the last confirmation meanwhile', async () => {
    const { user, fake } = await openCase(dispensedCase());
    expect(screen.getByTestId('dispense-confirmation')).toBeVisible();
    await user.clear(field(0, 'packs'));
    await user.type(field(0, 'packs'), '0');
    await user.clear(field(0, 'batch'));

    await user.click(screen.getByTestId('submit-dispense'));
    const refused = await screen.findByTestId('dispense-refused');
    expect(refused).toHaveTextContent('Nicht gesendet');
    const reasons = within(refused).getAllByTestId('dispense-refused-reason').map((r) => r.textContent);
    expect(reasons).toEqual(['Position 1 · Packungen: Mindestens 1 Packung.', 'Position 1 · Charge: Pflichtfeld']);
    // one message at the field, stating what is valid
    expect(screen.getByTestId('dispense-entry-0-packs-error')).toHaveTextContent('Mindestens 1 Packung.');
    expect(screen.queryByTestId('dispense-confirmation')).not.toBeInTheDocument();
    expect(fake.calls.submitDispense).not.toHaveBeenCalled();

    // corrected and sent: the refusal goes, the confirmation is back
    await user.clear(field(0, 'packs'));
    await user.type(field(0, 'packs'), '1');
    await user.type(field(0, 'batch'), 'B2');
    await user.click(screen.getByTestId('submit-dispense'));
    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1));
    expect(screen.queryByTestId('dispense-refused')).not.toBeInTheDocument();
    expect(await screen.findByTestId('dispense-confirmation')).toBeVisible();
  });

  it("shows main's refusal before sending as „Nicht gesendet“ with its reasons, not as a failed call", async () => {
    const { user, fake } = await openCase();
    fake.calls.submitDispense.mockResolvedValueOnce({
      ok: false,
      error: appError({
        code: 'validation',
        system: 'app',
        httpStatus: undefined,
        message: 'Nicht gesendet: Anderer Wirkstoff als verordnet: verordnet Sumatriptan, abgegeben Ibuprofen.',
        findings: [
          {
            severity: 'error',
            code: 'PH_SUBSTANCE_DIFFERS',
            needsReason: true,
            message: 'Anderer Wirkstoff als verordnet: verordnet Sumatriptan, abgegeben Ibuprofen.',
            path: 'entries.0.medication.pzn',
          },
          { severity: 'info', code: 'PH_QUANTITY_LESS', message: 'Weniger als verordnet abgegeben (Teilabgabe).', path: 'entries.0.packs' },
        ],
      }),
    } as never);
    await user.click(screen.getByTestId('submit-dispense'));
    const refused = await screen.findByTestId('dispense-refused');
    expect(refused).toHaveAttribute('data-from', 'main');
    expect(within(refused).getByTestId('dispense-refused-message')).toHaveTextContent('Nicht gesendet: Anderer Wirkstoff');
    const reasons = within(refused).getAllByTestId('dispense-refused-reason');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toHaveTextContent('Position 1 · PZN: Anderer Wirkstoff als verordnet');
    expect(screen.queryByTestId('dispense-error')).not.toBeInTheDocument();
  });

  it('shows what changed since the last confirmed list, entry by entry', async () => {
    const { user } = await openCase(dispensedCase());
    expect(screen.getByTestId('dispense-confirmation')).toHaveTextContent('Abgabe übermittelt um 10:20');
    expect(screen.getByTestId('dispense-diff-none')).toHaveTextContent('Keine Änderungen');
    expect(screen.queryByTestId('dispense-unsent-changes')).not.toBeInTheDocument();

    await user.clear(field(0, 'batch'));
    await user.type(field(0, 'batch'), 'B9');
    await user.click(screen.getByTestId('add-entry'));
    await user.type(field(1, 'pzn'), '04773414');

    const diff = await screen.findByTestId('dispense-diff');
    expect(diff).toHaveTextContent('Position 1 geändert');
    expect(diff).toHaveTextContent('Charge: B1 → B9');
    // the catalogue answers after the keystroke: the name arrives a moment later
    await waitFor(() => expect(diff).toHaveTextContent('Position 2 neu: Ibudolor 400 mg Filmtabletten'));
    expect(screen.getByTestId('dispense-entry-0-change')).toHaveTextContent('geändert');
    expect(screen.getByTestId('dispense-entry-1-change')).toHaveTextContent('neu');
    expect(screen.getByTestId('dispense-unsent-changes')).toBeVisible();
  });

  it('does not send a list equal to the last confirmed one (each $dispense notifies the patient)', async () => {
    const { user, fake } = await openCase(dispensedCase());
    await user.click(screen.getByTestId('submit-dispense'));
    expect(await screen.findByTestId('dispense-unchanged')).toHaveTextContent('nicht erneut gesendet');
    expect(fake.calls.submitDispense).not.toHaveBeenCalled();
  });

  it('sends it to main after a lost answer, which reconciles instead of refusing', async () => {
    const detail = dispensedCase({ outcomeUnknown: true });
    const { user, fake } = await openCase(detail);
    fake.calls.submitDispense.mockResolvedValueOnce({
      ok: true,
      data: { ...detail, outcomeUnknown: false, outcome: 'reconciled', notice: 'Die frühere Übermittlung ist angekommen.' },
    } as never);
    await user.click(screen.getByTestId('submit-dispense'));
    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1));
    expect(await screen.findByTestId('dispense-unchanged')).toHaveTextContent('Die frühere Übermittlung ist angekommen.');
  });

  it('previews what the patient will see, built by main from the current list', async () => {
    const { user, fake } = await openCase();
    await user.type(field(0, 'batch'), 'B7');
    setDate(field(0, 'expiry'), '2028-01-31');
    await user.click(screen.getByTestId('patient-preview-open'));
    const preview = await screen.findByRole('dialog', { name: 'So sieht der Patient die Abgabe' });
    expect(fake.calls.previewPatientView).toHaveBeenCalledWith({ prescriptionId: ids.first, entries: [expect.objectContaining({ batch: { lot: 'B7', expiry: '2028-01-31' } })] });
    expect(within(preview).getByTestId('patient-preview-item-0')).toHaveTextContent('Sumatriptan-1a Pharma 100 mg Tabletten');
    expect(within(preview).getByTestId('patient-preview-item-0')).toHaveTextContent('Charge B7, verwendbar bis 31.01.2028');
    expect(within(preview).getByTestId('patient-preview-item-0')).toHaveTextContent('Dosierung: 1-0-1-0');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fake.calls.submitDispense).not.toHaveBeenCalled();
  });

  it('keeps an incomplete list locally and restores it when the case is opened again', async () => {
    useFakeTime();
    const first = await openCase();
    await first.user.type(field(0, 'batch'), 'HALF');
    await pauseOver();
    await waitFor(() => expect(screen.getByTestId('draft-status')).toHaveAttribute('data-state', 'local'));
    expect(first.fake.calls.saveDraft).not.toHaveBeenCalled();
    first.unmount();

    await openCase();
    expect(screen.getByTestId('draft-restored')).toBeVisible();
    expect(field(0, 'batch')).toHaveValue('HALF');
  });
});
