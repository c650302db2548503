/**
 * ISO-8859-15 (Latin-9), the character set of the VSD documents and of the `hcv` input (spec erezept-pharmacy §3.9).
 * It is Latin-1 except for eight positions (€, Š, š, Ž, ž, Œ, œ, Ÿ), so Node's 'latin1' would decode and — worse —
 * encode those wrongly: 'Š' (U+0160) becomes 0x60 there, a different `hcv`. A table of the eight keeps this exact
 * without ICU (WHATWG's TextDecoder 'latin1' is even windows-1252).
 */

/** byte → code point where ISO-8859-15 differs from ISO-8859-1 */
const DIFFERENT: ReadonlyMap<number, number> = new Map([
  [0xa4, 0x20ac], // €
  [0xa6, 0x0160], // Š
  [0xa8, 0x0161], // š
  [0xb4, 0x017d], // Ž
  [0xb8, 0x017e], // ž
  [0xbc, 0x0152], // Œ
  [0xbd, 0x0153], // œ
  [0xbe, 0x0178], // Ÿ
]);

const ENCODE_DIFFERENT: ReadonlyMap<number, number> = new Map([...DIFFERENT].map(([byte, codePoint]) => [codePoint, byte]));

/** Every byte is a character in ISO-8859-15, so decoding cannot fail. */
export function decodeIso885915(bytes: Uint8Array): string {
  const parts: string[] = [];
  // in slices: String.fromCharCode takes its arguments on the stack
  for (let start = 0; start < bytes.length; start += 8192) {
    const codes = Array.from(bytes.subarray(start, start + 8192), (byte) => DIFFERENT.get(byte) ?? byte);
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/** The bytes of `text` in ISO-8859-15, or undefined when a character has none (e.g. '¤', 'ł', an emoji). */
export function encodeIso885915(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    const different = ENCODE_DIFFERENT.get(codePoint);
    if (different !== undefined) bytes.push(different);
    else if (codePoint <= 0xff && !DIFFERENT.has(codePoint)) bytes.push(codePoint);
    else return undefined;
  }
  return Uint8Array.from(bytes);
}
