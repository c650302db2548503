/**
 * The Fachdienst through its VAU (spec ti-transport §1): every FHIR call becomes an encrypted inner HTTP
 * request, POSTed to `/VAU/{Userpseudonym}`; the answer is decrypted and its request id checked. A second
 * `Transport` beside direct HTTP, so the FHIR client above does not know which one carries its calls.
 */
import { decryptVauResponse, encryptVauRequest, type VauEncryptionInputs } from './vau-cipher';
import { parseInnerResponse, serializeInnerRequest } from './inner-http';
import { buildVauPlaintext, randomHex16, stripVauResponsePrefix, VauEnvelopeError } from './vau-envelope';
import { readVauCertificate, VauCertificateError, type VauCertificate, type VauCertificateTrust } from './vau-certificate';
import { TiError } from '../ti-error';
import { assertRelativePath, describeTransportCause, TransportError, type Transport, type TransportRequest, type TransportResponse } from '../../fachdienst/transport';

export interface VauTransportOptions {
  /** the Fachdienst's base URL, e.g. `https://erp-ref.zentral.erp.splitdns.ti-dienste.de/` */
  baseUrl: string;
  /** `<Produktname>/<Produktversion> <Herstellername>/<client_id>` (A_20015-01, spec ti-transport §1.6) */
  userAgent: string;
  /** decides whether the served VAU certificate is the Fachdienst's (Konnektor, or the simulation's anchor) */
  trust: VauCertificateTrust;
  now: () => Date;
  fetch?: typeof fetch;
  /** per outer call, read on every call (settings change without a rebuild) */
  timeoutMs?: number | (() => number);
  /** only known-answer tests fix these */
  encryptionInputs?: () => VauEncryptionInputs;
  randomHex?: () => string;
}

/** The certificate is fetched again after a day even when it still works (spec ti-transport §1.2). */
const CERTIFICATE_MAX_AGE_MS = 24 * 3_600_000;
const DEFAULT_TIMEOUT_MS = 15_000;
const INITIAL_PSEUDONYM = '0';
// Opaque to the client, but it becomes a path segment: anything else is ignored (spec ti-transport §1.5).
const PSEUDONYM_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

interface CachedCertificate {
  certificate: VauCertificate;
  fetchedAt: number;
}

export class VauTransport implements Transport {
  private readonly base: URL;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: () => number;
  private cached: CachedCertificate | undefined;
  private pendingCertificate: Promise<VauCertificate> | undefined;
  private pseudonym = INITIAL_PSEUDONYM;

  constructor(private readonly options: VauTransportOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.fetchFn = options.fetch ?? fetch;
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.timeoutMs = typeof timeout === 'function' ? timeout : () => timeout;
  }

  /** the pseudonym the next request goes to; `0` until the Fachdienst has given one */
  get userPseudonym(): string {
    return this.pseudonym;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const first = await this.sendOnce(request);
    // An undecryptable request was not processed: the key may have changed, so fetch the certificate
    // again and try once more (spec ti-transport §1.2, §1.7).
    if (first.status === 400 && /vau decryption failed/i.test(first.body)) {
      this.cached = undefined;
      return this.sendOnce(request);
    }
    return first;
  }

  private async sendOnce(request: TransportRequest): Promise<TransportResponse> {
    const certificate = await this.certificate();
    const accessToken = bearerOf(request.headers);
    const requestId = (this.options.randomHex ?? randomHex16)();
    const responseKeyHex = (this.options.randomHex ?? randomHex16)();
    const target = this.innerTarget(request);
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const innerRequest = serializeInnerRequest({
      method: request.method,
      target,
      headers: [['Host', this.base.host], ...Object.entries(request.headers ?? {})],
      ...(body === undefined ? {} : { body }),
    });
    const plaintext = buildVauPlaintext({ accessToken, requestId, responseKeyHex, innerRequest });
    const encrypted = encryptVauRequest(certificate.publicKey, plaintext, this.options.encryptionInputs?.());

    const outer = await this.post(`VAU/${this.pseudonym}`, encrypted, resourceOf(target));
    const contentType = outer.headers.get('content-type') ?? '';
    if (outer.status !== 200 || !/^application\/octet-stream\b/i.test(contentType)) {
      // Not an encrypted answer: the VAU refused the outer request (spec ti-transport §1.7). Shown as it is.
      return { status: outer.status, headers: headersOf(outer.headers), body: outer.body.toString('utf8') };
    }
    this.rememberPseudonym(outer.headers.get('userpseudonym'));
    let innerResponse;
    try {
      const opened = stripVauResponsePrefix(decryptVauResponse(Buffer.from(responseKeyHex, 'hex'), outer.body), requestId);
      innerResponse = parseInnerResponse(opened);
    } catch (e) {
      // The Fachdienst may have carried the request out, but this answer cannot be read or is not ours:
      // an unknown outcome, reconciled like a lost answer (architecture §2).
      const reason = e instanceof VauEnvelopeError ? e.message : 'VAU-Antwort nicht lesbar';
      throw new TransportError('network', `${reason} (X-Request-Id ${outer.headers.get('x-request-id') ?? '–'})`);
    }
    const headers: Record<string, string> = { ...innerResponse.headers };
    const vauErrorCode = outer.headers.get('vau-error-code');
    if (vauErrorCode) headers['vau-error-code'] = vauErrorCode;
    return { status: innerResponse.status, headers, body: innerResponse.body.toString('utf8') };
  }

  private innerTarget(request: TransportRequest): string {
    const { path } = request;
    assertRelativePath(path);
    const query = new URLSearchParams(request.query ?? {}).toString();
    return `/${path}${query ? `?${query}` : ''}`;
  }

  private rememberPseudonym(value: string | null): void {
    if (value !== null && PSEUDONYM_PATTERN.test(value)) this.pseudonym = value;
  }

  /** „Verbindung prüfen“: `/VAUCertificate` fetched and checked afresh (§1.2), the cache renewed with it. */
  async checkCertificate(): Promise<Pick<VauCertificate, 'notAfter' | 'fingerprint256'>> {
    this.cached = undefined;
    const { notAfter, fingerprint256 } = await this.certificate();
    return { notAfter, fingerprint256 };
  }

  private async certificate(): Promise<VauCertificate> {
    const now = this.options.now().getTime();
    if (this.cached && now - this.cached.fetchedAt < CERTIFICATE_MAX_AGE_MS && now < this.cached.certificate.notAfter.getTime()) {
      return this.cached.certificate;
    }
    this.pendingCertificate ??= this.fetchCertificate().finally(() => {
      this.pendingCertificate = undefined;
    });
    return this.pendingCertificate;
  }

  private async fetchCertificate(): Promise<VauCertificate> {
    const response = await this.request('VAUCertificate', { method: 'GET', headers: this.outerHeaders() });
    if (response.status !== 200) {
      throw new TransportError('network', `VAU-Zertifikat: HTTP ${response.status}`);
    }
    let certificate: VauCertificate;
    try {
      certificate = readVauCertificate(response.body, this.options.now());
      await this.options.trust(certificate);
    } catch (e) {
      if (!(e instanceof VauCertificateError)) throw e;
      // Nothing was sent: the connection indicator names the VAU as the failing hop (A_23814).
      throw new TiError('vau', 'Das Verschlüsselungszertifikat des E-Rezept-Fachdienstes (VAU) ist nicht vertrauenswürdig. Es wurde nichts gesendet. Bitte den Support verständigen.', e.message);
    }
    this.cached = { certificate, fetchedAt: this.options.now().getTime() };
    return certificate;
  }

  private post(path: string, body: Buffer, resource: string) {
    return this.request(path, {
      method: 'POST',
      headers: { ...this.outerHeaders(), 'Content-Type': 'application/octet-stream', 'X-erp-resource': resource },
      body,
    });
  }

  private outerHeaders(): Record<string, string> {
    // `l` = Leistungserbringer: routing in front of the VAU only, never inside (spec ti-transport §1.6)
    return { 'X-erp-user': 'l', 'User-Agent': this.options.userAgent };
  }

  private async request(path: string, init: { method: string; headers: Record<string, string>; body?: Buffer }) {
    const timeoutMs = this.timeoutMs();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.fetchFn(new URL(path, this.base), {
        method: init.method,
        headers: init.headers,
        ...(init.body === undefined ? {} : { body: new Uint8Array(init.body) }),
        signal: controller.signal,
        redirect: 'manual',
      });
      const body = Buffer.from(await response.arrayBuffer());
      return { status: response.status, headers: response.headers, body };
    } catch (e) {
      if (controller.signal.aborted) throw new TransportError('timeout', `nach ${timeoutMs} ms abgebrochen`);
      throw new TransportError('network', describeTransportCause(e));
    } finally {
      clearTimeout(timer);
    }
  }
}

function bearerOf(headers: Record<string, string> | undefined): string {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const token = value?.match(/^Bearer (\S+)$/)?.[1];
  // The same token travels in the plaintext and in the inner header; the Fachdienst refuses a mismatch (§1.4).
  if (!token) throw new VauEnvelopeError('Anfrage ohne Access-Token');
  return token;
}

/** `X-erp-resource`: the inner path's first segment (`Task`, `metadata` …), case kept (spec ti-transport §1.6). */
function resourceOf(target: string): string {
  return target.slice(1).split(/[/?]/)[0] ?? '';
}

function headersOf(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name.toLowerCase()] = value;
  });
  return result;
}
