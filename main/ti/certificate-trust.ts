/**
 * Whether a certificate served by the Fachdienst (VAU) or the IDP belongs to the TI: the Primärsystem asks the
 * Konnektor (`VerifyCertificate`, spec ti-transport §1.2, §2.2, §3.6) and compares the technical role —
 * oid_erp-vau 1.2.276.0.76.4.258 for the VAU, oid_idpd 1.2.276.0.76.4.260 for the IDP. INCONCLUSIVE (valid
 * offline, revocation unknown) is accepted as the spec says; INVALID or a missing role is refused.
 */
import type { X509Certificate } from 'node:crypto';
import type { IdpCertificateTrust } from './idp/discovery';
import type { CertificateVerification } from './konnektor/konnektor-client';
import { TiError } from './ti-error';
import { VauCertificateError, type VauCertificateTrust } from './vau/vau-certificate';

export const ROLE_ERP_VAU = '1.2.276.0.76.4.258';
export const ROLE_IDPD = '1.2.276.0.76.4.260';

export interface CertificateVerifier {
  verifyCertificate(der: Buffer): Promise<CertificateVerification>;
}

export function vauTrustThrough(konnektor: CertificateVerifier): VauCertificateTrust {
  return async (certificate) => {
    const problem = refusal(await konnektor.verifyCertificate(certificate.der), ROLE_ERP_VAU);
    if (problem) throw new VauCertificateError(`VAU-Zertifikat ${problem}`);
  };
}

export function idpTrustThrough(konnektor: CertificateVerifier): IdpCertificateTrust {
  return async (certificate: X509Certificate, purpose) => {
    const problem = refusal(await konnektor.verifyCertificate(certificate.raw), ROLE_IDPD);
    if (problem) {
      throw new TiError('idp', 'Der Identity Provider (IDP) ist nicht vertrauenswürdig. Es wurde nichts gesendet. Bitte den Support verständigen.', `${purpose}: ${problem}`);
    }
  };
}

function refusal(verification: CertificateVerification, role: string): string | undefined {
  if (verification.result === 'INVALID') return 'vom Konnektor als ungültig abgelehnt (VerifyCertificate INVALID)';
  if (!verification.roles.includes(role)) return `ohne Rolle ${role} (Konnektor: ${verification.roles.join(', ') || 'keine'})`;
  return undefined;
}
