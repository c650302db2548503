import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appInfo } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

const consent = {
  at: '2026-10-05T08:00:00.000Z',
  scopes: [{ name: 'e-rezept', text: 'Zugriff auf die E-Rezept-Funktionalität.' }],
  claims: [{ name: 'organizationName', text: 'Zustimmung zur Verarbeitung der Organisationszugehörigkeit' }],
  acknowledged: false,
};

describe('the IDP\'s consent (backend ti), shown once', () => {
  it('lists what the IDP passes on; „Zur Kenntnis genommen“ tells main and the notice goes', async () => {
    const fake = createFakeBridge({ appInfo: appInfo({ backend: 'ti', training: false, idpConsent: consent }) });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    const notice = await screen.findByTestId('idp-consent');
    expect(within(notice).getAllByTestId('idp-consent-item').map((item) => item.dataset['name'])).toEqual(['e-rezept', 'organizationName']);
    expect(notice).toHaveTextContent('Zustimmung zur Verarbeitung der Organisationszugehörigkeit');

    await user.click(within(notice).getByTestId('idp-consent-acknowledge'));
    expect(fake.calls.acknowledgeIdpConsent).toHaveBeenCalledWith({ confirmed: true });
    expect(screen.queryByTestId('idp-consent')).not.toBeInTheDocument();
  });

  it('is not shown once acknowledged, nor without a consent', async () => {
    const { bridge } = createFakeBridge({ appInfo: appInfo({ backend: 'ti', training: false, idpConsent: { ...consent, acknowledged: true } }) });
    renderWithProviders({ bridge });
    await screen.findByTestId('app-ready');
    expect(screen.queryByTestId('idp-consent')).not.toBeInTheDocument();
  });
});
