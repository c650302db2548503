/**
 * The app's way into the TI (architecture §2, backend `ti`): the Konnektor client and the SMC-B behind it, the
 * IDP sign-in as the `AccessTokenProvider`, the VAU as the `Transport`, with the certificates of VAU and IDP
 * checked through the Konnektor. The Fachdienst client above neither knows nor cares.
 */
import { idpTrustThrough, vauTrustThrough, type TiTrustPolicy } from './certificate-trust';
import { IdpTokenProvider } from './idp/idp-token-provider';
import type { SignedIn, UserConsent } from './idp/sign-in';
import type { KonnektorConfig } from './konnektor/konnektor-config';
import { KonnektorClient } from './konnektor/konnektor-client';
import { SmcbCardSigner } from './konnektor/smcb-card-signer';
import { VauTransport } from './vau/vau-transport';

/** The test environments' registered client (spec ti-transport §2.3); a product registers its own with gematik. */
export const DEFAULT_CLIENT_ID = 'gematikTestPs';
export const DEFAULT_REDIRECT_URI = 'http://test-ps.gematik.de/erezept';

export interface TiConnectionOptions {
  fachdienstUrl: string;
  idpUrl: string;
  konnektor: KonnektorConfig;
  /** `<Produktname>/<Produktversion> <Herstellername>/<client_id>` (A_20015-01) */
  userAgent: string;
  clientId?: string;
  redirectUri?: string;
  /** `openid e-rezept` (`e-rezept-dev` on RU-DEV) */
  scope?: string;
  /** which certificates may be trusted at all (certificate-trust.ts): the simulation's only in the TI simulation */
  trustPolicy: TiTrustPolicy;
  now: () => Date;
  timeoutMs: () => number;
  fetch?: typeof fetch;
  consent: (userConsent: UserConsent) => Promise<void>;
  onSignedIn?: (signedIn: SignedIn) => void;
}

export interface TiConnection {
  /** the `Transport` the Fachdienst client uses; its certificate check also serves „Verbindung prüfen“ */
  transport: VauTransport;
  /** the `AccessTokenProvider`; discovery and sign-in also serve „Verbindung prüfen“ */
  tokens: IdpTokenProvider;
  konnektor: KonnektorClient;
  smcb: SmcbCardSigner;
}

export function createTiConnection(options: TiConnectionOptions): TiConnection {
  const konnektor = KonnektorClient.fromConfig(options.konnektor);
  const smcb = new SmcbCardSigner(konnektor, options.konnektor.smcbIccsn === undefined ? {} : { iccsn: options.konnektor.smcbIccsn });
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const tokens = new IdpTokenProvider({
    idpBaseUrl: options.idpUrl,
    clientId,
    redirectUri: options.redirectUri ?? DEFAULT_REDIRECT_URI,
    scope: options.scope ?? 'openid e-rezept',
    http: { userAgent: options.userAgent, ...(options.fetch ? { fetch: options.fetch } : {}), timeoutMs: options.timeoutMs() },
    trust: idpTrustThrough(konnektor, options.trustPolicy),
    card: smcb,
    consent: options.consent,
    now: options.now,
    ...(options.onSignedIn ? { onSignedIn: options.onSignedIn } : {}),
  });
  const transport = new VauTransport({
    baseUrl: options.fachdienstUrl,
    userAgent: options.userAgent,
    trust: vauTrustThrough(konnektor, options.trustPolicy),
    now: options.now,
    timeoutMs: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { transport, tokens, konnektor, smcb };
}
