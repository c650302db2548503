/**
 * The simulated VAU, server side, against gematik's vectors and a request built in this test from the primitives
 * (spec ti-transport §1, §4.1, K1 and K3 replayed against the simulator: its VAU key is the reference VAU's).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestSimulator, LOOPBACK, PHARMACY_B, type TestSimulator } from '../../test-kit';
import { createTiSimulation } from '../ti-simulation';
import { encryptToVau as sealFor, openAnswer, postToVau } from './vau-test-client';

const VECTORS = new URL('../../../../test/fixtures/gematik/ti-vectors/', import.meta.url);
const PHARMACY_OID = '1.2.276.0.76.4.54';
let sim: TestSimulator;

beforeAll(async () => {
  sim = await createTestSimulator(new Date(), { ti: createTiSimulation() });
});

const post = (body: Buffer, contentType?: string): Promise<Response> => postToVau(sim, body, contentType);
const encryptToVau = (plaintext: Buffer): Promise<Buffer> => sealFor(sim, plaintext);

describe('the simulated VAU', () => {
  it('serves its certificate as DER (application/pkix-cert)', async () => {
    const response = await sim.app.request('/VAUCertificate', { headers: LOOPBACK });
    expect(response.headers.get('content-type')).toBe('application/pkix-cert');
    expect(Buffer.from(await response.arrayBuffer())[0]).toBe(0x30);
  });

  it('K1 replayed: gemSpec_Krypt\'s "Hallo Test" decrypts (then fails the plaintext format, not the tag)', async () => {
    const body = Buffer.from(
      '01754e548941e5cd073fed6d734578a484be9f0bbfa1b6fa3168ed7ffb22878f0f9aef9bbd932a020d8828367bd080a3e72b36c41ee40c87253f9b1b0beb8371bf257db4604af8ae0dfced37ce86c2b491c7a8309e750b4e6e307219863938c204dfe85502ee0a',
      'hex',
    );
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('vau decryption failed: malformed inner request');
    const flipped = Buffer.from(body);
    flipped[80] = (flipped[80] ?? 0) ^ 1;
    expect(((await (await post(flipped)).json()) as { error: string }).error).toBe('vau decryption failed: authentication tag mismatch');
  });

  it('K3 replayed: the reference server\'s Task $create opens; the answer echoes the request id in lower case', async () => {
    const answer = await openAnswer(await post(readFileSync(new URL('task_create.cipher', VECTORS))), '0123456789ABCDEF0123456789ABCDEF');
    expect(answer.startsWith('1 0123456789abcdef0123456789abcdef HTTP/1.1 ')).toBe(true);
    // the inner request reached the Fachdienst app: $create is an endpoint the FD has (handler found), so the
    // token comes next — the reference server's token is not signed by this simulator's key (401)
    expect(answer).toMatch(/^1 \S+ HTTP\/1\.1 401 /);
    expect(answer).toContain('JWT has invalid signature');
  });

  it('a pharmacy\'s GET /metadata inside the VAU is answered; the same call outside is refused with 403', async () => {
    const token = await sim.pharmacyToken(PHARMACY_B);
    const requestId = randomBytes(16).toString('hex');
    const responseKey = randomBytes(16).toString('hex');
    const inner = `GET /metadata HTTP/1.1\r\nHost: erp.example\r\nAuthorization: Bearer ${token}\r\nAccept: application/fhir+json\r\n\r\n`;
    const answer = await openAnswer(await post(await encryptToVau(Buffer.from(`1 ${token} ${requestId} ${responseKey} ${inner}`))), responseKey);
    expect(answer).toMatch(new RegExp(`^1 ${requestId} HTTP/1\\.1 200 OK\\r\\n`));
    expect(answer).toContain('"resourceType":"CapabilityStatement"');
    const outside = await sim.fhir('GET', '/metadata', token);
    expect(outside.status).toBe(403);
    expect(await outside.text()).toContain('über die VAU');
  });

  it('an inner bearer that differs from the plaintext\'s token is an inner 400', async () => {
    const token = await sim.pharmacyToken(PHARMACY_B);
    const other = await sim.token(PHARMACY_OID, '3-01.2.2023001.16.102');
    const responseKey = randomBytes(16).toString('hex');
    const inner = `GET /metadata HTTP/1.1\r\nHost: erp.example\r\nAuthorization: Bearer ${other}\r\n\r\n`;
    const answer = await openAnswer(await post(await encryptToVau(Buffer.from(`1 ${token} ${'a'.repeat(32)} ${responseKey} ${inner}`))), responseKey);
    expect(answer).toMatch(/^1 a{32} HTTP\/1\.1 400 /);
    expect(answer).toContain('Authorization header is invalid');
  });

  it('a plaintext with a doubled space or short request id, and a wrong content type, are refused unencrypted', async () => {
    const token = await sim.pharmacyToken(PHARMACY_B);
    const inner = 'GET /metadata HTTP/1.1\r\n\r\n';
    const doubled = await post(await encryptToVau(Buffer.from(`1  ${token} ${'a'.repeat(32)} ${'b'.repeat(32)} ${inner}`)));
    expect(doubled.status).toBe(400);
    const short = await post(await encryptToVau(Buffer.from(`1 ${token} abc ${'b'.repeat(32)} ${inner}`)));
    expect(short.status).toBe(400);
    expect((await post(Buffer.alloc(100), 'application/json')).status).toBe(415);
  });
});
