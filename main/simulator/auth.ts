/**
 * The simulator's stand-in for the IDP's ACCESS_TOKEN (spec §1.1, §10.1): a JWT signed with an ES256 key
 * generated at first start (kept in `<dataDir>/jwt-key.json` when there is a data directory), carrying the
 * claims the Fachdienst reads — `professionOID`, `idNummer` (Telematik-ID for institutions, KVNR for
 * insurants), `sub`, `iat`, `exp`. Every Fachdienst request's token is verified (signature and expiry against
 * the simulator clock); failures give 401 with the FD's texts (VauRequestHandler: "JWT expired", …).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { FachdienstError } from './operation-outcome';

/** The two pharmacy roles (spec §1.1): both may claim and dispense. */
export const PHARMACY_OIDS: readonly string[] = [ProfessionOids.publicPharmacy, ProfessionOids.hospitalPharmacy];

export interface AccessClaims {
  professionOID: string;
  idNummer: string;
}

export interface TokenService {
  issue(claims: AccessClaims, now: Date, lifetimeSeconds: number): Promise<string>;
  /** the verified claims; throws a 401 FachdienstError otherwise */
  verify(token: string, now: Date): Promise<AccessClaims>;
}

const ALG = 'ES256';
/** Verified tokens remembered (signature checked once); the cache is simply emptied when full. */
const VERIFIED_CACHE_SIZE = 10_000;
const KEY_FILE = 'jwt-key.json';
/** WWW-Authenticate on every 401, as the FD sends it (VauRequestHandler::wwwAuthenticateErrorInvalidToken). */
export const WWW_AUTHENTICATE = "Bearer realm='prescriptionserver.telematik', error='invalACCESS_TOKEN'";

export async function loadOrCreateTokenService(dataDir: string | undefined): Promise<TokenService> {
  const file = dataDir === undefined ? undefined : join(dataDir, KEY_FILE);
  let privateJwk: JWK;
  if (file !== undefined && existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const pair = await generateKeyPair(ALG, { extractable: true });
    privateJwk = await exportJWK(pair.privateKey);
    if (file !== undefined && dataDir !== undefined) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d: _d, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, ALG);
  const publicKey = await importJWK(publicJwk, ALG);
  // A pharmacy sends the same token with every request: its signature is checked once, its expiry every time.
  const verified = new Map<string, { claims: AccessClaims; exp: number }>();
  return {
    async issue(claims, now, lifetimeSeconds) {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({ professionOID: claims.professionOID, idNummer: claims.idNummer })
        .setProtectedHeader({ alg: ALG, typ: 'at+JWT' })
        .setSubject(randomUUID())
        .setIssuer('eRx-Counter-Fachdienst-Simulator')
        .setIssuedAt(iat)
        .setExpirationTime(iat + lifetimeSeconds)
        .sign(privateKey);
    },
    async verify(token, now) {
      const known = verified.get(token);
      if (known) {
        // jose's rule: expired once now ≥ exp
        if (now.getTime() / 1000 >= known.exp) throw unauthorized('JWT expired');
        return known.claims;
      }
      try {
        const { payload } = await jwtVerify(token, publicKey, { algorithms: [ALG], currentDate: now });
        const { professionOID, idNummer, sub } = payload as Record<string, unknown>;
        if (typeof professionOID !== 'string' || typeof idNummer !== 'string' || typeof sub !== 'string') {
          throw unauthorized('JWT misses required claims');
        }
        const claims = { professionOID, idNummer };
        if (typeof payload.exp === 'number') {
          if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear();
          verified.set(token, { claims, exp: payload.exp });
        }
        return claims;
      } catch (error) {
        if (error instanceof FachdienstError) throw error;
        if (error instanceof errors.JWTExpired) throw unauthorized('JWT expired');
        if (error instanceof errors.JWSSignatureVerificationFailed) throw unauthorized('JWT has invalid signature');
        if (error instanceof errors.JWTClaimValidationFailed) throw unauthorized('JWT misses required claims');
        throw unauthorized('JWT has invalid format');
      }
    },
  };
}

export function unauthorized(text: string): FachdienstError {
  return new FachdienstError(401, text, { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
}

/** The bearer token of an `Authorization` header, or a 401. */
export function bearerToken(header: string | undefined): string {
  // Without VAU there is no outer layer to answer 400 (FD VauRequestHandler); a missing token is a 401 here.
  if (header === undefined || header.trim() === '') throw unauthorized('Authorization header is missing');
  const m = /^Bearer +(\S+)$/i.exec(header.trim());
  if (!m) throw unauthorized('invalid Authorization Bearer header field');
  return m[1]!;
}
