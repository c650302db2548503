/**
 * Test support for `konnektor/` only: a small fake Konnektor on 127.0.0.1 answering canned SOAP written from the
 * element names of spec ti-transport §3.1–§3.6 (prefixes deliberately different from the client's, as a JAX-WS
 * Konnektor writes them), and throwaway TLS material made with `openssl` in a temp folder. The simulated Konnektor
 * in `main/simulator/` is a separate implementation; this one only serves the unit tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { NS } from './namespaces';

/** ICCSN 80276883110000163972 "Praxis Peer Graf von Müller" and the ExternalAuthenticate pair of api-erp (spec A.8). */
export const API_ERP_EXAMPLE = {
  certificate: readFileSync(new URL('../../../test/fixtures/gematik/ti-vectors/authentisieren_readcardcertificate_example.der', import.meta.url)),
  hash: Buffer.from('EGvRHN8ZHbaFVSaMBoKLVO3CqW6SjWM8fVeIZyClkQw=', 'base64'),
  signature: Buffer.from('MEQCIGFM9BsPKQYIJA/UgGosqbVh4r84b6OZukGhzXJ4TabwAiBg2dyMpKtXc93ZbcgXz2wP8WWqsdqUumB4jOpd7zXs/A==', 'base64'),
  iccsn: '80276883110000163972',
  holderName: 'Praxis Peer Graf von Müller',
};

export interface FakeCard {
  handle: string;
  iccsn: string;
  holderName: string;
  type?: string;
  /** C.AUT for Crypt=ECC; absent = the card has no ECC key */
  ecc?: Buffer;
  /** C.AUT for Crypt=RSA */
  rsa?: Buffer;
  /** how a missing key type is answered: an empty X509DataInfo list (default) or fault 4149 */
  missingKeyType?: 'empty' | 'fault-4149';
  pinStatus?: string;
  leftTries?: number;
  /** what ExternalAuthenticate returns for a hash */
  sign?: (hash: Buffer, signatureType: string) => Buffer;
  /** eGK only: the whole answer to ReadVSD for this card (e.g. gematik's recorded one) */
  readVsd?: (request: Element) => FakeAnswer;
}

export interface ReceivedCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** the parsed envelope (POST only) */
  document?: Document;
  /** local name of the Body's first element, e.g. `GetCards` */
  operation?: string;
  /** whether the TLS client presented a certificate the server accepted */
  clientCertificate?: string;
}

export interface FakeAnswer {
  status: number;
  body: string;
  contentType?: string;
}

export interface ServiceDirectoryOptions {
  tlsMandatory?: boolean;
  clientAuthMandatory?: boolean;
}

/** The vendor-style paths the fake's directory points to (§3.1: vendors differ; only the sds knows). */
export const FAKE_PATHS = {
  EventService: '/ws/EventService',
  CertificateService: '/webservices/certificateservice',
  AuthSignatureService: '/service/authsignatureservice',
  CardService: '/soap-api/CardService/8.1.2',
  VSDService: '/ws/VSDService',
} as const;

export class FakeKonnektor {
  readonly calls: ReceivedCall[] = [];
  cards: FakeCard[] = [];
  directory: ServiceDirectoryOptions = {};
  /** answers before the built-in ones; return undefined to fall through */
  override?: (call: ReceivedCall) => FakeAnswer | undefined;
  /** does not answer at all (for timeouts) */
  silent = false;
  /** required `Authorization` header, if any */
  basicAuth?: { username: string; password: string };
  private server?: Server;
  origin = '';

  async start(tls?: { key: string; cert: string; ca?: string; requestCert?: boolean }): Promise<string> {
    const handler = (request: IncomingMessage, response: ServerResponse) => this.handle(request, response);
    this.server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca } : {}), requestCert: tls.requestCert ?? false, rejectUnauthorized: tls.requestCert ?? false }, handler)
      : createHttpServer(handler);
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    this.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return `${this.origin}/`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  callsOf(operation: string): ReceivedCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const call: ReceivedCall = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, raw };
      const peer = (request.socket as Partial<TLSSocket>).getPeerCertificate?.();
      if (peer && peer.subject) call.clientCertificate = String(peer.subject.CN);
      if (request.method === 'POST' && raw) {
        call.document = new DOMParser().parseFromString(raw, 'text/xml');
        const body = call.document.getElementsByTagNameNS(NS.soap, 'Body')[0];
        call.operation = body ? firstElement(body)?.localName ?? undefined : undefined;
      }
      this.calls.push(call);
      if (this.silent) return;
      let answer: FakeAnswer;
      try {
        answer = this.answer(call);
      } catch (e) {
        answer = fault('4999', e instanceof Error ? e.message : 'Fehler im Fake');
      }
      response.writeHead(answer.status, { 'Content-Type': answer.contentType ?? 'text/xml; charset=UTF-8' });
      response.end(answer.body);
    });
  }

  private answer(call: ReceivedCall): FakeAnswer {
    if (this.basicAuth) {
      const expected = `Basic ${Buffer.from(`${this.basicAuth.username}:${this.basicAuth.password}`).toString('base64')}`;
      if (call.headers.authorization !== expected) return { status: 401, body: '', contentType: 'text/plain' };
    }
    const overridden = this.override?.(call);
    if (overridden) return overridden;
    if (call.method === 'GET' && call.path === '/connector.sds') return { status: 200, body: this.serviceDirectory() };
    const request = call.document ? requestElement(call.document) : undefined;
    if (!request) return { status: 404, body: '', contentType: 'text/plain' };
    switch (request.localName) {
      case 'GetCards':
        return ok(this.getCards(request));
      case 'ReadCardCertificate':
        return this.withCard(request, (card) => {
          const crypt = text(request, 'Crypt') ?? 'RSA';
          const missing = (crypt === 'ECC' ? card.ecc : card.rsa) === undefined;
          return missing && card.missingKeyType === 'fault-4149' ? fault('4149', `Kein Zertifikat mit Crypt=${crypt}`) : ok(readCardCertificate(card, crypt));
        });
      case 'ExternalAuthenticate':
        return this.withCard(request, (card) => ok(externalAuthenticate(card, request)));
      case 'GetPinStatus':
        return this.withCard(request, (card) =>
          ok(
            `<c:GetPinStatusResponse xmlns:c="${NS.card}" xmlns:k="${NS.conn}">${status()}<c:PinStatus>${card.pinStatus ?? 'VERIFIED'}</c:PinStatus>${
              card.leftTries !== undefined ? `<c:LeftTries>${card.leftTries}</c:LeftTries>` : ''
            }</c:GetPinStatusResponse>`,
          ),
        );
      case 'ReadVSD':
        return this.readVsd(request);
      case 'VerifyCertificate':
        return ok(
          `<ns3:VerifyCertificateResponse xmlns:ns3="${NS.cert}" xmlns:ns2="${NS.conn}">${status('ns2')}<ns3:VerificationStatus><ns3:VerificationResult>VALID</ns3:VerificationResult></ns3:VerificationStatus><ns3:RoleList><ns3:Role>1.2.276.0.76.4.260</ns3:Role></ns3:RoleList></ns3:VerifyCertificateResponse>`,
        );
      default:
        return fault('4000', `unbekannte Operation ${request.localName ?? ''}`);
    }
  }

  private withCard(request: Element, answer: (card: FakeCard) => FakeAnswer): FakeAnswer {
    const handle = text(request, 'CardHandle');
    const card = this.cards.find((candidate) => candidate.handle === handle);
    // the fake's code for an unknown handle; the client must not depend on it
    return card ? answer(card) : fault('4101', `Kartenhandle ${handle ?? ''} ungültig`);
  }

  /** ReadVSD names its cards `EhcHandle` (the eGK) and `HpcHandle` (the SMC-B), not `CardHandle`. */
  private readVsd(request: Element): FakeAnswer {
    const egk = this.cards.find((card) => card.handle === text(request, 'EhcHandle') && card.type === 'EGK');
    const smcb = this.cards.find((card) => card.handle === text(request, 'HpcHandle') && (card.type ?? 'SMC-B') === 'SMC-B');
    // the fake's codes; the client must not depend on them
    if (!egk) return fault('4101', `Kartenhandle ${text(request, 'EhcHandle') ?? ''} ungültig`);
    if (!smcb) return fault('4101', `Kartenhandle ${text(request, 'HpcHandle') ?? ''} ungültig`);
    return egk.readVsd ? egk.readVsd(request) : fault('4000', 'Gesundheitskarte ohne Versichertendaten');
  }

  private getCards(request: Element): string {
    const wanted = text(request, 'CardType');
    const cards = this.cards
      .filter((card) => !wanted || (card.type ?? 'SMC-B') === wanted)
      .map(
        (card, index) =>
          `<ns5:Card><ns2:CardHandle>${escape(card.handle)}</ns2:CardHandle><ns6:CardType>${card.type ?? 'SMC-B'}</ns6:CardType><ns6:Iccsn>${card.iccsn}</ns6:Iccsn><ns6:CtId>CT1</ns6:CtId><ns6:SlotId>${index + 1}</ns6:SlotId><ns5:InsertTime>2026-12-01T08:00:00Z</ns5:InsertTime><ns5:CardHolderName>${escape(card.holderName)}</ns5:CardHolderName><ns5:CertificateExpirationDate>2029-12-03</ns5:CertificateExpirationDate></ns5:Card>`,
      )
      .join('');
    return `<ns4:GetCardsResponse xmlns:ns4="${NS.evt}" xmlns:ns2="${NS.conn}" xmlns:ns5="${NS.card}" xmlns:ns6="${NS.cardcmn}">${status('ns2')}<ns5:Cards>${cards}</ns5:Cards></ns4:GetCardsResponse>`;
  }

  private serviceDirectory(): string {
    const https = this.origin.startsWith('https:');
    const service = (name: string, versions: { namespace: string; version: string; path: string }[]) =>
      `<si:Service Name="${name}"><si:Abstract>${name}</si:Abstract><si:Versions>${versions
        .map(
          ({ namespace, version, path }) =>
            `<si:Version TargetNamespace="${namespace}" Version="${version}"><si:Abstract>${name} ${version}</si:Abstract>` +
            // a real Konnektor lists https for all and http only where plain calls are allowed
            `<si:EndpointTLS Location="${https ? this.origin : 'https://127.0.0.1:1'}${path}"/>` +
            (https ? '' : `<si:Endpoint Location="${this.origin}${path}"/>`) +
            `<si:WSDL Location="${this.origin}${path}?wsdl"/></si:Version>`,
        )
        .join('')}</si:Versions></si:Service>`;
    return (
      `<?xml version="1.0" encoding="UTF-8"?><sd:ConnectorServices xmlns:sd="${NS.serviceDirectory}" xmlns:si="${NS.serviceInformation}" xmlns:pi="http://ws.gematik.de/int/version/ProductInformation/v1.1">` +
      `<pi:ProductInformation><pi:InformationDate>2026-12-01T08:00:00Z</pi:InformationDate></pi:ProductInformation>` +
      `<sd:TLSMandatory>${this.directory.tlsMandatory ?? https}</sd:TLSMandatory><sd:ClientAutMandatory>${this.directory.clientAuthMandatory ?? false}</sd:ClientAutMandatory>` +
      `<si:ServiceInformation>` +
      service('EventService', [
        { namespace: 'http://ws.gematik.de/conn/EventService/v6.1', version: '6.1.1', path: '/old/EventService' },
        { namespace: NS.evt, version: '7.2.0', path: FAKE_PATHS.EventService },
      ]) +
      service('CertificateService', [{ namespace: NS.cert, version: '6.0.1', path: FAKE_PATHS.CertificateService }]) +
      service('AuthSignatureService', [{ namespace: NS.sig, version: '7.4.1', path: FAKE_PATHS.AuthSignatureService }]) +
      service('CardService', [{ namespace: NS.card, version: '8.1.2', path: FAKE_PATHS.CardService }]) +
      service('VSDService', [{ namespace: NS.vsd, version: '5.2.0', path: FAKE_PATHS.VSDService }]) +
      `</si:ServiceInformation></sd:ConnectorServices>`
    );
  }
}

function readCardCertificate(card: FakeCard, crypt: string): string {
  const der = crypt === 'ECC' ? card.ecc : card.rsa;
  const info = der
    ? `<ns4:X509DataInfo><ns4:CertRef>C.AUT</ns4:CertRef><ns4:X509Data><ns4:X509IssuerSerial><ns4:X509IssuerName>CN=GEM.SMCB-CA57 TEST-ONLY</ns4:X509IssuerName><ns4:X509SerialNumber>1</ns4:X509SerialNumber></ns4:X509IssuerSerial><ns4:X509SubjectName>CN=${escape(card.holderName)}</ns4:X509SubjectName><ns4:X509Certificate>${der.toString('base64')}</ns4:X509Certificate></ns4:X509Data></ns4:X509DataInfo>`
    : '';
  return `<ns3:ReadCardCertificateResponse xmlns:ns3="${NS.cert}" xmlns:ns2="${NS.conn}" xmlns:ns4="${NS.certcmn}">${status('ns2')}<ns4:X509DataInfoList>${info}</ns4:X509DataInfoList></ns3:ReadCardCertificateResponse>`;
}

function externalAuthenticate(card: FakeCard, request: Element): string {
  const hash = Buffer.from(request.getElementsByTagNameNS(NS.dss, 'Base64Data')[0]?.textContent ?? '', 'base64');
  const signatureType = request.getElementsByTagNameNS(NS.dss, 'SignatureType')[0]?.textContent ?? '';
  const signature = (card.sign ?? exampleSignature)(hash, signatureType);
  return `<ns7:ExternalAuthenticateResponse xmlns:ns7="${NS.sig}" xmlns:ns2="${NS.conn}" xmlns:ns4="${NS.dss}">${status('ns2')}<ns4:SignatureObject><ns4:Base64Signature Type="${escape(signatureType)}">${signature.toString('base64')}</ns4:Base64Signature></ns4:SignatureObject></ns7:ExternalAuthenticateResponse>`;
}

/** The api-erp Konnektor's answer to its example hash (A.8); anything else is refused. */
function exampleSignature(hash: Buffer): Buffer {
  if (!hash.equals(API_ERP_EXAMPLE.hash)) throw new Error('the example card signs only the example hash');
  return API_ERP_EXAMPLE.signature;
}

export function status(prefix = 'k', result = 'OK'): string {
  const declaration = prefix === 'k' ? ` xmlns:k="${NS.conn}"` : '';
  return `<${prefix}:Status${declaration}><${prefix}:Result>${result}</${prefix}:Result></${prefix}:Status>`;
}

export function ok(body: string): FakeAnswer {
  return { status: 200, body: `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="${NS.soap}"><S:Body>${body}</S:Body></S:Envelope>` };
}

/** A SOAP 1.1 fault with gematik's error detail (§3.7 GERROR). */
export function fault(code: string, errorText: string): FakeAnswer {
  return {
    status: 500,
    body:
      `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="${NS.soap}"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>${escape(errorText)}</faultstring><detail>` +
      `<ns8:Error xmlns:ns8="${NS.gerror}"><ns8:MessageID>m-1</ns8:MessageID><ns8:Timestamp>2026-12-01T08:00:00Z</ns8:Timestamp><ns8:Trace><ns8:EventID>e-1</ns8:EventID><ns8:Instance>i-1</ns8:Instance><ns8:LogReference>l-1</ns8:LogReference><ns8:CompType>KON</ns8:CompType><ns8:Code>${code}</ns8:Code><ns8:Severity>Error</ns8:Severity><ns8:ErrorType>Technical</ns8:ErrorType><ns8:ErrorText>${escape(errorText)}</ns8:ErrorText></ns8:Trace></ns8:Error>` +
      `</detail></S:Fault></S:Body></S:Envelope>`,
  };
}

function requestElement(document: Document): Element | undefined {
  const body = document.getElementsByTagNameNS(NS.soap, 'Body')[0];
  return body ? firstElement(body) : undefined;
}

function firstElement(parent: Element): Element | undefined {
  for (let node = parent.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) return node as Element;
  return undefined;
}

function text(parent: Element, localName: string): string | undefined {
  return parent.getElementsByTagNameNS('*', localName)[0]?.textContent ?? undefined;
}

/** The element children of `parent` as `{namespace}localName`, to compare with the schema's order. */
export function childNames(parent: Element | undefined): string[] {
  const names: string[] = [];
  for (let node = parent?.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) names.push(`{${(node as Element).namespaceURI ?? ''}}${(node as Element).localName ?? ''}`);
  }
  return names;
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface TestPki {
  dir: string;
  caPem: string;
  serverKey: string;
  serverCert: string;
  serverFingerprint: string;
  /** a second CA and a server certificate from it: the wrong Konnektor */
  otherCaPem: string;
  otherServerKey: string;
  otherServerCert: string;
  /** an RSA client certificate from `caPem`, as PEM and as PKCS#12 */
  clientKey: string;
  clientCert: string;
  clientPfx: Buffer;
  clientPassphrase: string;
  cleanup(): void;
}

/**
 * Throwaway TLS material for the tests, made by `openssl` in a temp folder: P-256 CAs and servers, an RSA client.
 * The server certificates name `konnektor.example`, not 127.0.0.1 — like a Konnektor addressed by IP (§3.2).
 */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'konnektor-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  writeFileSync(join(dir, 'server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:konnektor.example\n');
  writeFileSync(join(dir, 'client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  const ca = (name: string, cn: string) =>
    run('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (name: string, caName: string, cn: string, ext: string, keyArgs: string[], serial: string) => {
    run('req', '-new', ...keyArgs, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-set_serial', serial, '-days', '2', '-extfile', ext, '-out', `${name}.pem`);
  };
  ca('ca', 'TEST-ONLY Konnektor CA');
  ca('other-ca', 'TEST-ONLY other CA');
  leaf('server', 'ca', 'konnektor.example', 'server.ext', ec, '2');
  leaf('other-server', 'other-ca', 'konnektor.example', 'server.ext', ec, '3');
  leaf('client', 'ca', 'Clientsystem CS1', 'client.ext', ['-newkey', 'rsa:2048', '-nodes'], '4');
  const clientPassphrase = 'test-only-passphrase';
  run('pkcs12', '-export', '-in', 'client.pem', '-inkey', 'client.key', '-out', 'client.p12', '-passout', `pass:${clientPassphrase}`);
  const fingerprint = run('x509', '-in', 'server.pem', '-noout', '-fingerprint', '-sha256').toString('utf8');
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    caPem: read('ca.pem'),
    serverKey: read('server.key'),
    serverCert: read('server.pem'),
    serverFingerprint: fingerprint.slice(fingerprint.indexOf('=') + 1).trim(),
    otherCaPem: read('other-ca.pem'),
    otherServerKey: read('other-server.key'),
    otherServerCert: read('other-server.pem'),
    clientKey: read('client.key'),
    clientCert: read('client.pem'),
    clientPfx: readFileSync(join(dir, 'client.p12')),
    clientPassphrase,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
