/**
 * The client's JOSE pieces against gematik's recorded institution login and reference tests (spec ti-transport
 * §4.4 K5, K6, K8–K13; Appendix A.3–A.7). The ECDH-ES decryption the IDP would do is written here from the
 * primitives — not taken from the simulated IDP — so client and simulator are each held to gematik's data.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gcmDecrypt } from '../../ti-crypto/aes-gcm';
import { generateBrainpoolKeyPair, publicKeyFromPoint, sharedSecret } from '../../ti-crypto/brainpool';
import { concatKdf } from '../../ti-crypto/kdf';
import { signRawEcdsaSha256 } from '../../ti-crypto/ecdsa-signature';
import type { CardSigner } from './card-signer';
import { cardJwsSigningInput, cardSignatureHash, encryptSignedChallenge, signChallengeWithCard } from './signed-challenge';
import { certificateFromX5c, decryptDir, encryptEcdhEs, jsonPayloadOf, njwtOf, parseCompactJws, verifyJws, type JsonObject } from './jose';
import { codeChallengeOf, createCodeVerifier } from './pkce';
import { atHashOf } from './sign-in';

const VECTORS = new URL('../../../test/fixtures/gematik/ti-vectors/', import.meta.url);
const CARDS = new URL('../../../test/fixtures/gematik/test-cards/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, VECTORS), 'utf8');
const recording = JSON.parse(read('rbel_ps_idp_flow_2021.json')) as {
  key_verifier: string;
  signed_challenge: string;
  signed_challenge_jws: string;
  token_jwes: string[];
  access_token_jws: string;
  code_challenge: string;
};
const IDP_ENCRYPTION_KEY = createPrivateKey(read('idp_enc_2021.pem'));
const IDP_SIGNATURE_KEY = new X509Certificate(read('idp_sig_2021.crt.pem')).publicKey;

/** ECDH-ES + A256GCM decryption as the IDP does it (RFC 7518 §4.6, spec ti-transport §2.1). */
function openLikeTheIdp(compact: string, recipient: KeyObject): { header: JsonObject; plaintext: Buffer } {
  const [encodedHeader = '', encryptedKey, iv = '', ciphertext = '', tag = ''] = compact.split('.');
  const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as JsonObject;
  expect(header).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM' });
  expect(encryptedKey).toBe('');
  const epk = header['epk'] as { x: string; y: string; crv: string };
  expect(epk.crv).toBe('BP-256');
  const ephemeral = publicKeyFromPoint({ x: Buffer.from(epk.x, 'base64url'), y: Buffer.from(epk.y, 'base64url') });
  const key = concatKdf(sharedSecret(recipient, ephemeral), 'A256GCM', 256);
  const plaintext = gcmDecrypt(key, Buffer.from(iv, 'base64url'), { ciphertext: Buffer.from(ciphertext, 'base64url'), tag: Buffer.from(tag, 'base64url') }, Buffer.from(encodedHeader, 'ascii'));
  return { header, plaintext };
}

describe('JWS BP256R1', () => {
  it('K5: the reference server\'s access token verifies with its eGK certificate; a changed payload does not', () => {
    const vector = JSON.parse(read('ref_access_token_rs_test.json')) as { cert_pem: string; token: string };
    const key = new X509Certificate(vector.cert_pem).publicKey;
    const jws = parseCompactJws(vector.token);
    expect(jws.header).toEqual({ alg: 'BP256R1' });
    expect(verifyJws(jws, key)).toBe(true);
    const [header, payload = '', signature] = vector.token.split('.');
    const changed = `${header}.${payload.slice(0, -2)}${payload.endsWith('A') ? 'B' : 'A'}${payload.slice(-1)}.${signature}`;
    expect(verifyJws(parseCompactJws(changed), key)).toBe(false);
  });

  it('no algorithm confusion: alg none, ES256 or a key of another type never verify', () => {
    const vector = JSON.parse(read('ref_access_token_rs_test.json')) as { cert_pem: string; token: string };
    const key = new X509Certificate(vector.cert_pem).publicKey;
    const [, payload, signature] = vector.token.split('.');
    for (const alg of ['none', 'ES256', 'HS256']) {
      const header = Buffer.from(JSON.stringify({ alg })).toString('base64url');
      expect(verifyJws(parseCompactJws(`${header}.${payload}.${signature}`), key)).toBe(false);
    }
    expect(verifyJws(parseCompactJws(vector.token), generateBrainpoolKeyPair().publicKey)).toBe(false);
  });

  it('K12: the reference IDP client test\'s signed challenge verifies with its own x5c', () => {
    const jws = parseCompactJws(read('idpclienttest_signed_challenge.txt').trim());
    expect(jws.header).toMatchObject({ alg: 'BP256R1', cty: 'NJWT' });
    expect(verifyJws(jws, certificateFromX5c(jws.header).publicKey)).toBe(true);
  });
});

describe('the recorded institution login (api-erp PS-IDP-Flow)', () => {
  const keyVerifier = JSON.parse(openLikeTheIdp(recording.key_verifier, IDP_ENCRYPTION_KEY).plaintext.toString('utf8')) as { token_key: string; code_verifier: string };

  it('K8: the key_verifier opens with the IDP\'s 2021 key to the recorded token key and code verifier', () => {
    expect(keyVerifier).toEqual({ token_key: 'MEZVVU5MQ21xeVRzWGJ5Z0Z6U04zb1p0eEd4Zjg5WEU', code_verifier: 'NFU6xpYzkKGCJCZAKQdVL4CiXhVsies2dVIlSVGLoB4' });
  });

  it('K9: PKCE S256 of the recorded code_verifier is the recorded code_challenge', () => {
    expect(codeChallengeOf(keyVerifier.code_verifier)).toBe(recording.code_challenge);
    const verifier = createCodeVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{128}$/);
  });

  it('K10: signed_challenge = JWE(exp of the challenge){ card JWS(x5c, cty NJWT){ challenge signed by the IDP } }', () => {
    const { header, plaintext } = openLikeTheIdp(recording.signed_challenge, IDP_ENCRYPTION_KEY);
    const cardJws = parseCompactJws(njwtOf(plaintext));
    expect(cardJws.compact).toBe(recording.signed_challenge_jws);
    expect(cardJws.header).toMatchObject({ typ: 'JWT', cty: 'NJWT', alg: 'BP256R1' });
    const cardCertificate = certificateFromX5c(cardJws.header);
    expect(cardCertificate.subject).toContain('Günther');
    expect(verifyJws(cardJws, cardCertificate.publicKey)).toBe(true);
    const challenge = parseCompactJws(njwtOf(cardJws.payload));
    expect(verifyJws(challenge, IDP_SIGNATURE_KEY)).toBe(true);
    expect(jsonPayloadOf(challenge)).toMatchObject({ token_type: 'challenge', exp: 1617206900, iat: 1617206720, code_challenge: recording.code_challenge });
    expect(header['exp']).toBe(1617206900);
  });

  it('K11: the token response opens with the token key; AT and ID token verify; at_hash and nonce match', () => {
    const tokenKey = Buffer.from(keyVerifier.token_key, 'base64url');
    expect(tokenKey).toHaveLength(32);
    const [first = '', second = ''] = recording.token_jwes.map((jwe) => njwtOf(decryptDir(jwe, tokenKey).plaintext));
    const accessToken = [first, second].find((token) => parseCompactJws(token).header['typ'] === 'at+JWT') ?? '';
    const idToken = accessToken === first ? second : first;
    expect(accessToken).toBe(recording.access_token_jws);
    expect(verifyJws(parseCompactJws(accessToken), IDP_SIGNATURE_KEY)).toBe(true);
    expect(verifyJws(parseCompactJws(idToken), IDP_SIGNATURE_KEY)).toBe(true);
    const atClaims = jsonPayloadOf(parseCompactJws(accessToken));
    expect(atClaims).toMatchObject({ idNummer: '1-HBA-Testkarte-883110000129084', professionOID: '1.2.276.0.76.4.30' });
    expect((atClaims['exp'] as number) - (atClaims['iat'] as number)).toBe(300);
    const idClaims = jsonPayloadOf(parseCompactJws(idToken));
    expect(idClaims['at_hash']).toBe('UMNCWxZ8c_kpNKvTcKsoyQ');
    expect(atHashOf(accessToken)).toBe('UMNCWxZ8c_kpNKvTcKsoyQ');
    expect(idClaims['nonce']).toBe('wjaLeQG0oalSdiaeunmJ');
    expect(() => decryptDir(recording.token_jwes[0] ?? '', Buffer.alloc(32, 1))).toThrow(/nicht öffnen/);
  });
});

describe('what the client sends', () => {
  it('K6: the card signs SHA-256 of the ASCII "header.payload" (api-erp authentisieren.adoc\'s example)', () => {
    const example = read('authentisieren_challenge_example.txt');
    expect(cardSignatureHash(example).toString('hex')).toBe('94238882b24aaade41950ecee5a8ab14c4196ed4c5d9d2dfa344fdfd63a27262');
    expect(cardSignatureHash(example).toString('base64')).toBe('lCOIgrJKqt5BlQ7O5airFMQZbtTF2dLfo0T9/WOicmI=');
  });

  it('K13: the client\'s ECDH-ES JWE opens with the recipient\'s key and carries the header members it was given', () => {
    const plaintext = Buffer.from('{"token_key":"x","code_verifier":"y"}');
    const jwe = encryptEcdhEs(plaintext, createPublicKey(IDP_ENCRYPTION_KEY), { cty: 'JSON' });
    const opened = openLikeTheIdp(jwe, IDP_ENCRYPTION_KEY);
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.header).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', cty: 'JSON' });
    expect(Buffer.from((opened.header['epk'] as { x: string }).x, 'base64url')).toHaveLength(32);
  });

  it('a challenge signed with a TEST-ONLY SMC-B\'s key nests like the recording and verifies end to end', async () => {
    const card = new URL('smcb/80276001011699902301/80276001011699902301-C_SMCB_AUT_E256_X509', CARDS);
    const certificate = readFileSync(`${card.pathname}.crt`);
    const privateKey = createPrivateKey(readFileSync(`${card.pathname}.prv.pem`));
    const hashes: Buffer[] = [];
    // a soft card: node's sign always hashes, so it signs the preimage the test knows (spec ti-transport §3.8)
    let lastInput = '';
    const signer: CardSigner = {
      readAuthenticationCertificate: async () => certificate,
      signHash: async (hash) => {
        hashes.push(hash);
        return { alg: 'BP256R1', signature: signRawEcdsaSha256(privateKey, Buffer.from(lastInput, 'ascii')) };
      },
    };
    const challenge = njwtOf(parseCompactJws(recording.signed_challenge_jws).payload);
    lastInput = cardJwsSigningInput(challenge, certificate, 'BP256R1');
    const cardJws = await signChallengeWithCard(challenge, signer);
    expect(hashes[0]).toEqual(cardSignatureHash(lastInput));
    const parsed = parseCompactJws(cardJws);
    expect(parsed.header['x5c']).toEqual([certificate.toString('base64')]);
    expect(verifyJws(parsed, certificateFromX5c(parsed.header).publicKey)).toBe(true);
    const jwe = encryptSignedChallenge(cardJws, challenge, createPublicKey(IDP_ENCRYPTION_KEY));
    const opened = openLikeTheIdp(jwe, IDP_ENCRYPTION_KEY);
    expect(opened.header).toMatchObject({ cty: 'NJWT', exp: 1617206900 });
    expect(njwtOf(opened.plaintext)).toBe(cardJws);
  });
});
