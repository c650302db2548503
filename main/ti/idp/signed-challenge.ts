/**
 * The IDP challenge signed by the SMC-B and encrypted to the IDP (spec ti-transport §2.4, §2.5):
 * `JWE{ njwt: JWS_card{ njwt: challenge } }`. The card signs SHA-256 of the card JWS's signing input — the
 * header with the certificate in `x5c` and the payload wrapping the challenge exactly as received (K6).
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { isBrainpoolKey } from '../../ti-crypto/brainpool';
import type { CardSignatureAlgorithm, CardSigner } from './card-signer';
import { base64urlJson, encryptEcdhEs, jsonPayloadOf, parseCompactJws, JoseError } from './jose';

/** The bytes the card signs for a challenge: `base64url(header).base64url(payload)`. */
export function cardJwsSigningInput(challenge: string, certificateDer: Buffer, alg: string): string {
  // x5c is standard base64 with padding, not base64url (spec ti-transport §2.4 step 2)
  const header = { typ: 'JWT', cty: 'NJWT', alg, x5c: [certificateDer.toString('base64')] };
  return `${base64urlJson(header)}.${base64urlJson({ njwt: challenge })}`;
}

/**
 * What the card signs: SHA-256 over the ASCII signing input `header.payload` — not over the bare challenge
 * (api-erp authentisieren.adoc's example hash reproduces only this way, spec ti-transport §2.4 step 4, K6).
 */
export function cardSignatureHash(signingInput: string): Buffer {
  return createHash('sha256').update(signingInput, 'ascii').digest();
}

export async function signChallengeWithCard(challenge: string, signer: CardSigner): Promise<string> {
  const certificate = await signer.readAuthenticationCertificate();
  const alg = algorithmForCertificate(certificate);
  const signingInput = cardJwsSigningInput(challenge, certificate, alg);
  const hash = cardSignatureHash(signingInput);
  const { alg: signedWith, signature } = await signer.signHash(hash);
  if (signedWith !== alg) throw new JoseError(`Karte signiert mit ${signedWith}, Zertifikat verlangt ${alg}`);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** The JWE the IDP receives as `signed_challenge`; its `exp` is the challenge's (spec ti-transport §2.5). */
export function encryptSignedChallenge(cardJws: string, challenge: string, idpEncryptionKey: KeyObject): string {
  const exp = jsonPayloadOf(parseCompactJws(challenge))['exp'];
  if (typeof exp !== 'number') throw new JoseError('Challenge ohne exp');
  return encryptEcdhEs(Buffer.from(JSON.stringify({ njwt: cardJws }), 'utf8'), idpEncryptionKey, { cty: 'NJWT', exp });
}

/** BP256R1 for the card's brainpool key, PS256 only for a card that has just an RSA key (spec ti-transport §3.5). */
export function algorithmForCertificate(der: Buffer): CardSignatureAlgorithm {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    throw new JoseError('Kartenzertifikat ist kein X.509-Zertifikat');
  }
  if (isBrainpoolKey(certificate.publicKey)) return 'BP256R1';
  if (certificate.publicKey.asymmetricKeyType === 'rsa') return 'PS256';
  throw new JoseError('Kartenzertifikat hat weder brainpoolP256r1- noch RSA-Schlüssel');
}
