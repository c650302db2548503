import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appInfo } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

describe('„Nachrichten aus der E-Rezept-App“ in the settings (retention of Zuweisungen never accepted, docs/messages.md)', () => {
  it('shows the period in effect and stores a new one through main', async () => {
    const fake = createFakeBridge({ appInfo: appInfo({ messageRetentionDays: 30 }) });
    const { bridge } = fake;
    const { user } = renderWithProviders({ bridge });
    await user.click(await screen.findByTestId('app-settings-open'));
    const dialog = screen.getByTestId('app-settings');
    const input = within(dialog).getByTestId('settings-message-retention');
    expect(input).toHaveValue(30);
    await user.clear(input);
    await user.type(input, '14');
    await user.click(within(dialog).getByTestId('settings-message-retention-save'));
    expect(await within(dialog).findByTestId('settings-message-retention-saved')).toHaveTextContent('nach 14 Tagen gelöscht');
    expect(fake.calls.setMessageRetentionDays).toHaveBeenCalledWith({ days: 14 });
  });

  it('refuses a period outside 1–365 days before anything is stored', async () => {
    const fake = createFakeBridge();
    const { bridge } = fake;
    const { user } = renderWithProviders({ bridge });
    await user.click(await screen.findByTestId('app-settings-open'));
    const dialog = screen.getByTestId('app-settings');
    const input = within(dialog).getByTestId('settings-message-retention');
    await user.clear(input);
    await user.type(input, '400');
    await user.click(within(dialog).getByTestId('settings-message-retention-save'));
    expect(await within(dialog).findByTestId('settings-message-retention-problem')).toHaveTextContent('von 1 bis 365 Tagen');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(fake.calls.setMessageRetentionDays).not.toHaveBeenCalled();
  });
});
