import { constants, createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { loadCard } from './card-material';
import { verifyDigestSignature } from './digest-verify';
import { konnektorApp, type KonnektorAppDeps } from './konnektor-app';
import { KonnektorState } from './konnektor-state';
import { NS, SIGNATURE_TYPE_ECDSA } from './namespaces';
import { childElement, childElements, childText } from './soap-envelope';

const FIXTURES = join(__dirname, '../../../../test/fixtures/gematik');
const ADELHEID = loadCard(join(FIXTURES, 'test-cards/smcb/80276001011699902301'));
const BERND = loadCard(join(FIXTURES, 'test-cards/smcb/80276001011699902302'));
const CA51 = readFileSync(join(FIXTURES, 'test-cards/ca/GEM.SMCB-CA51-TEST-ONLY.crt'));
// the simulation's RSA-only SMC-B and its CA (material/smcb-rsa/NOTICE)
const RSA_MATERIAL = join(__dirname, '../material/smcb-rsa');
const RENATE = loadCard(join(RSA_MATERIAL, '80276001011699902399'));
const RSA_CA = new X509Certificate(readFileSync(join(RSA_MATERIAL, 'SMCB-RSA-CA-TEST-ONLY.pem'))).raw;
const NOW = new Date('2026-06-01T08:00:00Z');

function setup(overrides: Partial<KonnektorAppDeps> = {}, inserted: 'first' | 'all' = 'first') {
  const state = new KonnektorState([ADELHEID, BERND], { inserted, now: () => NOW });
  const app = konnektorApp({ state, baseUrl: 'http://127.0.0.1:4711/konnektor/', now: () => NOW, trustAnchors: [CA51], ...overrides });
  return { state, app };
}

/** The RSA-only card inserted (SMC-B-1), the ECC card Adelheid loaded beside it. */
function setupRsa() {
  const state = new KonnektorState([RENATE, ADELHEID], { now: () => NOW });
  const app = konnektorApp({ state, baseUrl: 'http://127.0.0.1:4711/konnektor/', now: () => NOW, trustAnchors: [CA51, RSA_CA] });
  return { state, app };
}

// Requests as a client writes them: fixed test values only, other prefixes than the simulator's own.
const CONTEXT = { mandantId: 'Mandant1', clientSystemId: 'CS1', workplaceId: 'AP1' };
function context(values: Partial<typeof CONTEXT> = {}): string {
  const merged = { ...CONTEXT, ...values };
  return (
    `<cc:Context xmlns:cc="${NS.CCTX}" xmlns:c="${NS.CONN}">` +
    `<c:MandantId>${merged.mandantId}</c:MandantId><c:ClientSystemId>${merged.clientSystemId}</c:ClientSystemId>` +
    `<c:WorkplaceId>${merged.workplaceId}</c:WorkplaceId></cc:Context>`
  );
}
const handle = (value: string): string => `<c:CardHandle xmlns:c="${NS.CONN}">${value}</c:CardHandle>`;

const OPERATIONS = {
  GetCards: { path: 'ws/EventService', ns: NS.EVT },
  ReadCardCertificate: { path: 'ws/CertificateService', ns: NS.CERT },
  VerifyCertificate: { path: 'ws/CertificateService', ns: NS.CERT },
  ExternalAuthenticate: { path: 'ws/AuthSignatureService', ns: NS.SIG },
  GetPinStatus: { path: 'ws/CardService', ns: NS.CARD },
} as const;
type Operation = keyof typeof OPERATIONS;

async function call(
  app: ReturnType<typeof konnektorApp>,
  operation: Operation,
  inner: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string | null; body: Element | undefined; text: string }> {
  const { path, ns } = OPERATIONS[operation];
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="${NS.SOAP}"><S:Body>` +
    `<op:${operation} xmlns:op="${ns}">${inner}</op:${operation}></S:Body></S:Envelope>`;
  const response = await app.request(`/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: `"${ns}#${operation}"`, ...headers },
    body: xml,
  });
  const text = await response.text();
  const root = response.headers.get('Content-Type')?.startsWith('text/xml') ? new DOMParser().parseFromString(text, 'text/xml').documentElement : null;
  const body = root === null ? undefined : childElement(root, NS.SOAP, 'Body');
  return { status: response.status, contentType: response.headers.get('Content-Type'), body, text };
}

function only(parent: Element | undefined, ns: string, name: string): Element {
  const found = parent === undefined ? [] : childElements(parent, ns, name);
  expect(found, `${name} genau einmal`).toHaveLength(1);
  return found[0] as Element;
}

/** The gematik error code and text of a SOAP fault answer. */
function faultOf(result: Awaited<ReturnType<typeof call>>): { code: string | undefined; text: string | undefined; faultcode: string | undefined } {
  expect(result.status).toBe(500);
  const fault = only(result.body, NS.SOAP, 'Fault');
  const faultcode = childElements(fault).find((node) => node.localName === 'faultcode')?.textContent ?? undefined;
  const detail = childElements(fault).find((node) => node.localName === 'detail');
  const trace = only(only(detail, NS.GERROR, 'Error'), NS.GERROR, 'Trace');
  return { code: childText(trace, NS.GERROR, 'Code'), text: childText(trace, NS.GERROR, 'ErrorText'), faultcode };
}

const localNames = (element: Element): string[] => childElements(element).map((child) => `${child.namespaceURI}|${child.localName}`);

describe('GET /connector.sds', () => {
  it('lists the five services with absolute endpoints built from the base URL read per request', async () => {
    let port = 4711;
    const { app } = setup({
      baseUrl: () => `http://127.0.0.1:${port}/konnektor/`,
      tlsBaseUrl: () => `https://127.0.0.1:${port + 1}/konnektor`,
      tlsMandatory: true,
      clientAutMandatory: false,
    });
    port = 5000;
    const response = await app.request('/connector.sds');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/xml; charset=UTF-8');
    const root = new DOMParser().parseFromString(await response.text(), 'text/xml').documentElement as Element;
    expect([root.namespaceURI, root.localName]).toEqual([NS.SDS, 'ConnectorServices']);
    expect(localNames(root)).toEqual([
      `${NS.PI}|ProductInformation`,
      `${NS.SDS}|TLSMandatory`,
      `${NS.SDS}|ClientAutMandatory`,
      `${NS.SI}|ServiceInformation`,
    ]);
    expect(childText(root, NS.SDS, 'TLSMandatory')).toBe('true');
    expect(childText(root, NS.SDS, 'ClientAutMandatory')).toBe('false');
    const services = childElements(only(root, NS.SI, 'ServiceInformation'), NS.SI, 'Service').map((service) => {
      const version = only(only(service, NS.SI, 'Versions'), NS.SI, 'Version');
      return {
        name: service.getAttribute('Name'),
        targetNamespace: version.getAttribute('TargetNamespace'),
        endpoint: only(version, NS.SI, 'Endpoint').getAttribute('Location'),
        endpointTls: only(version, NS.SI, 'EndpointTLS').getAttribute('Location'),
      };
    });
    expect(services).toEqual([
      { name: 'EventService', targetNamespace: NS.EVT, endpoint: 'http://127.0.0.1:5000/konnektor/ws/EventService', endpointTls: 'https://127.0.0.1:5001/konnektor/ws/EventService' },
      { name: 'CertificateService', targetNamespace: NS.CERT, endpoint: 'http://127.0.0.1:5000/konnektor/ws/CertificateService', endpointTls: 'https://127.0.0.1:5001/konnektor/ws/CertificateService' },
      { name: 'AuthSignatureService', targetNamespace: 'http://ws.gematik.de/conn/SignatureService/v7.4', endpoint: 'http://127.0.0.1:5000/konnektor/ws/AuthSignatureService', endpointTls: 'https://127.0.0.1:5001/konnektor/ws/AuthSignatureService' },
      { name: 'CardService', targetNamespace: NS.CARD, endpoint: 'http://127.0.0.1:5000/konnektor/ws/CardService', endpointTls: 'https://127.0.0.1:5001/konnektor/ws/CardService' },
      // the eGK path (spec erezept-pharmacy §3.9)
      { name: 'VSDService', targetNamespace: 'http://ws.gematik.de/conn/vsds/VSDService/v5.2', endpoint: 'http://127.0.0.1:5000/konnektor/ws/VSDService', endpointTls: 'https://127.0.0.1:5001/konnektor/ws/VSDService' },
    ]);
  });

  it('the endpoints it names are the ones that answer', async () => {
    const { app } = setup();
    const sds = await (await app.request('/connector.sds')).text();
    const location = /Location="http:\/\/127\.0\.0\.1:4711\/konnektor\/(ws\/EventService)"/.exec(sds)?.[1];
    expect(location).toBe('ws/EventService');
    const result = await call(app, 'GetCards', context());
    expect(result.status).toBe(200);
  });
});

describe('EventService GetCards', () => {
  it('answers GetCardsResponse with Status OK and the first Ulmendorfer SMC-B as SMC-B-1', async () => {
    const { app } = setup();
    const result = await call(app, 'GetCards', `${context()}<t:CardType xmlns:t="${NS.CARDCMN}">SMC-B</t:CardType>`);
    expect(result.status).toBe(200);
    expect(result.contentType).toBe('text/xml; charset=UTF-8');
    const response = only(result.body, NS.EVT, 'GetCardsResponse');
    expect(childText(only(response, NS.CONN, 'Status'), NS.CONN, 'Result')).toBe('OK');
    const cards = childElements(only(response, NS.CARD, 'Cards'), NS.CARD, 'Card');
    expect(cards).toHaveLength(1);
    const card = cards[0] as Element;
    expect(localNames(card)).toEqual([
      `${NS.CONN}|CardHandle`,
      `${NS.CARDCMN}|CardType`,
      `${NS.CARDCMN}|Iccsn`,
      `${NS.CARDCMN}|CtId`,
      `${NS.CARDCMN}|SlotId`,
      `${NS.CARD}|InsertTime`,
      `${NS.CARD}|CardHolderName`,
      `${NS.CARD}|CertificateExpirationDate`,
    ]);
    expect(childText(card, NS.CONN, 'CardHandle')).toBe('SMC-B-1');
    expect(childText(card, NS.CARDCMN, 'Iccsn')).toBe('80276001011699902301');
    expect(childText(card, NS.CARD, 'CardHolderName')).toBe('Apotheke Adelheid Ulmendorfer TEST-ONLY');
    expect(childText(card, NS.CARD, 'InsertTime')).toBe(NOW.toISOString());
    expect(childText(card, NS.CARD, 'CertificateExpirationDate')).toBe('2028-01-25');
  });

  it('two inserted cards give two entries; a CardType filter for EGK gives none', async () => {
    const { app } = setup({}, 'all');
    const all = await call(app, 'GetCards', context());
    const cards = childElements(only(only(all.body, NS.EVT, 'GetCardsResponse'), NS.CARD, 'Cards'), NS.CARD, 'Card');
    expect(cards.map((card) => [childText(card, NS.CONN, 'CardHandle'), childText(card, NS.CARDCMN, 'Iccsn')])).toEqual([
      ['SMC-B-1', '80276001011699902301'],
      ['SMC-B-2', '80276001011699902302'],
    ]);
    const egk = await call(app, 'GetCards', `${context()}<t:CardType xmlns:t="${NS.CARDCMN}">EGK</t:CardType>`);
    expect(childElements(only(only(egk.body, NS.EVT, 'GetCardsResponse'), NS.CARD, 'Cards'))).toHaveLength(0);
  });

  it('re-insert gives new handles; the old handle is then unknown (4008)', async () => {
    const { app, state } = setup();
    state.reinsert();
    const result = await call(app, 'GetCards', context());
    const card = only(only(only(result.body, NS.EVT, 'GetCardsResponse'), NS.CARD, 'Cards'), NS.CARD, 'Card');
    expect(childText(card, NS.CONN, 'CardHandle')).toBe('SMC-B-2');
    const stale = await call(app, 'ReadCardCertificate', `${handle('SMC-B-1')}${context()}${certRefs('C.AUT')}`);
    expect(faultOf(stale)).toMatchObject({ code: '4008', text: 'Karte nicht als gesteckt identifiziert' });
    const fresh = await call(app, 'ReadCardCertificate', `${handle('SMC-B-2')}${context()}${certRefs('C.AUT')}`);
    expect(fresh.status).toBe(200);
  });
});

function certRefs(...references: string[]): string {
  return `<r:CertRefList xmlns:r="${NS.CERT}">${references.map((reference) => `<r:CertRef>${reference}</r:CertRef>`).join('')}</r:CertRefList>`;
}
const crypt = (value: string): string => `<r:Crypt xmlns:r="${NS.CERT}">${value}</r:Crypt>`;

/**
 * The C.AUT certificate of a successful ReadCardCertificate answer; undefined when its X509DataInfo has no X509Data
 * (the card has no certificate of the asked key type).
 */
function autCertificate(result: Awaited<ReturnType<typeof call>>): Buffer | undefined {
  expect(result.status).toBe(200);
  const response = only(result.body, NS.CERT, 'ReadCardCertificateResponse');
  expect(childText(only(response, NS.CONN, 'Status'), NS.CONN, 'Result')).toBe('OK');
  const info = only(only(response, NS.CERTCMN, 'X509DataInfoList'), NS.CERTCMN, 'X509DataInfo');
  expect(childText(info, NS.CERTCMN, 'CertRef')).toBe('C.AUT');
  const data = childElements(info, NS.CERTCMN, 'X509Data')[0];
  return data === undefined ? undefined : Buffer.from(childText(data, NS.CERTCMN, 'X509Certificate') ?? '', 'base64');
}

describe('CertificateService ReadCardCertificate', () => {
  it('returns C.AUT of the card: the .crt bytes in X509Certificate, issuer and serial, subject', async () => {
    const { app } = setup();
    const result = await call(app, 'ReadCardCertificate', `${handle('SMC-B-1')}${context()}${certRefs('C.AUT')}${crypt('ECC')}`);
    expect(result.status).toBe(200);
    const response = only(result.body, NS.CERT, 'ReadCardCertificateResponse');
    expect(childText(only(response, NS.CONN, 'Status'), NS.CONN, 'Result')).toBe('OK');
    const info = only(only(response, NS.CERTCMN, 'X509DataInfoList'), NS.CERTCMN, 'X509DataInfo');
    expect(childText(info, NS.CERTCMN, 'CertRef')).toBe('C.AUT');
    const data = only(info, NS.CERTCMN, 'X509Data');
    expect(localNames(data)).toEqual([`${NS.CERTCMN}|X509IssuerSerial`, `${NS.CERTCMN}|X509SubjectName`, `${NS.CERTCMN}|X509Certificate`]);
    const der = Buffer.from(childText(data, NS.CERTCMN, 'X509Certificate') ?? '', 'base64');
    expect(der).toEqual(readFileSync(join(FIXTURES, 'test-cards/smcb/80276001011699902301/80276001011699902301-C_SMCB_AUT_E256_X509.crt')));
    const issuerSerial = only(data, NS.CERTCMN, 'X509IssuerSerial');
    expect(childText(issuerSerial, NS.CERTCMN, 'X509IssuerName')).toMatch(/^CN=GEM\.SMCB-CA51 TEST-ONLY,/);
    expect(childText(issuerSerial, NS.CERTCMN, 'X509SerialNumber')).toBe(BigInt(`0x${new X509Certificate(der).serialNumber}`).toString());
  });

  it('without Crypt answers the card\'s ECC certificate; Crypt=RSA gets C.AUT without X509Data; CertRef C.ENC is fault 4149', async () => {
    const { app } = setup();
    expect(autCertificate(await call(app, 'ReadCardCertificate', `${handle('SMC-B-1')}${context()}${certRefs('C.AUT')}`))).toEqual(ADELHEID.certificateDer);
    const rsa = await call(app, 'ReadCardCertificate', `${handle('SMC-B-1')}${context()}${certRefs('C.AUT')}${crypt('RSA')}`);
    expect(autCertificate(rsa)).toBeUndefined();
    const enc = await call(app, 'ReadCardCertificate', `${handle('SMC-B-1')}${context()}${certRefs('C.ENC')}${crypt('ECC')}`);
    expect(faultOf(enc).code).toBe('4149');
  });

  it('RSA-only card: Crypt=ECC gets C.AUT without X509Data (the client then asks RSA, §3.4); Crypt=RSA and no Crypt the RSA certificate', async () => {
    const { app } = setupRsa();
    const ecc = await call(app, 'ReadCardCertificate', `${handle('SMC-B-1')}${context()}${certRefs('C.AUT')}${crypt('ECC')}`);
    expect(autCertificate(ecc)).toBeUndefined();
    const rsa = await call(app, 'ReadCardCertificate', `${handle('SMC-B-1')}${context()}${certRefs('C.AUT')}${crypt('RSA')}`);
    expect(autCertificate(rsa)).toEqual(RENATE.certificateDer);
    expect(new X509Certificate(autCertificate(rsa) ?? Buffer.alloc(0)).publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(autCertificate(await call(app, 'ReadCardCertificate', `${handle('SMC-B-1')}${context()}${certRefs('C.AUT')}`))).toEqual(RENATE.certificateDer);
  });

  it('answers an unknown card handle with fault 4008', async () => {
    const { app } = setup();
    const result = await call(app, 'ReadCardCertificate', `${handle('SMC-B-99')}${context()}${certRefs('C.AUT')}${crypt('ECC')}`);
    expect(faultOf(result)).toEqual({ code: '4008', text: 'Karte nicht als gesteckt identifiziert', faultcode: 'soap:Server' });
    expect(result.contentType).toBe('text/xml; charset=UTF-8');
  });
});

/** `signatureType` null: no OptionalInputs at all; `scheme`: a `SIG:SignatureSchemes` after the type (§3.5) */
function externalAuthenticate(digest: Buffer, signatureType: string | null = SIGNATURE_TYPE_ECDSA, cardHandle = 'SMC-B-1', scheme?: string): string {
  const schemes = scheme === undefined ? '' : `<s:SignatureSchemes>${scheme}</s:SignatureSchemes>`;
  const optional =
    signatureType === null
      ? ''
      : `<s:OptionalInputs xmlns:s="${NS.SIG}"><d:SignatureType xmlns:d="${NS.DSS}">${signatureType}</d:SignatureType>${schemes}</s:OptionalInputs>`;
  return (
    `${handle(cardHandle)}${context()}${optional}` +
    `<s:BinaryString xmlns:s="${NS.SIG}"><d:Base64Data xmlns:d="${NS.DSS}" MimeType="application/octet-stream">${digest.toString('base64')}</d:Base64Data></s:BinaryString>`
  );
}

describe('AuthSignatureService ExternalAuthenticate', () => {
  it('signs exactly the 32 bytes sent (no re-hash) and returns DER in dss:SignatureObject/dss:Base64Signature', async () => {
    const { app } = setup();
    const digest = createHash('sha256').update('eyJhbGciOiJCUDI1NlIxIn0.eyJuand0IjoieCJ9').digest();
    const result = await call(app, 'ExternalAuthenticate', externalAuthenticate(digest));
    expect(result.status).toBe(200);
    const response = only(result.body, NS.SIG, 'ExternalAuthenticateResponse');
    expect(localNames(response)).toEqual([`${NS.CONN}|Status`, `${NS.DSS}|SignatureObject`]);
    const signatureElement = only(only(response, NS.DSS, 'SignatureObject'), NS.DSS, 'Base64Signature');
    expect(signatureElement.getAttribute('Type')).toBe(SIGNATURE_TYPE_ECDSA);
    const signature = Buffer.from(signatureElement.textContent ?? '', 'base64');
    expect(signature[0]).toBe(0x30); // DER SEQUENCE
    expect(verifyDigestSignature(ADELHEID.certificate.publicKey, digest, signature)).toBe(true);
    expect(verifyDigestSignature(BERND.certificate.publicKey, digest, signature)).toBe(false);
  });

  it('signs with the key of the card the handle names', async () => {
    const { app } = setup({}, 'all');
    const digest = randomBytes(32);
    const result = await call(app, 'ExternalAuthenticate', externalAuthenticate(digest, SIGNATURE_TYPE_ECDSA, 'SMC-B-2'));
    const signature = only(only(only(result.body, NS.SIG, 'ExternalAuthenticateResponse'), NS.DSS, 'SignatureObject'), NS.DSS, 'Base64Signature');
    expect(verifyDigestSignature(BERND.certificate.publicKey, digest, Buffer.from(signature.textContent ?? '', 'base64'))).toBe(true);
  });

  it('refuses an RSA signature type and a missing one for the ECC card (4111)', async () => {
    const { app } = setup();
    expect(faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(randomBytes(32), 'urn:ietf:rfc:3447'))).code).toBe('4111');
    expect(faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(randomBytes(32), null))).code).toBe('4111');
  });

  it('refuses a 31-byte and a 33-byte hash (4000 Syntaxfehler)', async () => {
    const { app } = setup();
    for (const length of [31, 33]) {
      const fault = faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(randomBytes(length))));
      expect(fault).toMatchObject({ code: '4000', text: 'Syntaxfehler', faultcode: 'soap:Client' });
    }
  });

  it('fails with 4085 while the SMC-B is not unlocked, and GetPinStatus says VERIFIABLE', async () => {
    const { app, state } = setup();
    state.setPinVerified(ADELHEID.iccsn, false);
    const fault = faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(randomBytes(32))));
    expect(fault).toMatchObject({ code: '4085', text: 'Zugriffsbedingungen nicht erfüllt' });
    const pin = await call(app, 'GetPinStatus', `${context()}${handle('SMC-B-1')}<p:PinTyp xmlns:p="${NS.CARDCMN}">PIN.SMC</p:PinTyp>`);
    expect(childText(only(pin.body, NS.CARD, 'GetPinStatusResponse'), NS.CARD, 'PinStatus')).toBe('VERIFIABLE');
    state.setPinVerified(ADELHEID.iccsn, true);
    expect((await call(app, 'ExternalAuthenticate', externalAuthenticate(randomBytes(32)))).status).toBe(200);
  });
});

const RSA_TYPE = 'urn:ietf:rfc:3447';
/** PS256 as the IDP checks the card's JWS: SHA-256 of the signing input, PSS with MGF1-SHA-256 and salt 32 (§3.5) */
const verifiesAsPs256 = (certificate: X509Certificate, signingInput: string, signature: Buffer): boolean =>
  verify('sha256', Buffer.from(signingInput), { key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);

function base64Signature(result: Awaited<ReturnType<typeof call>>): { type: string | null; signature: Buffer } {
  expect(result.status).toBe(200);
  const element = only(only(only(result.body, NS.SIG, 'ExternalAuthenticateResponse'), NS.DSS, 'SignatureObject'), NS.DSS, 'Base64Signature');
  return { type: element.getAttribute('Type'), signature: Buffer.from(element.textContent ?? '', 'base64') };
}

describe('AuthSignatureService ExternalAuthenticate with the RSA-only card', () => {
  const signingInput = 'eyJhbGciOiJQUzI1NiIsImN0eSI6Ik5KV1QifQ.eyJuand0IjoieCJ9';
  const digest = createHash('sha256').update(signingInput).digest();

  it('urn:ietf:rfc:3447 with RSASSA-PSS: the raw 256-byte RSASSA-PSS signature over the 32 bytes sent, verifying as PS256', async () => {
    const { app } = setupRsa();
    const { type, signature } = base64Signature(await call(app, 'ExternalAuthenticate', externalAuthenticate(digest, RSA_TYPE, 'SMC-B-1', 'RSASSA-PSS')));
    expect(type).toBe(RSA_TYPE);
    expect(signature).toHaveLength(256);
    expect(verifiesAsPs256(RENATE.certificate, signingInput, signature)).toBe(true);
    expect(verifiesAsPs256(RENATE.certificate, `${signingInput}x`, signature)).toBe(false);
  });

  it('without SignatureSchemes, and without OptionalInputs at all, the RSA card signs RSASSA-PSS too (the RSA defaults)', async () => {
    const { app } = setupRsa();
    for (const request of [externalAuthenticate(digest, RSA_TYPE), externalAuthenticate(digest, null)]) {
      const { type, signature } = base64Signature(await call(app, 'ExternalAuthenticate', request));
      expect(type).toBe(RSA_TYPE);
      expect(verifiesAsPs256(RENATE.certificate, signingInput, signature)).toBe(true);
    }
  });

  it('refuses the ECDSA type and the PKCS#1 v1.5 scheme for the RSA card (4111); the ECC card beside it still signs ECDSA', async () => {
    const { app, state } = setupRsa();
    expect(faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(digest, SIGNATURE_TYPE_ECDSA))).code).toBe('4111');
    const pkcs1 = faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(digest, RSA_TYPE, 'SMC-B-1', 'RSASSA-PKCS1-v1_5')));
    expect(pkcs1).toMatchObject({ code: '4111', text: 'Ungültiger Signaturtyp oder Signaturvariante' });
    state.setInserted([RENATE.iccsn, ADELHEID.iccsn]);
    const ecc = state.insertedCards().find((slot) => slot.card.iccsn === ADELHEID.iccsn)?.handle ?? '';
    expect(faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(digest, RSA_TYPE, ecc, 'RSASSA-PSS'))).code).toBe('4111');
    const { type, signature } = base64Signature(await call(app, 'ExternalAuthenticate', externalAuthenticate(digest, SIGNATURE_TYPE_ECDSA, ecc)));
    expect(type).toBe(SIGNATURE_TYPE_ECDSA);
    expect(verifyDigestSignature(ADELHEID.certificate.publicKey, digest, signature)).toBe(true);
  });

  it('fails with 4085 while the RSA card is not unlocked', async () => {
    const { app, state } = setupRsa();
    state.setPinVerified(RENATE.iccsn, false);
    expect(faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(digest, RSA_TYPE, 'SMC-B-1', 'RSASSA-PSS'))).code).toBe('4085');
  });
});

describe('CardService GetPinStatus', () => {
  it('says VERIFIED for the unlocked SMC-B, with Status first', async () => {
    const { app } = setup();
    const result = await call(app, 'GetPinStatus', `${context()}${handle('SMC-B-1')}<p:PinTyp xmlns:p="${NS.CARDCMN}">PIN.SMC</p:PinTyp>`);
    const response = only(result.body, NS.CARD, 'GetPinStatusResponse');
    expect(localNames(response)).toEqual([`${NS.CONN}|Status`, `${NS.CARD}|PinStatus`, `${NS.CARD}|LeftTries`]);
    expect(childText(response, NS.CARD, 'PinStatus')).toBe('VERIFIED');
  });

  it('refuses a PIN type an SMC-B does not have', async () => {
    const { app } = setup();
    const result = await call(app, 'GetPinStatus', `${context()}${handle('SMC-B-1')}<p:PinTyp xmlns:p="${NS.CARDCMN}">PIN.CH</p:PinTyp>`);
    expect(faultOf(result).code).toBe('4000');
  });
});

function verifyRequest(der: Buffer, time?: string): string {
  return (
    `${context()}<x:X509Certificate xmlns:x="${NS.CERTCMN}">${der.toString('base64')}</x:X509Certificate>` +
    (time === undefined ? '' : `<r:VerificationTime xmlns:r="${NS.CERT}">${time}</r:VerificationTime>`)
  );
}
async function verification(app: ReturnType<typeof konnektorApp>, der: Buffer, time?: string) {
  const result = await call(app, 'VerifyCertificate', verifyRequest(der, time));
  expect(result.status).toBe(200);
  const response = only(result.body, NS.CERT, 'VerifyCertificateResponse');
  return {
    result: childText(only(response, NS.CERT, 'VerificationStatus'), NS.CERT, 'VerificationResult'),
    roles: childElements(only(response, NS.CERT, 'RoleList'), NS.CERT, 'Role').map((role) => role.textContent),
  };
}

describe('CertificateService VerifyCertificate', () => {
  it('VALID with the Admission role for a card certificate issued by a trusted anchor', async () => {
    const { app } = setup();
    expect(await verification(app, ADELHEID.certificateDer)).toEqual({ result: 'VALID', roles: ['1.2.276.0.76.4.54'] });
  });

  it('VALID with the pharmacy role for the RSA card when its CA is an anchor', async () => {
    expect(await verification(setupRsa().app, RENATE.certificateDer)).toEqual({ result: 'VALID', roles: ['1.2.276.0.76.4.54'] });
    expect((await verification(setup().app, RENATE.certificateDer)).result).toBe('INVALID');
  });

  it('INVALID without the issuer among the anchors, and after the certificate expired', async () => {
    expect(await verification(setup({ trustAnchors: [] }).app, ADELHEID.certificateDer)).toEqual({
      result: 'INVALID',
      roles: ['1.2.276.0.76.4.54'],
    });
    expect((await verification(setup().app, ADELHEID.certificateDer, '2028-02-01T00:00:00Z')).result).toBe('INVALID');
  });

  it('a pinned certificate without Admission gets the roles the configuration lists for it', async () => {
    const idpSig = new X509Certificate(readFileSync(join(FIXTURES, 'ti-vectors/idp_sig_2021.crt.pem'))).raw;
    const { app } = setup({ trustAnchors: [idpSig], knownRoles: [{ certificate: idpSig, roles: ['1.2.276.0.76.4.260'] }] });
    expect(await verification(app, idpSig, '2021-04-01T00:00:00Z')).toEqual({ result: 'VALID', roles: ['1.2.276.0.76.4.260'] });
    // the api-erp example card (GEM.SMCB-CA57, no anchor here) is not trusted
    const example = readFileSync(join(FIXTURES, 'ti-vectors/authentisieren_readcardcertificate_example.der'));
    expect((await verification(app, example)).result).toBe('INVALID');
  });

  it('refuses bytes that are no certificate (4000)', async () => {
    const { app } = setup();
    expect(faultOf(await call(app, 'VerifyCertificate', verifyRequest(Buffer.from('not a certificate')))).code).toBe('4000');
  });
});

describe('call context (spec ti-transport §3.2)', () => {
  it.each([
    [{ mandantId: 'Mandant2' }, '4004', 'Ungültige Mandanten-ID'],
    [{ clientSystemId: 'CS9' }, '4005', 'Ungültige Clientsystem-ID'],
    [{ workplaceId: 'AP9' }, '4006', 'Ungültige Arbeitsplatz-ID'],
    [{ workplaceId: '' }, '4021', 'Aufrufkontext unvollständig'],
  ])('%o → fault %s', async (values, code, text) => {
    const { app } = setup();
    expect(faultOf(await call(app, 'GetCards', context(values)))).toMatchObject({ code, text });
    expect(faultOf(await call(app, 'ExternalAuthenticate', externalAuthenticate(randomBytes(32)).replace(context(), context(values)))).code).toBe(code);
  });

  it('a missing Context is 4021; a configured other context is accepted', async () => {
    expect(faultOf(await call(setup().app, 'GetCards', '')).code).toBe('4021');
    const custom = setup({ context: { mandantId: 'M', clientSystemId: 'C', workplaceId: 'W' } }).app;
    expect((await call(custom, 'GetCards', context({ mandantId: 'M', clientSystemId: 'C', workplaceId: 'W' }))).status).toBe(200);
    expect(faultOf(await call(custom, 'GetCards', context())).code).toBe('4004');
  });
});

describe('transport', () => {
  it('down: every request answers 503, connector.sds included', async () => {
    const { app, state } = setup();
    state.down = true;
    expect((await app.request('/connector.sds')).status).toBe(503);
    expect((await call(app, 'GetCards', context())).status).toBe(503);
    state.down = false;
    expect((await call(app, 'GetCards', context())).status).toBe(200);
  });

  it('Basic auth: 401 without and with wrong credentials, 200 with the right ones', async () => {
    const { app } = setup({ basicAuth: { username: 'ps', password: 'geheim:1' } });
    const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    const without = await app.request('/connector.sds');
    expect(without.status).toBe(401);
    expect(without.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/);
    expect((await app.request('/connector.sds', { headers: basic('ps', 'falsch') })).status).toBe(401);
    expect((await call(app, 'GetCards', context(), basic('ps', 'geheim'))).status).toBe(401);
    expect((await app.request('/connector.sds', { headers: basic('ps', 'geheim:1') })).status).toBe(200);
    expect((await call(app, 'GetCards', context(), basic('ps', 'geheim:1'))).status).toBe(200);
  });

  it('a SOAPAction naming another operation, and an operation the service does not offer, are Client faults', async () => {
    const { app } = setup();
    const mismatch = await call(app, 'GetCards', context(), { SOAPAction: `"${NS.EVT}#GetResourceInformation"` });
    expect(faultOf(mismatch)).toMatchObject({ code: '4000', faultcode: 'soap:Client' });
    expect((await call(app, 'GetCards', context(), { SOAPAction: '' })).status).toBe(200);
    const wrongService = await app.request('/ws/CardService', {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: `<S:Envelope xmlns:S="${NS.SOAP}"><S:Body><e:GetCards xmlns:e="${NS.EVT}">${context()}</e:GetCards></S:Body></S:Envelope>`,
    });
    expect(wrongService.status).toBe(500);
    expect(await wrongService.text()).toContain('bietet');
  });

  it('malformed XML is a 4000 Client fault; wrong content type 415; GET on a SOAP path 405; unknown path 404', async () => {
    const { app } = setup();
    const broken = await app.request('/ws/EventService', { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: '<S:Envelope' });
    expect(broken.status).toBe(500);
    expect(await broken.text()).toContain('<GERROR:Code>4000</GERROR:Code>');
    const json = await app.request('/ws/EventService', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect((await app.request('/ws/EventService')).status).toBe(405);
    expect((await app.request('/ws/SignatureService', { method: 'POST' })).status).toBe(404);
  });
});
