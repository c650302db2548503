/**
 * The simulated PoPP service (Proof of Patient Presence) and the Fachdienst's check of its token at `GET /Task`
 * with `X-PoPP-Token` (spec erezept-pharmacy §3.9 "PoPP"; A_22432-02, A_26450, A_26452, A_23399-01, A_23402-01,
 * A_22431-02).
 *
 * The real PoPP service signs with a key certified for the role oid_popp-token, published through its entity
 * statement and JWKS, and the Fachdienst checks the signature against those. Here the simulator signs with its own
 * ES256 key on P-256 (the `alg` the FD demands), made per simulator state and kept in its settings like the PN key
 * (proof-key.ts): no certificate, no entity statement — nothing of the PoPP PKI is simulated or checked. A TEST key.
 *
 * Claims as FD 1.22 reads them (PoPPToken.hxx, PoPPVerifier.cxx): header `typ` "vnd.telematik.popp+jwt", `alg`
 * ES256, `kid`; payload `iss`, `iat`, `actorId` (the pharmacy's Telematik-ID — the spec digest writes `actor_id`,
 * the FD's claim is `actorId`), `patientId` (the KVNR), `proofMethod`, `patientProofTime`.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import type { SettingsStore } from './egk-settings';

const KEY = 'egk.poppKey';
const TOKEN_TYPE = 'vnd.telematik.popp+jwt';
const ALG = 'ES256';
/** the simulated service's URL; `.invalid` never resolves (RFC 2606) */
const ISSUER = 'https://popp.simulation.invalid';
/** A_23399-01: `iat` at most 30 minutes old (spec §3.9, §9.4; FD 1.22 `popp/tokenIatMaxAgeSeconds` = 1800) */
const IAT_MAX_AGE_SECONDS = 1800;
/** a pharmacy (provider institution) read the eGK through the PoPP service's trusted channel */
const PROOF_METHOD = 'ehc-provider-trustedchannel';
/** a PoPP token is a few hundred characters; anything far larger is not one */
const MAX_TOKEN_LENGTH = 8192;

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function signingKey(store: SettingsStore): SigningKey {
  const loaded = loadKey(store.getSetting(KEY));
  if (loaded) return loaded;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  store.setSetting(KEY, JSON.stringify({ kid, jwk: privateKey.export({ format: 'jwk' }) }));
  return { kid, privateKey, publicKey: createPublicKey(privateKey) };
}

function loadKey(raw: string | undefined): SigningKey | undefined {
  if (raw === undefined) return undefined;
  try {
    const stored = JSON.parse(raw) as { kid?: unknown; jwk?: unknown };
    if (typeof stored.kid !== 'string' || typeof stored.jwk !== 'object' || stored.jwk === null) return undefined;
    const privateKey = createPrivateKey({ key: stored.jwk as JsonWebKey, format: 'jwk' });
    return { kid: stored.kid, privateKey, publicKey: createPublicKey(privateKey) };
  } catch {
    return undefined;
  }
}

const part = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** A PoPP token as the PoPP service hands it to the pharmacy after reading the patient's eGK. */
export function issuePoppToken(store: SettingsStore, claims: { actorId: string; patientId: string }, now: Date): string {
  const key = signingKey(store);
  const iat = Math.floor(now.getTime() / 1000);
  const input = `${part({ alg: ALG, typ: TOKEN_TYPE, kid: key.kid })}.${part({
    iss: ISSUER,
    iat,
    proofMethod: PROOF_METHOD,
    patientProofTime: iat,
    patientId: claims.patientId,
    actorId: claims.actorId,
  })}`;
  const signature = sign('sha256', Buffer.from(input, 'ascii'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * The Fachdienst's verdict; a refusal is 403 "POPP-Token verification error." (FD getVerifiedToken) with `reason` as
 * the diagnostics. (FD 1.22 answers 400 for a verified token without `patientId`; the simulated service never issues
 * one, and a token it did not sign fails the signature first.)
 */
type PoppVerdict = { ok: true; kvnr: string } | { ok: false; reason: string };

/** FD 1.22 order: form → typ, alg, kid, signature (A_26450) → iss, iat, actorId (A_26452, A_23399-01, A_23402-01) → patientId (A_22431-02). */
export function verifyPoppToken(store: SettingsStore, token: string, callerTelematikId: string, now: Date): PoppVerdict {
  const refuse = (reason: string): PoppVerdict => ({ ok: false, reason });
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.trim().split('.') : [];
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = parts.length === 3 ? jsonObject(headerPart) : undefined;
  const payload = parts.length === 3 ? jsonObject(payloadPart) : undefined;
  if (!header || !payload || signaturePart === undefined) return refuse('PoPP token is not a compact JWT');
  if (header['typ'] !== TOKEN_TYPE) return refuse(`Unexpected PoPP token type: ${String(header['typ'])}`);
  if (header['alg'] !== ALG) return refuse(`Unexpected PoPP token algorithm: ${String(header['alg'])}`);
  const kid = header['kid'];
  if (typeof kid !== 'string' || kid === '') return refuse('Key-ID in PoPP Token is empty');
  const key = signingKey(store);
  if (kid !== key.kid) return refuse(`Could not retrieve public key for kid: ${kid}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (signature.length !== 64 || !verify('sha256', signed, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature)) {
    return refuse('PoPP token signature is invalid');
  }
  if (payload['iss'] !== ISSUER) return refuse(`PoPPToken.iss must contain the URL of the PoPP-Service: ${String(payload['iss'])}`);
  const iat = payload['iat'];
  if (typeof iat !== 'number' || !Number.isInteger(iat)) return refuse('iat claim is not an int64');
  // FD: now − iat < max age; an iat in the future passes
  if (now.getTime() / 1000 - iat >= IAT_MAX_AGE_SECONDS) return refuse(`PoPPToken.iat is older than ${IAT_MAX_AGE_SECONDS / 60} minutes`);
  const actorId = payload['actorId'];
  if (typeof actorId !== 'string') return refuse('missing claim field: actorId');
  if (actorId !== callerTelematikId) return refuse('PoPPToken.actorId does not match ACCESS_TOKEN.idNumber');
  const patientId = payload['patientId'];
  if (typeof patientId !== 'string') return refuse('missing claim field: patientId');
  return { ok: true, kvnr: patientId };
}

function jsonObject(encoded: string | undefined): Record<string, unknown> | undefined {
  if (encoded === undefined || !/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
