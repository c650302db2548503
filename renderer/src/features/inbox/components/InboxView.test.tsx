import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { caseDetail, dispensedCase, ids, prescription, receipt } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

const cases = () => [
  caseDetail(),
  dispensedCase({
    prescription: prescription({ prescriptionId: ids.second, patient: { name: 'Erika Mustermann', kvnr: 'K220635158' } }),
    closeDeadline: '2026-10-06',
    closeDeadlineState: 'due-today',
    hasUnsentChanges: true,
  }),
  caseDetail({
    prescriptionId: ids.tRezept,
    status: 'rejected',
    readOnly: true,
    patientName: undefined,
    kvnr: undefined,
    medicationLabel: undefined,
    prescription: null,
    endedAt: '2026-10-05T09:00:00.000Z',
    endedBy: 'MK',
  }),
];

describe('inbox', () => {
  it('lists every local case with status, deadlines, last $dispense and closing deadline', async () => {
    renderWithProviders({ bridge: createFakeBridge({ cases: cases() }).bridge });
    const sent = await screen.findByTestId(`inbox-row-${ids.second}`);
    expect(screen.getByTestId('inbox-count')).toHaveTextContent('3 Vorgänge');
    expect(within(sent).getByTestId(`inbox-status-${ids.second}`)).toHaveTextContent('Abgabe übermittelt');
    expect(sent).toHaveTextContent('Erika Mustermann');
    expect(sent).toHaveTextContent('K220635158');
    expect(sent).toHaveTextContent('Belieferung bis 29.10.2026');
    expect(sent).toHaveTextContent('Einlösung bis 01.01.2027');
    expect(screen.getByTestId(`inbox-last-dispense-${ids.second}`)).toHaveTextContent('05.10.2026, 10:20');
    const deadline = screen.getByTestId(`inbox-close-deadline-${ids.second}`);
    expect(deadline).toHaveTextContent('bis 06.10.2026');
    expect(deadline).toHaveTextContent('heute fällig');
    expect(screen.getByTestId(`inbox-unsent-${ids.second}`)).toBeVisible();

    const open = screen.getByTestId(`inbox-row-${ids.first}`);
    expect(within(open).getByTestId(`inbox-status-${ids.first}`)).toHaveTextContent('In Abgabe');
    expect(screen.getByTestId(`inbox-close-deadline-${ids.first}`)).toHaveTextContent('–');

    // A_19251: after $reject only id, status, times and staff remain
    const ended = screen.getByTestId(`inbox-row-${ids.tRezept}`);
    expect(ended).toHaveTextContent('Zurückgegeben');
    expect(ended).toHaveTextContent('Daten gelöscht');
    expect(ended).toHaveTextContent('05.10.2026, 11:00, MK');
    expect(ended).toHaveTextContent('T-Rezept');
  });

  it('searches by name, KVNR or PrescriptionID and filters "noch abzuschließen"', async () => {
    const fake = createFakeBridge({ cases: cases() });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await screen.findByTestId(`inbox-row-${ids.second}`);

    await user.type(screen.getByTestId('inbox-search'), 'Erika');
    await waitFor(() => expect(fake.calls.listCases).toHaveBeenLastCalledWith({ filter: 'all', query: 'Erika', limit: 100 }));
    await waitFor(() => expect(screen.queryByTestId(`inbox-row-${ids.first}`)).not.toBeInTheDocument());
    expect(screen.getByTestId(`inbox-row-${ids.second}`)).toBeVisible();

    await user.clear(screen.getByTestId('inbox-search'));
    await user.selectOptions(screen.getByTestId('inbox-filter'), 'to-close');
    expect(screen.getByTestId('inbox-filter')).toHaveDisplayValue('Noch abzuschließen');
    await waitFor(() => expect(fake.calls.listCases).toHaveBeenLastCalledWith({ filter: 'to-close', query: undefined, limit: 100 }));
    await waitFor(() => expect(screen.getByTestId('inbox-count')).toHaveTextContent('1 Vorgang'));

    await user.type(screen.getByTestId('inbox-search'), 'Niemand');
    expect(await screen.findByTestId('inbox-empty')).toHaveTextContent('Keine Vorgänge zu dieser Suche.');
  });

  it('opens a case from its row and comes back with Alt+V, search focused', async () => {
    const { user } = renderWithProviders({ bridge: createFakeBridge({ cases: cases() }).bridge });
    await user.click(await screen.findByTestId(`inbox-open-${ids.second}`));
    expect(await screen.findByTestId('case-view')).toHaveAttribute('data-prescription-id', ids.second);
    expect(screen.queryByTestId('inbox')).not.toBeInTheDocument();

    await user.keyboard('{Alt>}v{/Alt}');
    expect(await screen.findByTestId('inbox')).toBeVisible();
    expect(screen.getByTestId('inbox-search')).toHaveFocus();
  });

  it('opens a closed case read-only with its receipt', async () => {
    const closed = caseDetail({ status: 'closed', readOnly: true, receipt: receipt(ids.first) });
    const { user } = renderWithProviders({ bridge: createFakeBridge({ cases: [closed] }).bridge });
    await user.click(await screen.findByTestId(`inbox-open-${ids.first}`));
    expect(await screen.findByTestId('receipt')).toBeVisible();
    expect(screen.getByTestId('dispense-locked')).toBeVisible();
    expect(screen.getByTestId('dispense-entry-0-batch')).toBeDisabled();
    expect(screen.queryByTestId('reject-case')).not.toBeInTheDocument();
  });

  it('shows only the page main returns and says how many match in all, calmly', async () => {
    const fake = createFakeBridge({ cases: cases() });
    fake.calls.listCases.mockImplementation(async () => ({ ok: true as const, data: { cases: cases().slice(0, 2), total: 3 } }));
    renderWithProviders({ bridge: fake.bridge });
    expect(await screen.findByTestId('inbox-more')).toHaveTextContent('2 von 3 Vorgängen – Suche oder Filter eingrenzen');
    expect(screen.getByTestId('inbox-count')).toHaveTextContent('3 Vorgänge');
    expect(within(screen.getByTestId('inbox-table')).getAllByRole('row')).toHaveLength(1 + 2);
    expect(screen.getByTestId('inbox-more')).not.toHaveAttribute('role', 'alert');
  });

  it('has no "more" line when every match is shown', async () => {
    renderWithProviders({ bridge: createFakeBridge({ cases: cases() }).bridge });
    await screen.findByTestId(`inbox-row-${ids.second}`);
    expect(screen.queryByTestId('inbox-more')).not.toBeInTheDocument();
  });

  it('says so when there are no cases yet', async () => {
    renderWithProviders({ bridge: createFakeBridge().bridge });
    expect(await screen.findByTestId('inbox-empty')).toHaveTextContent('Noch keine Vorgänge');
  });
});
