/**
 * A minimal DER encoder (ITU-T X.690) for the few structures the simulator signs (cms-sign.ts): tag-length-value,
 * OBJECT IDENTIFIER, INTEGER, OCTET STRING, UTCTime, SEQUENCE and SET (OF, sorted as DER demands).
 * Encoding directly instead of through pkijs/asn1js object trees keeps signing cheap on the $close path.
 */
export const Tags = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utcTime: 0x17,
  sequence: 0x30,
  set: 0x31,
  /** [0] constructed (EXPLICIT [0], or IMPLICIT [0] of a SET/SEQUENCE) */
  context0: 0xa0,
} as const;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: readonly Uint8Array[]): Buffer {
  const body =
    content.length === 1
      ? Buffer.from(content[0]!.buffer, content[0]!.byteOffset, content[0]!.byteLength)
      : Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const sequence = (...items: readonly Uint8Array[]): Buffer => tlv(Tags.sequence, ...items);

/** SET OF: DER orders the elements by their encodings (X.690 11.6). */
export function setOf(...items: readonly Uint8Array[]): Buffer {
  const sorted = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return tlv(Tags.set, ...sorted);
}

export const octetString = (bytes: Uint8Array): Buffer => tlv(Tags.octetString, bytes);

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0))
    throw new Error(`invalid OID ${dotted}`);
  const out: number[] = [];
  const push = (value: number): void => {
    const chunk = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  return tlv(Tags.oid, Buffer.from(out));
}

/** A small non-negative INTEGER (versions). */
export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new Error(`unsupported INTEGER ${value}`);
  return tlv(Tags.integer, Buffer.from([value]));
}

/** UTCTime YYMMDDHHMMSSZ (years 1950–2049, RFC 5280 4.1.2.5.1). */
export function utcTime(instant: Date): Buffer {
  const year = instant.getUTCFullYear();
  if (year < 1950 || year > 2049) throw new Error(`UTCTime cannot hold the year ${year}`);
  const two = (n: number): string => String(n).padStart(2, '0');
  const text = `${two(year % 100)}${two(instant.getUTCMonth() + 1)}${two(instant.getUTCDate())}${two(instant.getUTCHours())}${two(
    instant.getUTCMinutes(),
  )}${two(instant.getUTCSeconds())}Z`;
  return tlv(Tags.utcTime, Buffer.from(text, 'ascii'));
}

/** The same encoding with another outer tag (e.g. signed attributes: IMPLICIT [0] in the SignerInfo, SET when signed). */
export function retag(encoded: Uint8Array, tag: number): Buffer {
  const copy = Buffer.from(encoded);
  copy[0] = tag;
  return copy;
}
