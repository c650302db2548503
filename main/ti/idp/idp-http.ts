/** HTTP to the IDP: a timeout on every call, redirects never followed, failures as `TiError` on hop `idp`. */
import { describeTransportCause } from '../../fachdienst/transport';
import { TiError } from '../ti-error';

export interface IdpHttpOptions {
  userAgent: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface IdpHttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export async function idpRequest(
  options: IdpHttpOptions,
  url: string,
  init: { method: 'GET' | 'POST'; accept?: string; form?: Record<string, string> },
): Promise<IdpHttpResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  // The IDP refuses requests without a User-Agent naming product and version (A_20015-01).
  const headers: Record<string, string> = { 'User-Agent': options.userAgent, Accept: init.accept ?? 'application/json' };
  if (init.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: init.method,
      headers,
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      redirect: 'manual',
      signal: controller.signal,
    });
    return { status: response.status, headers: response.headers, body: await response.text() };
  } catch (e) {
    const cause = controller.signal.aborted ? `Zeitüberschreitung nach ${timeoutMs} ms` : describeTransportCause(e);
    throw new TiError('idp', 'Der Identity Provider (IDP) ist nicht erreichbar. Bitte Netzwerk und TI-Anbindung prüfen.', `${init.method} ${new URL(url).pathname}: ${cause}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The IDP's error answer (`error`, `gematik_code`, `gematik_error_text`, spec ti-transport §2.5) as a TiError. */
export function idpErrorOf(step: string, response: IdpHttpResponse): TiError {
  let code: string | undefined;
  let text = '';
  try {
    const parsed = JSON.parse(response.body) as Record<string, unknown>;
    code = typeof parsed['gematik_code'] === 'string' ? parsed['gematik_code'] : typeof parsed['error'] === 'string' ? parsed['error'] : undefined;
    text = typeof parsed['gematik_error_text'] === 'string' ? parsed['gematik_error_text'] : typeof parsed['error_description'] === 'string' ? parsed['error_description'] : '';
  } catch {
    // not JSON: status alone
  }
  return new TiError(
    'idp',
    'Die Anmeldung am Identity Provider (IDP) ist fehlgeschlagen. Bitte später erneut versuchen; bleibt es dabei, den Support verständigen.',
    `${step}: HTTP ${response.status}${code ? ` gematik_code ${code}` : ''}${text ? ` – ${text.slice(0, 200)}` : ''}`,
    code,
  );
}
