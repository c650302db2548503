/** PKCE S256, state and nonce of the authorization request (RFC 7636; spec ti-transport §2.3). */
import { createHash, randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * 96 random bytes in base64url = 128 characters of `[A-Za-z0-9-_]`, the length api-erp asks for (RFC 7636
 * allows 43–128).
 */
export function createCodeVerifier(): string {
  return randomBytes(96).toString('base64url');
}

/** `base64url(SHA-256(ASCII verifier))`, no padding. */
export function codeChallengeOf(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/** `state` and `nonce`: random alphanumerics (20 like the reference client's, or longer). */
export function randomAlphanumeric(length: number): string {
  let value = '';
  for (let i = 0; i < length; i += 1) value += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return value;
}
