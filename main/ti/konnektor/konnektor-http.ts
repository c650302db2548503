/**
 * HTTP(S) to the Konnektor (spec ti-transport §3.2): its server certificate checked against the imported CA or the
 * pinned fingerprint before a single byte of the request leaves (hostname not checked — Konnektors are addressed by
 * IP), the client certificate or Basic auth as configured, one deadline per call, binary-safe bodies. Every failure
 * is a `TiError` on hop `konnektor`; the technical detail names method, path and cause, never a credential.
 */
import { request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { TiError } from '../ti-error';
import type { KonnektorClientAuth, KonnektorSettings, KonnektorTrust } from './konnektor-config';

export interface KonnektorHttpResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Timers are injectable so a test can drive the deadline; the defaults are the global ones. */
export interface KonnektorTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface KonnektorHttpOptions {
  timers?: KonnektorTimers;
  /** answers above this size are refused (a Konnektor's SOAP answers are a few kB) */
  maxResponseBytes?: number;
}

export const MESSAGES = {
  unreachable: 'Der Konnektor ist nicht erreichbar. Bitte die Konnektor-Adresse in den Einstellungen, das Netzwerk und den Konnektor prüfen.',
  timeout: 'Der Konnektor hat nicht rechtzeitig geantwortet. Bitte prüfen, ob er läuft und erreichbar ist, und es erneut versuchen.',
  tlsTrust: 'Das TLS-Zertifikat des Konnektors passt nicht zum hinterlegten CA-Zertifikat bzw. Fingerabdruck. Bitte die Einstellungen prüfen oder den Konnektor-Administrator fragen.',
  rejected: 'Anmeldung am Konnektor abgelehnt. Bitte Benutzername/Passwort bzw. das Client-Zertifikat in den Einstellungen prüfen.',
  droppedAfterHandshake:
    'Der Konnektor hat die Verbindung gleich nach dem Aufbau getrennt – meist nimmt er das Client-Zertifikat nicht an. Bitte das Client-Zertifikat in den Einstellungen prüfen oder den Konnektor-Administrator fragen.',
  plainHttp: 'Unverschlüsselte Verbindungen (http://) zum Konnektor sind nicht erlaubt. Bitte https:// verwenden oder „unverschlüsseltes HTTP erlauben“ ausdrücklich einschalten.',
  noTrust: 'Für die TLS-Verbindung zum Konnektor fehlt das Vertrauen: bitte das CA-Zertifikat importieren oder den Fingerabdruck des Konnektor-Zertifikats eintragen.',
  tooLarge: 'Der Konnektor hat eine unerwartet große Antwort geschickt. Bitte den Support verständigen.',
} as const;

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Raised inside the connection step when the server certificate fails the configured trust. */
class TlsTrustFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TlsTrustFailure';
  }
}

class DeadlineExceeded extends Error {
  constructor() {
    super('deadline');
    this.name = 'DeadlineExceeded';
  }
}

export class KonnektorHttp {
  private readonly timers: KonnektorTimers;
  private readonly maxResponseBytes: number;

  constructor(
    private readonly settings: KonnektorSettings,
    options: KonnektorHttpOptions = {},
  ) {
    this.timers = options.timers ?? { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) };
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  get(url: URL, accept = 'application/xml, text/xml'): Promise<KonnektorHttpResponse> {
    return this.send('GET', url, { Accept: accept });
  }

  post(url: URL, body: Buffer, headers: Record<string, string>): Promise<KonnektorHttpResponse> {
    return this.send('POST', url, { ...headers, 'Content-Length': String(body.length) }, body);
  }

  private async send(method: 'GET' | 'POST', url: URL, headers: Record<string, string>, body?: Buffer): Promise<KonnektorHttpResponse> {
    const where = `${method} ${url.pathname}`;
    const target = this.target(url, where);
    const allHeaders = { ...headers, ...authorizationHeader(this.settings.clientAuth) };
    const response = await this.exchange({ ...target.options, method, headers: allHeaders }, target.trust, where, body);
    if (response.status === 401 || response.status === 403) {
      throw new TiError('konnektor', MESSAGES.rejected, `${where}: HTTP ${response.status} (Anmeldung: ${describeClientAuth(this.settings.clientAuth)})`, String(response.status));
    }
    return response;
  }

  /** where to connect, and the trust for https; refuses http:// unless allowed and https:// without trust */
  private target(url: URL, where: string): { options: RequestOptions; trust?: KonnektorTrust } {
    const options: RequestOptions = { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined, path: `${url.pathname}${url.search}` };
    if (url.protocol === 'http:') {
      if (!this.settings.allowPlainHttp) throw new TiError('konnektor', MESSAGES.plainHttp, `${where}: http:// ohne allowPlainHttp`);
      // a fresh connection per call, as over TLS: a kept-alive socket the Konnektor closed meanwhile would fail the call
      return { options: { ...options, agent: false } };
    }
    if (url.protocol !== 'https:') throw new TiError('konnektor', MESSAGES.unreachable, `${where}: Schema ${url.protocol} nicht unterstützt`);
    const trust = this.settings.trust;
    if (!trust) throw new TiError('konnektor', MESSAGES.noTrust, `${where}: kein CA-Zertifikat und kein Fingerabdruck konfiguriert`);
    return { options, trust };
  }

  private exchange(options: RequestOptions, trust: KonnektorTrust | undefined, where: string, body?: Buffer): Promise<KonnektorHttpResponse> {
    const timeoutMs = this.settings.timeoutMs;
    // a TLS socket still in its handshake when the deadline passes must not be left behind
    const pending = new Set<TLSSocket>();
    if (trust) options.createConnection = verifiedTlsConnection(trust, this.settings.clientAuth, pending);
    return new Promise<KonnektorHttpResponse>((resolve, reject) => {
      let settled = false;
      let request: ClientRequest | undefined;
      const finish = (outcome: { response: KonnektorHttpResponse } | { error: unknown }) => {
        if (settled) return;
        settled = true;
        this.timers.clearTimeout(timer);
        if ('response' in outcome) resolve(outcome.response);
        else reject(asTiError(outcome.error, where, timeoutMs, trust !== undefined && presentsClientCertificate(this.settings.clientAuth)));
      };
      const timer = this.timers.setTimeout(() => {
        const error = new DeadlineExceeded();
        request?.destroy(error);
        for (const socket of pending) socket.destroy();
        finish({ error });
      }, timeoutMs);

      const onResponse = (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxResponseBytes) {
            response.destroy();
            request?.destroy();
            finish({ error: new TiError('konnektor', MESSAGES.tooLarge, `${where}: Antwort größer als ${this.maxResponseBytes} Bytes`) });
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          finish({ response: { status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks) } }),
        );
        response.on('error', (error) => finish({ error }));
        response.on('close', () => {
          if (!response.complete) finish({ error: Object.assign(new Error('Antwort abgebrochen'), { code: 'ECONNRESET' }) });
        });
      };

      try {
        request = trust ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
      } catch (error) {
        finish({ error });
        return;
      }
      request.on('error', (error) => finish({ error }));
      request.end(body);
    });
  }
}

/**
 * Opens the TLS connection and hands it to HTTP only after the server certificate passed the configured trust.
 * Node's `checkServerIdentity` cannot pin a self-signed Konnektor certificate: it is skipped whenever the chain
 * check failed, which it always does without a CA. So both the CA and the pin are decided here, on the finished
 * handshake, before the request (and a Basic auth header) is written.
 */
function verifiedTlsConnection(trust: KonnektorTrust, clientAuth: KonnektorClientAuth, pending: Set<TLSSocket>) {
  return (options: RequestOptions, done: (error: Error | null, socket: Duplex) => void): undefined => {
    const host = String(options.host ?? 'localhost');
    const tlsOptions: ConnectionOptions = {
      host,
      port: Number(options.port ?? 443),
      // SNI carries names only; Konnektors are usually addressed by IP (§3.2)
      ...(isIP(host) === 0 ? { servername: host } : {}),
      // decided below, so the reason is ours to report
      rejectUnauthorized: false,
      // hostname checks are off: a Konnektor addressed by IP rarely has it in its certificate (§3.2); the CA or pin
      // decides
      checkServerIdentity: () => undefined,
      ...(trust.kind === 'ca' ? { ca: trust.caPem } : {}),
      ...clientCredentials(clientAuth),
    };
    const socket: TLSSocket = tlsConnect(tlsOptions);
    pending.add(socket);
    const onError = (error: Error) => {
      pending.delete(socket);
      done(error, socket);
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      pending.delete(socket);
      const failure = trustFailure(socket, trust);
      if (failure) {
        socket.destroy();
        done(new TlsTrustFailure(failure), socket);
        return;
      }
      done(null, socket);
    });
    return undefined;
  };
}

function trustFailure(socket: TLSSocket, trust: KonnektorTrust): string | undefined {
  if (trust.kind === 'ca') {
    return socket.authorized ? undefined : `Zertifikatskette nicht von der konfigurierten CA: ${String(socket.authorizationError ?? 'unbekannt')}`;
  }
  const presented = socket.getPeerCertificate().fingerprint256;
  if (!presented) return 'Konnektor hat kein Zertifikat vorgelegt';
  return presented.toUpperCase() === trust.sha256Fingerprint ? undefined : `Fingerabdruck ${presented} statt ${trust.sha256Fingerprint}`;
}

function clientCredentials(auth: KonnektorClientAuth): Pick<ConnectionOptions, 'pfx' | 'passphrase' | 'cert' | 'key'> {
  if (auth.kind === 'pkcs12') return { pfx: auth.pfx, passphrase: auth.passphrase };
  if (auth.kind === 'pem') return { cert: auth.certPem, key: auth.keyPem };
  return {};
}

function authorizationHeader(auth: KonnektorClientAuth): Record<string, string> {
  if (auth.kind !== 'basic') return {};
  return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` };
}

function describeClientAuth(auth: KonnektorClientAuth): string {
  switch (auth.kind) {
    case 'none':
      return 'keine';
    case 'basic':
      return 'Basic';
    case 'pkcs12':
      return 'Client-Zertifikat (.p12)';
    case 'pem':
      return 'Client-Zertifikat (PEM)';
  }
}

/** TLS alerts with which a server refuses the client's certificate (or its absence) during the handshake. */
const CLIENT_CERTIFICATE_REFUSED = /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE|ACCESS_DENIED)/;

const presentsClientCertificate = (auth: KonnektorClientAuth): boolean => auth.kind === 'pkcs12' || auth.kind === 'pem';

/**
 * `clientCertificate`: TLS with a client certificate. A server that checks the certificate after the handshake
 * (TLS 1.3) may simply close the connection — a reset before any answer then most likely means the certificate was
 * not accepted, and the pharmacy is told to check it rather than the network.
 */
function asTiError(error: unknown, where: string, timeoutMs: number, clientCertificate = false): TiError {
  if (error instanceof TiError) return error;
  if (error instanceof DeadlineExceeded) return new TiError('konnektor', MESSAGES.timeout, `${where}: Zeitüberschreitung nach ${timeoutMs} ms`);
  if (error instanceof TlsTrustFailure) return new TiError('konnektor', MESSAGES.tlsTrust, `${where}: ${error.reason}`);
  const code = error instanceof Error ? ((error as Error & { code?: unknown }).code as string | undefined) : undefined;
  const name = typeof code === 'string' ? code : error instanceof Error ? error.name : 'unbekannt';
  if (typeof code === 'string' && CLIENT_CERTIFICATE_REFUSED.test(code)) {
    return new TiError('konnektor', MESSAGES.rejected, `${where}: TLS-Handshake abgelehnt (${code})`);
  }
  if (clientCertificate && (code === 'ECONNRESET' || code === 'EPIPE')) {
    return new TiError('konnektor', MESSAGES.droppedAfterHandshake, `${where}: ${code} nach dem TLS-Handshake (Client-Zertifikat vorgelegt)`);
  }
  return new TiError('konnektor', MESSAGES.unreachable, `${where}: ${name}`);
}
