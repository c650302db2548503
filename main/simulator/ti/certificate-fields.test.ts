import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCertificateFields } from './certificate-fields';
import { loadTiSimulationMaterial } from './material';

describe('readCertificateFields (Admission extension and subject)', () => {
  const material = loadTiSimulationMaterial();

  it('reads an SMC-B\'s Telematik-ID, profession and name (test-cards README)', () => {
    const card = material.smcbs.get('80276001011699902301');
    expect(readCertificateFields(card!.certificate.raw)).toMatchObject({
      admission: { professionOids: ['1.2.276.0.76.4.54'], registrationNumber: '3-01.2.2023001.16.101' },
      subjectCommonName: 'Apotheke Adelheid Ulmendorfer TEST-ONLY',
      subjectGivenName: 'Adelheid',
      subjectSurname: 'Ulmendorfer',
    });
    expect(readCertificateFields(material.smcbs.get('80276001011699902302')!.certificate.raw).admission?.registrationNumber).toBe('3-01.2.2023001.16.102');
  });

  it('reads the technical role of the simulation\'s component certificates', () => {
    expect(readCertificateFields(material.vau.certificate.raw).admission?.professionOids).toEqual(['1.2.276.0.76.4.258']);
    expect(readCertificateFields(material.idpSignature.certificate.raw).admission?.professionOids).toEqual(['1.2.276.0.76.4.260']);
  });

  it('the api-erp example SMC-B is a practice (4.50, not a pharmacy); a certificate without Admission has no roles', () => {
    const example = readFileSync(new URL('../../../test/fixtures/gematik/ti-vectors/authentisieren_readcardcertificate_example.der', import.meta.url));
    expect(readCertificateFields(example).admission?.professionOids).toEqual(['1.2.276.0.76.4.50']);
    expect(readCertificateFields(material.simulationCa.raw).admission).toBeUndefined();
  });
});
