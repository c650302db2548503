/**
 * The institution's sign-in at the IDP with the SMC-B (spec ti-transport §2.3–§2.7; api-erp authentisieren.adoc):
 * authorization request with PKCE → challenge verified → consent → challenge signed by the card and encrypted to
 * the IDP → authorization code (302, never followed) → token request with `key_verifier` → access and ID token
 * decrypted with the token key and verified (signature, `nonce`, `at_hash`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { CurveError } from '../../ti-crypto/brainpool';
import { TiError } from '../ti-error';
import type { CardSigner } from './card-signer';
import type { IdpConfiguration } from './discovery';
import { idpErrorOf, idpRequest, type IdpHttpOptions } from './idp-http';
import { decryptDir, encryptEcdhEs, JoseError, jsonPayloadOf, njwtOf, parseCompactJws, verifyJws, type JsonObject } from './jose';
import { codeChallengeOf, createCodeVerifier, randomAlphanumeric } from './pkce';
import { encryptSignedChallenge, signChallengeWithCard } from './signed-challenge';

export interface SignInSettings {
  /** registered with gematik; `gematikTestPs` in the test environments */
  clientId: string;
  /** exactly the registered one */
  redirectUri: string;
  /** `openid e-rezept` (`e-rezept-dev` on RU-DEV) */
  scope: string;
}

/** The IDP's `user_consent` (requested scopes and claims with German texts), shown to the user (API steps 18–19). */
export type UserConsent = JsonObject;

export interface SignInDependencies {
  http: IdpHttpOptions;
  configuration: IdpConfiguration;
  card: CardSigner;
  /** resolves when the user agreed (or agreed before); rejects to cancel */
  consent: (userConsent: UserConsent) => Promise<void>;
  now: () => Date;
}

export interface SignedIn {
  /** the decrypted, still-signed access token (compact JWS): the bearer, inside the VAU too (§2.7) */
  accessToken: string;
  /** ms */
  expiresAt: number;
  claims: JsonObject;
}

export async function signIn(settings: SignInSettings, deps: SignInDependencies): Promise<SignedIn> {
  try {
    return await runSignIn(settings, deps);
  } catch (e) {
    if (e instanceof JoseError || e instanceof CurveError) {
      throw new TiError('idp', 'Die Antwort des Identity Providers (IDP) ist ungültig. Bitte den Support verständigen.', e.message);
    }
    throw e;
  }
}

async function runSignIn(settings: SignInSettings, deps: SignInDependencies): Promise<SignedIn> {
  const { configuration } = deps;
  const codeVerifier = createCodeVerifier();
  const state = randomAlphanumeric(20);
  const nonce = randomAlphanumeric(20);

  const authorization = new URL(configuration.authorizationEndpoint);
  const query = {
    client_id: settings.clientId,
    response_type: 'code',
    redirect_uri: settings.redirectUri,
    state,
    code_challenge: codeChallengeOf(codeVerifier),
    code_challenge_method: 'S256',
    scope: settings.scope,
    nonce,
  };
  for (const [name, value] of Object.entries(query)) authorization.searchParams.set(name, value);
  const challengeResponse = await idpRequest(deps.http, authorization.href, { method: 'GET' });
  if (challengeResponse.status !== 200) throw idpErrorOf('Challenge', challengeResponse);
  const { challenge, userConsent } = readChallengeResponse(challengeResponse.body);
  const challengeClaims = verifiedClaims(challenge, configuration, deps.now(), 'Challenge');
  if (challengeClaims['state'] !== state || challengeClaims['nonce'] !== nonce) throw wrongAnswer('Challenge gehört nicht zu dieser Anmeldung');
  await deps.consent(userConsent);

  const cardJws = await signChallengeWithCard(challenge, deps.card);
  const authentication = await idpRequest(deps.http, configuration.authorizationEndpoint, {
    method: 'POST',
    form: { signed_challenge: encryptSignedChallenge(cardJws, challenge, configuration.encryptionKey) },
  });
  const code = authorizationCodeOf(authentication, settings.redirectUri, state);

  const tokenKey = randomBytes(32);
  const keyVerifier = encryptEcdhEs(
    Buffer.from(JSON.stringify({ token_key: tokenKey.toString('base64url'), code_verifier: codeVerifier }), 'utf8'),
    configuration.encryptionKey,
    { cty: 'JSON' },
  );
  const tokenResponse = await idpRequest(deps.http, configuration.tokenEndpoint, {
    method: 'POST',
    form: { grant_type: 'authorization_code', client_id: settings.clientId, code, key_verifier: keyVerifier, redirect_uri: settings.redirectUri },
  });
  if (tokenResponse.status !== 200) throw idpErrorOf('Token', tokenResponse);
  return readTokens(tokenResponse.body, tokenKey, nonce, settings.clientId, configuration, deps.now());
}

function readChallengeResponse(body: string): { challenge: string; userConsent: UserConsent } {
  const parsed = parseJson(body, 'Challenge-Antwort');
  const challenge = parsed['challenge'];
  if (typeof challenge !== 'string') throw wrongAnswer('Challenge-Antwort ohne challenge');
  const consent = parsed['user_consent'];
  return { challenge, userConsent: typeof consent === 'object' && consent !== null ? (consent as UserConsent) : {} };
}

/** A JWS of the IDP: signature by `puk_idp_sig`, not expired. */
function verifiedClaims(compact: string, configuration: IdpConfiguration, now: Date, what: string): JsonObject {
  const jws = parseCompactJws(compact);
  if (!verifyJws(jws, configuration.signatureKey)) throw wrongAnswer(`${what}: Signatur des IDP ungültig`);
  const claims = jsonPayloadOf(jws);
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp * 1000 <= now.getTime()) throw wrongAnswer(`${what} ist abgelaufen`);
  return claims;
}

/** `302 Location: <redirect_uri>?code=…&state=…`, or the IDP's error (spec ti-transport §2.5). */
function authorizationCodeOf(response: { status: number; headers: Headers; body: string }, redirectUri: string, state: string): string {
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw idpErrorOf('Authentisierung', response);
  const target = new URL(location, redirectUri);
  const error = target.searchParams.get('error');
  if (error) {
    const code = target.searchParams.get('gematik_code') ?? error;
    throw new TiError('idp', 'Der Identity Provider (IDP) hat die Anmeldung mit der SMC-B abgelehnt. Bitte den Support verständigen.', `Authentisierung: ${error} gematik_code ${code} ${target.searchParams.get('error_description') ?? ''}`.trim(), code);
  }
  if (target.searchParams.get('state') !== state) throw wrongAnswer('Authentisierung: state passt nicht');
  const code = target.searchParams.get('code');
  if (!code) throw wrongAnswer('Authentisierung ohne code');
  return code;
}

function readTokens(body: string, tokenKey: Buffer, nonce: string, clientId: string, configuration: IdpConfiguration, now: Date): SignedIn {
  const parsed = parseJson(body, 'Token-Antwort');
  const { access_token: accessJwe, id_token: idJwe } = parsed;
  if (typeof accessJwe !== 'string' || typeof idJwe !== 'string') throw wrongAnswer('Token-Antwort ohne Tokens');
  const accessToken = njwtOf(decryptDir(accessJwe, tokenKey).plaintext);
  const idToken = njwtOf(decryptDir(idJwe, tokenKey).plaintext);
  const claims = verifiedClaims(accessToken, configuration, now, 'Access-Token');
  const idClaims = verifiedClaims(idToken, configuration, now, 'ID-Token');
  if (idClaims['nonce'] !== nonce) throw wrongAnswer('ID-Token: nonce passt nicht');
  if (idClaims['aud'] !== clientId) throw wrongAnswer('ID-Token: aud ist nicht die client_id');
  if (idClaims['at_hash'] !== atHashOf(accessToken)) throw wrongAnswer('ID-Token: at_hash passt nicht zum Access-Token');
  return { accessToken, expiresAt: (claims['exp'] as number) * 1000, claims };
}

/** base64url of the first 16 bytes of SHA-256 over the access token's ASCII (OIDC; spec ti-transport §2.7, K11). */
export function atHashOf(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

function parseJson(body: string, what: string): JsonObject {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as JsonObject;
  } catch {
    // reported below
  }
  throw wrongAnswer(`${what} ist kein JSON-Objekt`);
}

function wrongAnswer(technical: string): TiError {
  return new TiError('idp', 'Die Antwort des Identity Providers (IDP) ist ungültig. Bitte den Support verständigen.', technical);
}
