/**
 * One owner per case (issue 18 item 4, docs/multi-counter.md §4) in the case view: the open case is held while it is
 * shown and freed when the view goes; a case held at another counter is read-only here, says who holds it and offers
 * „Übernehmen“ after a confirmation; a write main refused because of the lease brings the banner.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaseDetail } from '../../../../shared/ipc/contract';
import { leaseRenewMs } from '../../api/leases/lease-query';
import { createFakeBridge, type OtherCounter } from '../../test/fake-bridge';
import { appInfo, caseDetail, dispensedCase, entry, ids, receipt } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render-app';

const kasse2: OtherCounter = { counter: 'Kasse 2', staff: 'MK' };

async function openCase({ detail = caseDetail(), heldBy }: { detail?: CaseDetail; heldBy?: OtherCounter } = {}) {
  const fake = createFakeBridge({
    cases: [detail],
    appInfo: appInfo({ counterName: 'Kasse 1', sharedStore: 'postgres://erx@db:5432/apotheke' }),
    heldElsewhere: heldBy ? { [detail.prescriptionId]: heldBy } : undefined,
  });
  const rendered = renderWithProviders({ bridge: fake.bridge, initialCase: detail.prescriptionId });
  await screen.findByTestId('dispense-form');
  return { ...rendered, fake };
}

const field = (index: number, name: string) => screen.getByTestId(`dispense-entry-${index}-${name}`);
/** main reports a change of the case (here: of its holder) */
const caseChanged = (fake: ReturnType<typeof createFakeBridge>) => act(() => fake.emit({ type: 'case-changed', prescriptionId: ids.first }));

afterEach(() => vi.useRealTimers());

describe('a case held at another counter', () => {
  it('says who works on it and is read-only here: nothing can be sent, handed back, deleted or saved', async () => {
    const { user, fake } = await openCase({ heldBy: kasse2 });
    const banner = await screen.findByTestId('case-lease');
    expect(banner).toHaveAttribute('role', 'status');
    expect(banner).toHaveAttribute('data-counter', 'Kasse 2');
    expect(banner).toHaveAttribute('data-staff', 'MK');
    expect(banner).toHaveTextContent('Wird an Kasse 2 von MK bearbeitet');
    expect(banner).not.toHaveTextContent('sendet gerade');
    expect(fake.calls.holdCase).toHaveBeenCalledWith({ prescriptionId: ids.first });
    // for QA (docs/qa-contract.md): whose the case is, as main answered
    expect(screen.getByTestId('case-view')).toHaveAttribute('data-lease', 'other');

    expect(screen.getByTestId('submit-dispense')).toBeDisabled();
    expect(screen.getByTestId('close-case')).toBeDisabled();
    expect(screen.getByTestId('reject-case')).toBeDisabled();
    expect(screen.getByTestId('abort-case')).toBeDisabled();
    expect(field(0, 'batch')).toBeDisabled();
    expect(screen.getByTestId('add-entry')).toBeDisabled();
    expect(screen.queryByTestId('draft-status')).not.toBeInTheDocument();
    expect(screen.getByTestId('case-lease-take-over')).toBeEnabled();

    // the shortcuts are off, too
    await user.keyboard('{Alt>}a{/Alt}');
    await user.keyboard('{Alt>}r{/Alt}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fake.calls.closeCase).not.toHaveBeenCalled();
    expect(fake.calls.saveDraft).not.toHaveBeenCalled();
  });

  it('names the counter alone without a Kürzel, says when it is sending, and then offers no take-over', async () => {
    await openCase({ heldBy: { counter: 'Kasse 3', staff: '', busy: true } });
    const banner = await screen.findByTestId('case-lease');
    expect(banner).toHaveAttribute('data-staff', '');
    expect(within(banner).getByTestId('case-lease-holder')).toHaveTextContent(
      'Wird an Kasse 3 bearbeitet – sendet gerade an den E-Rezept-Fachdienst',
    );
    expect(screen.getByTestId('case-lease-take-over')).toBeDisabled();
  });

  it('takes the case over by keyboard after the confirmation; Esc asks nothing of main', async () => {
    const { user, fake } = await openCase({ heldBy: kasse2 });
    await screen.findByTestId('case-lease');
    const takeOver = screen.getByTestId('case-lease-take-over');
    // Tab from the head reaches it (the disabled return/delete buttons are skipped)
    screen.getByTestId('back-to-inbox').focus();
    await user.tab();
    expect(takeOver).toHaveFocus();

    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Rezept hier übernehmen?' });
    expect(dialog).toHaveTextContent('Das Rezept wird an Kasse 2 gerade bearbeitet. Hier übernehmen? Dort kann dann nichts mehr gesendet werden.');
    expect(within(dialog).getByTestId('case-lease-dialog-cancel')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(takeOver).toHaveFocus();
    expect(fake.calls.takeOverCase).not.toHaveBeenCalled();

    await user.keyboard('{Enter}');
    await user.click(screen.getByTestId('case-lease-dialog-confirm'));
    await waitFor(() => expect(screen.queryByTestId('case-lease')).not.toBeInTheDocument());
    expect(fake.calls.takeOverCase).toHaveBeenCalledWith({ prescriptionId: ids.first, confirmed: true });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // the focus stays in the case, on its title
    expect(document.activeElement).toHaveTextContent(ids.first);
    expect(screen.getByTestId('submit-dispense')).toBeEnabled();
    expect(screen.getByTestId('reject-case')).toBeEnabled();
    expect(field(0, 'batch')).toBeEnabled();
    expect(screen.getByTestId('case-view')).toHaveAttribute('data-lease', 'mine');
  });

  it('shows main’s refusal inside the dialog when the other counter started sending meanwhile', async () => {
    const { user, fake } = await openCase({ heldBy: kasse2 });
    await user.click(await screen.findByTestId('case-lease-take-over'));
    fake.holdElsewhere(ids.first, { ...kasse2, busy: true });
    await user.click(screen.getByTestId('case-lease-dialog-confirm'));
    const error = await screen.findByTestId('case-lease-dialog-error');
    expect(error).toHaveTextContent('Kasse 2 (MK) sendet gerade an den E-Rezept-Fachdienst');
    expect(screen.getByRole('dialog', { name: 'Rezept hier übernehmen?' })).toBeVisible();
    expect(screen.getByTestId('submit-dispense')).toBeDisabled();
  });

  it('shows that counter’s list, not an incomplete one kept on this computer, and forgets the one kept here', async () => {
    const key = `erx.unsavedDraft.${ids.first}`;
    localStorage.setItem(key, JSON.stringify({ entries: [entry({ batch: { lot: 'LOCAL', expiry: '2028-01-31' } })], savedAt: '2026-10-05T08:00:00Z' }));
    await openCase({ heldBy: kasse2 });
    await screen.findByTestId('case-lease');
    await waitFor(() => expect(field(0, 'batch')).toHaveValue(''));
    expect(screen.queryByTestId('draft-restored')).not.toBeInTheDocument();
    expect(localStorage.getItem(key)).toBeNull();
  });

  it('follows the other counter: taken away on its event, its saved list shown, editable again once it left', async () => {
    const { fake } = await openCase();
    expect(screen.queryByTestId('case-lease')).not.toBeInTheDocument();

    fake.holdElsewhere(ids.first, kasse2);
    await caseChanged(fake);
    expect(await screen.findByTestId('case-lease')).toHaveAttribute('data-counter', 'Kasse 2');
    expect(screen.getByTestId('submit-dispense')).toBeDisabled();

    // Kasse 2 saves its list (through the same store)
    await fake.bridge.saveDraft({ prescriptionId: ids.first, entries: [entry({ batch: { lot: 'K2', expiry: '2028-05-31' } })] });
    await caseChanged(fake);
    await waitFor(() => expect(field(0, 'batch')).toHaveValue('K2'));

    // Kasse 2 leaves the case: it is this counter's again, with Kasse 2's list
    fake.holdElsewhere(ids.first, null);
    await caseChanged(fake);
    await waitFor(() => expect(screen.queryByTestId('case-lease')).not.toBeInTheDocument());
    expect(field(0, 'batch')).toHaveValue('K2');
    expect(field(0, 'batch')).toBeEnabled();
    expect(screen.getByTestId('submit-dispense')).toBeEnabled();
    // only Kasse 2's save: nothing was saved from here
    expect(fake.calls.saveDraft).toHaveBeenCalledTimes(1);
  });
});

describe('a case of this counter', () => {
  it('shows nothing new when main answers that the case is this counter’s (one counter: always)', async () => {
    const { fake } = await openCase();
    await waitFor(() => expect(fake.calls.holdCase).toHaveBeenCalledWith({ prescriptionId: ids.first }));
    await waitFor(() => expect(screen.getByTestId('case-view')).toHaveAttribute('data-lease', 'mine'));
    expect(screen.queryByTestId('case-lease')).not.toBeInTheDocument();
    expect(screen.getByTestId('submit-dispense')).toBeEnabled();
    expect(screen.getByTestId('close-case')).toBeEnabled();
  });

  it('renews its hold every 20 s while the case is open (a lease lives 60 s)', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { fake } = await openCase();
    await waitFor(() => expect(fake.calls.holdCase).toHaveBeenCalledTimes(1));
    await act(() => vi.advanceTimersByTimeAsync(leaseRenewMs));
    await waitFor(() => expect(fake.calls.holdCase).toHaveBeenCalledTimes(2));
  });

  it('frees the case when the view is left', async () => {
    const { user, fake } = await openCase();
    await waitFor(() => expect(fake.calls.holdCase).toHaveBeenCalled());
    expect(fake.calls.releaseCase).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('back-to-inbox'));
    await screen.findByTestId('no-case');
    await waitFor(() => expect(fake.calls.releaseCase).toHaveBeenCalledWith({ prescriptionId: ids.first }));
  });

  it('holds no closed case: nobody works on it any more', async () => {
    const closed = dispensedCase({ status: 'closed', readOnly: true, receipt: receipt(ids.first), closedAt: '2026-10-05T09:15:00.000Z' });
    const { fake } = await openCase({ detail: closed, heldBy: kasse2 });
    expect(await screen.findByTestId('receipt')).toBeVisible();
    expect(fake.calls.holdCase).not.toHaveBeenCalled();
    expect(screen.queryByTestId('case-lease')).not.toBeInTheDocument();
    expect(screen.getByTestId('case-view')).not.toHaveAttribute('data-lease');
  });

  it('shows main’s refusal of a write when another counter took the case meanwhile, and then who holds it', async () => {
    const { user, fake } = await openCase({ detail: dispensedCase() });
    await waitFor(() => expect(fake.calls.holdCase).toHaveBeenCalledTimes(1));
    // Kasse 2 took the case a moment ago; its event has not arrived yet
    fake.holdElsewhere(ids.first, kasse2);
    await user.click(screen.getByTestId('close-case'));

    expect(await screen.findByTestId('dispense-error-message')).toHaveTextContent(
      'Kasse 2 (MK) bearbeitet dieses Rezept. Hier wurde nichts gesendet.',
    );
    const banner = await screen.findByTestId('case-lease');
    expect(banner).toHaveTextContent('Wird an Kasse 2 von MK bearbeitet');
    expect(screen.getByTestId('close-case')).toBeDisabled();
    // the refusal stays on screen next to the banner
    expect(screen.getByTestId('dispense-error')).toBeVisible();
  });
});
