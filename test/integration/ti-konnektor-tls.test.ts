/**
 * The app's Konnektor client against the simulated Konnektor over TLS (spec ti-transport §3.2, §4.3): once with
 * Basic auth, once with a client certificate (PKCS#12 and PEM), trusting the Konnektor's CA or its pinned
 * fingerprint. The SMC-B signs one hash end to end (connector.sds → GetCards → GetPinStatus → ReadCardCertificate
 * → ExternalAuthenticate, all at the https endpoints the directory names). Refusals come back as the client's
 * typed `TiError` on hop konnektor, with no credential in them, and a distrusted Konnektor gets no request at all.
 */
import { createHash, verify, X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HopFailure } from '../../main/errors';
import { loadKonnektorTlsMaterial } from '../../main/simulator/ti/konnektor/konnektor-tls-material';
import { startKonnektorTls, type KonnektorTlsClientAuth, type KonnektorTlsServer } from '../../main/simulator/ti/konnektor/konnektor-tls';
import type { KonnektorClientAuth, KonnektorTrust } from '../../main/ti/konnektor/konnektor-config';
import { KonnektorClient } from '../../main/ti/konnektor/konnektor-client';
import { MESSAGES } from '../../main/ti/konnektor/konnektor-http';
import { SmcbCardSigner } from '../../main/ti/konnektor/smcb-card-signer';
import { TiError } from '../../main/ti/ti-error';
import { rejectionOf } from '../../main/testing';

const material = loadKonnektorTlsMaterial();
const USER = 'cs1-tls';
const PASSWORD = 'Konnektor-Passwort-7731';
const BASIC: KonnektorTlsClientAuth = { clientAuth: 'basic', username: USER, password: PASSWORD };
const CERTIFICATE: KonnektorTlsClientAuth = { clientAuth: 'certificate' };

const CA_TRUST: KonnektorTrust = { kind: 'ca', caPem: material.caPem };
const PIN_TRUST: KonnektorTrust = { kind: 'pin', sha256Fingerprint: material.serverFingerprint };
const PKCS12: KonnektorClientAuth = { kind: 'pkcs12', pfx: material.client.pfx, passphrase: material.client.passphrase };
const PEM: KonnektorClientAuth = { kind: 'pem', certPem: material.client.certificatePem, keyPem: material.client.keyPem };
const FOREIGN_PEM: KonnektorClientAuth = { kind: 'pem', certPem: material.foreignClient.certificatePem, keyPem: material.foreignClient.keyPem };

const servers: KonnektorTlsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function konnektor(auth: KonnektorTlsClientAuth): Promise<KonnektorTlsServer> {
  const server = await startKonnektorTls(auth);
  servers.push(server);
  return server;
}

function client(server: KonnektorTlsServer, trust: KonnektorTrust, clientAuth: KonnektorClientAuth): KonnektorClient {
  return KonnektorClient.fromConfig({ baseUrl: server.url, trust, clientAuth, timeoutMs: 10_000 });
}

const konnektorFailure = (promise: Promise<unknown>): Promise<TiError> => rejectionOf(promise, TiError);

/** One signature of the SMC-B through the client's card signer, checked with the card's own certificate. */
async function signOnce(konnektorClient: KonnektorClient): Promise<void> {
  const signer = new SmcbCardSigner(konnektorClient);
  const data = Buffer.from('TLS-Variante des Konnektor-Simulators', 'utf8');
  const { alg, signature } = await signer.signHash(createHash('sha256').update(data).digest());
  const certificate = new X509Certificate(await signer.readAuthenticationCertificate());
  expect(alg).toBe('BP256R1');
  expect(certificate.subject).toContain('Apotheke Adelheid Ulmendorfer TEST-ONLY');
  // the Konnektor signs the given hash without hashing again (§3.5), so it verifies as ECDSA-SHA256 over `data`
  expect(verify('sha256', data, { key: certificate.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
}

/** The SOAP calls of one signature, at the https endpoints connector.sds names (§3.1). */
const SIGNING_CALLS = [
  'GET /connector.sds',
  'POST /ws/EventService',
  'POST /ws/CardService',
  'POST /ws/CertificateService',
  'POST /ws/AuthSignatureService',
];
const calls = (server: KonnektorTlsServer): string[] => server.requests.map((request) => `${request.method} ${request.path}`);

function expectNoSecretIn(error: TiError, ...secrets: string[]): void {
  const everything = `${error.message} ${error.technical} ${error.code ?? ''} ${JSON.stringify(error)} ${String(error.stack)}`;
  for (const secret of secrets) expect(everything).not.toContain(secret);
}

describe('Konnektor over TLS with Basic auth (§3.2 option 2)', () => {
  it('signs with the SMC-B, trusting the Konnektor CA; every call carries the credentials over TLS', async () => {
    const server = await konnektor(BASIC);
    await signOnce(client(server, CA_TRUST, { kind: 'basic', username: USER, password: PASSWORD }));
    expect(calls(server)).toEqual(SIGNING_CALLS);
  });

  it('a wrong password is "Anmeldung am Konnektor abgelehnt" on hop konnektor, without the password anywhere', async () => {
    const server = await konnektor(BASIC);
    const error = await konnektorFailure(client(server, CA_TRUST, { kind: 'basic', username: USER, password: 'falsches-Passwort-0815' }).getCards());
    expect(error).toBeInstanceOf(HopFailure);
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.rejected, code: '401' });
    expect(error.message).toContain('Anmeldung am Konnektor abgelehnt');
    expectNoSecretIn(error, 'falsches-Passwort-0815', PASSWORD);
    // refused at the directory: nothing further was tried
    expect(calls(server)).toEqual(['GET /connector.sds']);
  });

  it('no credentials at all are refused the same way', async () => {
    const server = await konnektor(BASIC);
    const error = await konnektorFailure(client(server, CA_TRUST, { kind: 'none' }).getCards());
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.rejected, code: '401' });
  });
});

describe('Konnektor over TLS with a client certificate (§3.2 option 3)', () => {
  it.each([
    ['PKCS#12', 'the Konnektor CA', PKCS12, CA_TRUST],
    ['PEM', 'the pinned fingerprint', PEM, PIN_TRUST],
  ])('signs with the SMC-B, client certificate from %s, trusting %s', async (_format, _trust, clientAuth, trust) => {
    const server = await konnektor(CERTIFICATE);
    await signOnce(client(server, trust, clientAuth));
    expect(calls(server)).toEqual(SIGNING_CALLS);
    expect(new Set(server.requests.map((request) => request.clientCertificate))).toEqual(new Set(['Clientsystem CS1 TEST-ONLY']));
    expect(server.refusedHandshakes).toEqual([]);
  });

  it.each([
    ['PKCS#12', 'the pinned fingerprint', PKCS12, PIN_TRUST],
    ['PEM', 'the Konnektor CA', PEM, CA_TRUST],
  ])('lists the SMC-B, client certificate from %s, trusting %s', async (_format, _trust, clientAuth, trust) => {
    const server = await konnektor(CERTIFICATE);
    const cards = await client(server, trust, clientAuth).getCards();
    expect(cards.map((card) => card.iccsn)).toEqual(['80276001011699902301']);
  });

  it('refuses the handshake without a client certificate: "Anmeldung am Konnektor abgelehnt", no request reaches the Konnektor', async () => {
    const server = await konnektor(CERTIFICATE);
    const error = await konnektorFailure(client(server, CA_TRUST, { kind: 'none' }).getCards());
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.rejected });
    expect(error.technical).toBe('GET /connector.sds: TLS-Handshake abgelehnt (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)');
    expect(server.requests).toEqual([]);
    expect(server.refusedHandshakes).toEqual(['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE']);
  });

  it('refuses a client certificate from a foreign CA: the connection is dropped after the handshake, no request reaches the Konnektor', async () => {
    const server = await konnektor(CERTIFICATE);
    const error = await konnektorFailure(client(server, CA_TRUST, FOREIGN_PEM).getCards());
    expect(server.refusedHandshakes).toEqual(['UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
    expect(server.requests).toEqual([]);
    // Node's TLS server checks the client certificate only after the handshake and closes without a TLS alert, so
    // the client sees a reset: with a client certificate presented it names the certificate, not the network
    // (a Konnektor that sends an alert, like the missing-certificate case above, gets "Anmeldung am Konnektor abgelehnt")
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.droppedAfterHandshake });
    expect(error.technical).toMatch(/^GET \/connector\.sds: (ECONNRESET|EPIPE) nach dem TLS-Handshake \(Client-Zertifikat vorgelegt\)$/);
  });
});

describe('a Konnektor the client does not trust gets nothing (§3.2)', () => {
  it('a server certificate from another CA than the imported one: refused before the request and its Basic auth header', async () => {
    const server = await konnektor(BASIC);
    const error = await konnektorFailure(client(server, { kind: 'ca', caPem: material.foreignCaPem }, { kind: 'basic', username: USER, password: PASSWORD }).getCards());
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.tlsTrust });
    expect(error.technical).toContain('Zertifikatskette nicht von der konfigurierten CA');
    expectNoSecretIn(error, PASSWORD);
    expect(server.requests).toEqual([]);
  });

  it('a fingerprint that is not the server certificate\'s: refused before the request, also with a client certificate', async () => {
    const server = await konnektor(CERTIFICATE);
    const otherPin = new X509Certificate(material.caPem).fingerprint256;
    const error = await konnektorFailure(client(server, { kind: 'pin', sha256Fingerprint: otherPin }, PKCS12).getCards());
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.tlsTrust });
    expect(error.technical).toContain(`Fingerabdruck ${material.serverFingerprint} statt ${otherPin}`);
    expectNoSecretIn(error, material.client.passphrase);
    expect(server.requests).toEqual([]);
  });
});
