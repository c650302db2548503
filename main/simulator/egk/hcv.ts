/**
 * The simulator's side of the `hcv` (spec erezept-pharmacy §3.9): the first 5 bytes of SHA-256 over
 * Versicherungsbeginn (spaces removed) + Strasse (trimmed; "" when the card has none), both ISO-8859-15 encoded,
 * with the most significant bit of byte 0 cleared. The simulated Konnektor puts these raw 5 bytes into its
 * Prüfziffer (pruefungsnachweis.ts); the pharmacy sends them Base64URL-encoded as `hcv`, which the simulated
 * Fachdienst compares with the PZ.
 *
 * Written on its own: the app computes the hcv in its own code, so a mistake on one side cannot hide behind the
 * same mistake on the other (both are held to the spec's test vector).
 *
 * Also here: the ISO-8859-15 encoder the Konnektor's VSD documents use (gematik writes them in that encoding,
 * recorded ReadVSD answers in eRezept-Examples `erp_abrufen_egk`).
 */
import { createHash } from 'node:crypto';

const HCV_BYTES = 5;

/** ISO-8859-15 differs from ISO-8859-1 in these eight positions (the euro sign and seven letters). */
const LATIN9_SPECIALS: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0xa4], // €
  [0x0160, 0xa6], // Š
  [0x0161, 0xa8], // š
  [0x017d, 0xb4], // Ž
  [0x017e, 0xb8], // ž
  [0x0152, 0xbc], // Œ
  [0x0153, 0xbd], // œ
  [0x0178, 0xbe], // Ÿ
]);
/** …and so these Latin-1 characters have no place in ISO-8859-15 */
const LATIN1_ONLY = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);

/** The byte of one character in ISO-8859-15, or undefined when the character has none. */
function latin9Byte(codePoint: number): number | undefined {
  const special = LATIN9_SPECIALS.get(codePoint);
  if (special !== undefined) return special;
  return codePoint <= 0xff && !LATIN1_ONLY.has(codePoint) ? codePoint : undefined;
}

/** True when every character of `text` exists in ISO-8859-15. */
export function isIso885915(text: string): boolean {
  for (const char of text) if (latin9Byte(char.codePointAt(0) ?? 0) === undefined) return false;
  return true;
}

/** `text` in ISO-8859-15; throws a RangeError for a character the encoding lacks (callers check first). */
export function encodeIso885915(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const byte = latin9Byte(char.codePointAt(0) ?? 0);
    if (byte === undefined) throw new RangeError(`Zeichen U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()} gibt es in ISO-8859-15 nicht`);
    bytes.push(byte);
  }
  return Buffer.from(bytes);
}

/**
 * The raw 5 hcv bytes (spec §3.9). `insuranceStart` is the card's Versicherungsbeginn (YYYYMMDD), `street` its
 * Strasse; an absent street counts as "".
 */
export function hcvOf(insuranceStart: string, street: string | undefined): Buffer {
  const input = insuranceStart.replace(/ /g, '') + (street ?? '').trim();
  const digest = createHash('sha256').update(encodeIso885915(input)).digest();
  const hcv = Buffer.from(digest.subarray(0, HCV_BYTES));
  hcv[0] = (hcv[0] ?? 0) & 0x7f;
  return hcv;
}
