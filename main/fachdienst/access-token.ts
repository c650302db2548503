/**
 * The ACCESS_TOKEN the Fachdienst wants as `Authorization: Bearer …` (spec §3, §10.1). The real one comes
 * from the central IDP (SMC-B via Konnektor); the simulator issues its own at `/_sim/token` — the IDP
 * stand-in. Both sit behind this interface, so the client never knows which one it uses.
 */
import { ProfessionOids } from '../../shared/fhir/profiles';
import type { Transport } from './transport';

export interface AccessTokenProvider {
  /** a valid token (cached until shortly before it expires) */
  getToken(): Promise<string>;
  /** forget the cached token (after a 401) */
  invalidate(): void;
}

/** Public pharmacy (spec §1.1). */
export const PHARMACY_PROFESSION_OID = ProfessionOids.publicPharmacy;

export interface SimulatorTokenProviderOptions {
  /** the same transport (and therefore the same configured base URL) as the Fachdienst calls */
  transport: Transport;
  /**
   * The pharmacy the token is for; a function where the pharmacy's settings can change while the app runs (training:
   * „Apotheke & Personal“) — a token of the old Telematik-ID is then not used again.
   */
  telematikId: string | (() => string);
  now: () => Date;
  /** renew this long before expiry (default 60 s) */
  renewBeforeMs?: number;
}

export class TokenError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export class SimulatorTokenProvider implements AccessTokenProvider {
  private cached: { token: string; expiresAt: number; telematikId: string } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: SimulatorTokenProviderOptions) {}

  async getToken(): Promise<string> {
    const renewBefore = this.options.renewBeforeMs ?? 60_000;
    const fresh = this.cached && this.cached.expiresAt - renewBefore > this.options.now().getTime();
    if (fresh && this.cached?.telematikId === this.telematikId()) return this.cached.token;
    // Concurrent callers share one token request.
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private telematikId(): string {
    const { telematikId } = this.options;
    return typeof telematikId === 'function' ? telematikId() : telematikId;
  }

  private async fetchToken(): Promise<string> {
    const telematikId = this.telematikId();
    const response = await this.options.transport.send({
      method: 'POST',
      path: '_sim/token',
      // The IDP stand-in: the connection indicator names the sign-in as the failing hop (A_23814).
      hop: 'idp',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ professionOID: PHARMACY_PROFESSION_OID, telematikId }),
    });
    if (response.status < 200 || response.status >= 300) {
      throw new TokenError(response.status, `Token-Ausgabe des Simulators antwortet mit HTTP ${response.status}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      throw new TokenError(response.status, 'Token-Antwort ist kein JSON');
    }
    const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const token = record['access_token'];
    if (typeof token !== 'string' || token.length === 0) throw new TokenError(response.status, 'Token-Antwort ohne access_token');
    const now = this.options.now().getTime();
    const expiresIn = typeof record['expires_in'] === 'number' ? record['expires_in'] : undefined;
    const expiresAt = expiresIn !== undefined ? now + expiresIn * 1000 : (jwtExpiry(token) ?? now + 5 * 60_000);
    this.cached = { token, expiresAt, telematikId };
    return token;
  }
}

/** `exp` of a JWT in ms, read without verifying (the Fachdienst verifies; we only schedule renewal). */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (typeof claims === 'object' && claims !== null) {
      const exp = (claims as Record<string, unknown>)['exp'];
      if (typeof exp === 'number') return exp * 1000;
    }
  } catch {
    // not a JWT we can read: fall back to a short lifetime
  }
  return undefined;
}
