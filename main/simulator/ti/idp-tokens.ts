/**
 * The simulated Fachdienst accepts the simulated IDP's access tokens beside `/_sim/token`'s (spec ti-transport
 * §2.8, what the real FD checks on every request): `BP256R1` signed by `puk_idp_sig`; `professionOID`, `iat`,
 * `exp`, `iss`, `sub`, `acr`, `aud`, `idNummer`, `jti` present; `acr` loa-high; `aud` the FD's registered URI;
 * `now ≤ exp` and `iat ≤ now + 2 s`. Failures are 401s with the FD's texts.
 */
import { verify, type KeyObject } from 'node:crypto';
import { unauthorized, type AccessClaims, type TokenService } from '../auth';
import { ACR, FACHDIENST_AUDIENCE } from './idp/idp-app';

const REQUIRED_CLAIMS = ['professionOID', 'iat', 'exp', 'iss', 'sub', 'acr', 'aud', 'idNummer', 'jti'] as const;

export function verifyIdpAccessToken(token: string, idpSignatureKey: KeyObject, now: Date): AccessClaims {
  const [headerPart = '', payloadPart = '', signaturePart = ''] = token.split('.');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw unauthorized('JWT has invalid format');
  }
  if (header['alg'] !== 'BP256R1') throw unauthorized('JWT has invalid format');
  const signed = verify('sha256', Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'), { key: idpSignatureKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signaturePart, 'base64url'));
  if (!signed) throw unauthorized('JWT has invalid signature');
  if (REQUIRED_CLAIMS.some((name) => claims[name] === undefined || claims[name] === null)) throw unauthorized('JWT misses required claims');
  const { professionOID, idNummer, exp, iat, acr, aud } = claims;
  if (typeof professionOID !== 'string' || typeof idNummer !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') {
    throw unauthorized('JWT misses required claims');
  }
  if (acr !== ACR || aud !== FACHDIENST_AUDIENCE) throw unauthorized('JWT misses required claims');
  const seconds = now.getTime() / 1000;
  if (seconds > exp) throw unauthorized('JWT expired');
  if (iat > seconds + 2) throw unauthorized('JWT not yet valid');
  return { professionOID, idNummer };
}

/** The simulator's token service plus the IDP's tokens, told apart by their `alg`. */
export function withIdpTokens(base: TokenService, idpSignatureKey: KeyObject): TokenService {
  return {
    issue: (claims, now, lifetimeSeconds) => base.issue(claims, now, lifetimeSeconds),
    async verify(token, now) {
      const header = token.split('.')[0] ?? '';
      let alg: unknown;
      try {
        alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>)['alg'];
      } catch {
        alg = undefined;
      }
      return alg === 'BP256R1' ? verifyIdpAccessToken(token, idpSignatureKey, now) : base.verify(token, now);
    },
  };
}
