import { DOMParser } from '@xmldom/xmldom';
import { afterEach, describe, expect, it } from 'vitest';
import { TiError } from '../ti-error';
import { requireKonnektorSettings } from './konnektor-config';
import { KonnektorHttp } from './konnektor-http';
import { NS } from './namespaces';
import { KonnektorFault, buildEnvelope, callSoap, soapActionOf, xml } from './soap';
import { FakeKonnektor, childNames, fault, ok, status } from './testing';
import { rejectionOf } from '../../testing';

const ACTION = { namespace: NS.evt, name: 'GetCards' };
const REQUEST = xml(NS.evt, 'GetCards', [xml(NS.cctx, 'Context', [xml(NS.conn, 'MandantId', 'Mandant1')]), xml(NS.cardcmn, 'CardType', 'SMC-B')]);

describe('buildEnvelope', () => {
  it('is a SOAP 1.1 envelope with the request as the Body’s only child, namespaces as given', () => {
    const document = new DOMParser().parseFromString(buildEnvelope(REQUEST), 'text/xml');
    const envelope = document.documentElement;
    expect(envelope?.namespaceURI).toBe(NS.soap);
    expect(childNames(envelope ?? undefined)).toEqual([`{${NS.soap}}Body`]);
    const body = document.getElementsByTagNameNS(NS.soap, 'Body')[0];
    expect(childNames(body)).toEqual([`{${NS.evt}}GetCards`]);
    expect(childNames(document.getElementsByTagNameNS(NS.evt, 'GetCards')[0])).toEqual([`{${NS.cctx}}Context`, `{${NS.cardcmn}}CardType`]);
  });

  it('keeps values as text: markup in a value cannot add elements', () => {
    const hostile = '</CONN:MandantId><CONN:MandantId>evil';
    const document = new DOMParser().parseFromString(buildEnvelope(xml(NS.cctx, 'Context', [xml(NS.conn, 'MandantId', hostile)])), 'text/xml');
    const ids = document.getElementsByTagNameNS(NS.conn, 'MandantId');
    expect(ids.length).toBe(1);
    expect(ids[0]?.textContent).toBe(hostile);
  });

  it('quotes the SOAPAction', () => {
    expect(soapActionOf(ACTION)).toBe('"http://ws.gematik.de/conn/EventService/v7.2#GetCards"');
  });
});

describe('callSoap', () => {
  const fakes: FakeKonnektor[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
  });

  async function call(answer: ReturnType<typeof ok>) {
    const fake = new FakeKonnektor();
    fakes.push(fake);
    fake.override = () => answer;
    const base = await fake.start();
    const http = new KonnektorHttp(requireKonnektorSettings({ baseUrl: base, allowPlainHttp: true }));
    const result = callSoap(http, new URL('ws/EventService', base), ACTION, REQUEST);
    return { fake, result };
  }

  async function failure(answer: ReturnType<typeof ok>): Promise<TiError> {
    const { result } = await call(answer);
    return rejectionOf(result, TiError);
  }

  it('POSTs text/xml with the quoted SOAPAction and returns the response element', async () => {
    const { fake, result } = await call(ok(`<e:GetCardsResponse xmlns:e="${NS.evt}">${status()}</e:GetCardsResponse>`));
    expect((await result).localName).toBe('GetCardsResponse');
    const received = fake.calls[0];
    expect(received?.method).toBe('POST');
    expect(received?.headers['content-type']).toBe('text/xml; charset=UTF-8');
    expect(received?.headers['soapaction']).toBe('"http://ws.gematik.de/conn/EventService/v7.2#GetCards"');
    expect(Number(received?.headers['content-length'])).toBe(Buffer.byteLength(received?.raw ?? ''));
    expect(received?.operation).toBe('GetCards');
  });

  it('turns a SOAP fault with gematik error detail into a KonnektorFault naming hop and code', async () => {
    const error = await failure(fault('4004', 'Ungültige Mandanten-ID'));
    expect(error).toBeInstanceOf(KonnektorFault);
    expect(error).toMatchObject({ hop: 'konnektor', code: '4004' });
    expect(error.message).toContain('GetCards abgelehnt (Fehler 4004: Ungültige Mandanten-ID)');
    expect(error.technical).toContain('SOAP-Fault S:Server Code 4004');
    expect((error as KonnektorFault).traces).toEqual([{ code: '4004', errorText: 'Ungültige Mandanten-ID', severity: 'Error', errorType: 'Technical' }]);
  });

  it('treats a Status/Result other than OK or Warning as a fault, with the code from its error detail', async () => {
    const errorStatus = `<k:Status xmlns:k="${NS.conn}"><k:Result>Error</k:Result><g:Error xmlns:g="${NS.gerror}"><g:Trace><g:Code>4021</g:Code><g:ErrorText>Karte nicht zugeordnet</g:ErrorText></g:Trace></g:Error></k:Status>`;
    const error = await failure(ok(`<e:GetCardsResponse xmlns:e="${NS.evt}">${errorStatus}</e:GetCardsResponse>`));
    expect(error).toBeInstanceOf(KonnektorFault);
    expect(error).toMatchObject({ code: '4021' });
    expect(error.technical).toContain('Status/Result Error');
  });

  it('accepts Warning', async () => {
    const { result } = await call(ok(`<e:GetCardsResponse xmlns:e="${NS.evt}">${status('k', 'Warning')}</e:GetCardsResponse>`));
    await expect(result).resolves.toBeDefined();
  });

  it('refuses an answer that is not XML, not SOAP, or not the expected response', async () => {
    expect((await failure({ status: 200, body: 'hello', contentType: 'text/plain' })).technical).toContain('kein XML');
    expect((await failure({ status: 200, body: '<html/>' })).technical).toContain('kein SOAP-1.1-Umschlag');
    expect((await failure(ok(`<e:GetResourceInformationResponse xmlns:e="${NS.evt}"/>`))).technical).toContain('statt GetCardsResponse');
    expect(await failure({ status: 500, body: '<html/>' })).toMatchObject({ code: '500' });
  });
});
