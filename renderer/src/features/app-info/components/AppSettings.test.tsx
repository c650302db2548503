import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appInfo } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

describe('„Einstellungen & Info“ (data at rest, architecture §7; spec §8 network settings)', () => {
  it('shows the key file when the OS keychain is not used, and the network settings in effect', async () => {
    const { bridge } = createFakeBridge({ appInfo: appInfo({ dataProtection: 'key-file', network: { requestTimeoutMs: 250, retryBaseMs: 20, maxAttempts: 10 } }) });
    const { user } = renderWithProviders({ bridge });
    await user.click(await screen.findByTestId('app-settings-open'));

    const dialog = screen.getByTestId('app-settings');
    expect(dialog).toHaveAttribute('role', 'dialog');
    expect(within(dialog).getByTestId('data-protection')).toHaveTextContent('Datenschutz: Schlüsseldatei, nur für dieses Benutzerkonto lesbar');
    expect(within(dialog).getByTestId('data-protection')).toHaveAttribute('data-method', 'key-file');
    expect(within(dialog).getByTestId('network-timeout')).toHaveTextContent('250 ms');
    expect(within(dialog).getByTestId('network-retry-base')).toHaveTextContent('20 ms');
    expect(within(dialog).getByTestId('network-max-attempts')).toHaveTextContent('10');
    expect(within(dialog).getByTestId('app-fachdienst-url')).toHaveTextContent('http://127.0.0.1:40123');
  });

  it('names the operating system keychain (safeStorage) when main uses it', async () => {
    const { bridge } = createFakeBridge({ appInfo: appInfo({ dataProtection: 'safe-storage', network: { requestTimeoutMs: 30_000, retryBaseMs: 1500, maxAttempts: 10 } }) });
    const { user } = renderWithProviders({ bridge });
    await user.click(await screen.findByTestId('app-settings-open'));
    expect(screen.getByTestId('data-protection')).toHaveTextContent('Datenschutz: Schlüsselbund des Betriebssystems (safeStorage)');
    expect(screen.getByTestId('network-timeout')).toHaveTextContent('30 s');
    expect(screen.getByTestId('network-retry-base')).toHaveTextContent('1,5 s');
  });

  it('names the store shared by several counters (issue 18), and nothing when this counter keeps its own', async () => {
    const shared = createFakeBridge({ appInfo: appInfo({ sharedStore: 'postgres://erx@db:5432/apotheke' }) });
    const { user, unmount } = renderWithProviders({ bridge: shared.bridge });
    await user.click(await screen.findByTestId('app-settings-open'));
    expect(screen.getByTestId('app-info-shared-store')).toHaveTextContent('postgres://erx@db:5432/apotheke');
    expect(screen.getByText('Gemeinsamer Datenbestand mehrerer Kassen')).toBeVisible();
    unmount();

    const own = createFakeBridge();
    renderWithProviders({ bridge: own.bridge });
    await user.click(await screen.findByTestId('app-settings-open'));
    expect(await screen.findByTestId('app-settings')).toBeVisible();
    expect(screen.queryByTestId('app-info-shared-store')).not.toBeInTheDocument();
  });

  it('opens with Alt+I and closes with Esc, focus back on the opener', async () => {
    const { bridge } = createFakeBridge();
    const { user } = renderWithProviders({ bridge });
    const opener = await screen.findByTestId('app-settings-open');
    opener.focus();
    await user.keyboard('{Alt>}i{/Alt}');
    expect(screen.getByTestId('app-settings-close')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('app-settings')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });
});
