import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appInfo } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

async function openSettings(info = appInfo()) {
  const fake = createFakeBridge({ appInfo: info });
  const rendered = renderWithProviders({ bridge: fake.bridge });
  await rendered.user.click(await screen.findByTestId('app-settings-open'));
  return { ...rendered, fake, settings: screen.getByTestId('app-settings') };
}

describe('backend choice in „Einstellungen & Info“: leaving training only after a confirmation', () => {
  it('says the app runs in training against a simulator', async () => {
    const { settings } = await openSettings(appInfo({ backend: 'embedded', training: true }));
    const mode = within(settings).getByTestId('backend-mode');
    expect(mode).toHaveTextContent(
      'Training – Simulator, keine echten Rezepte (Eingebauter Simulator (Training))',
    );
    expect(mode).toHaveAttribute('data-training', 'true');
    expect(within(settings).getByTestId('backend-ti')).toHaveTextContent('Echte TI verwenden …');
  });

  it('switches only after „Ich verstehe …“ and „Umschalten“, and shows main’s refusal', async () => {
    const { user, fake } = await openSettings(appInfo({ backend: 'simulator', training: true }));
    const opener = screen.getByTestId('backend-ti');
    await user.click(opener);

    const dialog = screen.getByTestId('backend-ti-dialog');
    expect(dialog).toHaveAttribute('role', 'dialog');
    expect(dialog).toHaveTextContent('echte E-Rezepte von Patientinnen und Patienten');
    expect(within(dialog).getByTestId('backend-ti-cancel')).toHaveFocus();
    const confirm = within(dialog).getByTestId('backend-ti-confirm');
    expect(confirm).toHaveTextContent('Umschalten');
    expect(confirm).toBeDisabled();

    await user.click(
      within(dialog).getByLabelText('Ich verstehe, dass danach echte Rezepte verarbeitet werden.'),
    );
    expect(confirm).toBeEnabled();
    await user.click(confirm);

    await waitFor(() =>
      expect(fake.calls.selectBackend).toHaveBeenCalledWith({ backend: 'ti', confirmed: true }),
    );
    expect(await within(dialog).findByTestId('backend-ti-error-message')).toHaveTextContent(
      'Die echte TI wird beim Start gewählt: bitte die App mit „--backend ti“ starten.',
    );
    // still training: nothing changed, the dialog stays for the pharmacist to read
    expect(screen.getByTestId('training-banner')).toBeInTheDocument();
    expect(screen.getByTestId('backend-ti-dialog')).toBeInTheDocument();
  });

  it('cancels with Esc: nothing is sent, the settings stay open, focus back on the button', async () => {
    const { user, fake } = await openSettings();
    const opener = screen.getByTestId('backend-ti');
    await user.click(opener);
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('backend-ti-dialog')).not.toBeInTheDocument();
    expect(screen.getByTestId('app-settings')).toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(fake.calls.selectBackend).not.toHaveBeenCalled();
  });

  it('offers no switch when the app already runs against the TI', async () => {
    const { settings } = await openSettings(appInfo({ backend: 'ti', training: false }));
    expect(within(settings).getByTestId('backend-mode')).toHaveTextContent(
      'Echtbetrieb – E-Rezept-Fachdienst der TI',
    );
    expect(within(settings).queryByTestId('backend-ti')).not.toBeInTheDocument();
  });
});
