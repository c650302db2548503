/**
 * The Fachdienst's VAU encryption certificate (spec ti-transport §1.2): DER as served by `/VAUCertificate`
 * (PEM tolerated), an EC key on brainpoolP256r1 only, inside its validity. Whether it is the E-Rezept VAU's
 * (role oid_erp-vau 1.2.276.0.76.4.258, chain to the TI) is the trust policy's question: the Konnektor's
 * `VerifyCertificate` in the TI, the simulator's pinned anchor in a TI simulation.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { isBrainpoolKey } from '../../ti-crypto/brainpool';

export interface VauCertificate {
  der: Buffer;
  publicKey: KeyObject;
  notAfter: Date;
  /** SHA-256 fingerprint, for logs and pinning */
  fingerprint256: string;
}

export class VauCertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VauCertificateError';
  }
}

/** Decides whether a structurally valid VAU certificate is the Fachdienst's; throws VauCertificateError if not. */
export type VauCertificateTrust = (certificate: VauCertificate) => Promise<void>;

export function readVauCertificate(body: Buffer, now: Date): VauCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(body);
  } catch {
    throw new VauCertificateError('VAU-Zertifikat ist kein X.509-Zertifikat');
  }
  if (!isBrainpoolKey(certificate.publicKey)) {
    throw new VauCertificateError('VAU-Zertifikat hat keinen brainpoolP256r1-Schlüssel');
  }
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (now < notBefore || now > notAfter) {
    throw new VauCertificateError(`VAU-Zertifikat ist nicht gültig (gültig ${certificate.validFrom} bis ${certificate.validTo})`);
  }
  return { der: Buffer.from(certificate.raw), publicKey: certificate.publicKey, notAfter, fingerprint256: certificate.fingerprint256 };
}
