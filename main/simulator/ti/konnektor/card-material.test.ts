import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CardMaterialError, loadCard, loadCards } from './card-material';
import { readCertificateFields } from '../certificate-fields';

const SMCB_ROOT = join(__dirname, '../../../../test/fixtures/gematik/test-cards/smcb');
const ADELHEID = join(SMCB_ROOT, '80276001011699902301');
const BERND = join(SMCB_ROOT, '80276001011699902302');
const scratch = mkdtempSync(join(tmpdir(), 'konnektor-cards-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadCard', () => {
  it('reads ICCSN, holder, Telematik-ID, role and key type of the Ulmendorfer SMC-Bs (test-cards README)', () => {
    const adelheid = loadCard(ADELHEID);
    expect(adelheid).toMatchObject({
      cardType: 'SMC-B',
      iccsn: '80276001011699902301',
      holderName: 'Apotheke Adelheid Ulmendorfer TEST-ONLY',
      telematikId: '3-01.2.2023001.16.101',
      professionOids: ['1.2.276.0.76.4.54'],
      keyType: 'ECC',
    });
    expect(adelheid.notAfter.toISOString()).toBe('2028-01-25T22:59:59.000Z');
    expect(adelheid.issuerName).toBe(
      'CN=GEM.SMCB-CA51 TEST-ONLY,OU=Institution des Gesundheitswesens-CA der Telematikinfrastruktur,O=gematik GmbH NOT-VALID,C=DE',
    );
    expect(adelheid.serialNumberDecimal).toBe(BigInt('0x0222fa6b9b3c79').toString(10));
    expect(adelheid.certificateDer).toEqual(readFileSync(join(ADELHEID, '80276001011699902301-C_SMCB_AUT_E256_X509.crt')));

    const bernd = loadCard(BERND);
    expect(bernd).toMatchObject({
      iccsn: '80276001011699902302',
      holderName: 'Apotheke Bernd Ulmendorfer TEST-ONLY',
      telematikId: '3-01.2.2023001.16.102',
    });
  });

  it('refuses a key that does not belong to the certificate', () => {
    const folder = join(scratch, 'mismatch');
    mkdirSync(folder);
    copyFileSync(join(ADELHEID, '80276001011699902301-C_SMCB_AUT_E256_X509.crt'), join(folder, '80276001011699902301-C_SMCB_AUT_E256_X509.crt'));
    copyFileSync(join(BERND, '80276001011699902302-C_SMCB_AUT_E256_X509.prv.pem'), join(folder, '80276001011699902301-C_SMCB_AUT_E256_X509.prv.pem'));
    expect(() => loadCard(folder)).toThrow(CardMaterialError);
    expect(() => loadCard(folder)).toThrow(/passt nicht zum Zertifikat/);
  });

  it('refuses a folder without a certificate and a file name without ICCSN', () => {
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    expect(() => loadCard(empty)).toThrow(/genau eine \.crt-Datei/);
    const unnamed = join(scratch, 'unnamed');
    mkdirSync(unnamed);
    copyFileSync(join(ADELHEID, '80276001011699902301-C_SMCB_AUT_E256_X509.crt'), join(unnamed, 'card.crt'));
    expect(() => loadCard(unnamed)).toThrow(/ICCSN/);
  });
});

describe('loadCards', () => {
  it('loads every card folder with a certificate in name order and skips .p12-only cards', () => {
    const cards = loadCards(SMCB_ROOT);
    expect(cards.map((card) => card.iccsn)).toEqual(['80276001011699902301', '80276001011699902302']);
  });
});

describe('readCertificateFields', () => {
  it('reads no Admission from a CA certificate and the Telematik-ID of the api-erp example SMC-B', () => {
    const ca = readFileSync(join(__dirname, '../../../../test/fixtures/gematik/test-cards/ca/GEM.SMCB-CA51-TEST-ONLY.crt'));
    expect(readCertificateFields(ca).admission).toBeUndefined();
    const example = readFileSync(join(__dirname, '../../../../test/fixtures/gematik/ti-vectors/authentisieren_readcardcertificate_example.der'));
    // spec ti-transport Appendix A.8
    expect(readCertificateFields(example).admission?.registrationNumber).toBe('1-SMC-B-Testkarte--883110000163972');
  });

  it('refuses bytes that are no certificate', () => {
    expect(() => readCertificateFields(Buffer.from('3003020101', 'hex'))).toThrow(/kein X.509-Zertifikat/);
  });
});
