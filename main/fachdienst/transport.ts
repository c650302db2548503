/**
 * How the Fachdienst client reaches a backend (architecture §2): a request with a path relative to the
 * configured base URL. Direct HTTP today (embedded or external simulator); the VAU channel of the real
 * Fachdienst (spec §10.1) will be another implementation of the same interface.
 */
/** DELETE only for `DELETE /Communication/{id}` (spec erezept-pharmacy §3.11). */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * Which system a request is meant for, so the connection indicator can name the failing hop (A_23814):
 * `idp` = the sign-in (access token; the simulator's `/_sim/token` stands in for the central IDP),
 * `fachdienst` = the E-Rezept-Fachdienst itself.
 */
export type TransportHop = 'idp' | 'fachdienst';

export interface TransportRequest {
  method: HttpMethod;
  /** relative to the base URL, e.g. `Task/160.000.000.000.001.54/$accept` — never an absolute URL */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  /** the system this request is meant for; `fachdienst` when absent */
  hop?: TransportHop;
}

export interface TransportResponse {
  status: number;
  /** header names in lower case */
  headers: Record<string, string>;
  body: string;
}

export interface Transport {
  /** Resolves with any HTTP answer (also 4xx/5xx); rejects with a TransportError when none arrived. */
  send(request: TransportRequest): Promise<TransportResponse>;
}

/** No answer arrived: the request may or may not have reached the Fachdienst. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    /** technical cause for support (e.g. ECONNREFUSED); never carries the URL's query (secrets) */
    readonly technical: string,
  ) {
    super(kind === 'timeout' ? 'Zeitüberschreitung' : 'Netzwerkfehler');
    this.name = 'TransportError';
  }
}

/**
 * A request path stays relative to the configured Fachdienst: an absolute URL, `//host`, a leading `/` or
 * `..` is refused, so nothing scanned can send a request elsewhere (A_22078). Every transport checks it.
 */
export function assertRelativePath(path: string): void {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/') || path.split(/[/\\]/).includes('..')) {
    throw new Error('Pfad muss relativ zur Fachdienst-Adresse sein');
  }
}

/** The cause of a failed call without its URL (the query may hold a Secret or AccessCode). */
export function describeTransportCause(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.name;
  }
  return 'unbekannt';
}
