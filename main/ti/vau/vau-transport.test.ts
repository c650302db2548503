/**
 * The VAU transport against a small VAU written in this test from the primitives (a fake inside a unit test;
 * the simulator's VAU is tested on its own). The "VAU certificate" is a TEST-ONLY SMC-B certificate: any
 * brainpoolP256r1 certificate with its key serves to prove the client's side.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { gcmDecrypt, gcmEncrypt } from '../../ti-crypto/aes-gcm';
import { publicKeyFromPoint, sharedSecret } from '../../ti-crypto/brainpool';
import { hkdfSha256 } from '../../ti-crypto/kdf';
import { TransportError } from '../../fachdienst/transport';
import { VauCertificateError, type VauCertificateTrust } from './vau-certificate';
import { VauTransport } from './vau-transport';
import { TiError } from '../ti-error';

const CARD = new URL('../../../test/fixtures/gematik/test-cards/smcb/80276001011699902301/', import.meta.url);
const CERT_PEM = readFileSync(new URL('80276001011699902301-C_SMCB_AUT_E256_X509.pem', CARD));
const KEY = createPrivateKey(readFileSync(new URL('80276001011699902301-C_SMCB_AUT_E256_X509.prv.pem', CARD)));
const NOW = new Date('2026-12-07T10:00:00Z');
const TOKEN = 'eyJhbGciOiJCUDI1NlIxIn0.eyJzdWIiOiJ4In0.c2ln';

interface Received {
  path: string;
  headers: Headers;
  token: string;
  requestId: string;
  inner: string;
}

/** A VAU as §1.3–§1.5 describe it, with knobs for the failure cases. */
function fakeVau(options: { identity?: { certificate: Buffer; key: KeyObject }; answer?: (received: Received) => { raw: string; requestId?: string; status?: number; headers?: Record<string, string> } } = {}) {
  const received: Received[] = [];
  let certificateFetches = 0;
  const fetchFn = vi.fn(async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    if (url.pathname === '/VAUCertificate') {
      certificateFetches += 1;
      return new Response(options.identity?.certificate ?? CERT_PEM, { status: 200, headers: { 'Content-Type': 'application/pkix-cert' } });
    }
    const body = Buffer.from(init?.body as Buffer);
    const ephemeral = publicKeyFromPoint({ x: body.subarray(1, 33), y: body.subarray(33, 65) });
    const aesKey = hkdfSha256(sharedSecret(options.identity?.key ?? KEY, ephemeral), 'ecies-vau-transport', 16);
    let plain: Buffer;
    try {
      plain = gcmDecrypt(aesKey, body.subarray(65, 77), { ciphertext: body.subarray(77, body.length - 16), tag: body.subarray(body.length - 16) });
    } catch {
      return new Response(JSON.stringify({ status: 400, error: 'vau decryption failed: tag' }), { status: 400, headers: { 'Content-Type': 'application/json' } });
    }
    const text = plain.toString('utf8');
    const [, token = '', requestId = '', responseKey = ''] = text.split(' ', 4);
    const inner = text.slice(`1 ${token} ${requestId} ${responseKey} `.length);
    const entry = { path: url.pathname, headers: new Headers(init?.headers), token, requestId, inner };
    received.push(entry);
    const answer = options.answer?.(entry) ?? { raw: 'HTTP/1.1 200 OK\r\nContent-Type: application/fhir+xml\r\nContent-Length: 11\r\n\r\n<Bundle/>\r\n' };
    if (answer.status !== undefined && answer.status !== 200) {
      return new Response(answer.raw, { status: answer.status, headers: answer.headers ?? { 'Content-Type': 'application/json' } });
    }
    const iv = Buffer.alloc(12, 7);
    const sealed = gcmEncrypt(Buffer.from(responseKey, 'hex'), iv, Buffer.from(`1 ${answer.requestId ?? requestId} ${answer.raw}`, 'utf8'));
    return new Response(Buffer.concat([iv, sealed.ciphertext, sealed.tag]), {
      status: 200,
      headers: { 'Content-Type': 'application/octet-stream', Userpseudonym: `${'ab'.repeat(16)}-${received.length}`, ...answer.headers },
    });
  });
  return { fetchFn, received, certificateFetches: () => certificateFetches };
}

const trustAll: VauCertificateTrust = async () => {};

function transport(fetchFn: typeof fetch, trust: VauCertificateTrust = trustAll) {
  return new VauTransport({ baseUrl: 'https://erp-ref.example/', userAgent: 'eRxCounter/1.0 eRxCounter/gematikTestPs', trust, now: () => NOW, fetch: fetchFn });
}

const request = { method: 'POST' as const, path: 'Task/160.000.000.000.001.54/$accept', query: { ac: 'abc' }, headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/fhir+xml' } };

describe('VauTransport', () => {
  it('sends the FHIR call as an inner request to /VAU/0, routing headers outside, and returns the inner answer', async () => {
    const vau = fakeVau();
    const response = await transport(vau.fetchFn).send(request);
    expect(response).toMatchObject({ status: 200, body: '<Bundle/>\r\n' });
    expect(response.headers['content-type']).toBe('application/fhir+xml');
    const [first] = vau.received;
    expect(first?.path).toBe('/VAU/0');
    expect(first?.headers.get('x-erp-user')).toBe('l');
    expect(first?.headers.get('x-erp-resource')).toBe('Task');
    expect(first?.headers.get('user-agent')).toBe('eRxCounter/1.0 eRxCounter/gematikTestPs');
    expect(first?.token).toBe(TOKEN);
    expect(first?.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.inner).toBe(`POST /Task/160.000.000.000.001.54/$accept?ac=abc HTTP/1.1\r\nHost: erp-ref.example\r\nAuthorization: Bearer ${TOKEN}\r\nAccept: application/fhir+xml\r\n\r\n`);
    expect(first?.inner).not.toContain('X-erp');
  });

  it('a body gets its exact byte length; the next request goes to the Userpseudonym the VAU gave', async () => {
    const vau = fakeVau();
    const vauTransport = transport(vau.fetchFn);
    await vauTransport.send({ ...request, body: '<Parameters>ä</Parameters>', headers: { ...request.headers, 'Content-Type': 'application/fhir+xml' } });
    expect(vau.received[0]?.inner).toMatch(/Content-Length: 27\r\n\r\n<Parameters>ä<\/Parameters>$/);
    await vauTransport.send({ method: 'GET', path: 'metadata', headers: request.headers });
    expect(vau.received[1]?.path).toBe(`/VAU/${'ab'.repeat(16)}-1`);
    expect(vau.received[1]?.headers.get('x-erp-resource')).toBe('metadata');
    expect(vau.certificateFetches()).toBe(1);
  });

  it('the message calls (spec erezept-pharmacy §3.11): X-erp-resource Communication, the inner DELETE without body', async () => {
    const vau = fakeVau({ answer: () => ({ raw: 'HTTP/1.1 204 No Content\r\n\r\n' }) });
    const vauTransport = transport(vau.fetchFn);
    const response = await vauTransport.send({ method: 'DELETE', path: 'Communication/79cc4c08-0e7b-4e52-acee-6ec7519ce67f', headers: request.headers });
    expect(response).toMatchObject({ status: 204, body: '' });
    await vauTransport.send({ method: 'GET', path: 'Communication', query: { received: 'NULL', _sort: '-sent' }, headers: request.headers });
    expect(vau.received.map((r) => r.headers.get('x-erp-resource'))).toEqual(['Communication', 'Communication']);
    expect(vau.received[0]?.inner).toBe(`DELETE /Communication/79cc4c08-0e7b-4e52-acee-6ec7519ce67f HTTP/1.1\r\nHost: erp-ref.example\r\nAuthorization: Bearer ${TOKEN}\r\nAccept: application/fhir+xml\r\n\r\n`);
    expect(vau.received[1]?.inner).toMatch(/^GET \/Communication\?received=NULL&_sort=-sent HTTP\/1\.1\r\n/);
  });

  it('a certificate the trust policy refuses stops the call before anything is sent', async () => {
    const vau = fakeVau();
    const refuse: VauCertificateTrust = async () => {
      throw new VauCertificateError('nicht die VAU des E-Rezept-Fachdienstes');
    };
    const failure = await transport(vau.fetchFn, refuse).send(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TiError);
    expect(failure).toMatchObject({ hop: 'vau', technical: 'nicht die VAU des E-Rezept-Fachdienstes' });
    expect(vau.received).toHaveLength(0);
  });

  it('an undecryptable request (changed VAU key) fetches the certificate again and is sent once more', async () => {
    const second = new URL('../80276001011699902302/80276001011699902302-C_SMCB_AUT_E256_X509', CARD);
    const identity = { certificate: CERT_PEM, key: KEY };
    const vau = fakeVau({ identity });
    const vauTransport = transport(vau.fetchFn);
    await vauTransport.send(request);
    // the VAU changes its key while the client still holds the old certificate
    identity.certificate = readFileSync(`${second.pathname}.pem`);
    identity.key = createPrivateKey(readFileSync(`${second.pathname}.prv.pem`));
    const response = await vauTransport.send(request);
    expect(response.status).toBe(200);
    expect(vau.certificateFetches()).toBe(2);
    expect(vau.received).toHaveLength(2);
  });

  it('when the request stays undecryptable after a fresh certificate, the outer 400 is shown, not retried again', async () => {
    const vau = fakeVau({ identity: { certificate: CERT_PEM, key: createPrivateKey(readFileSync(new URL('../80276001011699902302/80276001011699902302-C_SMCB_AUT_E256_X509.prv.pem', CARD))) } });
    const response = await transport(vau.fetchFn).send(request);
    expect(response.status).toBe(400);
    expect(response.body).toMatch(/vau decryption failed/);
    expect(vau.certificateFetches()).toBe(2);
  });

  it('an outer error is shown as it came, unencrypted (spec ti-transport §1.7)', async () => {
    const vau = fakeVau({ answer: () => ({ status: 401, raw: '{"error":"token"}' }) });
    const response = await transport(vau.fetchFn).send(request);
    expect(response).toMatchObject({ status: 401, body: '{"error":"token"}' });
  });

  it('an answer for another request id is an unknown outcome, not a result', async () => {
    const vau = fakeVau({ answer: () => ({ raw: 'HTTP/1.1 200 OK\r\n\r\n', requestId: 'f'.repeat(32) }) });
    const failure = await transport(vau.fetchFn).send(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).technical).toMatch(/andere Request-ID/);
  });

  it('VAU-Error-Code travels up with the inner answer; the echoed id may be upper case', async () => {
    const vau = fakeVau({
      answer: (received) => ({ raw: 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n', requestId: received.requestId.toUpperCase(), headers: { 'VAU-Error-Code': 'brute_force' } }),
    });
    const response = await transport(vau.fetchFn).send(request);
    expect(response.status).toBe(403);
    expect(response.headers['vau-error-code']).toBe('brute_force');
  });

  it('a request without a bearer token is refused before it is encrypted', async () => {
    const vau = fakeVau();
    await expect(transport(vau.fetchFn).send({ method: 'GET', path: 'metadata' })).rejects.toThrow(/ohne Access-Token/);
    expect(vau.received).toHaveLength(0);
  });

  it('no answer at all is a TransportError (unknown outcome), as with direct HTTP', async () => {
    const vau = fakeVau();
    let calls = 0;
    const failing = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
      calls += 1;
      if (calls === 1) return vau.fetchFn(input, init);
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    });
    const failure = await transport(failing as unknown as typeof fetch).send(request).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).technical).toBe('ECONNRESET');
  });
});
