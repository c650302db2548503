/**
 * The simulated Konnektor as a Hono app, mounted by the simulator under `/konnektor/` (spec ti-transport §4.3):
 * `GET /connector.sds` and one SOAP 1.1 endpoint per service (`POST /ws/<Service>`, paths in konnektor-services.ts).
 *
 * Every request: down → 503 (the Konnektor is unreachable); Basic auth when configured → 401 without or with wrong
 * credentials (§3.2 option 2). A SOAP request then: `text/xml` (415 otherwise), at most 1 MB (413), well-formed
 * SOAP 1.1 with one operation in the Body, an operation this service offers, a SOAPAction — when sent — naming
 * exactly that operation (§3: `"<namespace>#<operation>"`). Faults are HTTP 500 with a SOAP fault carrying the
 * gematik error (SOAP 1.1 §6.2), built in soap-envelope.ts; the codes in konnektor-fault.ts.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { DEFAULT_CONTEXT, type KonnektorContextConfig } from './call-context';
import { certificateTrust, type KnownCertificateRoles } from './certificate-check';
import { connectorSds } from './connector-sds';
import type { RandomSource } from './digest-signature';
import { Faults, KonnektorFault } from './konnektor-fault';
import { KONNEKTOR_SERVICES, type KonnektorService } from './konnektor-services';
import type { KonnektorState } from './konnektor-state';
import type { OperationEnvironment } from './operation';
import { parseSoapRequest, SOAP_CONTENT_TYPE, soapFault, SoapParseError } from './soap-envelope';

export interface KonnektorAppDeps {
  state: KonnektorState;
  /** the app's own base URL, e.g. `http://127.0.0.1:PORT/konnektor/`; a function when the port is known only later */
  baseUrl: string | (() => string);
  /** base URL for `EndpointTLS` (default: baseUrl) */
  tlsBaseUrl?: string | (() => string);
  /** Mandant, client system and workplace the Konnektor knows (default Mandant1/CS1/AP1) */
  context?: KonnektorContextConfig;
  /** what connector.sds says (default false/false) */
  tlsMandatory?: boolean;
  clientAutMandatory?: boolean;
  /** when set, every request needs these credentials (HTTP Basic) */
  basicAuth?: { username: string; password: string };
  /** DER certificates VerifyCertificate trusts (issuers, or pinned certificates themselves) */
  trustAnchors?: readonly Uint8Array[];
  /** roles of certificates without Admission extension (VerifyCertificate) */
  knownRoles?: readonly KnownCertificateRoles[];
  /** the simulator clock (connector.sds InformationDate, VerifyCertificate's default time, fault timestamps) */
  now?: () => Date;
  /**
   * The MAC key of ReadVSD's Prüfungsnachweis (spec erezept-pharmacy §3.9), asked per ReadVSD; the simulator passes
   * the key its Fachdienst checks PNs with. Default: a random key of this app alone (no one else can check its PNs).
   */
  egkProofKey?: () => Buffer;
  /** tests only: random source of the card signatures */
  random?: RandomSource;
}

const MAX_BODY_BYTES = 1024 * 1024;
const TEXT_HEADERS = { 'Content-Type': 'text/plain; charset=UTF-8' };

export function konnektorApp(deps: KonnektorAppDeps): Hono {
  const now = deps.now ?? ((): Date => new Date());
  const ownProofKey = randomBytes(32);
  const environment: OperationEnvironment = {
    state: deps.state,
    context: deps.context ?? DEFAULT_CONTEXT,
    now,
    trust: certificateTrust(deps.trustAnchors ?? [], deps.knownRoles ?? []),
    egkProofKey: deps.egkProofKey ?? ((): Buffer => ownProofKey),
    random: deps.random,
  };
  const credentials = deps.basicAuth === undefined ? undefined : basicAuthDigest(deps.basicAuth.username, deps.basicAuth.password);
  const app = new Hono();

  app.use('*', async (c, next) => {
    if (deps.state.down) return c.body('Konnektor nicht erreichbar (Simulator: down)', 503, TEXT_HEADERS);
    if (credentials !== undefined && !authorised(c.req.header('Authorization'), credentials)) {
      return c.body('Anmeldung am Konnektor erforderlich (HTTP Basic)', 401, {
        ...TEXT_HEADERS,
        'WWW-Authenticate': 'Basic realm="Konnektor-Simulator", charset="UTF-8"',
      });
    }
    await next();
  });

  app.get('/connector.sds', (c) => {
    const baseUrl = resolve(deps.baseUrl);
    const sds = connectorSds(KONNEKTOR_SERVICES, {
      baseUrl,
      tlsBaseUrl: deps.tlsBaseUrl === undefined ? baseUrl : resolve(deps.tlsBaseUrl),
      tlsMandatory: deps.tlsMandatory ?? false,
      clientAutMandatory: deps.clientAutMandatory ?? false,
      now: now(),
    });
    return c.body(sds, 200, { 'Content-Type': SOAP_CONTENT_TYPE });
  });

  for (const service of KONNEKTOR_SERVICES) {
    app.post(`/${service.path}`, (c) => handleSoap(c, service, environment));
    app.all(`/${service.path}`, (c) => c.body('Nur POST (SOAP 1.1)', 405, { ...TEXT_HEADERS, Allow: 'POST' }));
  }
  app.all('*', (c) => c.body('Unbekannter Konnektor-Pfad; die Dienste stehen in /connector.sds', 404, TEXT_HEADERS));
  return app;
}

async function handleSoap(c: Context, service: KonnektorService, environment: OperationEnvironment): Promise<Response> {
  const contentType = c.req.header('Content-Type') ?? '';
  if (!/^text\/xml\b/i.test(contentType)) {
    return c.body('SOAP 1.1 erwartet Content-Type text/xml', 415, TEXT_HEADERS);
  }
  const declaredLength = Number(c.req.header('Content-Length') ?? '0');
  if (declaredLength > MAX_BODY_BYTES) return c.body('Anfrage zu groß', 413, TEXT_HEADERS);
  const xml = await c.req.text();
  if (Buffer.byteLength(xml) > MAX_BODY_BYTES) return c.body('Anfrage zu groß', 413, TEXT_HEADERS);

  try {
    const operation = parseSoapRequest(xml);
    const name = operation.localName ?? '';
    const offered = operation.namespaceURI === service.namespace && Object.hasOwn(service.operations, name);
    const handler = offered ? service.operations[name] : undefined;
    if (handler === undefined) {
      throw Faults.syntax(`${service.name} bietet {${operation.namespaceURI ?? ''}}${name} nicht an`.slice(0, 300));
    }
    const action = soapAction(c.req.header('SOAPAction'));
    if (action !== undefined && action !== `${service.namespace}#${name}`) {
      throw Faults.syntax(`SOAPAction ${action.slice(0, 200)} passt nicht zu ${name}`);
    }
    return c.body(handler(operation, environment), 200, { 'Content-Type': SOAP_CONTENT_TYPE });
  } catch (error) {
    const fault =
      error instanceof KonnektorFault
        ? error
        : error instanceof SoapParseError
          ? Faults.syntax(error.message)
          : Faults.internal(`unerwarteter Fehler (${error instanceof Error ? error.name : 'unbekannt'})`);
    return c.body(soapFault(fault, { now: environment.now(), messageId: randomUUID() }), 500, {
      'Content-Type': SOAP_CONTENT_TYPE,
    });
  }
}

/** The SOAPAction header without its quotes (§3: sent quoted); undefined when absent or empty. */
function soapAction(header: string | undefined): string | undefined {
  const value = header?.trim().replace(/^"(.*)"$/, '$1');
  return value === undefined || value === '' ? undefined : value;
}

function resolve(url: string | (() => string)): string {
  return typeof url === 'function' ? url() : url;
}

function basicAuthDigest(username: string, password: string): Buffer {
  return createHash('sha256').update(`${username}:${password}`, 'utf8').digest();
}

/** Compares hashes in constant time, so the answer time tells nothing about the password. */
function authorised(header: string | undefined, expected: Buffer): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (match?.[1] === undefined) return false;
  const [username, ...rest] = Buffer.from(match[1], 'base64').toString('utf8').split(':');
  if (username === undefined || rest.length === 0) return false;
  return timingSafeEqual(basicAuthDigest(username, rest.join(':')), expected);
}
