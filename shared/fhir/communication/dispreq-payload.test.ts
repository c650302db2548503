import { describe, expect, it } from 'vitest';
import { wishLimits } from '../../erezept/communication';
import { readDispReqPayload } from './dispreq-payload';

const wish = (payload: unknown) => {
  const result = readDispReqPayload(typeof payload === 'string' ? payload : JSON.stringify(payload));
  if (!result.ok) throw new Error(result.error);
  return result.data;
};
const problem = (payload: unknown) => {
  const result = readDispReqPayload(typeof payload === 'string' ? payload : JSON.stringify(payload));
  if (result.ok) throw new Error('expected a problem');
  return result.error;
};

describe('readDispReqPayload: version 1 (spec §3.11)', () => {
  it('reads the api-erp example (version as a number)', () => {
    expect(
      wish('{ "version": 1, "supplyOptionsType": "onPremise", "name": "Dr. Maximilian von Muster", "address": [ "wohnhaft bei Emilia Fischer", "Bundesallee 312", "123. OG", "12345 Berlin" ], "phone": "004916094858168" }'),
    ).toEqual({
      version: 1,
      supplyOption: 'onPremise',
      name: 'Dr. Maximilian von Muster',
      addressLines: ['wohnhaft bei Emilia Fischer', 'Bundesallee 312', '123. OG', '12345 Berlin'],
      phone: '004916094858168',
    });
  });

  it('only version and supply option are required; empty fields and blank address lines count as absent', () => {
    expect(wish({ version: 1, supplyOptionsType: 'shipment' })).toEqual({ version: 1, supplyOption: 'shipment' });
    expect(wish({ version: 1, supplyOptionsType: 'delivery', name: '', address: [' ', ''], hint: '' })).toEqual({ version: 1, supplyOption: 'delivery' });
  });

  it('fields the schema does not name are ignored, not shown', () => {
    expect(wish({ version: 1, supplyOptionsType: 'onPremise', accessCode: 'a'.repeat(64), url: 'https://evil.example' })).toEqual({ version: 1, supplyOption: 'onPremise' });
  });

  it('the caps are the Fachdienst\'s limits or more generous: 100 characters of name, 500 per address line', () => {
    expect(wish({ version: 1, supplyOptionsType: 'delivery', name: 'N'.repeat(100), address: ['A'.repeat(500)] })).toMatchObject({ name: 'N'.repeat(100) });
    expect(problem({ version: 1, supplyOptionsType: 'delivery', name: 'N'.repeat(101) })).toBe(
      'Die Angaben der Zuweisung sind nicht lesbar: „Name“ ist zu lang (höchstens 100 Zeichen).',
    );
    expect(problem({ version: 1, supplyOptionsType: 'delivery', address: ['ok', 'A'.repeat(501)] })).toBe(
      'Die Angaben der Zuweisung sind nicht lesbar: „Adresse“ (Eintrag 2) ist zu lang (höchstens 500 Zeichen).',
    );
    expect(problem({ version: 1, supplyOptionsType: 'delivery', address: Array.from({ length: wishLimits.addressLines + 1 }, () => 'x') })).toBe(
      `Die Angaben der Zuweisung sind nicht lesbar: „Adresse“ hat zu viele Einträge (höchstens ${wishLimits.addressLines}).`,
    );
  });

  it('names the field that is missing or of the wrong type', () => {
    expect(problem({ version: 1 })).toBe('Die Angaben der Zuweisung sind nicht lesbar: „Belieferungsart“ hat einen ungültigen Wert.');
    expect(problem({ version: 1, supplyOptionsType: 'onPremise', hint: 42 })).toBe(
      'Die Angaben der Zuweisung sind nicht lesbar: „Hinweis“ fehlt oder hat den falschen Typ.',
    );
  });
});

describe('readDispReqPayload: version 3 (spec §3.11, from 2026-10-01)', () => {
  it('reads the api-erp reservation example', () => {
    expect(
      wish('{ "transactionID": "ABCD-EFGH-IJKL-MNOP", "version": 3, "communicationType": "order", "supplyOptionsType": "onPremise", "phone": "004916094858168" }'),
    ).toEqual({ version: 3, communicationType: 'order', supplyOption: 'onPremise', phone: '004916094858168', transactionId: 'ABCD-EFGH-IJKL-MNOP' });
  });

  it('a delivery order: first and last name joined, the street as the address line, postcode, city, country, e-mail', () => {
    expect(
      wish({
        version: 3,
        communicationType: 'order',
        supplyOptionsType: 'delivery',
        firstname: 'Emilia',
        lastname: 'Fischer',
        address: 'Bundesallee 312',
        postcode: '12345',
        city: 'Berlin',
        country: 'DE',
        phone: '+4916094858168',
        email: 'emilia@example.org',
        hint: 'Hinterhaus',
        transactionID: 'T-1',
      }),
    ).toEqual({
      version: 3,
      communicationType: 'order',
      supplyOption: 'delivery',
      name: 'Emilia Fischer',
      addressLines: ['Bundesallee 312'],
      postcode: '12345',
      city: 'Berlin',
      country: 'DE',
      phone: '+4916094858168',
      email: 'emilia@example.org',
      hint: 'Hinterhaus',
      transactionId: 'T-1',
    });
  });

  it('a text message (a question, no order) has no supply option', () => {
    expect(wish({ version: 3, communicationType: 'text', text: 'Ist das Mittel vorrätig?\nDanke!', transactionID: 'T-2' })).toEqual({
      version: 3,
      communicationType: 'text',
      text: 'Ist das Mittel vorrätig?\nDanke!',
      transactionId: 'T-2',
    });
  });

  it('an order without supply option, an unknown message type or a text beyond 800 characters is refused', () => {
    expect(problem({ version: 3, communicationType: 'order', transactionID: 'T' })).toBe(
      'Die Angaben der Zuweisung sind nicht lesbar: „Belieferungsart“ fehlt bei einer Bestellung.',
    );
    expect(problem({ version: 3, communicationType: 'chat', transactionID: 'T' })).toBe(
      'Die Angaben der Zuweisung sind nicht lesbar: „Nachrichtenart“ hat einen ungültigen Wert.',
    );
    expect(problem({ version: 3, communicationType: 'text', text: 't'.repeat(801) })).toBe(
      'Die Angaben der Zuweisung sind nicht lesbar: „Nachricht“ ist zu lang (höchstens 800 Zeichen).',
    );
  });
});

describe('readDispReqPayload: what is no payload', () => {
  it.each([
    ['no JSON', 'Hallo Apotheke', 'kein gültiges JSON.'],
    ['a JSON array', '[1]', 'kein JSON-Objekt.'],
    ['null', 'null', 'kein JSON-Objekt.'],
    ['version 2', '{"version":2,"supplyOptionsType":"onPremise"}', 'unbekannte oder fehlende Version (gelesen werden 1 und 3).'],
    ['no version', '{"supplyOptionsType":"onPremise"}', 'unbekannte oder fehlende Version (gelesen werden 1 und 3).'],
    ['longer than the Fachdienst takes', `{"version":1,"supplyOptionsType":"onPremise","hint":"${'x'.repeat(10_240)}"}`, 'zu lang (mehr als 10240 Zeichen).'],
  ])('%s → a German problem', (_label, payload, why) => {
    expect(readDispReqPayload(payload)).toEqual({ ok: false, error: `Die Angaben der Zuweisung sind nicht lesbar: ${why}` });
  });
});
