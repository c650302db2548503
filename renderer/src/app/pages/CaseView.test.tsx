import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { CaseDetail } from '../../../../shared/ipc/contract';
import { createFakeBridge } from '../../test/fake-bridge';
import { appError, appInfo, caseDetail, dispensedCase, entry, ids, receipt, submission } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render-app';

async function openCase(detail: CaseDetail = caseDetail()) {
  const fake = createFakeBridge({ cases: [detail] });
  const rendered = renderWithProviders({ bridge: fake.bridge, initialCase: detail.prescriptionId });
  await screen.findByTestId('case-view');
  return { ...rendered, fake };
}

describe('case head', () => {
  it("names the patient with the birth date (tt.mm.jjjj) next to the Rezept-ID", async () => {
    await openCase();
    const head = screen.getByTestId('case-header-patient').closest('.case-head');
    expect(head).not.toBeNull();
    expect(head).toHaveTextContent(ids.first);
    expect(screen.getByTestId('case-header-patient')).toHaveTextContent('Ludger Königsstein');
    expect(screen.getByTestId('case-header-birthdate')).toHaveTextContent(/^22\.06\.1935$/);
    expect(head).toHaveTextContent('geb. 22.06.1935');
  });

  it('keeps the name without a readable prescription and shows nothing once the data was erased (A_19251)', async () => {
    const { unmount } = await openCase(caseDetail({ prescription: null, prescriptionError: 'KBV-Version nicht unterstützt', patientName: 'Ludger Königsstein' }));
    expect(screen.getByTestId('case-header-patient')).toHaveTextContent('Ludger Königsstein');
    expect(screen.queryByTestId('case-header-birthdate')).not.toBeInTheDocument();
    unmount();
    await openCase(caseDetail({ status: 'rejected', readOnly: true, prescription: null, patientName: undefined, kvnr: undefined, draft: [] }));
    expect(screen.queryByTestId('case-header-patient')).not.toBeInTheDocument();
    expect(screen.queryByTestId('case-header-birthdate')).not.toBeInTheDocument();
  });
});

describe('Rezept zurückgeben / löschen', () => {
  it('asks first; Cancel has the focus, Esc cancels and nothing is sent', async () => {
    const { user, fake } = await openCase();
    const opener = screen.getByTestId('reject-case');
    await user.click(opener);

    const dialog = screen.getByRole('dialog', { name: 'Rezept zurückgeben?' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(within(dialog).getByTestId('reject-dialog-cancel')).toHaveFocus();
    expect(dialog).toHaveTextContent(ids.first);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(fake.calls.rejectCase).not.toHaveBeenCalled();
  });

  it('keeps the focus inside the dialog (Tab and Shift+Tab wrap around)', async () => {
    const { user } = await openCase();
    await user.click(screen.getByTestId('abort-case'));
    const cancel = screen.getByTestId('abort-dialog-cancel');
    const confirm = screen.getByTestId('abort-dialog-confirm');
    expect(cancel).toHaveFocus();
    await user.tab();
    expect(confirm).toHaveFocus();
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.tab({ shift: true });
    expect(confirm).toHaveFocus();
  });

  it('hands the prescription back after confirmation; only id, status, times and staff remain (A_19251)', async () => {
    localStorage.setItem(`erx.unsavedDraft.${ids.first}`, JSON.stringify({ entries: [entry()], savedAt: '2026-10-05T08:00:00Z' }));
    const { user, fake } = await openCase();
    await user.click(screen.getByTestId('reject-case'));
    await user.click(screen.getByTestId('reject-dialog-confirm'));

    await waitFor(() => expect(fake.calls.rejectCase).toHaveBeenCalledWith({ prescriptionId: ids.first, confirmed: true }));
    const ended = await screen.findByTestId('case-ended');
    expect(ended).toHaveTextContent('Zurückgegeben am 05.10.2026, 10:30 von AB');
    expect(screen.getByTestId('case-status')).toHaveAttribute('data-status', 'rejected');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByTestId('prescription-view')).not.toBeInTheDocument();
    expect(screen.queryByTestId('dispense-form')).not.toBeInTheDocument();
    expect(screen.queryByText('Ludger Königsstein')).not.toBeInTheDocument();
    expect(localStorage.getItem(`erx.unsavedDraft.${ids.first}`)).toBeNull();
  });

  it('deletes with Alt+L and the confirmation; a failure stays in the dialog', async () => {
    const { user, fake } = await openCase();
    fake.calls.abortCase.mockResolvedValueOnce({ ok: false, error: appError({ message: 'Der E-Rezept-Fachdienst ist nicht erreichbar.', code: 'network' }) } as never);
    await user.keyboard('{Alt>}l{/Alt}');
    expect(screen.getByRole('dialog', { name: 'Rezept endgültig löschen?' })).toBeVisible();
    await user.click(screen.getByTestId('abort-dialog-confirm'));
    expect(await screen.findByTestId('abort-dialog-error')).toHaveTextContent('nicht erreichbar');

    await user.click(screen.getByTestId('abort-dialog-confirm'));
    expect(await screen.findByTestId('case-ended')).toHaveTextContent('Gelöscht am');
  });

  it('needs a staff member', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()], appInfo: appInfo({ staff: null }) });
    renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    expect(await screen.findByTestId('reject-case')).toBeDisabled();
    expect(screen.getByTestId('abort-case')).toBeDisabled();
  });
});

describe('receipt', () => {
  const closed = () => dispensedCase({ status: 'closed', readOnly: true, receipt: receipt(ids.first), closedAt: '2026-10-05T09:15:00.000Z' });

  it('shows PrescriptionID, time, pharmacy, Telematik-ID and signature, and prints', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    const { user } = await openCase(closed());
    const shown = screen.getByTestId('receipt');
    expect(within(shown).getByTestId('receipt-prescription-id')).toHaveTextContent(ids.first);
    expect(within(shown).getByTestId('receipt-completed-at')).toHaveTextContent('05.10.2026, 11:15');
    expect(within(shown).getByTestId('receipt-pharmacy')).toHaveTextContent('Löwen-Apotheke am Markt');
    expect(within(shown).getByTestId('receipt-signature')).toHaveTextContent('Signatur vorhanden');
    await user.click(screen.getByTestId('receipt-print'));
    expect(print).toHaveBeenCalledTimes(1);
    await user.keyboard('{Alt>}p{/Alt}');
    expect(print).toHaveBeenCalledTimes(2);
    print.mockRestore();
  });

  it('fetches the receipt again (GET ?secret) and says when', async () => {
    const { user, fake } = await openCase(closed());
    await user.click(screen.getByTestId('receipt-refetch'));
    expect(fake.calls.refetchReceipt).toHaveBeenCalledWith({ prescriptionId: ids.first });
    expect(await screen.findByTestId('receipt-refetched')).toHaveTextContent('Quittung erneut abgerufen um 05.10.2026, 10:30');
  });
});

describe('case notices', () => {
  it('offers to recover a missing Secret and blocks sending until then', async () => {
    const { user, fake } = await openCase(caseDetail({ secretMissing: true }));
    expect(screen.getByTestId('secret-missing')).toHaveTextContent('kein Secret');
    expect(screen.getByTestId('submit-dispense')).toBeDisabled();
    await user.click(screen.getByTestId('secret-recover'));
    expect(fake.calls.recoverSecret).toHaveBeenCalledWith({ prescriptionId: ids.first });
    await waitFor(() => expect(screen.queryByTestId('secret-missing')).not.toBeInTheDocument());
    expect(screen.getByTestId('submit-dispense')).toBeEnabled();
  });

  it('warns after the Belieferungsfrist (A_23798) and blocks after the Einlösefrist (A_23800)', async () => {
    const { unmount } = await openCase(
      caseDetail({ deadlineFindings: [{ severity: 'warning', code: 'DEADLINE_ACCEPT_DATE_PASSED', message: 'Belieferungsfrist überschritten' }] }),
    );
    expect(screen.getByTestId('deadline-warning')).toHaveTextContent('Die Frist endete am 29.10.2026');
    expect(screen.getByTestId('submit-dispense')).toBeEnabled();
    unmount();

    await openCase(caseDetail({ deadlineFindings: [{ severity: 'error', code: 'DEADLINE_EXPIRED', message: 'Einlösefrist abgelaufen' }] }));
    expect(screen.getByTestId('deadline-blocked')).toHaveTextContent('darf nicht mehr beliefert werden');
    expect(screen.getByTestId('dispense-expired')).toBeVisible();
    expect(screen.getByTestId('submit-dispense')).toBeDisabled();
    expect(screen.getByTestId('close-case')).toBeDisabled();
    // handing it back stays possible
    expect(screen.getByTestId('reject-case')).toBeEnabled();
  });

  it('says when the answer to a submission was lost', async () => {
    await openCase(dispensedCase({ outcomeUnknown: true }));
    expect(screen.getByTestId('outcome-unknown')).toHaveTextContent('gleicht die App zuerst mit dem Fachdienst ab');
  });
});

describe('versions', () => {
  it('lists every submission with time, staff, entries and answer; each can be viewed and compared', async () => {
    const v1 = [entry({ batch: { lot: 'B1', expiry: '2028-03-31' } })];
    const v2 = [entry({ batch: { lot: 'B2', expiry: '2028-03-31' } }), entry({ key: 'entry-2', packs: 2 })];
    const detail = dispensedCase({
      draft: v2,
      confirmedEntries: v2,
      submissions: [
        submission({ entries: v1 }),
        submission({ id: 2, version: 2, staff: 'MK', entries: v2, createdAt: '2026-10-05T08:40:00.000Z', completedAt: '2026-10-05T08:40:01.000Z' }),
        submission({ id: 3, version: 3, state: 'failed', httpStatus: 503, errorMessage: 'Fachdienst nicht erreichbar', entries: v2, completedAt: undefined }),
      ],
    });
    const { user } = await openCase(detail);
    const list = screen.getByTestId('versions');
    expect(within(list).getByTestId('version-1')).toHaveTextContent('bestätigt');
    // the call and its HTTP status only behind „Technische Details“ (counter language)
    expect(within(list).getByTestId('version-1')).not.toHaveTextContent('HTTP');
    expect(within(list).getByTestId('version-2')).toHaveTextContent('05.10.2026, 10:40');
    expect(within(list).getByTestId('version-2')).toHaveTextContent('MK');
    expect(within(list).getByTestId('version-3')).toHaveTextContent('abgelehnt: Fachdienst nicht erreichbar');

    await user.click(screen.getByTestId('version-2-toggle'));
    const details = screen.getByTestId('version-2-details');
    expect(within(details).getByTestId('version-2-entries')).toHaveTextContent('B2');
    const diff = within(details).getByTestId('version-2-diff');
    expect(diff).toHaveTextContent('Position 1 geändert');
    expect(diff).toHaveTextContent('Charge: B1 → B2');
    expect(diff).toHaveTextContent('Position 2 neu');
    expect(within(details).getByTestId('version-2-technical')).toHaveTextContent('Technische Details');
    expect(within(details).getByTestId('version-2-technical')).toHaveTextContent('$dispense');
    expect(within(details).getByTestId('version-2-technical')).toHaveTextContent('204');
  });
});
