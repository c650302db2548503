import { describe, expect, it } from 'vitest';
import type { ReplyContent } from '../../erezept/communication';
import { checkReply, refusedCharacters } from '.';

const v1: ReplyContent = { version: 1, supplyOption: 'onPremise', text: 'Liegt bereit.' };
const v3: ReplyContent = { version: 3, text: 'Liegt bereit.', transactionId: 'T-1' };
const EMOJI = '😀'; // one code point, two UTF-16 code units, four UTF-8 bytes

describe('refusedCharacters: exactly what the Fachdienst refuses (erp-processing-context 1.22)', () => {
  it('an unpaired surrogate (half an emoji) is refused, named by its position in characters', () => {
    expect(refusedCharacters(`a${EMOJI}\uD83Db`)).toEqual([
      'Zeichen 3 ist ein unvollständiges Sonderzeichen (ein halbes Emoji oder Symbol, z. B. vom Kopieren) – der Fachdienst lehnt es ab; bitte löschen und neu eingeben.',
    ]);
    expect(refusedCharacters('\uDE00x')[0]).toMatch(/^Zeichen 1 /);
  });

  it('many are named up to five and counted beyond', () => {
    const problems = refusedCharacters('\uD800'.repeat(8));
    expect(problems).toHaveLength(6);
    expect(problems[4]).toMatch(/^Zeichen 5 /);
    expect(problems[5]).toBe('… und 3 weitere solche Zeichen.');
  });

  it.each([
    ['line feed, carriage return and tab', 'Zeile 1\r\nZeile 2\tEnde'],
    ['other C0 controls and DEL', '\u0000\u0001\u001b\u007f'],
    ['C1 controls', '\u0082\u0085\u009f'],
    ['BOM and the replacement character', '\uFEFF\uFFFD'],
    ['emoji and umlauts', `Grüße ${EMOJI}`],
  ])('%s pass: the Fachdienst has no check for them (api-erp\'s list is a rule for the patient\'s app)', (_label, text) => {
    expect(refusedCharacters(text)).toEqual([]);
  });
});

describe('checkReply: the Fachdienst\'s rules before sending (spec §3.11)', () => {
  it('a valid v1 and a valid v3 reply have no problems', () => {
    expect(checkReply(v1)).toEqual([]);
    expect(checkReply({ ...v1, pickUpCodeHR: '12341234', pickUpCodeDMC: 'x'.repeat(128), url: 'https://apotheke.example/abholung', availability: '10', offeredSupplyOptions: ['onPremise'] })).toEqual([]);
    expect(checkReply(v3)).toEqual([]);
    expect(checkReply({ ...v3, pickUpCodeDMC: 'x'.repeat(2000) })).toEqual([]);
  });

  it('counts code points as the Fachdienst does: 500 emoji are 500 characters in v1', () => {
    expect(checkReply({ ...v1, text: EMOJI.repeat(500) })).toEqual([]);
    expect(checkReply({ ...v1, text: EMOJI.repeat(501) })).toEqual(['„Nachricht“ ist zu lang: 501 Zeichen, erlaubt sind höchstens 500.']);
    expect(checkReply({ ...v3, text: 'x'.repeat(800) })).toEqual([]);
    expect(checkReply({ ...v3, text: 'x'.repeat(801) })).toEqual(['„Nachricht“ ist zu lang: 801 Zeichen, erlaubt sind höchstens 800.']);
  });

  it('names each field with a refused character', () => {
    expect(checkReply({ ...v1, text: 'ok\uD800', pickUpCodeHR: '\uDC00' })).toEqual([
      expect.stringMatching(/^„Nachricht“: Zeichen 3 ist ein unvollständiges Sonderzeichen/),
      expect.stringMatching(/^„Abholcode“: Zeichen 1 ist ein unvollständiges Sonderzeichen/),
    ]);
  });

  it('v1: supply option required, a pick-up code only with onPremise, code lengths, a url with scheme and host', () => {
    expect(checkReply({ version: 1, text: 'x' })).toEqual(['Die Belieferungsart fehlt (in Version 1 der Nachricht erforderlich).']);
    expect(checkReply({ ...v1, supplyOption: 'delivery', pickUpCodeHR: 'A1' })).toEqual([
      'Ein Abholcode ist nur bei Abholung in der Apotheke möglich – bitte die Belieferungsart „Abholung“ wählen oder den Code weglassen.',
    ]);
    expect(checkReply({ ...v1, supplyOption: 'delivery', pickUpCodeHR: '', url: '' })).toEqual([]);
    expect(checkReply({ ...v1, pickUpCodeHR: '123456789', pickUpCodeDMC: 'x'.repeat(129) })).toEqual([
      '„Abholcode“ ist zu lang: 9 Zeichen, erlaubt sind höchstens 8.',
      '„Abholcode (DataMatrix)“ ist zu lang: 129 Zeichen, erlaubt sind höchstens 128.',
    ]);
    expect(checkReply({ ...v1, url: 'www.apotheke.example' })).toEqual(['„Link“ ist keine vollständige Adresse (z. B. https://www.apotheke.de/…).']);
    expect(checkReply({ ...v1, url: 'x'.repeat(501) })).toContain('„Link“ ist zu lang: 501 Zeichen, erlaubt sind höchstens 500.');
  });

  it('v3: transactionID required, one kind of message, a code of letters and digits, DMC at least 8, an https link', () => {
    expect(checkReply({ version: 3, text: 'x' })).toEqual([
      '„Vorgangsnummer“ fehlt: eine Antwort in Version 3 nennt die Vorgangsnummer (transactionID) der Zuweisung.',
    ]);
    expect(checkReply({ ...v3, transactionId: 't'.repeat(51) })).toEqual(['„Vorgangsnummer“ ist zu lang: 51 Zeichen, erlaubt sind höchstens 50.']);
    expect(checkReply({ ...v3, pickUpCodeHR: 'AB12', pickUpCodeDMC: 'AB12AB12' })).toEqual([
      'Eine Nachricht in Version 3 trägt nur eines: einen Abholcode, einen Abholcode als DataMatrix oder einen Link. Bitte auf mehrere Nachrichten aufteilen.',
    ]);
    expect(checkReply({ ...v3, pickUpCodeHR: 'AB-12' })).toEqual(['„Abholcode“ darf nur Buchstaben (ohne Umlaute) und Ziffern enthalten.']);
    expect(checkReply({ ...v3, pickUpCodeDMC: '1234567' })).toEqual(['„Abholcode (DataMatrix)“ ist zu kurz (mindestens 8 Zeichen in Version 3).']);
    expect(checkReply({ ...v3, url: 'http://apotheke.example' })).toEqual(['„Link“ muss eine https-Adresse sein (z. B. https://www.apotheke.de/…).']);
    expect(checkReply({ ...v3, supplyOption: 'delivery', pickUpCodeHR: 'AB12' })).toEqual([]);
  });

  it('the whole payload must stay within 10 240 bytes even when every field is within its limit', () => {
    const big: ReplyContent = { ...v3, text: EMOJI.repeat(800), pickUpCodeDMC: EMOJI.repeat(2000) };
    expect(checkReply(big)).toEqual([expect.stringMatching(/^Die Nachricht ist insgesamt zu groß \(1\d{4} Byte, der Fachdienst nimmt höchstens 10240\)/)]);
  });

  it('refuses an unknown version, availability or supply option from a caller that bypassed the types', () => {
    expect(checkReply({ ...v1, version: 2 as 1 })).toEqual(['Unbekannte Version der Nachricht (2); gesendet werden 1 und 3.']);
    expect(checkReply({ ...v1, availability: '55' as '10' })).toEqual(['Unbekannte Angabe zur Verfügbarkeit (55).']);
    expect(checkReply({ ...v1, offeredSupplyOptions: ['drone' as 'shipment'] })).toEqual(['Unbekannte angebotene Belieferungsart.']);
  });
});
