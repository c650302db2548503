/**
 * The VAU plaintexts around the inner HTTP messages (spec ti-transport §1.4, §1.5):
 * request `"1" SP token SP request-id SP response-key SP http`, answer `"1" SP request-id SP http`.
 */
import { randomBytes } from 'node:crypto';

/** 16 random bytes as 32 lower-case hex characters: what the request id and the response key look like. */
export function randomHex16(): string {
  return randomBytes(16).toString('hex');
}

export interface VauRequestFields {
  accessToken: string;
  /** 32 lower-case hex characters */
  requestId: string;
  /** the AES-128 key for the answer, 32 lower-case hex characters */
  responseKeyHex: string;
  innerRequest: Buffer;
}

export class VauEnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VauEnvelopeError';
  }
}

const HEX32 = /^[0-9a-f]{32}$/;

export function buildVauPlaintext(fields: VauRequestFields): Buffer {
  // The Fachdienst splits strictly on single spaces; no field may be empty or contain one.
  if (!/^[A-Za-z0-9_.-]+$/.test(fields.accessToken)) throw new VauEnvelopeError('Access-Token hat kein JWS-Format');
  if (!HEX32.test(fields.requestId) || !HEX32.test(fields.responseKeyHex)) throw new VauEnvelopeError('Request-ID oder Antwortschlüssel kein Hex');
  const head = `1 ${fields.accessToken} ${fields.requestId} ${fields.responseKeyHex} `;
  return Buffer.concat([Buffer.from(head, 'ascii'), fields.innerRequest]);
}

/**
 * The inner HTTP response after the prefix `"1 " + request-id + " "`. The Fachdienst echoes the id in lower
 * case, the reference server verbatim: compared without case (spec ti-transport §1.5). Splitting on spaces
 * would cut the status line, so the prefix is matched as a whole.
 */
export function stripVauResponsePrefix(plaintext: Buffer, requestId: string): Buffer {
  const prefix = `1 ${requestId} `;
  const actual = plaintext.subarray(0, prefix.length).toString('latin1');
  if (actual.toLowerCase() !== prefix.toLowerCase()) {
    throw new VauEnvelopeError(actual.startsWith('1 ') ? 'Antwort trägt eine andere Request-ID' : 'Antwort hat kein VAU-Format');
  }
  return plaintext.subarray(prefix.length);
}
