/**
 * The IDP's discovery document (spec ti-transport §2.2): a compact JWS signed with its own `x5c` certificate
 * (role oid_idpd, checked by the trust policy), valid until its `exp`; with it the two IDP keys —
 * `puk_idp_sig` (with `x5c`) verifies challenge and tokens, `puk_idp_enc` receives the client's JWEs.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { TiError } from '../ti-error';
import { idpErrorOf, idpRequest, type IdpHttpOptions } from './idp-http';
import { certificateFromX5c, jsonPayloadOf, parseCompactJws, publicKeyFromJwk, verifyJws, type JsonObject } from './jose';

export type IdpCertificatePurpose = 'discovery-document' | 'idp-signature';

/** Decides whether an IDP certificate belongs to the TI's IDP (Konnektor `VerifyCertificate`, or the simulation's anchor). */
export type IdpCertificateTrust = (certificate: X509Certificate, purpose: IdpCertificatePurpose) => Promise<void>;

export interface IdpConfiguration {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  signatureKey: KeyObject;
  encryptionKey: KeyObject;
  /** ms; the document must be fetched again after it */
  expiresAt: number;
}

export function discoveryUrlOf(idpBaseUrl: string): string {
  return new URL('.well-known/openid-configuration', idpBaseUrl.endsWith('/') ? idpBaseUrl : `${idpBaseUrl}/`).href;
}

export async function loadIdpConfiguration(
  http: IdpHttpOptions,
  idpBaseUrl: string,
  trust: IdpCertificateTrust,
  now: Date,
): Promise<IdpConfiguration> {
  const response = await idpRequest(http, discoveryUrlOf(idpBaseUrl), { method: 'GET', accept: 'application/jwt, application/json' });
  if (response.status !== 200) throw idpErrorOf('Discovery-Dokument', response);
  const claims = await verifiedDocument(response.body.trim(), trust);
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp * 1000 <= now.getTime()) throw invalid('Discovery-Dokument ist abgelaufen');
  const authorizationEndpoint = endpoint(claims, 'authorization_endpoint');
  const tokenEndpoint = endpoint(claims, 'token_endpoint');
  const signatureJwk = await fetchJwk(http, endpoint(claims, 'uri_puk_idp_sig'));
  const signatureKey = publicKeyFromJwk(signatureJwk);
  // puk_idp_sig carries its certificate: its key must be the JWK's, and it must be the IDP's (§2.2)
  const signatureCertificate = certificateFromX5c(signatureJwk);
  if (!signatureCertificate.publicKey.equals(signatureKey)) throw invalid('puk_idp_sig passt nicht zu seinem Zertifikat');
  await trust(signatureCertificate, 'idp-signature');
  const encryptionKey = publicKeyFromJwk(await fetchJwk(http, endpoint(claims, 'uri_puk_idp_enc')));
  return { authorizationEndpoint, tokenEndpoint, signatureKey, encryptionKey, expiresAt: exp * 1000 };
}

async function verifiedDocument(compact: string, trust: IdpCertificateTrust): Promise<JsonObject> {
  let jws;
  try {
    jws = parseCompactJws(compact);
  } catch {
    throw invalid('Discovery-Dokument ist kein signiertes JWT');
  }
  const certificate = certificateFromX5c(jws.header);
  if (!verifyJws(jws, certificate.publicKey)) throw invalid('Signatur des Discovery-Dokuments ungültig');
  await trust(certificate, 'discovery-document');
  return jsonPayloadOf(jws);
}

async function fetchJwk(http: IdpHttpOptions, url: string): Promise<JsonObject> {
  const response = await idpRequest(http, url, { method: 'GET' });
  if (response.status !== 200) throw idpErrorOf('IDP-Schlüssel', response);
  try {
    const parsed = JSON.parse(response.body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as JsonObject;
  } catch {
    // reported below
  }
  throw invalid('IDP-Schlüssel ist kein JWK');
}

function endpoint(claims: JsonObject, name: string): string {
  const value = claims[name];
  if (typeof value !== 'string' || !/^https?:\/\//.test(value)) throw invalid(`Discovery-Dokument ohne ${name}`);
  return value;
}

function invalid(technical: string): TiError {
  return new TiError('idp', 'Der Identity Provider (IDP) ist nicht vertrauenswürdig oder antwortet fehlerhaft. Bitte den Support verständigen.', technical);
}
