import { assertRelativePath, describeTransportCause, TransportError, type Transport, type TransportRequest, type TransportResponse } from './transport';

export interface HttpTransportOptions {
  /** base URL of the Fachdienst or simulator, e.g. `http://127.0.0.1:4711/` */
  baseUrl: string;
  fetch?: typeof fetch;
  /**
   * every call is aborted after this time (default 15 s); a function is read on every call, so a changed
   * setting applies to the next call without rebuilding the transport (timeouts are settings, docs/reliability.md)
   */
  timeoutMs?: number | (() => number);
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/**
 * Direct HTTP to the configured base. Paths are resolved only against that base: a path that would leave
 * it (absolute URL, `//host`, `..`) is refused, so nothing scanned can redirect a request elsewhere (A_22078).
 */
export class HttpTransport implements Transport {
  private readonly base: URL;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: () => number;

  constructor(options: HttpTransportOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.fetchFn = options.fetch ?? fetch;
    const timeout = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.timeoutMs = typeof timeout === 'function' ? timeout : () => timeout;
  }

  get baseUrl(): string {
    return this.base.href;
  }

  resolve(request: Pick<TransportRequest, 'path' | 'query'>): URL {
    const { path } = request;
    assertRelativePath(path);
    const url = new URL(path, this.base);
    if (url.origin !== this.base.origin || !url.pathname.startsWith(this.base.pathname)) {
      throw new Error('Pfad verlässt die Fachdienst-Adresse');
    }
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    return url;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const url = this.resolve(request);
    const timeoutMs = this.timeoutMs();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.fetchFn(url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      // Reading the body is part of the call: the timeout covers it too.
      const body = await response.text();
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      return { status: response.status, headers, body };
    } catch (e) {
      if (controller.signal.aborted) throw new TransportError('timeout', `nach ${timeoutMs} ms abgebrochen`);
      throw new TransportError('network', describeTransportCause(e));
    } finally {
      clearTimeout(timer);
    }
  }
}
