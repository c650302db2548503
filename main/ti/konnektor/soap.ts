/**
 * SOAP 1.1 to the Konnektor (spec ti-transport §3): the envelope built as a DOM (values are text nodes, never
 * spliced into markup), POSTed with `text/xml; charset=UTF-8` and the quoted `SOAPAction`; the answer parsed, a
 * SOAP Fault with gematik's error detail (`GERROR:Error/Trace/Code`, `ErrorText`, §3.7) and a `Status/Result` other
 * than OK/Warning turned into a `KonnektorFault` naming the Konnektor's code.
 */
import { DOMImplementation, DOMParser, XMLSerializer, onErrorStopParsing, type Document, type Element } from '@xmldom/xmldom';
import { TiError } from '../ti-error';
import type { KonnektorHttp } from './konnektor-http';
import { NS } from './namespaces';

/** A request element as data; `soap.ts` turns it into DOM nodes. */
export interface XmlElement {
  ns: string;
  name: string;
  attributes?: Record<string, string>;
  /** text content or child elements, in schema order */
  content?: string | XmlElement[];
}

export function xml(ns: string, name: string, content?: string | XmlElement[], attributes?: Record<string, string>): XmlElement {
  return { ns, name, ...(content !== undefined ? { content } : {}), ...(attributes ? { attributes } : {}) };
}

/** The prefixes of §3.7, declared once on the envelope so the request reads like the spec's examples. */
const PREFIXES: Record<string, string> = {
  [NS.soap]: 'soap',
  [NS.conn]: 'CONN',
  [NS.cctx]: 'CCTX',
  [NS.evt]: 'EVT',
  [NS.card]: 'CARD',
  [NS.cardcmn]: 'CARDCMN',
  [NS.cert]: 'CERT',
  [NS.certcmn]: 'CERTCMN',
  [NS.sig]: 'SIG',
  [NS.dss]: 'dss',
};

const XMLNS = 'http://www.w3.org/2000/xmlns/';

export function buildEnvelope(request: XmlElement): string {
  const document = new DOMImplementation().createDocument(NS.soap, 'soap:Envelope', null);
  const envelope = document.documentElement;
  if (!envelope) throw new Error('SOAP-Umschlag ließ sich nicht anlegen');
  for (const namespace of usedNamespaces(request)) {
    const prefix = PREFIXES[namespace];
    if (prefix && namespace !== NS.soap) envelope.setAttributeNS(XMLNS, `xmlns:${prefix}`, namespace);
  }
  const body = document.createElementNS(NS.soap, 'soap:Body');
  envelope.appendChild(body);
  body.appendChild(toDom(document, request));
  return `<?xml version="1.0" encoding="UTF-8"?>${new XMLSerializer().serializeToString(document)}`;
}

function usedNamespaces(element: XmlElement, into = new Set<string>()): Set<string> {
  into.add(element.ns);
  if (Array.isArray(element.content)) for (const child of element.content) usedNamespaces(child, into);
  return into;
}

function toDom(document: Document, element: XmlElement): Element {
  const prefix = PREFIXES[element.ns];
  const node = document.createElementNS(element.ns, prefix ? `${prefix}:${element.name}` : element.name);
  for (const [name, value] of Object.entries(element.attributes ?? {})) node.setAttribute(name, value);
  if (typeof element.content === 'string') node.appendChild(document.createTextNode(element.content));
  else for (const child of element.content ?? []) node.appendChild(toDom(document, child));
  return node;
}

/** One entry of gematik's error detail (`GERROR:Trace`). */
export interface KonnektorErrorTrace {
  code?: string;
  errorText?: string;
  severity?: string;
  errorType?: string;
}

/**
 * The Konnektor refused a call: a SOAP Fault or a `Status/Result` that is neither OK nor Warning. `code` is the
 * Konnektor's error code (4xxx for card and context problems).
 */
export class KonnektorFault extends TiError {
  constructor(
    readonly operation: string,
    readonly traces: readonly KonnektorErrorTrace[],
    readonly faultString: string | undefined,
    technical: string,
  ) {
    const first = traces.find((trace) => trace.code) ?? traces[0];
    const code = first?.code;
    const text = first?.errorText ?? faultString;
    const detail = [code ? `Fehler ${code}` : undefined, text ? shorten(text, 160) : undefined].filter(Boolean).join(': ');
    super(
      'konnektor',
      `Der Konnektor hat ${operation} abgelehnt${detail ? ` (${detail})` : ''}. Bitte die Konnektor-Einstellungen prüfen; bleibt es dabei, den Konnektor-Administrator fragen.`,
      technical,
      code,
    );
    this.name = 'KonnektorFault';
  }
}

function shorten(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- the other side's text goes into a one-line message
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export interface SoapAction {
  /** the operation's WSDL namespace, e.g. EventService v7.2 */
  namespace: string;
  /** the operation, e.g. `GetCards`; the answer is `<name>Response` in the same namespace */
  name: string;
}

/** `"<namespace>#<operation>"` — quoted, as the Konnektor's WSDL binding declares it (§3). */
export function soapActionOf(action: SoapAction): string {
  return `"${action.namespace}#${action.name}"`;
}

const UNINTELLIGIBLE = 'Der Konnektor hat unverständlich geantwortet. Bitte den Konnektor prüfen; bleibt es dabei, den Support verständigen.';

/** Sends `request` to `endpoint` and returns the `<name>Response` element after the Status check. */
export async function callSoap(http: KonnektorHttp, endpoint: URL, action: SoapAction, request: XmlElement): Promise<Element> {
  const response = await http.post(endpoint, Buffer.from(buildEnvelope(request), 'utf8'), {
    'Content-Type': 'text/xml; charset=UTF-8',
    SOAPAction: soapActionOf(action),
    Accept: 'text/xml, application/soap+xml',
  });
  const where = `${action.name} (${endpoint.pathname})`;
  const body = soapBodyOf(response.body, where, response.status);
  const answer = firstElementChild(body);
  if (answer?.namespaceURI === NS.soap && answer.localName === 'Fault') throw faultOf(answer, action.name, where, response.status);
  if (response.status !== 200) {
    throw new TiError('konnektor', UNINTELLIGIBLE, `${where}: HTTP ${response.status} ohne SOAP-Fault`, String(response.status));
  }
  if (!answer || answer.namespaceURI !== action.namespace || answer.localName !== `${action.name}Response`) {
    throw new TiError('konnektor', UNINTELLIGIBLE, `${where}: Antwort {${answer?.namespaceURI ?? ''}}${answer?.localName ?? 'leer'} statt ${action.name}Response`);
  }
  checkStatus(answer, action.name, where);
  return answer;
}

function soapBodyOf(bytes: Buffer, where: string, status: number): Element {
  let root: Element | null;
  try {
    root = new DOMParser({ onError: onErrorStopParsing }).parseFromString(bytes.toString('utf8'), 'text/xml').documentElement;
  } catch {
    throw new TiError('konnektor', UNINTELLIGIBLE, `${where}: HTTP ${status}, Antwort ist kein XML`, status === 200 ? undefined : String(status));
  }
  const body = root?.namespaceURI === NS.soap && root.localName === 'Envelope' ? childElements(root).find((child) => child.namespaceURI === NS.soap && child.localName === 'Body') : undefined;
  if (!body) throw new TiError('konnektor', UNINTELLIGIBLE, `${where}: HTTP ${status}, kein SOAP-1.1-Umschlag`, status === 200 ? undefined : String(status));
  return body;
}

function faultOf(fault: Element, operation: string, where: string, status: number): KonnektorFault {
  // faultcode, faultstring and detail are unqualified in SOAP 1.1
  const faultCode = textOf(childElements(fault).find((child) => child.localName === 'faultcode'));
  const faultString = textOf(childElements(fault).find((child) => child.localName === 'faultstring'));
  const traces = tracesOf(fault);
  const codes = traces.map((trace) => trace.code ?? '?').join(',');
  return new KonnektorFault(operation, traces, faultString, `${where}: HTTP ${status} SOAP-Fault ${faultCode ?? ''}${codes ? ` Code ${codes}` : ''}${faultString ? ` – ${shorten(faultString, 200)}` : ''}`);
}

function tracesOf(container: Element): KonnektorErrorTrace[] {
  return Array.from(container.getElementsByTagNameNS(NS.gerror, 'Trace')).map((trace) => {
    const field = (name: string) => textOf(childElements(trace).find((child) => child.namespaceURI === NS.gerror && child.localName === name));
    const entry: KonnektorErrorTrace = {};
    const code = field('Code');
    const errorText = field('ErrorText');
    const severity = field('Severity');
    const errorType = field('ErrorType');
    if (code) entry.code = code;
    if (errorText) entry.errorText = errorText;
    if (severity) entry.severity = severity;
    if (errorType) entry.errorType = errorType;
    return entry;
  });
}

/** `CONN:Status/CONN:Result` must be OK or Warning (§3.3); an error status carries the same GERROR detail. */
function checkStatus(answer: Element, operation: string, where: string): void {
  const status = childElements(answer).find((child) => child.namespaceURI === NS.conn && child.localName === 'Status');
  if (!status) return;
  const result = textOf(childElements(status).find((child) => child.namespaceURI === NS.conn && child.localName === 'Result'));
  if (result === 'OK' || result === 'Warning') return;
  const traces = tracesOf(status);
  throw new KonnektorFault(operation, traces, undefined, `${where}: Status/Result ${result ?? 'fehlt'}${traces.length ? ` Code ${traces.map((trace) => trace.code ?? '?').join(',')}` : ''}`);
}

export function childElements(parent: Element): Element[] {
  const children: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    // 1 = ELEMENT_NODE
    if (node.nodeType === 1) children.push(node as Element);
  }
  return children;
}

function firstElementChild(parent: Element): Element | undefined {
  return childElements(parent)[0];
}

/** The first child with this local name — and this namespace where one is given. */
export function childNamed(parent: Element, localName: string, namespace?: string): Element | undefined {
  return childElements(parent).find((child) => child.localName === localName && (namespace === undefined || child.namespaceURI === namespace));
}

export function textOf(element: Element | undefined): string | undefined {
  const text = element?.textContent?.trim();
  return text ? text : undefined;
}
