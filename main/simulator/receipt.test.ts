import { describe, expect, it } from 'vitest';
import { fhirJsonToXml } from '../../shared/fhir/xml';
import { cryptoIds } from './ids';
import { receiptXmlForTest, type ReceiptInput } from './receipt';

const input = (over: Partial<ReceiptInput> = {}): ReceiptInput => ({
  prescriptionId: '160.000.000.000.001.54',
  receiptId: 'b0e1f7a2-4c1d-4c8e-9f3a-1b2c3d4e5f60',
  beneficiary: '3-SMC-B-Testkarte-883110000095957',
  inProgressAt: '2026-10-05T08:00:00.000Z',
  completedAt: new Date('2026-10-05T08:30:00.123Z'),
  prescriptionDigest: 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=',
  baseUrl: 'http://127.0.0.1:43117',
  ...over,
});

describe('the receipt XML (what the FD.SIG signature covers, spec §7)', () => {
  it('is byte for byte what the FHIR library writes — for many receipts', () => {
    for (let i = 0; i < 50; i++) {
      const { xml, unsigned } = receiptXmlForTest(
        input({
          completedAt: new Date(Date.UTC(2026, 9, 5, 8, i, i)),
          receiptId: cryptoIds.uuid(),
          beneficiary: `3-0${i}.2.2023001.16.101`,
        }),
        cryptoIds,
      );
      expect(xml).toBe(fhirJsonToXml(unsigned));
    }
  });

  it.each([
    ['a Telematik-ID with characters XML must escape', { beneficiary: '3-A&B <"Apotheke"> \'Süd\'' }],
    ['a base URL with a query-like part', { baseUrl: 'http://localhost:8080/fd?x=1&y=2' }],
  ])('is the library’s own output also for %s', (_what, over) => {
    const { xml, unsigned } = receiptXmlForTest(input(over), cryptoIds);
    expect(xml).toBe(fhirJsonToXml(unsigned));
    expect(xml).not.toContain('QQSLOT');
  });
});
