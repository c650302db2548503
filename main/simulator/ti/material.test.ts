import { describe, expect, it } from 'vitest';
import { findMaterialFolder, loadTiSimulationMaterial, MissingMaterialError } from './material';

describe('the TI simulation material', () => {
  const material = loadTiSimulationMaterial();

  it('every component certificate is issued by the simulation CA, carries a brainpool key and lasts years', () => {
    for (const { certificate } of [material.vau, material.idpDiscovery, material.idpSignature]) {
      expect(certificate.verify(material.simulationCa.publicKey)).toBe(true);
      expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('brainpoolP256r1');
      expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    }
  });

  it('each key belongs to its certificate; the VAU key is gematik\'s reference VAU key (spec ti-transport A.1)', () => {
    for (const { certificate, privateKey } of [material.vau, material.idpDiscovery, material.idpSignature, ...material.smcbs.values()]) {
      expect(certificate.checkPrivateKey(privateKey)).toBe(true);
    }
    const spki = material.vau.certificate.publicKey.export({ format: 'der', type: 'spki' });
    expect(spki.subarray(-64, -32).toString('hex')).toBe('8634212830dad457ca05305e6687134166b9c21a65ffebf555f4e75dfb048888');
  });

  it('the two TEST-ONLY SMC-Bs chain to GEM.SMCB-CA51 TEST-ONLY', () => {
    expect([...material.smcbs.keys()]).toEqual(['80276001011699902301', '80276001011699902302']);
    for (const { certificate } of material.smcbs.values()) {
      expect(certificate.subject).toContain('TEST-ONLY');
      expect(certificate.verify(material.cardCas[0]!.publicKey)).toBe(true);
    }
  });

  it('without the folder the simulator says where it looked and that an installed app has none', () => {
    expect(() => findMaterialFolder('/')).toThrow(MissingMaterialError);
  });
});
