/**
 * SOAP 1.1 for the simulated Konnektor (spec ti-transport §3): parse a request namespace-aware with xmldom, read
 * its call context (§3.2), build responses and SOAP faults with the gematik error detail (§3.7 GERROR
 * `Error/Trace/Code`) through `createElementNS` + `XMLSerializer` — never by string concatenation, so no value a
 * client sent can change the structure of an answer.
 *
 * A document type declaration is refused: SOAP 1.1 §3 forbids it, and refusing it shuts out entity tricks.
 */
import { DOMImplementation, DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { NS, PREFIX, type NamespaceKey } from './namespaces';

export const SOAP_CONTENT_TYPE = 'text/xml; charset=UTF-8';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export class SoapParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoapParseError';
  }
}

/** The one element inside `soap:Body` — the operation (`GetCards`, `ExternalAuthenticate`, …). */
export function parseSoapRequest(xml: string): Element {
  let document: Document;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new SoapParseError(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (e) {
    throw new SoapParseError(`kein wohlgeformtes XML (${e instanceof Error ? e.message : 'unbekannt'})`);
  }
  if (document.doctype !== null) throw new SoapParseError('DOCTYPE ist in SOAP-Nachrichten nicht erlaubt');
  const envelope = document.documentElement;
  if (envelope === null || envelope.namespaceURI !== NS.SOAP || envelope.localName !== 'Envelope') {
    throw new SoapParseError('kein SOAP-1.1-Envelope');
  }
  const body = childElements(envelope, NS.SOAP, 'Body');
  if (body.length !== 1 || body[0] === undefined) throw new SoapParseError('Envelope ohne (eindeutigen) Body');
  const operations = childElements(body[0]);
  if (operations.length !== 1 || operations[0] === undefined) {
    throw new SoapParseError(`Body mit ${operations.length} statt genau einem Element`);
  }
  return operations[0];
}

/** Direct element children, optionally only those with this namespace and local name. */
export function childElements(parent: Element, namespace?: string, localName?: string): Element[] {
  const result: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType !== node.ELEMENT_NODE) continue;
    const element = node as Element;
    if (namespace !== undefined && element.namespaceURI !== namespace) continue;
    if (localName !== undefined && element.localName !== localName) continue;
    result.push(element);
  }
  return result;
}

export function childElement(parent: Element, namespace: string, localName: string): Element | undefined {
  return childElements(parent, namespace, localName)[0];
}

/** Text of a direct child element, exactly as sent (xs:string keeps its whitespace); undefined when absent. */
export function childText(parent: Element, namespace: string, localName: string): string | undefined {
  const element = childElement(parent, namespace, localName);
  return element === undefined ? undefined : (element.textContent ?? '');
}

export interface CallContext {
  mandantId: string | undefined;
  clientSystemId: string | undefined;
  workplaceId: string | undefined;
  userId: string | undefined;
}

/** `CCTX:Context` of an operation, its children in the ConnectorCommon namespace (§3.2); undefined when missing. */
export function readContext(operation: Element): CallContext | undefined {
  const context = childElement(operation, NS.CCTX, 'Context');
  if (context === undefined) return undefined;
  return {
    mandantId: childText(context, NS.CONN, 'MandantId'),
    clientSystemId: childText(context, NS.CONN, 'ClientSystemId'),
    workplaceId: childText(context, NS.CONN, 'WorkplaceId'),
    userId: childText(context, NS.CONN, 'UserId'),
  };
}

/** A known namespace, or `NONE` for the unqualified children of `soap:Fault` (SOAP 1.1 §4.4). */
export type ElementNamespace = NamespaceKey | 'NONE';

/** A node under construction: `add` appends a child element in one of the known namespaces. */
export interface XmlNode {
  add(namespace: ElementNamespace, localName: string, text?: string, attributes?: Readonly<Record<string, string>>): XmlNode;
}

/** A whole XML document with this root element (used for `connector.sds`). */
export function xmlDocument(namespace: NamespaceKey, localName: string, fill: (root: XmlNode) => void): string {
  const document = new DOMImplementation().createDocument(NS[namespace], qualifiedName(namespace, localName), null);
  const root = document.documentElement;
  if (root === null) throw new Error('Dokument ohne Wurzelelement');
  fill(nodeOf(document, root, root));
  return serialize(document);
}

/** `soap:Envelope/soap:Body/<response>`; `fill` writes the response's content. */
export function soapResponse(namespace: NamespaceKey, localName: string, fill: (response: XmlNode) => void): string {
  return xmlDocument('SOAP', 'Envelope', (envelope) => {
    fill(envelope.add('SOAP', 'Body').add(namespace, localName));
  });
}

/** What a Konnektor puts into a SOAP fault: the gematik error (TelematikError.xsd) and the SOAP fault code. */
export interface SoapFaultContent {
  /** SOAP 1.1 §4.4.1: `Client` = the request is wrong, `Server` = processing failed */
  faultCode: 'Client' | 'Server';
  /** gematik error code (gemSpec_Kon), e.g. 4004 */
  code: number;
  /** the gematik error text, German as a Konnektor writes it; also the `faultstring` */
  errorText: string;
  errorType: 'Technical' | 'Security' | 'Infrastructure' | 'Business';
  severity: 'Warning' | 'Error' | 'Fatal';
  /** optional detail for support (`GERROR:Detail`) */
  detail?: string;
}

export function soapFault(fault: SoapFaultContent, meta: { now: Date; messageId: string }): string {
  return xmlDocument('SOAP', 'Envelope', (envelope) => {
    const soapFaultElement = envelope.add('SOAP', 'Body').add('SOAP', 'Fault');
    // SOAP 1.1 §4.4: faultcode/faultstring/detail are unqualified; the fault code is a QName in the SOAP namespace
    soapFaultElement.add('NONE', 'faultcode', `${PREFIX.SOAP}:${fault.faultCode}`);
    soapFaultElement.add('NONE', 'faultstring', fault.errorText);
    const error = soapFaultElement.add('NONE', 'detail').add('GERROR', 'Error');
    error.add('GERROR', 'MessageID', meta.messageId);
    error.add('GERROR', 'Timestamp', meta.now.toISOString());
    const trace = error.add('GERROR', 'Trace');
    trace.add('GERROR', 'EventID', meta.messageId);
    trace.add('GERROR', 'Instance', '');
    trace.add('GERROR', 'LogReference', '');
    trace.add('GERROR', 'CompType', 'Konnektor');
    trace.add('GERROR', 'Code', String(fault.code));
    trace.add('GERROR', 'Severity', fault.severity);
    trace.add('GERROR', 'ErrorType', fault.errorType);
    trace.add('GERROR', 'ErrorText', fault.errorText);
    if (fault.detail !== undefined) trace.add('GERROR', 'Detail', fault.detail, { Encoding: 'text/plain' });
  });
}

function nodeOf(document: Document, root: Element, element: Element): XmlNode {
  return {
    add(namespace, localName, text, attributes) {
      const child =
        namespace === 'NONE'
          ? document.createElementNS(null, localName)
          : document.createElementNS(NS[namespace], qualifiedName(namespace, localName));
      if (namespace !== 'NONE') declareOnRoot(root, namespace);
      for (const [name, value] of Object.entries(attributes ?? {})) child.setAttribute(name, value);
      if (text !== undefined) child.appendChild(document.createTextNode(text));
      element.appendChild(child);
      return nodeOf(document, root, child);
    },
  };
}

/** All prefixes are declared once on the root, so the answer reads like a Konnektor's and not xmlns on every element. */
function declareOnRoot(root: Element, namespace: NamespaceKey): void {
  const attribute = `xmlns:${PREFIX[namespace]}`;
  if (root.namespaceURI === NS[namespace] && root.prefix === PREFIX[namespace]) return;
  if (!root.hasAttribute(attribute)) root.setAttributeNS(NS.XMLNS, attribute, NS[namespace]);
}

function qualifiedName(namespace: NamespaceKey, localName: string): string {
  return `${PREFIX[namespace]}:${localName}`;
}

function serialize(document: Document): string {
  return XML_DECLARATION + new XMLSerializer().serializeToString(document);
}
