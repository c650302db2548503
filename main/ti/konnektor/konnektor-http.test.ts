/**
 * HTTP(S) to the Konnektor against a real server on 127.0.0.1 with throwaway TLS material (made by openssl in a
 * temp folder): the trust decision (pin, CA) before any byte of the request leaves, Basic auth, client
 * certificates, plain http only when allowed, deadlines, binary bodies.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TiError } from '../ti-error';
import { requireKonnektorSettings, type KonnektorConfig } from './konnektor-config';
import { KonnektorHttp, MESSAGES, type KonnektorTimers } from './konnektor-http';
import { FakeKonnektor, makeTestPki, type TestPki } from './testing';
import { rejectionOf } from '../../testing';

let pki: TestPki;
const fakes: FakeKonnektor[] = [];

beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.cleanup());
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

async function konnektor(tls?: { other?: boolean; requestCert?: boolean }): Promise<{ fake: FakeKonnektor; base: string }> {
  const fake = new FakeKonnektor();
  fakes.push(fake);
  const base = await fake.start(
    tls
      ? { key: tls.other ? pki.otherServerKey : pki.serverKey, cert: tls.other ? pki.otherServerCert : pki.serverCert, ...(tls.requestCert ? { ca: pki.caPem, requestCert: true } : {}) }
      : undefined,
  );
  return { fake, base };
}

function http(config: KonnektorConfig, timers?: KonnektorTimers): KonnektorHttp {
  return new KonnektorHttp(requireKonnektorSettings(config), timers ? { timers } : {});
}

const failureOf = (promise: Promise<unknown>): Promise<TiError> => rejectionOf(promise, TiError);

describe('KonnektorHttp TLS trust', () => {
  it('accepts the Konnektor whose certificate has the pinned fingerprint, although the certificate names no IP', async () => {
    const { base } = await konnektor({});
    const response = await http({ baseUrl: base, trust: { kind: 'pin', sha256Fingerprint: pki.serverFingerprint } }).get(new URL('connector.sds', base));
    expect(response.status).toBe(200);
    expect(response.body.toString('utf8')).toContain('ConnectorServices');
  });

  it('refuses a certificate with another fingerprint before the request — and its Basic auth header — is sent', async () => {
    const { fake, base } = await konnektor({ other: true });
    const error = await failureOf(
      http({ baseUrl: base, trust: { kind: 'pin', sha256Fingerprint: pki.serverFingerprint }, clientAuth: { kind: 'basic', username: 'cs1', password: 'geheim-42' } }).get(new URL('connector.sds', base)),
    );
    expect(error.hop).toBe('konnektor');
    expect(error.message).toBe(MESSAGES.tlsTrust);
    expect(error.technical).toMatch(/^GET \/connector\.sds: Fingerabdruck/);
    expect(error.technical).not.toContain('geheim-42');
    expect(fake.calls).toEqual([]);
  });

  it('accepts a certificate issued by the imported CA', async () => {
    const { base } = await konnektor({});
    const response = await http({ baseUrl: base, trust: { kind: 'ca', caPem: pki.caPem } }).get(new URL('connector.sds', base));
    expect(response.status).toBe(200);
  });

  it('refuses a certificate from another CA', async () => {
    const { fake, base } = await konnektor({ other: true });
    const error = await failureOf(http({ baseUrl: base, trust: { kind: 'ca', caPem: pki.caPem } }).get(new URL('connector.sds', base)));
    expect(error.message).toBe(MESSAGES.tlsTrust);
    expect(error.technical).toContain('Zertifikatskette nicht von der konfigurierten CA');
    expect(fake.calls).toEqual([]);
  });

  it('refuses an https:// endpoint when no trust is configured (plain-http settings)', async () => {
    const { base } = await konnektor({});
    const error = await failureOf(http({ baseUrl: 'http://127.0.0.1:1/', allowPlainHttp: true }).get(new URL('connector.sds', base)));
    expect(error.message).toBe(MESSAGES.noTrust);
  });
});

describe('KonnektorHttp client authentication', () => {
  it('sends the Basic auth header the Konnektor expects', async () => {
    const { fake, base } = await konnektor({});
    fake.basicAuth = { username: 'cs1', password: 'geheim-42' };
    const response = await http({ baseUrl: base, trust: { kind: 'ca', caPem: pki.caPem }, clientAuth: { kind: 'basic', username: 'cs1', password: 'geheim-42' } }).get(new URL('connector.sds', base));
    expect(response.status).toBe(200);
    expect(fake.calls[0]?.headers.authorization).toBe(`Basic ${Buffer.from('cs1:geheim-42').toString('base64')}`);
  });

  it('turns 401 into "Anmeldung am Konnektor abgelehnt" without the password in the detail', async () => {
    const { fake, base } = await konnektor({});
    fake.basicAuth = { username: 'cs1', password: 'richtig' };
    const error = await failureOf(http({ baseUrl: base, trust: { kind: 'ca', caPem: pki.caPem }, clientAuth: { kind: 'basic', username: 'cs1', password: 'falsch-77' } }).get(new URL('connector.sds', base)));
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.rejected, code: '401' });
    expect(`${error.message} ${error.technical}`).not.toContain('falsch-77');
  });

  it('presents the client certificate from PKCS#12 and from PEM', async () => {
    const { fake, base } = await konnektor({ requestCert: true });
    const trust = { kind: 'ca' as const, caPem: pki.caPem };
    await http({ baseUrl: base, trust, clientAuth: { kind: 'pkcs12', pfx: pki.clientPfx, passphrase: pki.clientPassphrase } }).get(new URL('connector.sds', base));
    await http({ baseUrl: base, trust, clientAuth: { kind: 'pem', certPem: pki.clientCert, keyPem: pki.clientKey } }).get(new URL('connector.sds', base));
    expect(fake.calls.map((call) => call.clientCertificate)).toEqual(['Clientsystem CS1', 'Clientsystem CS1']);
  });

  it('reports a Konnektor that insists on a client certificate as a refused sign-in', async () => {
    const { fake, base } = await konnektor({ requestCert: true });
    const error = await failureOf(http({ baseUrl: base, trust: { kind: 'ca', caPem: pki.caPem } }).get(new URL('connector.sds', base)));
    expect(error.hop).toBe('konnektor');
    expect(error.message).toBe(MESSAGES.rejected);
    expect(error.technical).toMatch(/TLS-Handshake abgelehnt \(ERR_SSL_/);
    expect(fake.calls).toEqual([]);
  });
});

describe('KonnektorHttp plain http, deadlines, bodies', () => {
  it('refuses an http:// URL unless plain HTTP is allowed', async () => {
    const { fake, base } = await konnektor();
    const secureSettings = http({ baseUrl: 'https://127.0.0.1/', trust: { kind: 'pin', sha256Fingerprint: pki.serverFingerprint } });
    const error = await failureOf(secureSettings.get(new URL('connector.sds', base)));
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.plainHttp });
    expect(fake.calls).toEqual([]);
    const allowed = await http({ baseUrl: base, allowPlainHttp: true }).get(new URL('connector.sds', base));
    expect(allowed.status).toBe(200);
  });

  it('gives up at the injected deadline with "nicht rechtzeitig geantwortet"', async () => {
    const { fake, base } = await konnektor();
    fake.silent = true;
    let fire: (() => void) | undefined;
    const timers: KonnektorTimers = { setTimeout: (callback) => ((fire = callback), 1), clearTimeout: () => undefined };
    const pending = failureOf(http({ baseUrl: base, allowPlainHttp: true, timeoutMs: 60_000 }, timers).get(new URL('connector.sds', base)));
    await expect.poll(() => fake.calls.length).toBe(1);
    fire?.();
    const error = await pending;
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.timeout });
    expect(error.technical).toBe('GET /connector.sds: Zeitüberschreitung nach 60000 ms');
  });

  it('also gives up on a TLS handshake that never finishes', async () => {
    const sockets: Socket[] = [];
    let closed = 0;
    const mute = createTcpServer((socket) => {
      sockets.push(socket);
      socket.resume();
      socket.on('close', () => (closed += 1));
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const base = `https://127.0.0.1:${(mute.address() as AddressInfo).port}/`;
    try {
      const error = await failureOf(http({ baseUrl: base, trust: { kind: 'ca', caPem: pki.caPem }, timeoutMs: 300 }).get(new URL('connector.sds', base)));
      expect(error.message).toBe(MESSAGES.timeout);
      // the client hung up its half-open handshake
      await expect.poll(() => sockets.length > 0 && closed === sockets.length).toBe(true);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => mute.close(() => resolve()));
    }
  });

  it('says "nicht erreichbar" when nothing listens', async () => {
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await failureOf(http({ baseUrl: `http://127.0.0.1:${port}/`, allowPlainHttp: true }).get(new URL(`http://127.0.0.1:${port}/connector.sds`)));
    expect(error).toMatchObject({ hop: 'konnektor', message: MESSAGES.unreachable, technical: 'GET /connector.sds: ECONNREFUSED' });
  });

  it('carries every byte of a binary body both ways, with its Content-Length', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    let received: { length?: string; body?: Buffer } = {};
    const echo: Server = createHttpServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received = { length: request.headers['content-length'], body: Buffer.concat(chunks) };
        response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        response.end(Buffer.concat(chunks).reverse());
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/`;
    try {
      const response = await http({ baseUrl: base, allowPlainHttp: true }).post(new URL('echo', base), bytes, { 'Content-Type': 'application/octet-stream' });
      expect(received.length).toBe('256');
      expect(received.body?.equals(bytes)).toBe(true);
      expect(response.body.equals(Buffer.from(bytes).reverse())).toBe(true);
      expect(response.contentType).toBe('application/octet-stream');
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });
});
