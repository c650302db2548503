/**
 * Whether a certificate served by the Fachdienst (VAU) or the IDP belongs to the TI: the Primärsystem asks the
 * Konnektor (`VerifyCertificate`, spec ti-transport §1.2, §2.2, §3.6) and compares the technical role —
 * oid_erp-vau 1.2.276.0.76.4.258 for the VAU, oid_idpd 1.2.276.0.76.4.260 for the IDP. INCONCLUSIVE (valid
 * offline, revocation unknown) is accepted as the spec says; INVALID or a missing role is refused.
 *
 * Before the Konnektor is asked, the environment's own rule (issue: test anchors only in the TI simulation): a
 * certificate of the simulator's own PKI ("eRx Counter TI-Simulation") is refused everywhere but in the TI
 * simulation — a misrouted address must never make the app talk to a simulator as if it were the TI — and in
 * production (PU) every TEST-ONLY certificate of gematik's test PKI is refused as well. RU runs on that test PKI.
 */
import { X509Certificate } from 'node:crypto';
import type { IdpCertificateTrust } from './idp/discovery';
import type { CertificateVerification } from './konnektor/konnektor-client';
import { TiError } from './ti-error';
import { VauCertificateError, type VauCertificateTrust } from './vau/vau-certificate';

export const ROLE_ERP_VAU = '1.2.276.0.76.4.258';
export const ROLE_IDPD = '1.2.276.0.76.4.260';

export interface CertificateVerifier {
  verifyCertificate(der: Buffer): Promise<CertificateVerification>;
}

/** `simulation`: every address on loopback; `reference`: RU, RU-DEV, own hosts; `production`: PU. */
export type TiTrustPolicy = 'simulation' | 'reference' | 'production';

/** The subject organisation of the simulator's CA (scripts/make-ti-simulation-material.sh). */
const SIMULATION_PKI = 'eRx Counter TI-Simulation';

export function vauTrustThrough(konnektor: CertificateVerifier, policy: TiTrustPolicy): VauCertificateTrust {
  return async (certificate) => {
    const problem = testAnchorRefusal(new X509Certificate(certificate.der), policy) ?? refusal(await konnektor.verifyCertificate(certificate.der), ROLE_ERP_VAU);
    if (problem) throw new VauCertificateError(`VAU-Zertifikat ${problem}`);
  };
}

export function idpTrustThrough(konnektor: CertificateVerifier, policy: TiTrustPolicy): IdpCertificateTrust {
  return async (certificate: X509Certificate, purpose) => {
    const problem = testAnchorRefusal(certificate, policy) ?? refusal(await konnektor.verifyCertificate(certificate.raw), ROLE_IDPD);
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

function testAnchorRefusal(certificate: X509Certificate, policy: TiTrustPolicy): string | undefined {
  if (policy === 'simulation') return undefined;
  const names = `${certificate.subject}\n${certificate.issuer}`;
  if (names.includes(SIMULATION_PKI)) return 'aus der PKI der TI-Simulation (TEST-ONLY) – außerhalb der TI-Simulation nicht zulässig';
  if (policy === 'production' && names.includes('TEST-ONLY')) return 'aus der Test-PKI (TEST-ONLY) – in der Produktivumgebung (PU) nicht zulässig';
  return undefined;
}
