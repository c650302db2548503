/**
 * The VSD readers against gematik's recorded ReadVSD answers (KoCoBox, RISE, secunet — the expected values read off
 * the decoded documents by hand: `base64 -d | gunzip`) and against hand-made documents for each refusal.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { EgkReadError } from './egk-error';
import { readInsuranceData, readPersonalData, readProof } from './vsd-documents';
import { insuranceDocument, pack, personalDocument, proofDocument, recordedFields } from './testing';

const PERSON = '<Geburtsdatum>19640812</Geburtsdatum><Vorname>Erika</Vorname><Nachname>Mustermann</Nachname><Geschlecht>W</Geschlecht>';
const ADDRESS = '<StrassenAdresse><Postleitzahl>10117</Postleitzahl><Ort>Berlin</Ort><Land><Wohnsitzlaendercode>D</Wohnsitzlaendercode></Land><Strasse>Musterstr.</Strasse><Hausnummer>1</Hausnummer></StrassenAdresse>';
const KVNR = 'X110411675';

function refusal(result: { ok: true } | { ok: false; error: EgkReadError }): EgkReadError {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

describe('readPersonalData', () => {
  it('KoCoBox: F405001079, Tvsd Wagner, 19561007, Kortrijker Str.', () => {
    expect(readPersonalData(recordedFields('KOCO').persoenlicheVersichertendaten)).toEqual({
      ok: true,
      data: { kvnr: 'F405001079', geburtsdatum: '19561007', vorname: 'Tvsd', nachname: 'Wagner', strasse: 'Kortrijker Str.' },
    });
  });

  it('RISE: F801004277, Dr. Tvsd von Gematik, Lübecker Str. (ü is 0xFC in the ISO-8859-15 bytes)', () => {
    expect(readPersonalData(recordedFields('RISE').persoenlicheVersichertendaten)).toEqual({
      ok: true,
      data: { kvnr: 'F801004277', geburtsdatum: '19810830', vorname: 'Tvsd', nachname: 'Gematik', vorsatzwort: 'von', titel: 'Dr.', strasse: 'Lübecker Str.' },
    });
  });

  it('secunet: the same insured person, another address (Friedrich-Ebert-Str.)', () => {
    const data = readPersonalData(recordedFields('SECUNET').persoenlicheVersichertendaten);
    expect(data).toMatchObject({ ok: true, data: { kvnr: 'F801004277', strasse: 'Friedrich-Ebert-Str.' } });
  });

  it('decodes ISO-8859-15, not Latin-1: 0xBC is Œ, 0xA6 is Š', () => {
    const person = '<Geburtsdatum>19700101</Geburtsdatum><Vorname>\xa6imon</Vorname><Nachname>\xbchlschl\xe4ger</Nachname><Namenszusatz>Graf</Namenszusatz>';
    expect(readPersonalData(pack(personalDocument(KVNR, person)))).toMatchObject({ ok: true, data: { vorname: 'Šimon', nachname: 'Œhlschläger', namenszusatz: 'Graf' } });
  });

  it('reads a UTF-8 document (declared, or by default without declaration) as UTF-8', () => {
    const person = Buffer.from('<Geburtsdatum>19700101</Geburtsdatum><Vorname>Zoë</Vorname><Nachname>Łukasik</Nachname>', 'utf8').toString('latin1');
    expect(readPersonalData(pack(personalDocument(KVNR, person, '<?xml version="1.0" encoding="UTF-8"?>')))).toMatchObject({ ok: true, data: { vorname: 'Zoë', nachname: 'Łukasik' } });
    expect(readPersonalData(pack(personalDocument(KVNR, person, '')))).toMatchObject({ ok: true, data: { nachname: 'Łukasik' } });
  });

  it('a card without street address has no strasse; a birth date with unknown month and day is kept', () => {
    const data = readPersonalData(pack(personalDocument(KVNR, '<Geburtsdatum>19560000</Geburtsdatum><Vorname>A</Vorname><Nachname>B</Nachname><PostfachAdresse><Postfach>12</Postfach></PostfachAdresse>')));
    expect(data).toEqual({ ok: true, data: { kvnr: KVNR, geburtsdatum: '19560000', vorname: 'A', nachname: 'B' } });
  });

  it('refuses a KVNR with a wrong check digit without repeating it', () => {
    const error = refusal(readPersonalData(pack(personalDocument('X123456789', PERSON + ADDRESS))));
    expect(error.code).toBe('bad-kvnr');
    expect(`${error.message} ${error.detail}`).not.toContain('X123456789');
  });

  it.each([
    ['no KVNR', personalDocument('', PERSON), 'missing-field'],
    ['no birth date', personalDocument(KVNR, '<Vorname>Erika</Vorname><Nachname>Mustermann</Nachname>'), 'missing-field'],
    ['no surname', personalDocument(KVNR, '<Geburtsdatum>19640812</Geburtsdatum><Vorname>Erika</Vorname>'), 'missing-field'],
    ['a birth date that is no date', personalDocument(KVNR, PERSON.replace('19640812', '19641312')), 'bad-field'],
    ['a day without month', personalDocument(KVNR, PERSON.replace('19640812', '19640012')), 'bad-field'],
    ['a name with elements inside', personalDocument(KVNR, PERSON.replace('Erika', '<b>Erika</b>')), 'bad-field'],
    ['a name with control characters', personalDocument(KVNR, PERSON.replace('Erika', 'Er&#x1b;[2Jika')), 'bad-field'],
    ['a name of 5 000 characters', personalDocument(KVNR, PERSON.replace('Erika', 'E'.repeat(5000))), 'bad-field'],
    ['another root element', personalDocument(KVNR, PERSON).replace(/UC_PersoenlicheVersichertendatenXML/g, 'UC_GeschuetzteVersichertendatenXML'), 'wrong-document'],
    ['another namespace', personalDocument(KVNR, PERSON).replace('vsd/v5.2', 'vsd/v5.1'), 'wrong-document'],
    ['a DOCTYPE with an entity', personalDocument(KVNR, PERSON.replace('Erika', '&x;')).replace('?>', '?><!DOCTYPE x [<!ENTITY x "Erika">]>'), 'not-xml'],
    ['XML cut off', personalDocument(KVNR, PERSON).slice(0, 200), 'not-xml'],
    ['Latin-9 bytes declared as UTF-8', personalDocument(KVNR, PERSON.replace('Erika', '\xbcrika'), '<?xml version="1.0" encoding="UTF-8"?>'), 'bad-encoding'],
    ['a character set nobody uses for VSD', personalDocument(KVNR, PERSON, '<?xml version="1.0" encoding="Shift_JIS"?>'), 'bad-encoding'],
  ])('refuses %s', (_, document, code) => {
    const error = refusal(readPersonalData(pack(document)));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/Gesundheitskarte/);
    expect(`${error.message} ${error.detail}`).not.toMatch(/Erika|Mustermann|X110411675|19640812/);
  });

  it('an XML error names the position, never the text around it (found by the fuzz suite: the parser quotes the document)', () => {
    const error = refusal(readPersonalData(pack(personalDocument(KVNR, PERSON.replace('Mustermann</Nachname>', 'Mustermann</Vorname>')))));
    expect(error.code).toBe('not-xml');
    expect(error.detail).toMatch(/^PersoenlicheVersichertendaten: kein wohlgeformtes XML \(Zeile 1, Spalte \d+\)$/);
  });

  it('refuses what is not base64(gzip(…)) and what unpacks to more than 64 KiB', () => {
    expect(refusal(readPersonalData('kein base64!')).code).toBe('not-base64');
    expect(refusal(readPersonalData('')).code).toBe('not-base64');
    expect(refusal(readPersonalData(Buffer.from('<xml/>').toString('base64'))).code).toBe('not-gzip');
    expect(refusal(readPersonalData(gzipSync(Buffer.alloc(65 * 1024, 0x20)).toString('base64'))).code).toBe('too-large');
    expect(refusal(readPersonalData('A'.repeat(300 * 1024))).code).toBe('too-large');
  });

  it('deeply nested input ends in a typed answer, not a stack overflow', () => {
    const deep = personalDocument(KVNR, `${'<x>'.repeat(9_000)}${'</x>'.repeat(9_000)}${PERSON}`);
    expect(readPersonalData(pack(deep)).ok).toBe(true);
  });
});

describe('readInsuranceData', () => {
  it.each([
    ['KOCO', '19680201'],
    ['RISE', '20130101'],
    ['SECUNET', '20130101'],
  ] as const)('%s: Versicherungsschutz/Beginn %s', (vendor, beginn) => {
    expect(readInsuranceData(recordedFields(vendor).allgemeineVersicherungsdaten)).toEqual({ ok: true, data: { versicherungsbeginn: beginn } });
  });

  it('refuses a missing or malformed Beginn', () => {
    expect(refusal(readInsuranceData(pack(insuranceDocument('')))).code).toBe('missing-field');
    expect(refusal(readInsuranceData(pack(insuranceDocument('01.01.2013')))).code).toBe('bad-field');
    expect(refusal(readInsuranceData(pack(insuranceDocument('20130230')))).code).toBe('bad-field');
  });
});

describe('readProof', () => {
  it.each([
    ['KOCO', 3, '20250113081853'],
    ['RISE', 2, '20250113081552'],
    ['SECUNET', 1, '20250112063634'],
  ] as const)('%s: E=%s at %s (KoCoBox declares UTF-8, the others no encoding)', (vendor, result, timestamp) => {
    expect(readProof(recordedFields(vendor).pruefungsnachweis)).toEqual({ ok: true, data: { timestamp, result } });
  });

  it('refuses a result other than 1, 2, 3 and a malformed timestamp', () => {
    const error = refusal(readProof(pack(proofDocument('4'))));
    expect(error).toMatchObject({ code: 'bad-proof-result', detail: 'Pruefungsnachweis: E=4' });
    expect(error.message).toContain('Ergebnis 4');
    expect(refusal(readProof(pack(proofDocument('x')))).code).toBe('bad-proof-result');
    expect(refusal(readProof(pack(proofDocument('1', '2025-01-13')))).code).toBe('bad-field');
    expect(refusal(readProof(pack(proofDocument('1').replace('pnw/v1.0', 'vsd/v5.2')))).code).toBe('wrong-document');
  });
});
