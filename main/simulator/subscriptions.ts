/**
 * Subscriptions for new Communications — the „ping“ a pharmacy gets instead of polling GET /Communication (spec
 * erezept-pharmacy §3.11; FD 1.22 SubscriptionPostHandler, A_22362-01 … A_22367-03; TI-Flow IG query-api-subscription;
 * api-erp erp_notification_avs):
 *
 * - `POST /Subscription` registers a pharmacy (or cost bearer) for `Communication?received=null&recipient=<its own
 *   Telematik-ID>`; the answer carries the subscription id — the recipient pseudonymised with a key of this
 *   simulator, 32 hex characters as the FD's AES-CMAC — and, in `channel.header`, `Authorization: Bearer <JWS>`
 *   (ES256, payload `{subscriptionId, iat, exp}`), valid 12 hours (operations/subscription.ts).
 * - The client opens a WebSocket to `/subscription` with that header (no VAU, spec: the subscription service is
 *   reached over TLS only), sends `bind: <subscription id>`, gets `bound: <subscription id>`, and then
 *   `ping: <subscription id>` whenever a DispReq to that Telematik-ID is stored (A_22367-03: requests only, not
 *   replies) — subscription-socket.ts.
 * This hub holds the keys and the bound sockets in memory; nothing of it is persisted (a restart ends all bindings,
 * as a new subscription is due every 12 hours anyway).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from 'jose';

/** FD: a subscription and its token live 12 hours. */
export const SUBSCRIPTION_LIFETIME_MS = 12 * 3600 * 1000;

type Listener = (message: string) => void;

export class SubscriptionHub {
  private readonly pseudonymKey = randomBytes(32);
  private signingKeys: Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();

  /** The subscription id of a recipient: the same for every registration with this simulator (FD: per key period). */
  subscriptionIdOf(telematikId: string): string {
    return createHmac('sha256', this.pseudonymKey).update(telematikId).digest('hex').slice(0, 32);
  }

  /** The bearer token of the WebSocket connection (A_22366). */
  async issueToken(subscriptionId: string, now: Date): Promise<string> {
    const { privateKey } = await this.keys();
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ subscriptionId })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + SUBSCRIPTION_LIFETIME_MS / 1000)
      .sign(privateKey);
  }

  /** The subscription id a token was issued for, or undefined when it is not ours or expired at `now`. */
  async verifyToken(token: string, now: Date): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, (await this.keys()).publicKey, { algorithms: ['ES256'], currentDate: now });
      return typeof payload['subscriptionId'] === 'string' ? payload['subscriptionId'] : undefined;
    } catch {
      return undefined;
    }
  }

  /** A socket bound to a subscription; answers the function that unbinds it. */
  bind(subscriptionId: string, send: Listener): () => void {
    const set = this.listeners.get(subscriptionId) ?? new Set<Listener>();
    set.add(send);
    this.listeners.set(subscriptionId, set);
    return () => {
      set.delete(send);
      if (set.size === 0) this.listeners.delete(subscriptionId);
    };
  }

  /** A new request for `telematikId` was stored: ping every socket bound to its subscription. */
  publish(telematikId: string): void {
    const subscriptionId = this.subscriptionIdOf(telematikId);
    for (const send of this.listeners.get(subscriptionId) ?? []) send(`ping: ${subscriptionId}`);
  }

  private keys(): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
    this.signingKeys ??= generateKeyPair('ES256');
    return this.signingKeys;
  }
}
