/**
 * The simulated central IDP under `/idp/` (spec ti-transport §2, §4.2): a signed discovery document, the two
 * keys, the challenge, the authentication with a card-signed challenge, and the token endpoint. It accepts
 * challenges signed by the simulation's TEST-ONLY SMC-Bs (their CA is in the material) and issues BP256R1 access
 * tokens whose claims come from the card certificate, as the real IDP does (§2.8).
 */
import { createHash, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { readCertificateFields } from '../certificate-fields';
import type { TiSimulationMaterial } from '../material';
import { bp256Jwk, IdpRequestError, openEcdhEs, readJws, sealDir, signBp256r1, x5cOf, type Claims } from './sim-jose';

/** Registered clients and their redirect URIs (IDPREF application.yml; spec ti-transport §2.3). */
const CLIENTS: Readonly<Record<string, string>> = { gematikTestPs: 'http://test-ps.gematik.de/erezept' };
/** The FD's registered audience (IDPREF application.yml; the simulated FD checks it, §2.8). */
export const FACHDIENST_AUDIENCE = 'https://erp-test.zentral.erp.splitdns.ti-dienste.de/';
export const ACR = 'gematik-ehealth-loa-high';
const DISCOVERY_LIFETIME_S = 24 * 3600;
const CHALLENGE_LIFETIME_S = 180;
const CODE_LIFETIME_S = 60;
const TOKEN_LIFETIME_S = 300;

export interface IdpSimulationState {
  /** the next N calls answer with the IDP's error (fault `idp-error`) */
  failNext: number;
  /** write puk_idp_sig/puk_idp_enc with 33-byte coordinates, as Java's BigInteger may (§4.2) */
  paddedJwkCoordinates: boolean;
}

export function initialIdpState(): IdpSimulationState {
  return { failNext: 0, paddedJwkCoordinates: false };
}

export interface IdpAppDeps {
  material: TiSimulationMaterial;
  now: () => Date;
  state: IdpSimulationState;
}

interface PendingCode {
  claims: Claims;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  scope: string;
  expiresAt: number;
}

export function idpApp(deps: IdpAppDeps): Hono {
  const { material } = deps;
  const app = new Hono();
  const usedChallenges = new Set<string>();
  const codes = new Map<string, PendingCode>();
  // sub = base64url(SHA-256(client_id + idNummer + server salt)): stable per user and client (§2.8)
  const subjectSalt = randomBytes(16).toString('hex');
  const seconds = (): number => Math.floor(deps.now().getTime() / 1000);
  const base = (c: Context): string => `${new URL(c.req.url).origin}/idp`;

  app.use('*', async (c, next) => {
    if (deps.state.failNext > 0) {
      deps.state.failNext -= 1;
      return idpError(c, new IdpRequestError('5000', 'server_error', 'simulierter IDP-Fehler', 500));
    }
    // The IDP refuses requests without a User-Agent (RBel notes, A_20015-01).
    if (!c.req.header('user-agent')) return idpError(c, new IdpRequestError('1000', 'invalid_request', 'User-Agent fehlt'));
    await next();
    return undefined;
  });

  app.get('/.well-known/openid-configuration', (c) => {
    const iat = seconds();
    const document = signBp256r1(
      { typ: 'JWT', kid: 'puk_disc_sig', x5c: x5cOf(material.idpDiscovery.certificate) },
      {
        issuer: base(c),
        iat,
        exp: iat + DISCOVERY_LIFETIME_S,
        authorization_endpoint: `${base(c)}/sign_response`,
        token_endpoint: `${base(c)}/token`,
        uri_puk_idp_enc: `${base(c)}/idpEnc/jwk.json`,
        uri_puk_idp_sig: `${base(c)}/idpSig/jwk.json`,
        jwks_uri: `${base(c)}/jwks`,
        scopes_supported: ['openid', 'e-rezept'],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['BP256R1'],
        acr_values_supported: [ACR],
        grant_types_supported: ['authorization_code'],
      },
      material.idpDiscovery.privateKey,
    );
    return c.body(document, 200, { 'Content-Type': 'application/jwt' });
  });

  const signatureJwk = (): Claims =>
    bp256Jwk(material.idpSignature.privateKey, { kid: 'puk_idp_sig', use: 'sig', x5c: x5cOf(material.idpSignature.certificate) }, deps.state.paddedJwkCoordinates);
  const encryptionJwk = (): Claims =>
    bp256Jwk(material.idpEncryptionKey, { kid: 'puk_idp_enc', use: 'enc' }, deps.state.paddedJwkCoordinates);
  app.get('/idpSig/jwk.json', (c) => c.json(signatureJwk()));
  app.get('/idpEnc/jwk.json', (c) => c.json(encryptionJwk()));
  app.get('/jwks', (c) => c.json({ keys: [signatureJwk(), encryptionJwk()] }));

  app.get('/sign_response', guarded((c) => {
    const q = (name: string): string | undefined => c.req.query(name);
    const clientId = required(q('client_id'), '1002', 'client_id fehlt');
    const redirectUri = required(q('redirect_uri'), '1004', 'redirect_uri fehlt');
    if (CLIENTS[clientId] === undefined) throw new IdpRequestError('2012', 'invalid_client', 'client_id unbekannt');
    if (CLIENTS[clientId] !== redirectUri) throw new IdpRequestError('1020', 'invalid_request', 'redirect_uri ungültig');
    const state = required(q('state'), '2002', 'state fehlt');
    const codeChallenge = required(q('code_challenge'), '2009', 'code_challenge fehlt');
    if (q('code_challenge_method') !== 'S256') throw new IdpRequestError('2008', 'invalid_request', 'code_challenge_method muss S256 sein');
    if (q('response_type') !== 'code') throw new IdpRequestError('2004', 'invalid_request', 'response_type muss code sein');
    const scope = required(q('scope'), '1005', 'scope fehlt');
    if (!scope.split(' ').includes('openid') || !scope.split(' ').includes('e-rezept')) {
      throw new IdpRequestError('1022', 'invalid_scope', 'scope muss openid und e-rezept enthalten');
    }
    const iat = seconds();
    const challenge = signBp256r1(
      { typ: 'JWT', kid: 'puk_idp_sig' },
      {
        iss: base(c),
        iat,
        exp: iat + CHALLENGE_LIFETIME_S,
        response_type: 'code',
        token_type: 'challenge',
        jti: randomUUID(),
        snc: randomBytes(32).toString('base64url'),
        scope,
        client_id: clientId,
        state,
        redirect_uri: redirectUri,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        ...(q('nonce') === undefined ? {} : { nonce: q('nonce') }),
      },
      material.idpSignature.privateKey,
    );
    return c.json({
      challenge,
      user_consent: {
        requested_scopes: { openid: 'Zugriff auf den ID-Token', 'e-rezept': 'Zugriff auf die E-Rezept-Funktionalität.' },
        requested_claims: {
          organizationName: 'Zustimmung zur Verarbeitung der Organisationszugehörigkeit',
          professionOID: 'Zustimmung zur Verarbeitung der Rolle',
          idNummer: 'Zustimmung zur Verarbeitung der Id (z.B. Krankenversichertennummer, Telematik-Id)',
        },
      },
    });
  }));

  app.post('/sign_response', guarded(async (c) => {
    const form = await c.req.parseBody();
    const signedChallenge = typeof form['signed_challenge'] === 'string' ? form['signed_challenge'] : undefined;
    const jwe = openEcdhEs(required(signedChallenge, '2030', 'signed_challenge fehlt'), material.idpEncryptionKey);
    const cardJwsText = njwtOf(jwe.plaintext);
    const cardJws = readJws(cardJwsText);
    if (cardJws.header['cty'] !== 'NJWT' && cardJws.header['cty'] !== 'JWT') throw new IdpRequestError('2030', 'invalid_request', 'cty muss NJWT sein');
    const certificate = cardCertificate(cardJws.header, material, deps.now());
    if (!cardJws.signatureValid(certificate.publicKey)) throw new IdpRequestError('2013', 'invalid_request', 'Signatur der Karte ungültig');
    const challenge = readJws(String(cardJws.claims['njwt'] ?? ''));
    if (!challenge.signatureValid(material.idpSignature.certificate.publicKey)) throw new IdpRequestError('2031', 'invalid_request', 'Challenge nicht vom IDP');
    const challengeClaims = challenge.claims;
    if (typeof challengeClaims['exp'] !== 'number' || challengeClaims['exp'] < seconds()) throw new IdpRequestError('2032', 'invalid_request', 'Challenge ist abgelaufen');
    if (jwe.header['exp'] !== challengeClaims['exp']) throw new IdpRequestError('2030', 'invalid_request', 'exp des JWE passt nicht zur Challenge');
    const jti = String(challengeClaims['jti']);
    if (usedChallenges.has(jti)) throw new IdpRequestError('2033', 'invalid_request', 'Challenge wurde schon verwendet');
    usedChallenges.add(jti);

    const holder = readCertificateFields(certificate.raw);
    const code = randomBytes(32).toString('base64url');
    codes.set(code, {
      claims: {
        professionOID: holder.admission?.professionOids[0] ?? null,
        idNummer: holder.admission?.registrationNumber ?? null,
        organizationName: holder.subjectCommonName?.slice(0, 64) ?? null,
        given_name: holder.subjectGivenName ?? null,
        family_name: holder.subjectSurname ?? null,
      },
      clientId: String(challengeClaims['client_id']),
      redirectUri: String(challengeClaims['redirect_uri']),
      codeChallenge: String(challengeClaims['code_challenge']),
      nonce: typeof challengeClaims['nonce'] === 'string' ? challengeClaims['nonce'] : undefined,
      scope: String(challengeClaims['scope']),
      expiresAt: seconds() + CODE_LIFETIME_S,
    });
    const location = new URL(String(challengeClaims['redirect_uri']));
    location.searchParams.set('code', code);
    location.searchParams.set('state', String(challengeClaims['state']));
    return c.body(null, 302, { Location: location.href });
  }));

  app.post('/token', guarded(async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string): string | undefined => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    if (field('grant_type') !== 'authorization_code') throw new IdpRequestError('3005', 'unsupported_grant_type', 'grant_type muss authorization_code sein');
    const code = codes.get(required(field('code'), '3001', 'code fehlt'));
    const keyVerifier = required(field('key_verifier'), '3004', 'key_verifier fehlt');
    if (!code) throw new IdpRequestError('3011', 'invalid_grant', 'Authorization Code ist unbekannt');
    codes.delete(field('code') ?? '');
    if (code.expiresAt < seconds()) throw new IdpRequestError('3011', 'invalid_grant', 'Authorization Code ist abgelaufen');
    if (field('client_id') !== code.clientId) throw new IdpRequestError('3007', 'invalid_client', 'client_id passt nicht');
    if (field('redirect_uri') !== code.redirectUri) throw new IdpRequestError('1020', 'invalid_request', 'redirect_uri passt nicht');
    const verifier = JSON.parse(openEcdhEs(keyVerifier, material.idpEncryptionKey).plaintext.toString('utf8')) as Claims;
    const codeVerifier = String(verifier['code_verifier'] ?? '');
    if (createHash('sha256').update(codeVerifier, 'ascii').digest('base64url') !== code.codeChallenge) {
      throw new IdpRequestError('3000', 'invalid_grant', 'code_verifier passt nicht zur code_challenge');
    }
    const tokenKey = Buffer.from(String(verifier['token_key'] ?? ''), 'base64url');
    if (tokenKey.length !== 32) throw new IdpRequestError('3004', 'invalid_request', 'token_key muss 256 Bit lang sein');

    const iat = seconds();
    const exp = iat + TOKEN_LIFETIME_S;
    const sub = createHash('sha256').update(`${code.clientId}${String(code.claims['idNummer'])}${subjectSalt}`).digest('base64url');
    const common = { iss: base(c), sub, iat, exp, acr: ACR, amr: ['mfa', 'sc', 'pin'], azp: code.clientId, auth_time: iat, ...code.claims };
    const accessToken = signBp256r1(
      { typ: 'at+JWT', kid: 'puk_idp_sig' },
      { ...common, aud: FACHDIENST_AUDIENCE, client_id: code.clientId, scope: code.scope, jti: randomBytes(8).toString('hex') },
      material.idpSignature.privateKey,
    );
    const atHash = createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
    const idToken = signBp256r1(
      { typ: 'JWT', kid: 'puk_idp_sig' },
      { ...common, aud: code.clientId, at_hash: atHash, ...(code.nonce === undefined ? {} : { nonce: code.nonce }), jti: randomBytes(8).toString('hex') },
      material.idpSignature.privateKey,
    );
    const seal = (token: string): string => sealDir(JSON.stringify({ njwt: token }), tokenKey, { exp, cty: 'NJWT' });
    return c.json({ expires_in: TOKEN_LIFETIME_S, token_type: 'Bearer', access_token: seal(accessToken), id_token: seal(idToken) });
  }));

  return app;
}

/** The card's certificate from `x5c`: issued by a card CA of the TEST PKI and valid now (§4.2 step 4). */
function cardCertificate(header: Claims, material: TiSimulationMaterial, now: Date): X509Certificate {
  const x5c = header['x5c'];
  const first = Array.isArray(x5c) && typeof x5c[0] === 'string' ? x5c[0] : undefined;
  if (!first) throw new IdpRequestError('2030', 'invalid_request', 'x5c fehlt');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(first, 'base64'));
  } catch {
    throw new IdpRequestError('2020', 'invalid_request', 'x5c ist kein Zertifikat');
  }
  if (!material.cardCas.some((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey))) {
    throw new IdpRequestError('2020', 'invalid_request', 'Kartenzertifikat nicht aus der TI-PKI (Simulation)');
  }
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    throw new IdpRequestError('2020', 'invalid_request', 'Kartenzertifikat ist nicht gültig');
  }
  return certificate;
}

/** The IDP's refusals as its error body; anything else is a simulator bug and goes to the app's error handler. */
function guarded(handler: (c: Context) => Response | Promise<Response>): (c: Context) => Promise<Response> {
  return async (c) => {
    try {
      return await handler(c);
    } catch (error) {
      if (error instanceof IdpRequestError) return idpError(c, error);
      throw error;
    }
  };
}

function njwtOf(plaintext: Buffer): string {
  try {
    const value = (JSON.parse(plaintext.toString('utf8')) as Claims)['njwt'];
    if (typeof value === 'string') return value;
  } catch {
    // below
  }
  throw new IdpRequestError('2030', 'invalid_request', 'Inhalt ohne njwt');
}

function required(value: string | undefined, gematikCode: string, message: string): string {
  if (value === undefined || value === '') throw new IdpRequestError(gematikCode, 'invalid_request', message);
  return value;
}

/** The IDP's error body (IDPREF IdpErrorResponse, spec ti-transport §2.5). */
function idpError(c: Context, error: IdpRequestError): Response {
  return c.json(
    {
      error: error.error,
      gematik_code: error.gematikCode,
      gematik_timestamp: Math.floor(Date.now() / 1000),
      gematik_uuid: randomUUID(),
      gematik_error_text: error.message,
    },
    error.status as 400,
  );
}
