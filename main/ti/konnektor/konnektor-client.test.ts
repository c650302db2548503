/**
 * The typed Konnektor calls against the fake Konnektor of `testing.ts`: what the Konnektor receives (service path
 * from connector.sds, SOAPAction, element namespaces and order of spec ti-transport §3.3–§3.6) and what the client
 * reads from the answers.
 */
import { X509Certificate } from 'node:crypto';
import { DOMParser, type Document } from '@xmldom/xmldom';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures';
import { TiError } from '../ti-error';
import { CardCertificateMissing, KonnektorClient, VsdReadError } from './konnektor-client';
import type { KonnektorConfig } from './konnektor-config';
import { NS } from './namespaces';
import { API_ERP_EXAMPLE, FAKE_PATHS, FakeKonnektor, childNames, fault, makeTestPki, ok, type ReceivedCall, type TestPki } from './testing';

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

// gematik's recorded eGK path (eRezept-Examples, erp_abrufen_egk): GetCards for an eGK, ReadVSD request and answers
const EGK_FIXTURES = 'gematik/erp-abrufen-egk-2025-10-01';
const VSD = (name: string) => `{${NS.vsd}}${name}`;
const VENDOR_ANSWERS = ['04_01_ReadVSD_Response_KOCO.xml', '04_02_ReadVSD_Response_Rise.xml', '04_03_ReadVSD_Response_Secunet.xml'];

/** The text of `{vsd}name` in a recorded answer, without the whitespace of its pretty-printing. */
function recorded(answer: string, name: string): string | undefined {
  return new DOMParser().parseFromString(answer, 'text/xml').getElementsByTagNameNS(NS.vsd, name)[0]?.textContent?.replace(/\s+/g, '');
}

async function startWithEgk(readVsd: (request: unknown) => { status: number; body: string }): Promise<void> {
  await start();
  fake.cards.push({ handle: 'EGK-7', iccsn: '80276001011699901343', holderName: 'Patientin Muster', type: 'EGK', readVsd });
}

describe('KonnektorClient: the eGK path (spec erezept-pharmacy §3.9)', () => {
  it('GetCards for CardType EGK reads gematik\'s recorded answer', async () => {
    await start();
    fake.override = (call) => (call.operation === 'GetCards' ? ok(readFixture(EGK_FIXTURES, '02_GetCards_Response.xml')) : undefined);
    expect(await client.getCards('EGK')).toEqual([
      {
        handle: 'a5567061-f3b0-436b-b702-fbb5026aa168',
        type: 'EGK',
        iccsn: '00000000000000000000',
        holderName: 'Patientin Muster',
        certificateExpirationDate: '2024-08-13',
        ctId: 'Terminal1',
        slotId: '2',
        insertTime: '2022-08-17T09:30:47Z',
      },
    ]);
    expect(requestOf(only('GetCards'), NS.cardcmn, 'CardType').textContent).toBe('EGK');
  });

  it('ReadVSD: VSDService v5.2 from connector.sds, the elements of gematik\'s recorded request in its order', async () => {
    await startWithEgk(() => ({ status: 200, body: readFixture(EGK_FIXTURES, '04_01_ReadVSD_Response_KOCO.xml') }));
    await client.readVsd('EGK-7', 'SMC-B-1');
    const call = only('ReadVSD');
    expect(call.path).toBe(FAKE_PATHS.VSDService);
    expect(call.headers['soapaction']).toBe('"http://ws.gematik.de/conn/vsds/VSDService/v5.2#ReadVSD"');
    const request = requestOf(call, NS.vsd, 'ReadVSD');
    const gematik = new DOMParser().parseFromString(readFixture(EGK_FIXTURES, '03_ReadVSD.xml'), 'text/xml').getElementsByTagNameNS(NS.vsd, 'ReadVSD')[0];
    expect(childNames(request)).toEqual(childNames(gematik));
    expect(childNames(request)).toEqual([VSD('EhcHandle'), VSD('HpcHandle'), VSD('PerformOnlineCheck'), VSD('ReadOnlineReceipt'), CCTX('Context')]);
    const values = ['EhcHandle', 'HpcHandle', 'PerformOnlineCheck', 'ReadOnlineReceipt'].map((name) => requestOf(call, NS.vsd, name).textContent);
    expect(values).toEqual(['EGK-7', 'SMC-B-1', 'true', 'true']);
  });

  it.each(VENDOR_ANSWERS)('ReadVSD reads the answer %s: the four base64 fields without whitespace and VSD_Status', async (file) => {
    const answer = readFixture(EGK_FIXTURES, file);
    await startWithEgk(() => ({ status: 200, body: answer }));
    const result = await client.readVsd('EGK-7', 'SMC-B-1');
    expect(result).toEqual({
      persoenlicheVersichertendaten: recorded(answer, 'PersoenlicheVersichertendaten'),
      allgemeineVersicherungsdaten: recorded(answer, 'AllgemeineVersicherungsdaten'),
      geschuetzteVersichertendaten: recorded(answer, 'GeschuetzteVersichertendaten'),
      vsdStatus: { status: '0', timestamp: expect.stringMatching(/^2025-01-\d\dT\d\d:\d\d:\d\d\.000Z$/), version: '5.2.0' },
      pruefungsnachweis: recorded(answer, 'Pruefungsnachweis'),
    });
    expect(result.pruefungsnachweis).toMatch(/^H4sI[A-Za-z0-9+/]+={0,2}$/);
  });

  it('a refused ReadVSD is a VsdReadError on hop konnektor that says the eGK could not be read and keeps the code', async () => {
    await startWithEgk(() => fault('114', 'Gesundheitsanwendung auf eGK gesperrt'));
    const error = await client.readVsd('EGK-7', 'SMC-B-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VsdReadError);
    expect(error).toMatchObject({ hop: 'konnektor', problem: 'refused', code: '114' });
    expect((error as Error).message).toMatch(/^Die Gesundheitskarte ließ sich über den Konnektor nicht lesen \(Fehler 114: Gesundheitsanwendung auf eGK gesperrt\)/);
  });

  it('an unknown eGK handle is refused the same way', async () => {
    await startWithEgk(() => ok(''));
    await expect(client.readVsd('EGK-gone', 'SMC-B-1')).rejects.toMatchObject({ name: 'VsdReadError', problem: 'refused' });
  });

  it('no Prüfungsnachweis although ReadOnlineReceipt was asked is a VsdReadError no-proof; without asking it is fine', async () => {
    const withoutProof = readFixture(EGK_FIXTURES, '04_02_ReadVSD_Response_Rise.xml').replace(/<ns2:Pruefungsnachweis>[^<]*<\/ns2:Pruefungsnachweis>/, '');
    await startWithEgk(() => ({ status: 200, body: withoutProof }));
    await expect(client.readVsd('EGK-7', 'SMC-B-1')).rejects.toMatchObject({ name: 'VsdReadError', problem: 'no-proof', hop: 'konnektor' });
    const offline = await client.readVsd('EGK-7', 'SMC-B-1', { performOnlineCheck: false, readOnlineReceipt: false });
    expect(offline.pruefungsnachweis).toBeUndefined();
    const second = fake.callsOf('ReadVSD')[1];
    expect(second?.document?.getElementsByTagNameNS(NS.vsd, 'PerformOnlineCheck')[0]?.textContent).toBe('false');
  });

  it('an answer without the personal data is unintelligible, not an empty result', async () => {
    const withoutPersonal = readFixture(EGK_FIXTURES, '04_03_ReadVSD_Response_Secunet.xml').replace(/<ns2:PersoenlicheVersichertendaten>[^<]*<\/ns2:PersoenlicheVersichertendaten>/, '');
    await startWithEgk(() => ({ status: 200, body: withoutPersonal }));
    const error = await client.readVsd('EGK-7', 'SMC-B-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TiError);
    expect(error).not.toBeInstanceOf(VsdReadError);
    expect(error).toMatchObject({ hop: 'konnektor', technical: 'ReadVSD: PersoenlicheVersichertendaten fehlt in der Antwort' });
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
