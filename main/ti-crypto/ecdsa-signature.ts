/**
 * ECDSA signatures in two encodings: the Konnektor returns ASN.1 DER `ECDSA-Sig-Value` (spec ti-transport
 * §2.4 step 5, §3.5), a JWS carries raw `r‖s` with each half left-padded to the coordinate length (§2.1).
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { COORDINATE_LENGTH } from './brainpool';

export class SignatureEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureEncodingError';
  }
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` → `r‖s` (each `size` bytes). */
export function derSignatureToRaw(der: Uint8Array, size: number = COORDINATE_LENGTH): Buffer {
  const reader = new DerReader(Buffer.from(der));
  const sequence = reader.read(0x30);
  if (!reader.atEnd()) throw new SignatureEncodingError('Daten hinter der Signatur');
  const inner = new DerReader(sequence);
  const r = integerToFixed(inner.read(0x02), size);
  const s = integerToFixed(inner.read(0x02), size);
  if (!inner.atEnd()) throw new SignatureEncodingError('mehr als zwei Zahlen in der Signatur');
  return Buffer.concat([r, s]);
}

/** `r‖s` → DER (minimal INTEGERs: leading zeros dropped, a 0x00 added before a set high bit). */
export function rawSignatureToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new SignatureEncodingError(`rohe Signatur mit ${raw.length} Bytes`);
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return Buffer.concat([Buffer.of(0x30), derLength(body.length), body]);
}

function integerToFixed(content: Buffer, size: number): Buffer {
  if (content.length === 0) throw new SignatureEncodingError('leere Zahl');
  let value = content;
  while (value.length > 1 && value[0] === 0) value = value.subarray(1);
  if (value.length > size) throw new SignatureEncodingError(`Zahl länger als ${size} Bytes`);
  return Buffer.concat([Buffer.alloc(size - value.length), value]);
}

function derInteger(unsigned: Uint8Array): Buffer {
  let value = Buffer.from(unsigned);
  while (value.length > 1 && value[0] === 0) value = value.subarray(1);
  if ((value[0] ?? 0) & 0x80) value = Buffer.concat([Buffer.of(0), value]);
  return Buffer.concat([Buffer.of(0x02), derLength(value.length), value]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  if (length < 0x100) return Buffer.of(0x81, length);
  return Buffer.of(0x82, length >> 8, length & 0xff);
}

/** Just enough DER to read a signature: definite lengths up to two bytes. */
class DerReader {
  private offset = 0;
  constructor(private readonly bytes: Buffer) {}

  atEnd(): boolean {
    return this.offset === this.bytes.length;
  }

  read(expectedTag: number): Buffer {
    const tag = this.bytes[this.offset];
    if (tag !== expectedTag) throw new SignatureEncodingError(`Tag ${tag ?? 'fehlt'} statt ${expectedTag}`);
    let length = this.bytes[this.offset + 1];
    let start = this.offset + 2;
    if (length === undefined) throw new SignatureEncodingError('Länge fehlt');
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count < 1 || count > 2 || start + count > this.bytes.length) throw new SignatureEncodingError('ungültige Länge');
      length = this.bytes.readUIntBE(start, count);
      start += count;
    }
    const end = start + length;
    if (end > this.bytes.length) throw new SignatureEncodingError('Signatur abgeschnitten');
    this.offset = end;
    return this.bytes.subarray(start, end);
  }
}

/** ECDSA with SHA-256 over `data`, raw `r‖s` as a JWS `BP256R1`/`ES256` signature carries it (spec ti-transport §2.9). */
export function verifyRawEcdsaSha256(publicKey: KeyObject, data: Uint8Array, rawSignature: Uint8Array): boolean {
  try {
    return verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, rawSignature);
  } catch {
    return false;
  }
}

export function signRawEcdsaSha256(privateKey: KeyObject, data: Uint8Array): Buffer {
  return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
}
