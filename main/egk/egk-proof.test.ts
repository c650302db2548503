/**
 * From a ReadVSD answer to `kvnr`, `hcv`, `pnw` (spec erezept-pharmacy §3.9) for gematik's three recorded answers.
 * The expected `hcv`s were computed by hand from the decoded documents, with
 * `printf '<Beginn><Strasse>' | openssl dgst -sha256` (Strasse in ISO-8859-15 bytes), first 5 bytes, top bit
 * cleared, base64url:
 *   KoCoBox  19680201 + „Kortrijker Str.“      ⇒ 7837ce88d4 ⇒ eDfOiNQ
 *   RISE     20130101 + „Lübecker Str.“ (0xFC) ⇒ a4f23d3406 → 24f23d3406 ⇒ JPI9NAY
 *   secunet  20130101 + „Friedrich-Ebert-Str.“ ⇒ e6648b7131 → 66648b7131 ⇒ ZmSLcTE
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { KonnektorClient } from '../ti/konnektor/konnektor-client';
import { FakeKonnektor } from '../ti/konnektor/testing';
import { readEgkProof } from './egk-proof';
import { EGK_FIXTURES, RECORDED_ANSWERS, pack, personalDocument, recordedFields, type Vendor } from './testing';

const compact = (base64: string) => base64.replace(/\s+/g, '');

describe('readEgkProof on the recorded answers', () => {
  it.each([
    ['KOCO', 'F405001079', 'eDfOiNQ', 3, { name: 'Tvsd Wagner', birthDate: '1956-10-07' }],
    ['RISE', 'F801004277', 'JPI9NAY', 2, { name: 'Dr. Tvsd von Gematik', birthDate: '1981-08-30' }],
    ['SECUNET', 'F801004277', 'ZmSLcTE', 1, { name: 'Dr. Tvsd von Gematik', birthDate: '1981-08-30' }],
  ] as const)('%s: kvnr %s, hcv %s, PN result %s, the patient, the pnw passed through', (vendor: Vendor, kvnr, hcv, pnResult, patient) => {
    const fields = recordedFields(vendor);
    expect(readEgkProof(fields)).toEqual({ ok: true, data: { kvnr, hcv, pnw: compact(fields.pruefungsnachweis), pnResult, patient } });
  });

  it('the pnw is the Konnektor\'s base64 unchanged but for the pretty-printing whitespace (KoCoBox wraps it in newlines)', () => {
    const fields = recordedFields('KOCO');
    expect(fields.pruefungsnachweis).toMatch(/^\s+H4sI/);
    const proof = readEgkProof(fields);
    expect(proof.ok && proof.data.pnw).toBe('H4sIAAAAAAAA/x2N0QqCMBhGX2XsPv9NESS2eVEGXWSS1m2MtkzSX2lD6+0b3h0OnO8T+XfoyWw/rhtRUh4xSiw+RtNhK+m1OWwySpzXaHQ/opX0Zx3NlahKEkJ0kr68n7YAi4taO2jfvSNj4alhdmaACReY19Hd/nS/FZf6eC7Xm+CUaGoVszhlnCcs41maCAhKFCpAoQRUpfoDxsVnR6EAAAA=');
  });
});

describe('readEgkProof refuses', () => {
  it('an answer without Prüfungsnachweis', () => {
    const { pruefungsnachweis: _, ...withoutProof } = recordedFields('RISE');
    expect(readEgkProof(withoutProof)).toMatchObject({ ok: false, error: { code: 'no-proof' } });
    expect(readEgkProof({ ...withoutProof, pruefungsnachweis: ' \n ' })).toMatchObject({ ok: false, error: { code: 'no-proof' } });
  });

  it('a card whose personal data cannot be read, naming the step', () => {
    const fields = { ...recordedFields('RISE'), persoenlicheVersichertendaten: pack(personalDocument('F801004278', '<Geburtsdatum>19810830</Geburtsdatum><Vorname>Tvsd</Vorname><Nachname>Gematik</Nachname>')) };
    expect(readEgkProof(fields)).toMatchObject({ ok: false, error: { code: 'bad-kvnr', detail: 'PersoenlicheVersichertendaten: Versicherten_ID checksum' } });
  });

  it('a proof with a result the Fachdienst does not take', () => {
    const fields = { ...recordedFields('RISE'), pruefungsnachweis: pack('<PN xmlns="http://ws.gematik.de/fa/vsdm/pnw/v1.0"><TS>20250113081552</TS><E>6</E></PN>') };
    expect(readEgkProof(fields)).toMatchObject({ ok: false, error: { code: 'bad-proof-result' } });
  });

  it('leaves out a birth date the card gives only in part', () => {
    const person = '<Geburtsdatum>19810000</Geburtsdatum><Vorname>Tvsd</Vorname><Nachname>Gematik</Nachname>';
    const proof = readEgkProof({ ...recordedFields('RISE'), persoenlicheVersichertendaten: pack(personalDocument('F801004277', person)) });
    expect(proof).toMatchObject({ ok: true, data: { patient: { name: 'Tvsd Gematik' } } });
    expect(proof.ok && proof.data.patient).not.toHaveProperty('birthDate');
  });
});

describe('the whole app side: KonnektorClient.readVsd → readEgkProof', () => {
  let fake: FakeKonnektor;
  afterEach(async () => {
    await fake.stop();
  });

  it('reads the card over the (fake) Konnektor and derives the same proof as from the recording', async () => {
    fake = new FakeKonnektor();
    const recording = readFixture(EGK_FIXTURES, RECORDED_ANSWERS.SECUNET);
    fake.cards = [
      { handle: 'SMC-B-1', iccsn: '80276883110000163972', holderName: 'Apotheke' },
      { handle: 'EGK-1', iccsn: '80276001011699901343', holderName: 'Tvsd Gematik', type: 'EGK', readVsd: () => ({ status: 200, body: recording }) },
    ];
    const client = KonnektorClient.fromConfig({ baseUrl: await fake.start(), allowPlainHttp: true });
    const [egk] = await client.getCards('EGK');
    const answer = await client.readVsd(egk?.handle ?? '', 'SMC-B-1');
    expect(readEgkProof(answer)).toEqual(readEgkProof(recordedFields('SECUNET')));
    expect(readEgkProof(answer)).toMatchObject({ ok: true, data: { kvnr: 'F801004277', hcv: 'ZmSLcTE', pnResult: 1 } });
  });
});
