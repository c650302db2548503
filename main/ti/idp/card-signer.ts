/**
 * The card the pharmacy signs in with (spec ti-transport §5 seam 3): its C.HCI.AUT certificate and a signature
 * over a 32-byte hash. The Konnektor's SMC-B implements it in production; a future ZETA sign-in needs exactly
 * the same two calls.
 */
export type CardSignatureAlgorithm = 'BP256R1' | 'PS256';

export interface CardSignature {
  /** the JWS `alg` this signature belongs in */
  alg: CardSignatureAlgorithm;
  /** ready for the JWS: raw r‖s for BP256R1, the raw RSA signature for PS256 */
  signature: Buffer;
}

export interface CardSigner {
  /** C.HCI.AUT, DER, exactly as stored on the card */
  readAuthenticationCertificate(): Promise<Buffer>;
  /** signs the given SHA-256 hash itself, without hashing again (spec ti-transport §3.5, K17) */
  signHash(hash: Buffer): Promise<CardSignature>;
}
