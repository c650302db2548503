import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appInfo, dispensedCase, ids, receipt } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

const closedCase = () =>
  dispensedCase({
    status: 'closed',
    readOnly: true,
    receipt: receipt(ids.first),
    closedAt: '2026-10-05T09:15:00.000Z',
  });

describe('receipt in training („TRAINING“ on every receipt view and printout)', () => {
  it('carries „TRAINING – keine echte Quittung“ inside the printed area while the backend is a simulator', async () => {
    const { bridge } = createFakeBridge({ appInfo: appInfo({ training: true }), cases: [closedCase()] });
    renderWithProviders({ bridge, initialCase: ids.first });
    const shown = await screen.findByTestId('receipt');
    const mark = within(shown).getByTestId('receipt-training-mark');
    expect(mark).toHaveTextContent('TRAINING – keine echte Quittung');
    // inside the print area and not excluded from print
    expect(shown).toHaveClass('print-area');
    expect(mark.closest('.no-print')).toBeNull();
  });

  it('has no training mark against the real TI', async () => {
    const { bridge } = createFakeBridge({
      appInfo: appInfo({ training: false, backend: 'ti' }),
      cases: [closedCase()],
    });
    renderWithProviders({ bridge, initialCase: ids.first });
    const shown = await screen.findByTestId('receipt');
    expect(within(shown).queryByTestId('receipt-training-mark')).not.toBeInTheDocument();
  });
});
