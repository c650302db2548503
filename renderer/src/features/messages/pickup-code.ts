/**
 * The pick-up code of a reply (payload `pickUpCodeHR` ≤ 8 characters, also sent as `pickUpCodeDMC`; spec §3.11): six
 * characters the patient reads out or shows as a DataMatrix at the counter. The alphabet leaves out what is easily
 * misread (0/O, 1/I), and it has exactly 32 symbols: one random byte modulo 32 picks each evenly.
 */
export const PICKUP_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const PICKUP_CODE_LENGTH = 6;

/** A new code from a cryptographic random source (injected in tests). */
export function generatePickUpCode(
  fillRandom: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): string {
  const bytes = fillRandom(new Uint8Array(PICKUP_CODE_LENGTH));
  let code = '';
  // 256 is a multiple of 32: no symbol is more likely than another
  for (const byte of bytes) code += PICKUP_CODE_ALPHABET[byte % PICKUP_CODE_ALPHABET.length];
  return code;
}
