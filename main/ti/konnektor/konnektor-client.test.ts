/**
 * The typed Konnektor calls against the fake Konnektor of `testing.ts`: what the Konnektor receives (service path
 * from connector.sds, SOAPAction, element namespaces and order of spec ti-transport §3.3–§3.6) and what the client
 * reads from the answers.
 */
import { X509Certificate } from 'node:crypto';
import type { Document } from '@xmldom/xmldom';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CardCertificateMissing, KonnektorClient } from './konnektor-client';
import type { KonnektorConfig } from './konnektor-config';
import { NS } from './namespaces';
import { API_ERP_EXAMPLE, FAKE_PATHS, FakeKonnektor, childNames, makeTestPki, type ReceivedCall, type TestPki } from './testing';

const CONN = (name: string) => `{${NS.conn}}${name}`;
const CCTX = (name: string) => `{${NS.cctx}}${name}`;

let fake: FakeKonnektor;
let client: KonnektorClient;

async function start(config: Omit<KonnektorConfig, 'baseUrl'> = {}, tls?: TestPki): Promise<void> {
  fake = new FakeKonnektor();
  fake.cards = [{ handle: 'SMC-B-1', iccsn: API_ERP_EXAMPLE.iccsn, holderName: API_ERP_EXAMPLE.holderName, ecc: API_ERP_EXAMPLE.certificate }];
  const base = await fake.start(tls ? { key: tls.serverKey, cert: tls.serverCert } : undefined);
  client = KonnektorClient.fromConfig({ baseUrl: base, ...(tls ? {} : { allowPlainHttp: true }), ...config });
}

afterEach(async () => {
  await fake.stop();
});

function only(operation: string): ReceivedCall & { document: Document } {
  const calls = fake.callsOf(operation);
  expect(calls).toHaveLength(1);
  const call = calls[0];
  if (!call?.document) throw new Error(`no ${operation} received`);
  return call as ReceivedCall & { document: Document };
}

function requestOf(call: { document: Document }, namespace: string, name: string) {
  const element = call.document.getElementsByTagNameNS(namespace, name)[0];
  if (!element) throw new Error(`{${namespace}}${name} missing`);
  return element;
}

describe('KonnektorClient over plain http (test setup)', () => {
  it('GetCards: EventService v7.2 from connector.sds, Context then CardType, the cards read back', async () => {
    await start({ context: { mandantId: 'Apotheke-3', clientSystemId: 'eRxCounter', workplaceId: 'HV-1', userId: 'user-7' } });
    const cards = await client.getCards();
    expect(cards).toEqual([
      {
        handle: 'SMC-B-1',
        type: 'SMC-B',
        iccsn: API_ERP_EXAMPLE.iccsn,
        holderName: API_ERP_EXAMPLE.holderName,
        certificateExpirationDate: '2029-12-03',
        ctId: 'CT1',
        slotId: '1',
        insertTime: '2026-12-01T08:00:00Z',
      },
    ]);
    const call = only('GetCards');
    expect(call.path).toBe(FAKE_PATHS.EventService);
    expect(call.headers['soapaction']).toBe('"http://ws.gematik.de/conn/EventService/v7.2#GetCards"');
    const request = requestOf(call, NS.evt, 'GetCards');
    expect(childNames(request)).toEqual([CCTX('Context'), `{${NS.cardcmn}}CardType`]);
    expect(request.getElementsByTagNameNS(NS.cardcmn, 'CardType')[0]?.textContent).toBe('SMC-B');
    const context = requestOf(call, NS.cctx, 'Context');
    expect(childNames(context)).toEqual([CONN('MandantId'), CONN('ClientSystemId'), CONN('WorkplaceId'), CONN('UserId')]);
    expect(Array.from(context.getElementsByTagNameNS(NS.conn, '*')).map((element) => element.textContent)).toEqual(['Apotheke-3', 'eRxCounter', 'HV-1', 'user-7']);
  });

  it('ReadCardCertificate: CertificateService v6.0, CardHandle, Context, CertRefList/CertRef C.AUT, Crypt — DER back', async () => {
    await start();
    const der = await client.readCardCertificate('SMC-B-1', 'ECC');
    expect(der.equals(API_ERP_EXAMPLE.certificate)).toBe(true);
    expect(new X509Certificate(der).subject).toContain('Peer Graf von M');
    const call = only('ReadCardCertificate');
    expect(call.path).toBe(FAKE_PATHS.CertificateService);
    expect(call.headers['soapaction']).toBe('"http://ws.gematik.de/conn/CertificateService/v6.0#ReadCardCertificate"');
    const request = requestOf(call, NS.cert, 'ReadCardCertificate');
    expect(childNames(request)).toEqual([CONN('CardHandle'), CCTX('Context'), `{${NS.cert}}CertRefList`, `{${NS.cert}}Crypt`]);
    expect(childNames(requestOf(call, NS.cert, 'CertRefList'))).toEqual([`{${NS.cert}}CertRef`]);
    expect(requestOf(call, NS.cert, 'CertRef').textContent).toBe('C.AUT');
    expect(requestOf(call, NS.cert, 'Crypt').textContent).toBe('ECC');
    expect(requestOf(call, NS.conn, 'CardHandle').textContent).toBe('SMC-B-1');
  });

  it('ReadCardCertificate without a certificate of that key type is CardCertificateMissing', async () => {
    await start();
    await expect(client.readCardCertificate('SMC-B-1', 'RSA')).rejects.toBeInstanceOf(CardCertificateMissing);
  });

  it('ExternalAuthenticate (ECC): SignatureService v7.4, ecdsa SignatureType, the 32 bytes as Base64Data — the DER signature back', async () => {
    await start();
    const signature = await client.externalAuthenticate('SMC-B-1', API_ERP_EXAMPLE.hash, 'ECC');
    expect(signature.equals(API_ERP_EXAMPLE.signature)).toBe(true);
    const call = only('ExternalAuthenticate');
    expect(call.path).toBe(FAKE_PATHS.AuthSignatureService);
    expect(call.headers['soapaction']).toBe('"http://ws.gematik.de/conn/SignatureService/v7.4#ExternalAuthenticate"');
    const request = requestOf(call, NS.sig, 'ExternalAuthenticate');
    expect(childNames(request)).toEqual([CONN('CardHandle'), CCTX('Context'), `{${NS.sig}}OptionalInputs`, `{${NS.sig}}BinaryString`]);
    expect(childNames(requestOf(call, NS.sig, 'OptionalInputs'))).toEqual([`{${NS.dss}}SignatureType`]);
    expect(requestOf(call, NS.dss, 'SignatureType').textContent).toBe('urn:bsi:tr:03111:ecdsa');
    expect(childNames(requestOf(call, NS.sig, 'BinaryString'))).toEqual([`{${NS.dss}}Base64Data`]);
    const data = requestOf(call, NS.dss, 'Base64Data');
    expect(data.textContent).toBe('EGvRHN8ZHbaFVSaMBoKLVO3CqW6SjWM8fVeIZyClkQw=');
    expect(data.getAttribute('MimeType')).toBe('application/octet-stream');
  });

  it('ExternalAuthenticate (RSA): urn:ietf:rfc:3447 with SignatureSchemes RSASSA-PSS', async () => {
    await start();
    const raw = Buffer.alloc(256, 0x5a);
    fake.cards = [{ handle: 'SMC-B-1', iccsn: API_ERP_EXAMPLE.iccsn, holderName: 'RSA', sign: () => raw }];
    expect((await client.externalAuthenticate('SMC-B-1', Buffer.alloc(32, 1), 'RSA')).equals(raw)).toBe(true);
    const call = only('ExternalAuthenticate');
    expect(childNames(requestOf(call, NS.sig, 'OptionalInputs'))).toEqual([`{${NS.dss}}SignatureType`, `{${NS.sig}}SignatureSchemes`]);
    expect(requestOf(call, NS.dss, 'SignatureType').textContent).toBe('urn:ietf:rfc:3447');
    expect(requestOf(call, NS.sig, 'SignatureSchemes').textContent).toBe('RSASSA-PSS');
  });

  it('ExternalAuthenticate refuses anything but a 32-byte hash before calling', async () => {
    await start();
    await expect(client.externalAuthenticate('SMC-B-1', Buffer.alloc(20), 'ECC')).rejects.toThrow(RangeError);
    expect(fake.calls).toEqual([]);
  });

  it('GetPinStatus: CardService v8.1, Context, CardHandle, PinTyp PIN.SMC — status and tries back', async () => {
    await start();
    fake.cards = [{ handle: 'SMC-B-1', iccsn: API_ERP_EXAMPLE.iccsn, holderName: 'x', pinStatus: 'VERIFIABLE', leftTries: 3 }];
    expect(await client.getPinStatus('SMC-B-1')).toEqual({ status: 'VERIFIABLE', leftTries: 3 });
    const call = only('GetPinStatus');
    expect(call.path).toBe(FAKE_PATHS.CardService);
    expect(call.headers['soapaction']).toBe('"http://ws.gematik.de/conn/CardService/v8.1#GetPinStatus"');
    const request = requestOf(call, NS.card, 'GetPinStatus');
    expect(childNames(request)).toEqual([CCTX('Context'), CONN('CardHandle'), `{${NS.cardcmn}}PinTyp`]);
    expect(requestOf(call, NS.cardcmn, 'PinTyp').textContent).toBe('PIN.SMC');
  });

  it('VerifyCertificate: Context, X509Certificate — result and roles back', async () => {
    await start();
    expect(await client.verifyCertificate(API_ERP_EXAMPLE.certificate)).toEqual({ result: 'VALID', roles: ['1.2.276.0.76.4.260'] });
    const call = only('VerifyCertificate');
    expect(call.headers['soapaction']).toBe('"http://ws.gematik.de/conn/CertificateService/v6.0#VerifyCertificate"');
    expect(childNames(requestOf(call, NS.cert, 'VerifyCertificate'))).toEqual([CCTX('Context'), `{${NS.certcmn}}X509Certificate`]);
    expect(requestOf(call, NS.certcmn, 'X509Certificate').textContent).toBe(API_ERP_EXAMPLE.certificate.toString('base64'));
  });
});

describe('KonnektorClient over TLS with Basic auth (TLSMandatory)', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterAll(() => pki.cleanup());

  it('finds the TLS endpoints in connector.sds and authenticates every call', async () => {
    await start({ trust: { kind: 'pin', sha256Fingerprint: pki.serverFingerprint }, clientAuth: { kind: 'basic', username: 'cs1', password: 'geheim-42' } }, pki);
    fake.basicAuth = { username: 'cs1', password: 'geheim-42' };
    expect((await client.getCards()).map((card) => card.iccsn)).toEqual([API_ERP_EXAMPLE.iccsn]);
    expect(fake.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /connector.sds', `POST ${FAKE_PATHS.EventService}`]);
    expect(fake.calls.every((call) => call.headers.authorization === `Basic ${Buffer.from('cs1:geheim-42').toString('base64')}`)).toBe(true);
  });
});
