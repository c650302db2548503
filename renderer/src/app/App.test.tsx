import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../test/fake-bridge';
import { appInfo, caseDetail, ids } from '../test/fixtures';
import { renderWithProviders } from '../test/render-app';

describe('app shell', () => {
  it('shows the orange training banner whenever the backend is a simulator', async () => {
    const { bridge } = createFakeBridge({ appInfo: appInfo({ training: true }) });
    renderWithProviders({ bridge });
    expect(await screen.findByTestId('training-banner')).toHaveTextContent('TRAINING – Simulator, keine echten Rezepte');
    expect(screen.getByTestId('app-name')).toHaveTextContent('eRx Counter');
    expect(screen.getByTestId('pharmacy-name')).toHaveTextContent('Löwen-Apotheke am Markt');
  });

  it('shows no training banner against the real TI', async () => {
    const { bridge } = createFakeBridge({ appInfo: appInfo({ training: false, backend: 'ti' }) });
    renderWithProviders({ bridge });
    await screen.findByTestId('app-ready');
    expect(screen.queryByTestId('training-banner')).not.toBeInTheDocument();
  });

  it('switches the staff member through setStaff and shows the new Kürzel', async () => {
    const fake = createFakeBridge();
    const { user } = renderWithProviders({ bridge: fake.bridge });
    const select = await screen.findByTestId('staff-switch');
    expect(select).toHaveDisplayValue('AB – Anna Berger');

    await user.selectOptions(select, 'MK');

    expect(fake.calls.setStaff).toHaveBeenCalledWith({ kuerzel: 'MK' });
    await waitFor(() => expect(select).toHaveDisplayValue('MK – Maria Keller'));
  });

  it('focuses the staff switch with Alt+M from anywhere', async () => {
    const { bridge } = createFakeBridge();
    const { user } = renderWithProviders({ bridge });
    const select = await screen.findByTestId('staff-switch');
    expect(screen.getByTestId('scan-input')).toHaveFocus();

    await user.keyboard('{Alt>}m{/Alt}');

    expect(select).toHaveFocus();
  });

  it('without a staff member, explains why and disables sending the dispense', async () => {
    const { bridge } = createFakeBridge({ appInfo: appInfo({ staff: null }), cases: [caseDetail()] });
    renderWithProviders({ bridge, initialCase: ids.first });
    expect(await screen.findByTestId('staff-hint')).toHaveTextContent('Kein Kürzel gewählt');
    const form = await screen.findByTestId('dispense-form');
    expect(within(form).getByTestId('submit-dispense')).toBeDisabled();
    expect(within(form).getByTestId('close-case')).toBeDisabled();
    expect(within(form).getByTestId('dispense-needs-staff')).toBeVisible();
  });

  it('shows a German alert when the app information cannot be loaded', async () => {
    const fake = createFakeBridge();
    fake.calls.getAppInfo.mockResolvedValueOnce({
      ok: false,
      error: { code: 'internal', message: 'Die Einstellungen konnten nicht gelesen werden.', retry: 'never', system: 'app', at: '2026-10-05T08:00:00Z' },
    } as never);
    renderWithProviders({ bridge: fake.bridge });
    expect(await screen.findByRole('alert')).toHaveTextContent('Die Einstellungen konnten nicht gelesen werden.');
  });
});
