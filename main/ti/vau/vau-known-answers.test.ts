/**
 * The client's VAU framing against gematik's known answers (spec ti-transport §4.4 K2, K3; Appendix A.1, A.2).
 * The decryption in these tests is written here from the primitives, not taken from the simulator: client
 * and simulated server must each agree with gematik's data on their own.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcmDecrypt, gcmEncrypt } from '../../ti-crypto/aes-gcm';
import { privateKeyFromScalar, publicKeyFromPoint, sharedSecret } from '../../ti-crypto/brainpool';
import { hkdfSha256 } from '../../ti-crypto/kdf';
import { decryptVauResponse, encryptVauRequest } from './vau-cipher';
import { parseInnerResponse, serializeInnerRequest } from './inner-http';
import { buildVauPlaintext, stripVauResponsePrefix, VauEnvelopeError } from './vau-envelope';

const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const VECTORS = new URL('../../../test/fixtures/gematik/ti-vectors/', import.meta.url);
const VAU_SCALAR = hex('a54a5685b80f71fd5ebee91659afa98c847c5c864e2335844146675afc595e3c');
const VAU_PUBLIC = publicKeyFromPoint({
  x: hex('8634212830dad457ca05305e6687134166b9c21a65ffebf555f4e75dfb048888'),
  y: hex('66e4b6843624cbda43c97ea89968bc41fd53576f82c03efa7d601b9facac2b29'),
});

/** ECIES decryption as the VAU does it (spec ti-transport §1.3, server side), for checking the client. */
function openLikeTheVau(body: Buffer): Buffer {
  const ephemeral = publicKeyFromPoint({ x: body.subarray(1, 33), y: body.subarray(33, 65) });
  const key = hkdfSha256(sharedSecret(privateKeyFromScalar(VAU_SCALAR), ephemeral), 'ecies-vau-transport', 16);
  return gcmDecrypt(key, body.subarray(65, 77), { ciphertext: body.subarray(77, body.length - 16), tag: body.subarray(body.length - 16) });
}

describe('VAU request encryption', () => {
  it('K2: the fixed ephemeral key and IV of gemSpec_Krypt\'s example give gematik\'s 103 bytes exactly', () => {
    const body = encryptVauRequest(VAU_PUBLIC, Buffer.from('Hallo Test'), {
      ephemeralPrivateKey: privateKeyFromScalar(hex('5bbba34d47502bd588ed680dfa2309ca375eb7a35ddbbd67cc7f8b6b687a1c1d')),
      iv: hex('257db4604af8ae0dfced37ce'),
    });
    expect(body.toString('hex')).toBe(
      '01' +
        '754e548941e5cd073fed6d734578a484be9f0bbfa1b6fa3168ed7ffb22878f0f' +
        '9aef9bbd932a020d8828367bd080a3e72b36c41ee40c87253f9b1b0beb8371bf' +
        '257db4604af8ae0dfced37ce' +
        '86c2b491c7a8309e750b' +
        '4e6e307219863938c204dfe85502ee0a',
    );
  });

  it('a fresh ephemeral key and IV every time: two encryptions of one plaintext differ, both open', () => {
    const first = encryptVauRequest(VAU_PUBLIC, Buffer.from('GET /metadata HTTP/1.1'));
    const second = encryptVauRequest(VAU_PUBLIC, Buffer.from('GET /metadata HTTP/1.1'));
    expect(first.subarray(1, 77).equals(second.subarray(1, 77))).toBe(false);
    expect(openLikeTheVau(first).toString()).toBe('GET /metadata HTTP/1.1');
    expect(openLikeTheVau(second).toString()).toBe('GET /metadata HTTP/1.1');
  });
});

describe('K3: the inner plaintext of the reference server\'s Task $create example', () => {
  const cipher = readFileSync(new URL('task_create.cipher', VECTORS));
  const plainWithCrlf = Buffer.from(readFileSync(new URL('task_create.plain', VECTORS), 'utf8').replace(/\n/g, '\r\n'), 'utf8');

  it('decrypts (as the VAU would) to the example with CRLF line ends', () => {
    const opened = openLikeTheVau(cipher);
    expect(createHash('sha256').update(opened).digest('hex')).toBe('32bcc1e0268d97f24651ce578727f4be7a8549c50287375d9c18e717f291c8a2');
    expect(opened.equals(plainWithCrlf)).toBe(true);
  });

  it('the client builds the identical bytes from the example\'s fields', () => {
    const text = plainWithCrlf.toString('utf8');
    const [version, token, requestId, responseKey] = text.split(' ', 4);
    expect(version).toBe('1');
    const httpStart = text.indexOf('POST ');
    const [head = '', body = ''] = text.slice(httpStart).split('\r\n\r\n');
    const [requestLine = '', ...headerLines] = head.split('\r\n');
    const headers = headerLines.map((line) => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), line.slice(colon + 2)] as const;
    });
    // the inner bearer is the plaintext's token (spec ti-transport §1.4)
    expect(headers.find(([name]) => name === 'Authorization')?.[1]).toBe(`Bearer ${token}`);
    const inner = serializeInnerRequest({
      method: requestLine.split(' ')[0] ?? '',
      target: requestLine.split(' ')[1] ?? '',
      headers,
      body: Buffer.from(body, 'utf8'),
    });
    // REF's example carries upper-case hex, which our client never sends; the builder insists on lower case
    expect(() => buildVauPlaintext({ accessToken: token ?? '', requestId: requestId ?? '', responseKeyHex: responseKey ?? '', innerRequest: inner })).toThrow(VauEnvelopeError);
    const built = buildVauPlaintext({
      accessToken: token ?? '',
      requestId: (requestId ?? '').toLowerCase(),
      responseKeyHex: (responseKey ?? '').toLowerCase(),
      innerRequest: inner,
    });
    expect(built.toString('utf8')).toBe(text.replace(/0123456789ABCDEF0123456789ABCDEF/g, '0123456789abcdef0123456789abcdef'));
  });
});

describe('VAU answers', () => {
  const responseKey = hex('000102030405060708090a0b0c0d0e0f');
  const requestId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const seal = (plaintext: string): Buffer => {
    const iv = hex('0f0e0d0c0b0a090807060504');
    const { ciphertext, tag } = gcmEncrypt(responseKey, iv, Buffer.from(plaintext, 'utf8'));
    return Buffer.concat([iv, ciphertext, tag]);
  };

  it('an answer opens, its request id (any case) is stripped as a whole prefix, the HTTP response is read', () => {
    const raw = `1 ${requestId.toUpperCase()} HTTP/1.1 201 Created\r\nContent-Type: application/fhir+xml;charset=utf-8\r\nContent-Length: 7\r\n\r\n<Task/>`;
    const response = parseInnerResponse(stripVauResponsePrefix(decryptVauResponse(responseKey, seal(raw)), requestId));
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/fhir+xml;charset=utf-8');
    expect(response.body.toString()).toBe('<Task/>');
  });

  it('a chunked inner response is joined; a body with spaces and umlauts survives', () => {
    const body = Buffer.from('<OperationOutcome>Zugriff verweigert – ä</OperationOutcome>', 'utf8');
    const chunked = `${(10).toString(16)}\r\n${body.subarray(0, 10).toString('latin1')}\r\n${(body.length - 10).toString(16)}\r\n${body.subarray(10).toString('latin1')}\r\n0\r\n\r\n`;
    const message = Buffer.concat([Buffer.from('HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n'), Buffer.from(chunked, 'latin1')]);
    const response = parseInnerResponse(message);
    expect(response.status).toBe(403);
    expect(response.body.toString('utf8')).toBe(body.toString('utf8'));
  });

  it('an answer for another request id, or not in VAU format, is refused', () => {
    const other = Buffer.from(`1 ${'f'.repeat(32)} HTTP/1.1 200 OK\r\n\r\n`);
    expect(() => stripVauResponsePrefix(other, requestId)).toThrow(/andere Request-ID/);
    expect(() => stripVauResponsePrefix(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), requestId)).toThrow(/kein VAU-Format/);
  });

  it('a changed byte of the sealed answer fails, and so does the wrong key', () => {
    const sealed = seal(`1 ${requestId} HTTP/1.1 200 OK\r\n\r\n`);
    sealed[20] = (sealed[20] ?? 0) ^ 1;
    expect(() => decryptVauResponse(responseKey, sealed)).toThrow();
    expect(() => decryptVauResponse(hex('ff'.repeat(16)), seal('x'))).toThrow();
  });

  it('a header with a line break cannot smuggle a second request into the VAU', () => {
    expect(() => serializeInnerRequest({ method: 'GET', target: '/Task', headers: [['X-AccessCode', 'a\r\nGET /Task/x HTTP/1.1']] })).toThrow(/ungültiger Header/);
    expect(() => serializeInnerRequest({ method: 'GET', target: '/Task x', headers: [] })).toThrow(/ungültiges Ziel/);
  });
});
