/**
 * The HTTP/1.1 messages inside the VAU (spec ti-transport §1.4, §1.5): the client writes a complete request
 * with CRLF line ends and an exact Content-Length, and reads a complete response, with Content-Length or
 * chunked transfer coding (the reference server writes through an HTTP/1 encoder).
 */

export interface InnerRequest {
  method: string;
  /** origin-form target: `/Task/160.000.000.000.001.54/$accept?ac=…` */
  target: string;
  /** in the order they are written; Content-Length is added when there is a body and none was given */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Uint8Array;
}

export interface InnerResponse {
  status: number;
  /** header names in lower case; repeated headers joined with ", " */
  headers: Record<string, string>;
  body: Buffer;
}

export class InnerHttpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InnerHttpError';
  }
}

const CRLF = '\r\n';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function serializeInnerRequest(request: InnerRequest): Buffer {
  if (!TOKEN.test(request.method)) throw new InnerHttpError(`ungültige Methode ${request.method}`);
  if (!request.target.startsWith('/') || /[\s]/.test(request.target)) throw new InnerHttpError('ungültiges Ziel');
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  let hasLength = false;
  for (const [name, value] of request.headers) {
    // a header name or value with CR/LF would let one request smuggle a second one into the VAU
    if (!TOKEN.test(name) || /[\r\n]/.test(value)) throw new InnerHttpError(`ungültiger Header ${name}`);
    if (name.toLowerCase() === 'content-length') hasLength = true;
    lines.push(`${name}: ${value}`);
  }
  if (request.body !== undefined && !hasLength) lines.push(`Content-Length: ${request.body.length}`);
  const head = Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'utf8');
  return request.body === undefined ? head : Buffer.concat([head, request.body]);
}

export function parseInnerResponse(message: Buffer): InnerResponse {
  const headEnd = message.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new InnerHttpError('Antwort ohne Kopfende');
  const [statusLine = '', ...headerLines] = message.subarray(0, headEnd).toString('latin1').split(CRLF);
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!status?.[1]) throw new InnerHttpError(`ungültige Statuszeile „${statusLine.slice(0, 40)}“`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new InnerHttpError('ungültige Kopfzeile');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = message.subarray(headEnd + 4);
  return { status: Number(status[1]), headers, body: readBody(rest, headers) };
}

function readBody(rest: Buffer, headers: Record<string, string>): Buffer {
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
    delete headers['transfer-encoding'];
    return dechunk(rest);
  }
  const declared = headers['content-length'];
  if (declared === undefined) return rest;
  const length = Number(declared);
  if (!/^\d+$/.test(declared) || length > rest.length) throw new InnerHttpError('Content-Length passt nicht zur Antwort');
  return rest.subarray(0, length);
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, offset);
    if (lineEnd < 0) throw new InnerHttpError('Chunk ohne Länge');
    const sizeText = data.subarray(offset, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new InnerHttpError('ungültige Chunk-Länge');
    const size = parseInt(sizeText, 16);
    offset = lineEnd + 2;
    if (size === 0) return Buffer.concat(parts);
    if (offset + size + 2 > data.length) throw new InnerHttpError('Chunk abgeschnitten');
    parts.push(data.subarray(offset, offset + size));
    offset += size + 2;
  }
}
