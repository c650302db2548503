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

  it('says „TI-Simulation“ in the banner when the TI backend runs against the simulated TI', async () => {
    const { bridge } = createFakeBridge({ appInfo: appInfo({ training: true, backend: 'ti' }) });
    renderWithProviders({ bridge });
    const banner = await screen.findByTestId('training-banner');
    expect(banner).toHaveTextContent('TRAINING – TI-Simulation, keine echten Rezepte');
    expect(banner).toHaveAttribute('data-backend', 'ti-simulation');
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

  it('switches to English and remembers the choice', async () => {
    const { user } = renderWithProviders({ bridge: createFakeBridge().bridge });
    const select = await screen.findByTestId('language-switch');
    expect(select).toHaveDisplayValue('Deutsch');
    expect(screen.getByLabelText('Rezeptcode scannen')).toBe(screen.getByTestId('scan-input'));

    await user.selectOptions(select, 'en');

    expect(await screen.findByLabelText('Scan prescription code')).toBe(screen.getByTestId('scan-input'));
    expect(screen.getByTestId('nav-inbox')).toHaveTextContent('Cases');
    expect(localStorage.getItem('erx.language')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('shows every main shortcut on its control', async () => {
    const { bridge } = createFakeBridge({ cases: [caseDetail()] });
    renderWithProviders({ bridge, initialCase: ids.first });
    await screen.findByTestId('dispense-form');
    const shortcuts: [string, string][] = [
      ['nav-inbox', 'Alt+V'],
      ['connection-indicator', 'Alt+W'],
      ['app-settings-open', 'Alt+I'],
      ['scan-input', 'Alt+S'],
      ['staff-switch', 'Alt+M'],
      ['reject-case', 'Alt+R'],
      ['abort-case', 'Alt+L'],
      ['add-entry', 'Alt+N'],
      ['submit-dispense', 'Alt+Ü Control+Enter'],
      ['close-case', 'Alt+A'],
      ['patient-preview-open', 'Alt+B'],
    ];
    for (const [testId, keys] of shortcuts) expect(screen.getByTestId(testId), testId).toHaveAttribute('aria-keyshortcuts', keys);
    expect(screen.getByTestId('add-entry')).toHaveTextContent('Alt+N');
  });

  it('focuses the scan field with Alt+S from anywhere', async () => {
    const { bridge } = createFakeBridge({ cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge, initialCase: ids.first });
    await user.click(await screen.findByTestId('dispense-entry-0-batch'));
    await user.keyboard('{Alt>}s{/Alt}');
    expect(screen.getByTestId('scan-input')).toHaveFocus();
  });
});
