/**
 * How the pharmacy reaches its Konnektor (spec ti-transport §3.1, §3.2): address, call context, TLS trust, client
 * authentication. Validated once into `KonnektorSettings`; every problem comes back typed with a German text for
 * the settings screen, none of them carries a password, passphrase or key.
 */
import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { TiError } from '../ti-error';
import { KONNEKTOR_SERVICES, type KonnektorService } from './namespaces';

/** The call context every SOAP call carries (§3.2); the values come from the Konnektor's information model. */
export interface KonnektorContext {
  mandantId: string;
  clientSystemId: string;
  workplaceId: string;
  userId?: string;
}

/**
 * Trust in the Konnektor's server certificate, which comes from the TI component PKI and not from the OS store
 * (§3.2). There is deliberately no "unchecked" variant.
 */
export type KonnektorTrust =
  /** the CA (PEM, one or more certificates) the admin imported */
  | { kind: 'ca'; caPem: string }
  /** the SHA-256 fingerprint of the Konnektor's own server certificate, hex with or without colons */
  | { kind: 'pin'; sha256Fingerprint: string };

/** How this client system authenticates itself to the Konnektor (§3.2, as the Konnektor admin configured it). */
export type KonnektorClientAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  /** the client certificate the Konnektor exported as `.p12` */
  | { kind: 'pkcs12'; pfx: Buffer; passphrase: string }
  | { kind: 'pem'; certPem: string; keyPem: string };

export interface KonnektorConfig {
  /** e.g. `https://192.168.1.10/` — a trailing slash is tolerated, missing or not */
  baseUrl: string;
  context?: Partial<KonnektorContext>;
  /** required for https:// */
  trust?: KonnektorTrust;
  clientAuth?: KonnektorClientAuth;
  /** plain http:// only for test setups, and only when this is set (§3.2 option 1) */
  allowPlainHttp?: boolean;
  /** per call; ExternalAuthenticate runs on the card and may take seconds */
  timeoutMs?: number;
  /** endpoints for odd installations, absolute or relative to the base URL; bypass `connector.sds` (§3.1) */
  serviceEndpoints?: Partial<Record<KonnektorService, string>>;
  /** the SMC-B to use when several are inserted (20 digits) */
  smcbIccsn?: string;
}

/** A validated configuration: the base URL ends with `/`, the context is complete, the pin is normalised. */
export interface KonnektorSettings {
  baseUrl: URL;
  context: KonnektorContext;
  trust?: KonnektorTrust;
  clientAuth: KonnektorClientAuth;
  allowPlainHttp: boolean;
  timeoutMs: number;
  serviceEndpoints: Partial<Record<KonnektorService, URL>>;
  smcbIccsn?: string;
}

export type KonnektorConfigField =
  | 'baseUrl'
  | 'context.mandantId'
  | 'context.clientSystemId'
  | 'context.workplaceId'
  | 'context.userId'
  | 'trust'
  | 'clientAuth'
  | 'timeoutMs'
  | 'serviceEndpoints'
  | 'smcbIccsn';

export type KonnektorConfigProblemCode =
  | 'invalid-url'
  | 'unsupported-scheme'
  | 'plain-http-not-allowed'
  | 'credentials-in-url'
  | 'trust-missing'
  | 'ca-invalid'
  | 'pin-invalid'
  | 'context-invalid'
  | 'basic-auth-invalid'
  | 'credentials-over-plain-http'
  | 'client-certificate-invalid'
  | 'timeout-invalid'
  | 'endpoint-invalid'
  | 'iccsn-invalid';

export interface KonnektorConfigProblem {
  field: KonnektorConfigField;
  code: KonnektorConfigProblemCode;
  /** German, for the settings screen */
  message: string;
}

export type KonnektorConfigResult = { ok: true; settings: KonnektorSettings } | { ok: false; problems: KonnektorConfigProblem[] };

export const DEFAULT_CONTEXT: KonnektorContext = { mandantId: 'Mandant1', clientSystemId: 'CS1', workplaceId: 'AP1' };
export const DEFAULT_TIMEOUT_MS = 30_000;

export function validateKonnektorConfig(config: KonnektorConfig): KonnektorConfigResult {
  const problems: KonnektorConfigProblem[] = [];
  const problem = (field: KonnektorConfigField, code: KonnektorConfigProblemCode, message: string) => problems.push({ field, code, message });
  const allowPlainHttp = config.allowPlainHttp === true;

  const baseUrl = parseBaseUrl(config.baseUrl, allowPlainHttp, problem);
  const secure = baseUrl?.protocol === 'https:';

  const context = validateContext(config.context ?? {}, problem);

  let trust: KonnektorTrust | undefined;
  if (config.trust) trust = validateTrust(config.trust, problem);
  else if (secure) {
    problem('trust', 'trust-missing', 'Für die TLS-Verbindung zum Konnektor fehlt das Vertrauen: bitte das CA-Zertifikat des Konnektors importieren oder den SHA-256-Fingerabdruck seines Zertifikats eintragen.');
  }

  const clientAuth = config.clientAuth ?? { kind: 'none' };
  validateClientAuth(clientAuth, baseUrl !== undefined && !secure, problem);

  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 300_000) {
    problem('timeoutMs', 'timeout-invalid', 'Die Zeitgrenze für Konnektor-Aufrufe muss zwischen 0,1 und 300 Sekunden liegen.');
  }

  const serviceEndpoints: Partial<Record<KonnektorService, URL>> = {};
  for (const [service, location] of Object.entries(config.serviceEndpoints ?? {})) {
    if (!(KONNEKTOR_SERVICES as readonly string[]).includes(service) || location === undefined) continue;
    const url = baseUrl ? tryUrl(location, baseUrl) : undefined;
    if (!url || (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPlainHttp))) {
      problem('serviceEndpoints', 'endpoint-invalid', `Die eingetragene Adresse für den Dienst ${service} ist ungültig (https:// oder ein Pfad relativ zur Konnektor-Adresse).`);
      continue;
    }
    serviceEndpoints[service as KonnektorService] = url;
  }

  let smcbIccsn: string | undefined;
  if (config.smcbIccsn !== undefined && config.smcbIccsn.trim() !== '') {
    smcbIccsn = config.smcbIccsn.replace(/\s+/g, '');
    if (!/^\d{20}$/.test(smcbIccsn)) problem('smcbIccsn', 'iccsn-invalid', 'Die ICCSN der SMC-B besteht aus 20 Ziffern.');
  }

  if (problems.length > 0 || !baseUrl) return { ok: false, problems };
  return {
    ok: true,
    settings: { baseUrl, context, ...(trust ? { trust } : {}), clientAuth, allowPlainHttp, timeoutMs, serviceEndpoints, ...(smcbIccsn ? { smcbIccsn } : {}) },
  };
}

type Report = (field: KonnektorConfigField, code: KonnektorConfigProblemCode, message: string) => void;

function parseBaseUrl(raw: string, allowPlainHttp: boolean, problem: Report): URL | undefined {
  const url = tryUrl(raw.trim());
  if (!url) {
    problem('baseUrl', 'invalid-url', 'Die Adresse des Konnektors ist keine gültige URL (Beispiel: https://192.168.1.10/).');
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problem('baseUrl', 'unsupported-scheme', 'Die Adresse des Konnektors muss mit https:// beginnen.');
    return undefined;
  }
  if (url.protocol === 'http:' && !allowPlainHttp) {
    problem(
      'baseUrl',
      'plain-http-not-allowed',
      'Die Adresse des Konnektors beginnt mit http:// – unverschlüsselte Verbindungen sind nur für Testaufbauten zulässig. Bitte https:// verwenden oder „unverschlüsseltes HTTP erlauben“ ausdrücklich einschalten.',
    );
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    problem('baseUrl', 'credentials-in-url', 'Benutzername und Passwort gehören nicht in die Adresse des Konnektors, sondern in die Anmeldedaten.');
    return undefined;
  }
  // the base is a folder: `connector.sds` and relative endpoints resolve below it
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

function tryUrl(raw: string, base?: URL): URL | undefined {
  try {
    return new URL(raw, base);
  } catch {
    return undefined;
  }
}

const CONTEXT_FIELDS = [
  ['mandantId', 'context.mandantId', 'Mandant-ID'],
  ['clientSystemId', 'context.clientSystemId', 'Clientsystem-ID'],
  ['workplaceId', 'context.workplaceId', 'Arbeitsplatz-ID'],
] as const;

function validateContext(raw: Partial<KonnektorContext>, problem: Report): KonnektorContext {
  const context: KonnektorContext = { ...DEFAULT_CONTEXT };
  for (const [key, field, label] of CONTEXT_FIELDS) {
    const value = raw[key]?.trim();
    if (value === undefined || value === '') continue;
    if (!isContextValue(value)) problem(field, 'context-invalid', `Die ${label} für den Konnektor ist ungültig (höchstens 64 Zeichen, keine Steuerzeichen).`);
    context[key] = value;
  }
  const userId = raw.userId?.trim();
  if (userId) {
    if (!isContextValue(userId)) problem('context.userId', 'context-invalid', 'Die Benutzer-ID für den Konnektor ist ungültig (höchstens 64 Zeichen, keine Steuerzeichen).');
    context.userId = userId;
  }
  return context;
}

function isContextValue(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  return value.length <= 64 && !/[\u0000-\u001f\u007f]/.test(value);
}

function validateTrust(trust: KonnektorTrust, problem: Report): KonnektorTrust | undefined {
  if (trust.kind === 'ca') {
    const blocks = trust.caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const readable = blocks.length > 0 && blocks.every((block) => {
      try {
        new X509Certificate(block);
        return true;
      } catch {
        return false;
      }
    });
    if (!readable) {
      problem('trust', 'ca-invalid', 'Das CA-Zertifikat des Konnektors ist nicht lesbar. Bitte die Datei im PEM-Format (-----BEGIN CERTIFICATE-----) importieren.');
      return undefined;
    }
    return { kind: 'ca', caPem: blocks.join('\n') };
  }
  const fingerprint = normaliseFingerprint(trust.sha256Fingerprint);
  if (!fingerprint) {
    problem('trust', 'pin-invalid', 'Der Fingerabdruck des Konnektor-Zertifikats muss ein SHA-256-Wert sein (64 Hex-Zeichen, Doppelpunkte erlaubt).');
    return undefined;
  }
  return { kind: 'pin', sha256Fingerprint: fingerprint };
}

/** `ab:cd…`, `ABCD…` or with spaces → `AB:CD:…`, the form of Node's `fingerprint256`. */
export function normaliseFingerprint(raw: string): string | undefined {
  const hex = raw.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)?.join(':');
}

function validateClientAuth(auth: KonnektorClientAuth, plainHttp: boolean, problem: Report): void {
  if (auth.kind === 'none') return;
  if (plainHttp) {
    problem('clientAuth', 'credentials-over-plain-http', 'Anmeldedaten für den Konnektor werden nur über https:// gesendet. Bitte https:// verwenden oder die Anmeldung abschalten.');
    return;
  }
  if (auth.kind === 'basic') {
    // RFC 7617: the user-id must not contain a colon
    if (auth.username === '' || auth.username.includes(':') || auth.password === '') {
      problem('clientAuth', 'basic-auth-invalid', 'Für die Anmeldung am Konnektor fehlen Benutzername oder Passwort (der Benutzername darf keinen Doppelpunkt enthalten).');
    }
    return;
  }
  // node:tls opens PKCS#12 and PEM pairs even where node:crypto cannot (§3.2); a wrong passphrase or a key that
  // does not belong to the certificate shows up here, long before the first call
  try {
    if (auth.kind === 'pkcs12') createSecureContext({ pfx: auth.pfx, passphrase: auth.passphrase });
    else createSecureContext({ cert: auth.certPem, key: auth.keyPem });
  } catch {
    problem(
      'clientAuth',
      'client-certificate-invalid',
      auth.kind === 'pkcs12'
        ? 'Das Client-Zertifikat (.p12) für den Konnektor lässt sich nicht öffnen. Bitte Datei und Passwort prüfen.'
        : 'Client-Zertifikat und Schlüssel für den Konnektor sind nicht lesbar oder gehören nicht zusammen.',
    );
  }
}

/** The configuration could not be used; `problems` lists every field, the message the first one. */
export class KonnektorConfigError extends TiError {
  constructor(readonly problems: readonly KonnektorConfigProblem[]) {
    super(
      'konnektor',
      `Die Konnektor-Einstellungen sind nicht vollständig: ${problems[0]?.message ?? 'unbekannter Fehler'}`,
      `Konfiguration: ${problems.map((problem) => `${problem.field} ${problem.code}`).join(', ')}`,
    );
    this.name = 'KonnektorConfigError';
  }
}

/** `validateKonnektorConfig` for callers that cannot go on without a usable configuration. */
export function requireKonnektorSettings(config: KonnektorConfig): KonnektorSettings {
  const result = validateKonnektorConfig(config);
  if (!result.ok) throw new KonnektorConfigError(result.problems);
  return result.settings;
}
