/**
 * The access token from the TI's IDP, signed in with the SMC-B (spec ti-transport §2): an `AccessTokenProvider`
 * beside the simulator's. Tokens live in memory only; a new sign-in (a full one with a new card signature —
 * the SMC-B flow has no refresh token) runs lazily when less than 120 s remain (§2.7, E2E) or after `invalidate()`
 * (the Fachdienst client calls it after a 401 and tries once more). The discovery document is reused until its `exp`.
 */
import type { AccessTokenProvider } from '../../fachdienst/access-token';
import type { CardSigner } from './card-signer';
import { loadIdpConfiguration, type IdpCertificateTrust, type IdpConfiguration } from './discovery';
import type { IdpHttpOptions } from './idp-http';
import { signIn, type SignedIn, type SignInSettings, type UserConsent } from './sign-in';

export const RENEW_BEFORE_EXPIRY_MS = 120_000;

export interface IdpTokenProviderOptions extends SignInSettings {
  idpBaseUrl: string;
  http: IdpHttpOptions;
  trust: IdpCertificateTrust;
  card: CardSigner;
  consent: (userConsent: UserConsent) => Promise<void>;
  now: () => Date;
  /** told after every successful sign-in (the pharmacy's name and Telematik-ID come from the token) */
  onSignedIn?: (signedIn: SignedIn) => void;
}

export class IdpTokenProvider implements AccessTokenProvider {
  private token: SignedIn | undefined;
  private configuration: IdpConfiguration | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: IdpTokenProviderOptions) {}

  async getToken(): Promise<string> {
    if (this.token && this.token.expiresAt - RENEW_BEFORE_EXPIRY_MS > this.options.now().getTime()) return this.token.accessToken;
    // Concurrent callers share one sign-in: one card signature, not one per request.
    this.pending ??= this.signInAgain().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(): void {
    this.token = undefined;
  }

  /** „Verbindung prüfen“: the discovery document fetched and verified afresh (§2.2). */
  async checkDiscovery(): Promise<void> {
    this.configuration = undefined;
    await this.currentConfiguration();
  }

  /** „Verbindung prüfen“: a full sign-in now, whatever token is held (§2.3–§2.6); the new token is kept. */
  async signInNow(): Promise<SignedIn> {
    this.invalidate();
    await this.getToken();
    if (!this.token) throw new Error('Anmeldung ohne Token beendet');
    return this.token;
  }

  private async signInAgain(): Promise<string> {
    const configuration = await this.currentConfiguration();
    const signedIn = await signIn(this.options, {
      http: this.options.http,
      configuration,
      card: this.options.card,
      consent: this.options.consent,
      now: this.options.now,
    });
    this.token = signedIn;
    this.options.onSignedIn?.(signedIn);
    return signedIn.accessToken;
  }

  private async currentConfiguration(): Promise<IdpConfiguration> {
    const now = this.options.now();
    if (this.configuration && this.configuration.expiresAt > now.getTime()) return this.configuration;
    this.configuration = await loadIdpConfiguration(this.options.http, this.options.idpBaseUrl, this.options.trust, now);
    return this.configuration;
  }
}
