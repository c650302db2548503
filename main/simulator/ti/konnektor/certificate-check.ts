/**
 * The simulated `VerifyCertificate` (spec ti-transport §3.6), deliberately simple:
 * - VALID when the certificate is within its validity at the verification time AND it is one of the configured
 *   trust anchors itself (a pinned self-signed certificate, e.g. the simulated VAU's) or is issued by one and its
 *   signature checks with that anchor's key. No chains longer than one step, no revocation (a real Konnektor asks
 *   OCSP; the simulator never answers INCONCLUSIVE). Anything else is INVALID.
 * - Roles: the professionOIDs of the Admission extension when the certificate has one (SMC-B, HBA, IDP and VAU
 *   certificates of the TI carry their role there); otherwise what the configuration lists for this exact
 *   certificate (by SHA-256 fingerprint) — for simulator certificates made with plain openssl, which cannot write
 *   Admission (§4.1). Unknown → no role.
 */
import { X509Certificate } from 'node:crypto';
import { readCertificateFields } from '../certificate-fields';

export interface KnownCertificateRoles {
  /** DER */
  certificate: Uint8Array;
  roles: readonly string[];
}

export interface CertificateTrust {
  anchors: readonly X509Certificate[];
  /** SHA-256 fingerprint (Node's colon-separated form) → roles */
  knownRoles: ReadonlyMap<string, readonly string[]>;
}

export type VerificationResult = 'VALID' | 'INVALID';

export function certificateTrust(anchors: readonly Uint8Array[], knownRoles: readonly KnownCertificateRoles[]): CertificateTrust {
  return {
    anchors: anchors.map((der) => new X509Certificate(der)),
    knownRoles: new Map(knownRoles.map((entry) => [new X509Certificate(entry.certificate).fingerprint256, entry.roles])),
  };
}

/** Throws for bytes that are no certificate (the caller answers Syntaxfehler). */
export function checkCertificate(
  der: Uint8Array,
  at: Date,
  trust: CertificateTrust,
): { result: VerificationResult; roles: readonly string[] } {
  const certificate = new X509Certificate(der);
  const admissionRoles = readCertificateFields(der).admission?.professionOids ?? [];
  const roles = admissionRoles.length > 0 ? admissionRoles : (trust.knownRoles.get(certificate.fingerprint256) ?? []);
  const timeValid = at >= new Date(certificate.validFrom) && at <= new Date(certificate.validTo);
  const trusted = trust.anchors.some(
    (anchor) => anchor.raw.equals(certificate.raw) || (certificate.checkIssued(anchor) && certificate.verify(anchor.publicKey)),
  );
  return { result: timeValid && trusted ? 'VALID' : 'INVALID', roles };
}
