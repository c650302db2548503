/**
 * The TLS variant of the simulated Konnektor seen from a plain `node:https` client (the app's Konnektor client is
 * tested against it in test/integration/ti-konnektor-tls.test.ts): what its connector.sds promises, that it runs on
 * the simulation's state, that close() does not wait for a stalled client — and that its TEST-ONLY material
 * still fits together and lasts.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect, createSecureContext } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createTiSimulation } from '../ti-simulation';
import { startKonnektorTls, type KonnektorTlsServer } from './konnektor-tls';
import { loadKonnektorTlsMaterial } from './konnektor-tls-material';

const material = loadKonnektorTlsMaterial();
const servers: KonnektorTlsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: URL, options: { authorization?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        ca: material.caPem,
        cert: material.client.certificatePem,
        key: material.client.keyPem,
        agent: false,
        headers: options.authorization === undefined ? {} : { Authorization: options.authorization },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') }));
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function started(...args: Parameters<typeof startKonnektorTls>): Promise<KonnektorTlsServer> {
  const server = await startKonnektorTls(...args);
  servers.push(server);
  return server;
}

const basic = (username: string, password: string): string => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

describe('startKonnektorTls', () => {
  it('serves connector.sds over https on loopback: TLS and client authentication mandatory, every endpoint on its own https port', async () => {
    const server = await started({ clientAuth: 'certificate' });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const { status, body } = await get(new URL('connector.sds', server.url));
    expect(status).toBe(200);
    expect(body).toMatch(/<[\w:]*TLSMandatory>true</);
    expect(body).toMatch(/<[\w:]*ClientAutMandatory>true</);
    const endpoints = [...body.matchAll(/EndpointTLS Location="([^"]+)"/g)].map((match) => match[1]);
    expect(endpoints).toContain(`${server.url}ws/EventService`);
    expect(endpoints).toContain(`${server.url}ws/AuthSignatureService`);
    expect(endpoints.every((endpoint) => endpoint?.startsWith(server.url))).toBe(true);
    expect(server.requests).toEqual([{ method: 'GET', path: '/connector.sds', clientCertificate: 'Clientsystem CS1 TEST-ONLY' }]);
  });

  it('with Basic auth answers 401 and WWW-Authenticate without the right credentials, 200 with them', async () => {
    const server = await started({ clientAuth: 'basic', username: 'cs1', password: 'richtig-1' });
    const sds = new URL('connector.sds', server.url);
    const refused = await get(sds, { authorization: basic('cs1', 'falsch-2') });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Basic /);
    expect((await get(sds)).status).toBe(401);
    expect((await get(sds, { authorization: basic('cs1', 'richtig-1') })).status).toBe(200);
  });

  it('runs on the given simulation: its Konnektor switched down answers 503 over TLS', async () => {
    const simulation = createTiSimulation();
    const server = await started({ clientAuth: 'certificate', simulation });
    simulation.konnektor.down = true;
    expect((await get(new URL('connector.sds', server.url))).status).toBe(503);
  });

  it('close() does not wait for a client that stopped halfway through a request', async () => {
    const server = await started({ clientAuth: 'certificate' });
    const { port } = new URL(server.url);
    const socket = connect({ host: '127.0.0.1', port: Number(port), ca: material.caPem, cert: material.client.certificatePem, key: material.client.keyPem });
    socket.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
      // headers not finished: to the server this connection is busy, not idle
      socket.write('GET /connector.sds HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closed = await Promise.race([server.close().then(() => 'closed'), new Promise((resolve) => (timer = setTimeout(() => resolve('still open'), 3000)))]);
      expect(closed).toBe('closed');
    } finally {
      clearTimeout(timer);
      socket.destroy();
    }
  });
});

describe('the konnektor-tls material (material/konnektor-tls/NOTICE)', () => {
  const ca = new X509Certificate(material.caPem);
  const server = new X509Certificate(material.server.certificatePem);
  const client = new X509Certificate(material.client.certificatePem);
  const foreign = new X509Certificate(material.foreignClient.certificatePem);
  const inAYear = Date.now() + 365 * 86_400_000;

  it('the server certificate is the CA\'s, names 127.0.0.1 and localhost, on P-256, and its fingerprint is the one to pin', () => {
    expect(ca.subject).toContain('CN=KONNEKTOR-TLS-CA TEST-ONLY');
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(material.serverFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(material.serverFingerprint).toBe(server.fingerprint256);
  });

  it('the client system\'s certificate is the CA\'s, the foreign one is not; the .p12 opens with the passphrase in the NOTICE', () => {
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(foreign.verify(ca.publicKey)).toBe(false);
    expect(foreign.verify(new X509Certificate(material.foreignCaPem).publicKey)).toBe(true);
    expect(() => createSecureContext({ pfx: material.client.pfx, passphrase: material.client.passphrase })).not.toThrow();
    expect(() => createSecureContext({ pfx: material.client.pfx, passphrase: 'falsch' })).toThrow();
    expect(readFileSync(join(material.folder, 'NOTICE'), 'utf8')).toContain(`Passphrase (test material, public on purpose): ${material.client.passphrase}`);
    expect(() => createSecureContext({ cert: material.client.certificatePem, key: material.client.keyPem })).not.toThrow();
  });

  it('lasts at least another year (renew with scripts/make-konnektor-tls-material.sh)', () => {
    for (const certificate of [ca, server, client, foreign]) expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(inAYear);
  });
});
