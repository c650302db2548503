/**
 * The generated training SMC-B (an installed app's simulated Konnektor, training-smcb.ts): a card every reader of
 * a real one accepts — C.HCI.AUT with the Admission extension (spec ti-transport §2.8), brainpoolP256r1 (§1.8),
 * a signature over its own certificate that verifies — and never mistaken for a real card.
 */
import { sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isBrainpoolKey } from '../../../ti-crypto/brainpool';
import { readCertificateFields } from '../certificate-fields';
import { createTrainingSmcb, TRAINING_SMCB_HOLDER, TRAINING_SMCB_ICCSN } from './training-smcb';

const NOW = new Date('2026-12-07T10:00:00Z');

describe('createTrainingSmcb', () => {
  const card = createTrainingSmcb('3-TRAINING-NUR-TEST', NOW);

  it('carries the Telematik-ID and a public pharmacy\'s profession OID in the Admission extension', () => {
    const fields = readCertificateFields(card.certificateDer);
    expect(fields.admission).toEqual({ registrationNumber: '3-TRAINING-NUR-TEST', professionOids: ['1.2.276.0.76.4.54'] });
    expect(card.telematikId).toBe('3-TRAINING-NUR-TEST');
    expect(card.holderName).toBe(TRAINING_SMCB_HOLDER);
    expect(card.iccsn).toBe(TRAINING_SMCB_ICCSN);
    expect(card.iccsn).toMatch(/^\d{20}$/);
  });

  it('is an ECC card on brainpoolP256r1 whose key signs what its certificate verifies (ExternalAuthenticate)', () => {
    expect(card.keyType).toBe('ECC');
    expect(isBrainpoolKey(card.certificate.publicKey)).toBe(true);
    const challenge = Buffer.alloc(32, 7);
    const signature = sign('sha256', challenge, card.privateKey);
    expect(verify('sha256', challenge, card.certificate.publicKey, signature)).toBe(true);
  });

  it('is self-signed, valid from a day before the start for five years, and says NUR TEST in subject and issuer', () => {
    expect(card.certificate.verify(card.certificate.publicKey)).toBe(true);
    expect(card.issuerName).toBe(card.subjectName);
    expect(new Date(card.certificate.validFrom).getTime()).toBe(NOW.getTime() - 86_400_000);
    expect(card.notAfter.getUTCFullYear()).toBe(2031);
    expect(card.subjectName).toContain('NUR TEST');
    expect(card.issuerName).toContain('NUR TEST');
  });

  it('a new key and serial per start: nothing of it is a fixed secret', () => {
    const other = createTrainingSmcb('3-TRAINING-NUR-TEST', NOW);
    expect(other.serialNumberDecimal).not.toBe(card.serialNumberDecimal);
    expect(other.certificateDer.equals(card.certificateDer)).toBe(false);
  });
});
