/**
 * The simulated Fachdienst's VAU (spec ti-transport §1, §4.1), server side and written for the simulator on its
 * own: `GET /VAUCertificate` serves the DER certificate; `POST /VAU/{pseudonym}` decrypts the ECIES request, splits
 * the plaintext strictly, parses the inner HTTP/1.1 request, checks that its bearer equals the plaintext's token,
 * hands it to the same Fachdienst app that serves plain HTTP, and returns the inner answer encrypted under the
 * client's response key. Outer errors are unencrypted JSON, as the FD sends them (§1.7).
 */
import { createHmac, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { gcmDecrypt, gcmEncrypt } from '../../../ti-crypto/aes-gcm';
import { publicKeyFromPoint, sharedSecret } from '../../../ti-crypto/brainpool';
import { hkdfSha256 } from '../../../ti-crypto/kdf';
import { WWW_AUTHENTICATE } from '../../auth';

export const vauFaultKinds = ['decryption-error', 'wrong-request-id', 'expired-token'] as const;
export type VauFaultKind = (typeof vauFaultKinds)[number];

export interface VauSimulationState {
  /** the next calls' faults, in order (`/_sim/ti/faults`) */
  faults: { kind: VauFaultKind; remaining: number }[];
}

export function initialVauState(): VauSimulationState {
  return { faults: [] };
}

/** What the inner request carries to the Fachdienst app: it came through the VAU, and the outer socket (for `drop`). */
export interface VauDispatchEnv {
  viaVau: true;
  incoming?: { socket?: { destroy(): void } };
}

export interface VauAppDeps {
  certificateDer: Buffer;
  privateKey: KeyObject;
  state: VauSimulationState;
  dispatch: (request: Request, env: VauDispatchEnv) => Promise<Response>;
}

const MIN_BODY = 1 + 32 + 32 + 12 + 16;
const HEX32 = /^[0-9a-fA-F]{32}$/;

class OuterError extends Error {}

export function vauApp(deps: VauAppDeps): Hono {
  const app = new Hono();
  // Userpseudonym: opaque, stable per user (`sub`), here an HMAC under a per-run key (§1.5, §4.1 step 8)
  const pseudonymKey = randomBytes(32);

  app.get('/VAUCertificate', (c) => c.body(new Uint8Array(deps.certificateDer), 200, { 'Content-Type': 'application/pkix-cert' }));

  app.post('/VAU/:pseudonym', async (c) => {
    if (!/^application\/octet-stream\b/i.test(c.req.header('content-type') ?? '')) {
      return c.json({ status: 415, error: 'unsupported media type' }, 415);
    }
    const body = Buffer.from(await c.req.arrayBuffer());
    let opened: { token: string; requestId: string; responseKey: Buffer; inner: InnerRequest };
    try {
      if (takeFault(deps.state, 'decryption-error')) throw new OuterError('simulated');
      opened = openRequest(body, deps.privateKey);
    } catch (error) {
      const reason = error instanceof OuterError ? error.message : 'invalid request';
      return c.json({ 'x-request-id': randomUUID(), status: 400, error: `vau decryption failed: ${reason}`, message: 'Bad Request' }, 400);
    }
    const answer = await answerInner(c, deps, opened);
    const requestId = takeFault(deps.state, 'wrong-request-id') ? randomBytes(16).toString('hex') : opened.requestId.toLowerCase();
    const iv = randomBytes(12);
    const sealed = gcmEncrypt(opened.responseKey, iv, Buffer.concat([Buffer.from(`1 ${requestId} `, 'ascii'), answer]));
    return c.body(new Uint8Array(Buffer.concat([iv, sealed.ciphertext, sealed.tag])), 200, {
      'Content-Type': 'application/octet-stream',
      Userpseudonym: pseudonymOf(pseudonymKey, opened.token),
      'X-Request-Id': randomUUID(),
    });
  });

  return app;
}

async function answerInner(c: Context, deps: VauAppDeps, opened: { token: string; inner: InnerRequest }): Promise<Buffer> {
  const { inner } = opened;
  const bearer = /^Bearer (\S+)$/.exec(inner.headers.get('authorization') ?? '')?.[1];
  if (bearer === undefined || bearer !== opened.token) {
    // FD VauRequestHandler: the inner bearer must be the token in the plaintext — else an inner 400
    return rawResponse(400, new Headers({ 'Content-Type': 'application/json' }), Buffer.from('{"error":"Authorization header is invalid"}'));
  }
  if (takeFault(deps.state, 'expired-token')) {
    return rawResponse(401, new Headers({ 'WWW-Authenticate': WWW_AUTHENTICATE, 'Content-Type': 'application/json' }), Buffer.from('{"error":"JWT expired"}'));
  }
  const headers = new Headers(inner.headers);
  headers.delete('host');
  const request = new Request(new URL(inner.target, new URL(c.req.url).origin), {
    method: inner.method,
    headers,
    ...(inner.body.length > 0 && inner.method !== 'GET' && inner.method !== 'HEAD' ? { body: new Uint8Array(inner.body) } : {}),
  });
  const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
  const response = await deps.dispatch(request, { viaVau: true, ...(incoming?.socket ? { incoming: { socket: incoming.socket } } : {}) });
  return rawResponse(response.status, response.headers, Buffer.from(await response.arrayBuffer()));
}

interface InnerRequest {
  method: string;
  target: string;
  headers: Headers;
  body: Buffer;
}

/** §1.3 and §1.4: ECIES → `1 token request-id response-key http`, strictly split. */
function openRequest(body: Buffer, privateKey: KeyObject): { token: string; requestId: string; responseKey: Buffer; inner: InnerRequest } {
  if (body.length < MIN_BODY) throw new OuterError('body too short');
  if (body[0] !== 0x01) throw new OuterError('unknown version');
  let ephemeral: KeyObject;
  try {
    ephemeral = publicKeyFromPoint({ x: body.subarray(1, 33), y: body.subarray(33, 65) });
  } catch {
    throw new OuterError('invalid public key');
  }
  const key = hkdfSha256(sharedSecret(privateKey, ephemeral), 'ecies-vau-transport', 16);
  let plaintext: Buffer;
  try {
    plaintext = gcmDecrypt(key, body.subarray(65, 77), { ciphertext: body.subarray(77, body.length - 16), tag: body.subarray(body.length - 16) });
  } catch {
    throw new OuterError('authentication tag mismatch');
  }
  const fields: string[] = [];
  let offset = 0;
  for (let i = 0; i < 4; i += 1) {
    const space = plaintext.indexOf(0x20, offset);
    if (space <= offset) throw new OuterError('malformed inner request');
    fields.push(plaintext.subarray(offset, space).toString('latin1'));
    offset = space + 1;
  }
  const [version, token = '', requestId = '', responseKeyHex = ''] = fields;
  if (version !== '1' || !HEX32.test(requestId) || !HEX32.test(responseKeyHex)) throw new OuterError('malformed inner request');
  return { token, requestId, responseKey: Buffer.from(responseKeyHex, 'hex'), inner: parseInnerRequest(plaintext.subarray(offset)) };
}

function parseInnerRequest(message: Buffer): InnerRequest {
  const end = message.indexOf('\r\n\r\n');
  if (end < 0) throw new OuterError('inner request without header end');
  const [requestLine = '', ...lines] = message.subarray(0, end).toString('latin1').split('\r\n');
  const line = /^([A-Z]+) (\/\S*) HTTP\/1\.1$/.exec(requestLine);
  if (!line?.[1] || !line[2]) throw new OuterError('invalid inner request line');
  const headers = new Headers();
  for (const header of lines) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new OuterError('invalid inner header');
    headers.append(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
  }
  const rest = message.subarray(end + 4);
  const declared = headers.get('content-length');
  const length = declared === null ? rest.length : Number(declared);
  if (!Number.isInteger(length) || length > rest.length) throw new OuterError('inner Content-Length mismatch');
  return { method: line[1], target: line[2], headers, body: rest.subarray(0, length) };
}

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function rawResponse(status: number, headers: Headers, body: Buffer): Buffer {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`];
  headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding') lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

function pseudonymOf(key: Buffer, token: string): string {
  let sub = '';
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    sub = typeof claims['sub'] === 'string' ? claims['sub'] : '';
  } catch {
    // an unreadable token still gets a pseudonym
  }
  const first = createHmac('sha256', key).update(sub).digest().subarray(0, 16);
  const second = createHmac('sha256', key).update(first).digest().subarray(0, 16);
  return `${first.toString('hex')}-${second.toString('hex')}`;
}

function takeFault(state: VauSimulationState, kind: VauFaultKind): boolean {
  const fault = state.faults.find((entry) => entry.kind === kind && entry.remaining > 0);
  if (!fault) return false;
  fault.remaining -= 1;
  state.faults = state.faults.filter((entry) => entry.remaining > 0);
  return true;
}
