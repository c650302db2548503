import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TiSettings, TiSettingsInput } from '../../../../../shared/ipc/contract';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appInfo } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

/** What main answers for a real TI set up for RU with Basic auth (main/services/ti-settings.ts). */
const ruSettings: TiSettings = {
  environment: 'ru',
  fachdienstUrl: 'https://erp-ref.zentral.erp.splitdns.ti-dienste.de/',
  idpUrl: 'https://idp-ref.zentral.idp.splitdns.ti-dienste.de/',
  addressesFromStart: false,
  clientId: 'gematikTestPs',
  konnektor: {
    baseUrl: 'https://192.168.1.10/',
    mandantId: 'Mandant1',
    clientSystemId: 'CS1',
    workplaceId: 'AP1',
    userId: '',
    trust: { kind: 'pin', sha256Fingerprint: 'AB'.repeat(32) },
    allowPlainHttp: false,
    smcbIccsn: '',
    clientAuth: { kind: 'basic', username: 'kasse1', passwordStored: true },
  },
  problems: [],
};

async function openTiSettings(options: Parameters<typeof createFakeBridge>[0]) {
  const fake = createFakeBridge({ appInfo: appInfo({ backend: 'ti', training: false }), ...options });
  const { user } = renderWithProviders({ bridge: fake.bridge });
  await user.click(await screen.findByTestId('app-settings-open'));
  const section = await screen.findByTestId('ti-settings');
  await within(section).findByTestId('ti-settings-save');
  return { fake, user, section };
}

describe('„TI-Anbindung“ in „Einstellungen & Info“ (backend ti)', () => {
  it('shows the stored settings; a stored password is only „gespeichert“ and stays when the field is left empty', async () => {
    const saved: TiSettingsInput[] = [];
    const { fake, user, section } = await openTiSettings({
      tiSettings: ruSettings,
      saveTiSettings: (input) => (saved.push(input), { saved: true, settings: ruSettings, problems: [] }),
    });
    expect(within(section).getByTestId('ti-environment')).toHaveValue('ru');
    expect(within(section).getByTestId('ti-addresses')).toHaveTextContent('erp-ref.zentral.erp.splitdns.ti-dienste.de');
    expect(within(section).getByTestId('ti-baseUrl')).toHaveValue('https://192.168.1.10/');
    expect(within(section).getByTestId('ti-password')).toHaveValue('');
    expect(within(section).getByTestId('ti-password')).toHaveAttribute('placeholder', 'gespeichert – leer lassen, um es zu behalten');

    await user.clear(within(section).getByTestId('ti-workplaceId'));
    await user.type(within(section).getByTestId('ti-workplaceId'), 'AP2');
    await user.click(within(section).getByTestId('ti-settings-save'));

    expect(await within(section).findByTestId('ti-settings-saved')).toHaveTextContent('Gespeichert');
    expect(fake.calls.saveTiSettings).toHaveBeenCalledTimes(1);
    expect(saved[0]?.konnektor).toMatchObject({ workplaceId: 'AP2', clientAuth: { kind: 'basic', username: 'kasse1', password: undefined } });
  });

  it('own addresses: the two address fields appear; main\'s problems show at their fields and nothing counts as saved', async () => {
    const { user, section } = await openTiSettings({
      tiSettings: ruSettings,
      saveTiSettings: () => ({
        saved: false,
        settings: ruSettings,
        problems: [{ field: 'fachdienstUrl', message: 'Die Adresse des E-Rezept-Fachdienstes muss mit https:// beginnen.' }],
      }),
    });
    await user.selectOptions(within(section).getByTestId('ti-environment'), 'custom');
    await user.type(within(section).getByTestId('ti-fachdienstUrl'), 'http://erp.example/');
    await user.click(within(section).getByTestId('ti-settings-save'));

    const problem = await within(section).findByTestId('ti-field-problem');
    expect(problem).toHaveAttribute('data-field', 'fachdienstUrl');
    expect(problem).toHaveTextContent('muss mit https:// beginnen');
    expect(within(section).getByTestId('ti-fachdienstUrl')).toHaveAttribute('aria-invalid', 'true');
    expect(within(section).queryByTestId('ti-settings-saved')).not.toBeInTheDocument();
  });

  it('lists the inserted SMC-Bs on request and takes the chosen one\'s ICCSN', async () => {
    const { user, section } = await openTiSettings({
      tiSettings: ruSettings,
      smcbs: [
        { iccsn: '80276001011699902301', holderName: 'Apotheke Adelheid Ulmendorfer TEST-ONLY', ctId: 'CT1', slotId: '1' },
        { iccsn: '80276001011699902302', holderName: 'Apotheke Bernd Ulmendorfer TEST-ONLY', ctId: 'CT1', slotId: '2' },
      ],
    });
    await user.click(within(section).getByTestId('ti-smcb-list'));
    const cards = await within(section).findAllByTestId('ti-smcb-card');
    expect(cards).toHaveLength(2);
    expect(cards[1]).toHaveTextContent('Apotheke Bernd Ulmendorfer TEST-ONLY');
    expect(cards[1]).toHaveTextContent('Kartenterminal CT1, Slot 2');
    await user.click(within(cards[1]!).getByTestId('ti-smcb-choose'));
    await waitFor(() => expect(within(section).getByTestId('ti-smcbIccsn')).toHaveValue('80276001011699902302'));
  });

  it('the TI simulation: addresses from the start, no Konnektor TLS or sign-in fields', async () => {
    const { section } = await openTiSettings({
      tiSettings: { ...ruSettings, environment: 'custom', addressesFromStart: true, konnektor: { ...ruSettings.konnektor, baseUrl: 'http://127.0.0.1:8081/konnektor', clientAuth: { kind: 'none' } } },
    });
    expect(within(section).getByTestId('ti-addresses-from-start')).toHaveTextContent('TI-Simulation');
    expect(within(section).getByTestId('ti-environment')).toBeDisabled();
    expect(within(section).getByTestId('ti-baseUrl')).toBeDisabled();
    expect(within(section).queryByTestId('ti-trustKind')).not.toBeInTheDocument();
    expect(within(section).queryByTestId('ti-authKind')).not.toBeInTheDocument();
  });

  it('is not shown with a simulator backend', async () => {
    const { bridge } = createFakeBridge();
    const { user } = renderWithProviders({ bridge });
    await user.click(await screen.findByTestId('app-settings-open'));
    expect(await screen.findByTestId('app-settings')).toBeInTheDocument();
    expect(screen.queryByTestId('ti-settings')).not.toBeInTheDocument();
  });
});
