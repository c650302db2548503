import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { EgkLookup } from '../../../../../shared/ipc/contract';
import { createFakeBridge } from '../../../test/fake-bridge';
import { caseDetail, ids } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

const lookup: EgkLookup = {
  lookupId: 'lookup-1',
  patient: { name: 'Erika Mustermann', birthDate: '1964-08-12' },
  offlineProofAccepted: false,
  total: 2,
  prescriptions: [
    { prescriptionId: ids.first, flowType: '160', authoredOn: '2026-10-01', expiryDate: '2026-12-31' },
    { prescriptionId: ids.second, flowType: '160', authoredOn: '2026-10-02', expiryDate: '2026-12-31' },
  ],
  unreadable: [],
};

describe('„Rezepte per Gesundheitskarte“ (Alt+G, spec §3.9)', () => {
  it('reads the inserted card, lists everything ticked, and Enter takes all: the first opens as a case', async () => {
    const fake = createFakeBridge({ egk: lookup, cases: [caseDetail({ prescriptionId: ids.first }), caseDetail({ prescriptionId: ids.second })] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await screen.findByTestId('app-ready');
    await user.keyboard('{Alt>}g{/Alt}');
    const dialog = await screen.findByTestId('egk-dialog');
    expect(await within(dialog).findByTestId('egk-patient')).toHaveTextContent('Erika Mustermann · geboren 12.08.1964');
    const rows = within(dialog).getAllByTestId('egk-prescription');
    expect(rows.map((row) => row.dataset['prescriptionId'])).toEqual([ids.first, ids.second]);
    expect(within(dialog).getAllByTestId('egk-tick').every((box) => (box as HTMLInputElement).checked)).toBe(true);
    expect(within(dialog).getByTestId('egk-accept')).toHaveFocus();

    await user.keyboard('{Enter}');

    await waitFor(() => expect(fake.calls.egkAccept).toHaveBeenCalledWith({ lookupId: 'lookup-1', prescriptionIds: [ids.first, ids.second] }));
    await waitFor(() => expect(screen.queryByTestId('egk-dialog')).not.toBeInTheDocument());
    expect(await screen.findByTestId('prescription-id')).toHaveTextContent(ids.first);
  });

  it('an unticked prescription is not claimed', async () => {
    const fake = createFakeBridge({ egk: lookup, cases: [caseDetail({ prescriptionId: ids.first }), caseDetail({ prescriptionId: ids.second })] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.click(await screen.findByTestId('egk-open'));
    const dialog = await screen.findByTestId('egk-dialog');
    const second = (await within(dialog).findAllByTestId('egk-prescription'))[1]!;
    await user.click(within(second).getByTestId('egk-tick'));
    expect(within(dialog).getByTestId('egk-accept')).toHaveTextContent('1 Rezept übernehmen');
    await user.click(within(dialog).getByTestId('egk-accept'));
    await waitFor(() => expect(fake.calls.egkAccept).toHaveBeenCalledWith({ lookupId: 'lookup-1', prescriptionIds: [ids.first] }));
  });

  it('waits for the card while none is inserted', async () => {
    const fake = createFakeBridge();
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.click(await screen.findByTestId('egk-open'));
    expect(await screen.findByTestId('egk-waiting')).toHaveTextContent('Gesundheitskarte des Patienten ins Kartenterminal stecken');
    await waitFor(() => expect(fake.calls.egkPoll).toHaveBeenCalled());
    expect(fake.calls.egkLookup).not.toHaveBeenCalled();
  });
});
