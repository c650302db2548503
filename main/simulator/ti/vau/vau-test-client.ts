/**
 * For tests of the simulated VAU: the client side written from the primitives (spec ti-transport §1.3, §4.1) —
 * ECIES to the VAU certificate's key, the plaintext `1 <token> <request id> <response key> <inner HTTP request>`,
 * and opening the sealed answer. Deliberately not the app's VAU client (main/ti/), so the two are checked against
 * each other only through gematik's vectors. Not used by the product.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { expect } from 'vitest';
import { gcmDecrypt, gcmEncrypt } from '../../../ti-crypto/aes-gcm';
import { generateBrainpoolKeyPair, pointOf, sharedSecret } from '../../../ti-crypto/brainpool';
import { hkdfSha256 } from '../../../ti-crypto/kdf';
import { LOOPBACK, type TestSimulator } from '../../test-kit';

export function postToVau(sim: TestSimulator, body: Buffer, contentType = 'application/octet-stream'): Promise<Response> {
  return Promise.resolve(
    sim.app.request('/VAU/0', { method: 'POST', headers: { 'Content-Type': contentType, ...LOOPBACK }, body: new Uint8Array(body) }),
  );
}

/** ECIES to the VAU certificate's key, as a client does (§1.3). */
export async function encryptToVau(sim: TestSimulator, plaintext: Buffer): Promise<Buffer> {
  const der = Buffer.from(await (await sim.app.request('/VAUCertificate', { headers: LOOPBACK })).arrayBuffer());
  const vauKey = new X509Certificate(der).publicKey;
  const ephemeral = generateBrainpoolKeyPair();
  const key = hkdfSha256(sharedSecret(ephemeral.privateKey, vauKey), 'ecies-vau-transport', 16);
  const iv = randomBytes(12);
  const { ciphertext, tag } = gcmEncrypt(key, iv, plaintext);
  const { x, y } = pointOf(ephemeral.publicKey);
  return Buffer.concat([Buffer.of(1), x, y, iv, ciphertext, tag]);
}

/** The inner HTTP answer of a sealed VAU answer (200, application/octet-stream). */
export async function openAnswer(response: Response, responseKeyHex: string): Promise<string> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/octet-stream');
  const body = Buffer.from(await response.arrayBuffer());
  return gcmDecrypt(Buffer.from(responseKeyHex, 'hex'), body.subarray(0, 12), {
    ciphertext: body.subarray(12, body.length - 16),
    tag: body.subarray(body.length - 16),
  }).toString('utf8');
}

/** One inner request through the VAU with `token`; answers the inner HTTP answer as text. */
export async function throughVau(sim: TestSimulator, token: string, innerRequest: string): Promise<string> {
  const requestId = randomBytes(16).toString('hex');
  const responseKey = randomBytes(16).toString('hex');
  const sealed = await encryptToVau(sim, Buffer.from(`1 ${token} ${requestId} ${responseKey} ${innerRequest}`));
  return openAnswer(await postToVau(sim, sealed), responseKey);
}
