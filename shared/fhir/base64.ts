/**
 * Base64 ⇄ bytes without Node's Buffer, so that shared/ runs in Node and in the renderer alike
 * (architecture §3). FHIR carries binary content as base64 (`Binary.data`, `Bundle.signature.data`,
 * spec §3.2, §7).
 */
import { err, ok, type Result } from '../ipc/result';

// FHIR base64Binary allows whitespace inside the value (line-wrapped XML); padding is optional here
// because atob accepts unpadded input and some producers omit it.
const base64Alphabet = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard base64 (RFC 4648 §4); whitespace is ignored. Never throws. */
export function base64ToBytes(base64: string): Result<Uint8Array, string> {
  const compact = base64.replace(/\s+/g, '');
  if (!base64Alphabet.test(compact) || compact.length % 4 === 1) {
    return err('Base64-Daten sind ungültig');
  }
  let binary: string;
  try {
    binary = atob(compact);
  } catch {
    return err('Base64-Daten sind ungültig');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return ok(bytes);
}

/** Encodes bytes as standard, padded base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  // btoa needs a "binary string"; build it in chunks so large QES containers do not hit the
  // argument limit of String.fromCharCode.
  const chunkSize = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += chunkSize) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunkSize));
  }
  return btoa(binary);
}
