/**
 * The TI environments a pharmacy's Primärsystem reaches on the TI route (spec ti-transport, table "TI endpoints",
 * from api-erp `authentisieren.adoc`): the Fachdienst and the IDP per environment. RU-DEV shares RU's IDP and asks
 * for scope `e-rezept-dev`.
 */
export type TiEnvironment = 'ru' | 'ru-dev' | 'pu';

export interface TiEnvironmentAddresses {
  fachdienstUrl: string;
  idpUrl: string;
  scope: string;
}

export const TI_ENVIRONMENTS: Readonly<Record<TiEnvironment, TiEnvironmentAddresses>> = {
  pu: { fachdienstUrl: 'https://erp.zentral.erp.splitdns.ti-dienste.de/', idpUrl: 'https://idp.zentral.idp.splitdns.ti-dienste.de/', scope: 'openid e-rezept' },
  ru: { fachdienstUrl: 'https://erp-ref.zentral.erp.splitdns.ti-dienste.de/', idpUrl: 'https://idp-ref.zentral.idp.splitdns.ti-dienste.de/', scope: 'openid e-rezept' },
  'ru-dev': {
    fachdienstUrl: 'https://erp-dev.zentral.erp.splitdns.ti-dienste.de/',
    idpUrl: 'https://idp-ref.zentral.idp.splitdns.ti-dienste.de/',
    scope: 'openid e-rezept-dev',
  },
};
