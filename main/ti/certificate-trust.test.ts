/**
 * Which VAU and IDP certificates the app trusts per environment (certificate-trust.ts): the Konnektor's
 * VerifyCertificate and the technical role always; the simulator's own PKI only in the TI simulation; gematik's
 * TEST-ONLY PKI not in production. Certificates: the simulator's VAU certificate and gematik's TEST-ONLY SMC-B CA.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idpTrustThrough, ROLE_ERP_VAU, ROLE_IDPD, vauTrustThrough, type CertificateVerifier } from './certificate-trust';
import type { CertificateVerification } from './konnektor/konnektor-client';
import { TiError } from './ti-error';
import { readVauCertificate, VauCertificateError } from './vau/vau-certificate';

const root = join(__dirname, '..', '..');
const simulationVau = readFileSync(join(root, 'main/simulator/ti/material/vau.pem'));
const gematikTestOnly = new X509Certificate(readFileSync(join(root, 'test/fixtures/gematik/test-cards/ca/GEM.SMCB-CA51-TEST-ONLY.pem')));

/** A Konnektor that finds every certificate VALID with the given roles, and counts what it was asked. */
function konnektor(roles: string[]): CertificateVerifier & { asked: number } {
  const verifier = {
    asked: 0,
    verifyCertificate: async (): Promise<CertificateVerification> => {
      verifier.asked += 1;
      return { result: 'VALID', roles };
    },
  };
  return verifier;
}

const vauCertificate = () => readVauCertificate(new X509Certificate(simulationVau).raw, new Date('2027-01-01T00:00:00Z'));

describe('VAU certificate trust per environment', () => {
  it('the TI simulation trusts the simulator\'s VAU certificate once the Konnektor says VALID with oid_erp-vau', async () => {
    const verifier = konnektor([ROLE_ERP_VAU]);
    await expect(vauTrustThrough(verifier, 'simulation')(vauCertificate())).resolves.toBeUndefined();
    expect(verifier.asked).toBe(1);
  });

  it.each(['reference', 'production'] as const)('%s refuses it although the Konnektor would say VALID — the Konnektor is not even asked', async (policy) => {
    const verifier = konnektor([ROLE_ERP_VAU]);
    const refusal = vauTrustThrough(verifier, policy)(vauCertificate());
    await expect(refusal).rejects.toBeInstanceOf(VauCertificateError);
    await expect(refusal).rejects.toThrow('TI-Simulation (TEST-ONLY)');
    expect(verifier.asked).toBe(0);
  });

  it('a certificate without the VAU role is refused in every environment', async () => {
    await expect(vauTrustThrough(konnektor([ROLE_IDPD]), 'simulation')(vauCertificate())).rejects.toThrow(`ohne Rolle ${ROLE_ERP_VAU}`);
  });
});

describe('IDP certificate trust per environment', () => {
  it('gematik\'s TEST-ONLY PKI is trusted in RU (the Konnektor decides) and refused in PU', async () => {
    await expect(idpTrustThrough(konnektor([ROLE_IDPD]), 'reference')(gematikTestOnly, 'discovery-document')).resolves.toBeUndefined();
    const verifier = konnektor([ROLE_IDPD]);
    const refusal = idpTrustThrough(verifier, 'production')(gematikTestOnly, 'discovery-document');
    await expect(refusal).rejects.toBeInstanceOf(TiError);
    await expect(refusal).rejects.toMatchObject({ hop: 'idp', technical: expect.stringContaining('Produktivumgebung (PU) nicht zulässig') });
    expect(verifier.asked).toBe(0);
  });
});
