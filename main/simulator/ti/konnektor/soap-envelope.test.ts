import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { NS } from './namespaces';
import { childElement, childText, parseSoapRequest, readContext, soapFault, soapResponse, SoapParseError } from './soap-envelope';

const envelope = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.SOAP}"><s:Body>${body}</s:Body></s:Envelope>`;

const parse = (xml: string): Element => {
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  if (root === null) throw new Error('kein Dokument');
  return root;
};

describe('parseSoapRequest', () => {
  it('finds the operation and its context by namespace, whatever the prefixes', () => {
    const operation = parseSoapRequest(
      envelope(
        `<x:GetCards xmlns:x="${NS.EVT}" xmlns="${NS.CONN}"><c:Context xmlns:c="${NS.CCTX}">` +
          '<MandantId>Mandant1</MandantId><ClientSystemId>CS1</ClientSystemId><WorkplaceId>AP1</WorkplaceId><UserId>u</UserId>' +
          '</c:Context></x:GetCards>',
      ),
    );
    expect([operation.namespaceURI, operation.localName]).toEqual([NS.EVT, 'GetCards']);
    expect(readContext(operation)).toEqual({ mandantId: 'Mandant1', clientSystemId: 'CS1', workplaceId: 'AP1', userId: 'u' });
  });

  it('reads no context from elements in the wrong namespace', () => {
    const operation = parseSoapRequest(
      envelope(`<x:GetCards xmlns:x="${NS.EVT}"><x:Context><x:MandantId>Mandant1</x:MandantId></x:Context></x:GetCards>`),
    );
    expect(readContext(operation)).toBeUndefined();
  });

  it.each([
    ['not XML', 'kein <xml', /wohlgeformt/],
    ['a DOCTYPE', `<!DOCTYPE s:Envelope []>${envelope('<a/>').replace(/^<\?xml[^>]*>/, '')}`, /DOCTYPE/],
    ['an entity', `<!DOCTYPE x [<!ENTITY e "b">]><x>&e;</x>`, /./],
    ['SOAP 1.2', `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><a/></s:Body></s:Envelope>`, /SOAP-1.1/],
    ['no body', `<s:Envelope xmlns:s="${NS.SOAP}"/>`, /Body/],
    ['two operations', envelope('<a/><b/>'), /2 statt genau einem/],
  ])('refuses %s', (_, xml, message) => {
    expect(() => parseSoapRequest(xml)).toThrow(SoapParseError);
    expect(() => parseSoapRequest(xml)).toThrow(message);
  });
});

describe('soapResponse', () => {
  it('writes namespaced elements, declares each prefix once on the envelope and escapes values', () => {
    const xml = soapResponse('EVT', 'GetCardsResponse', (response) => {
      response.add('CONN', 'Status').add('CONN', 'Result', 'OK');
      response.add('CARD', 'Cards').add('CARD', 'Card').add('CARD', 'CardHolderName', 'A & B <C> "D"');
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml.match(/xmlns:CONN=/g)).toHaveLength(1);
    const root = parse(xml);
    const body = childElement(root, NS.SOAP, 'Body');
    const response = body && childElement(body, NS.EVT, 'GetCardsResponse');
    const status = response && childElement(response, NS.CONN, 'Status');
    expect(status && childText(status, NS.CONN, 'Result')).toBe('OK');
    const card = response && childElement(response, NS.CARD, 'Cards');
    const entry = card && childElement(card, NS.CARD, 'Card');
    expect(entry && childText(entry, NS.CARD, 'CardHolderName')).toBe('A & B <C> "D"');
  });
});

describe('soapFault', () => {
  it('is a SOAP 1.1 fault with the gematik error in detail (Error/Trace/Code, ErrorText)', () => {
    const xml = soapFault(
      { faultCode: 'Server', code: 4004, errorText: 'Ungültige Mandanten-ID', errorType: 'Security', severity: 'Error', detail: 'MandantId X' },
      { now: new Date('2026-05-01T10:00:00Z'), messageId: 'm-1' },
    );
    const root = parse(xml);
    const fault = childElement(childElement(root, NS.SOAP, 'Body') as Element, NS.SOAP, 'Fault') as Element;
    expect(childText(fault, '', 'faultcode')).toBeUndefined(); // unqualified, not in the empty-string namespace
    const children = Array.from({ length: fault.childNodes.length }, (_, i) => fault.childNodes.item(i) as Element);
    const byName = (name: string) => children.find((node) => node.localName === name && node.namespaceURI === null);
    expect(byName('faultcode')?.textContent).toBe('soap:Server');
    expect(byName('faultstring')?.textContent).toBe('Ungültige Mandanten-ID');
    const error = childElement(byName('detail') as Element, NS.GERROR, 'Error') as Element;
    expect(childText(error, NS.GERROR, 'MessageID')).toBe('m-1');
    expect(childText(error, NS.GERROR, 'Timestamp')).toBe('2026-05-01T10:00:00.000Z');
    const trace = childElement(error, NS.GERROR, 'Trace') as Element;
    expect(childText(trace, NS.GERROR, 'Code')).toBe('4004');
    expect(childText(trace, NS.GERROR, 'ErrorText')).toBe('Ungültige Mandanten-ID');
    expect(childText(trace, NS.GERROR, 'ErrorType')).toBe('Security');
    expect(childElement(trace, NS.GERROR, 'Detail')?.getAttribute('Encoding')).toBe('text/plain');
  });
});
