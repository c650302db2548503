/**
 * Reading `GET /Communication` against gematik's four Communication examples of workflow 1.6
 * (test/fixtures/gematik/workflow-1.6/Communication-*.json). What they are good for, and their known defects:
 * - a218a36e… DispReq flow 160: a real Zuweisung — token, KVNR, flow type, v1 payload. Defects: the payload writes
 *   `"version": "1"` as a string (the Fachdienst wants an integer; read tolerantly here) and the KVNR X234567890 has
 *   a wrong check digit (the Fachdienst checks only its format for messages, spec §1.3).
 * - 7977a4ab… Reply: the payload extensions AvailabilityState and SupplyOptionsType. Defect: its payload „Eisern“ is
 *   no JSON (the Fachdienst 1.22 refuses such a Reply); read back as a v1 text.
 * - 2be1c6ac… DispReq of a DiGA (flow 162) to a Kostenträger: not a pharmacy's message; its PrescriptionID
 *   162.000.033.491.280.78 also has wrong check digits.
 * - 140f716f… GEM_ERP_PR_Communication_DiGA: another kind, skipped (its 162.000.000.000.000.01 is malformed too).
 */
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures';
import { readCommunications } from './read-communications';

const WF16 = 'gematik/workflow-1.6';
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFixture(WF16, name)) as Record<string, unknown>;
const DISPREQ = fixture('Communication-a218a36e-f2fd-4603-ba67-c827acfef01b.json');
const REPLY = fixture('Communication-7977a4ab-97a9-4d95-afb3-6c4c1e2ac596.json');
const DIGA_DISPREQ = fixture('Communication-2be1c6ac-5d10-47f6-84ee-8318b2c22c76.json');
const DIGA = fixture('Communication-140f716f-f649-44fe-9a4e-157eb3c8adf3.json');
const AC = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';

const searchset = (resources: unknown[], extra: Record<string, unknown> = {}) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({ fullUrl: 'https://erp.example/Communication/x', resource, search: { mode: 'match' } })),
  ...extra,
});

function read(json: unknown) {
  const result = readCommunications(json);
  if (!result.ok) throw new Error(result.error);
  return result.data;
}

describe('readCommunications: gematik 1.6 examples', () => {
  const list = read(searchset([DISPREQ, REPLY, DIGA_DISPREQ, DIGA]));

  it('reads the Zuweisung: token split into PrescriptionID and AccessCode, KVNR by format, flow type, v1 wish', () => {
    expect(list.messages[0]).toEqual({
      kind: 'dispreq',
      communicationId: 'a218a36e-f2fd-4603-ba67-c827acfef01b',
      sent: '2026-07-01T15:29:00.434+00:00',
      senderKvnr: 'X234567890',
      prescriptionId: '160.000.033.491.280.78',
      accessCode: AC,
      flowType: '160',
      wish: {
        version: 1,
        supplyOption: 'delivery',
        name: 'Dr. Maximilian von Muster',
        addressLines: ['wohnhaft bei Emilia Fischer', 'Bundesallee 312', '123. OG', '12345 Berlin'],
        hint: 'Bitte im Morsecode klingeln: -.-.',
        phone: '004916094858168',
      },
    });
  });

  it('reads the pharmacy\'s reply back: the free-text payload as v1 text, availability and offered options from the extensions', () => {
    expect(list.messages[1]).toEqual({
      kind: 'reply',
      communicationId: '7977a4ab-97a9-4d95-afb3-6c4c1e2ac596',
      sent: '2026-07-01T15:29:00.434+00:00',
      recipientKvnr: 'X234567890',
      prescriptionId: '160.000.033.491.280.78',
      content: { version: 1, text: 'Eisern', availability: '20', offeredSupplyOptions: ['onPremise', 'delivery'] },
    });
  });

  it('names the DiGA messages as unreadable with a German reason, without AccessCode or KVNR', () => {
    expect(list.messages).toHaveLength(2);
    expect(list.unreadable).toEqual([
      { communicationId: '2be1c6ac-5d10-47f6-84ee-8318b2c22c76', problem: expect.stringContaining('kein gültiges E-Rezept-Token') },
      { communicationId: '140f716f-f649-44fe-9a4e-157eb3c8adf3', problem: 'Die Nachricht ist eine DiGA-Nachricht und wird von der App nicht verarbeitet.' },
    ]);
    for (const { problem } of list.unreadable) {
      expect(problem).not.toContain(AC);
      expect(problem).not.toContain('X234567890');
    }
    expect(list.nextPage).toBeUndefined();
  });

  it('reads a single Communication (GET /Communication/{id}) like a list of one', () => {
    expect(read(DISPREQ).messages).toEqual([list.messages[0]]);
  });
});

describe('readCommunications: one bad message never hides the others', () => {
  const withReference = (reference: string) => ({ ...DISPREQ, id: 'bad-1', basedOn: [{ reference }] });

  it.each([
    ['an absolute URL', `https://evil.example/Task/160.000.033.491.280.78/$accept?ac=${AC}`],
    ['a network path', `//evil.example/Task/160.000.033.491.280.78/$accept?ac=${AC}`],
    ['the JSON form of a DataMatrix code', `{"urls":["Task/160.000.033.491.280.78/$accept?ac=${AC}"]}`],
    ['surrounding whitespace', ` Task/160.000.033.491.280.78/$accept?ac=${AC}\n`],
    ['an extra parameter', `Task/160.000.033.491.280.78/$accept?ac=${AC}&next=https://evil.example`],
    ['a wrong check digit', `Task/160.000.033.491.280.77/$accept?ac=${AC}`],
    ['an AccessCode in capitals', `Task/160.000.033.491.280.78/$accept?ac=${AC.toUpperCase()}`],
    ['a Reply-style reference without AccessCode', 'Task/160.000.033.491.280.78'],
  ])('a Zuweisung whose token is %s is unreadable; the others are read', (_label, reference) => {
    const list = read(searchset([REPLY, withReference(reference), DISPREQ]));
    expect(list.messages.map((m) => m.communicationId)).toEqual(['7977a4ab-97a9-4d95-afb3-6c4c1e2ac596', 'a218a36e-f2fd-4603-ba67-c827acfef01b']);
    expect(list.unreadable).toHaveLength(1);
    expect(list.unreadable[0]?.communicationId).toBe('bad-1');
    expect(list.unreadable[0]?.problem).toMatch(/^Der Bezug auf das Rezept/);
    expect(list.unreadable[0]?.problem).not.toContain('evil');
    expect(list.unreadable[0]?.problem).not.toContain(AC);
  });

  it('a KVNR of the wrong form or system, a missing sent and a hostile id each make only that message unreadable', () => {
    const list = read(
      searchset([
        { ...DISPREQ, id: 'k1', sender: { identifier: { system: 'http://fhir.de/sid/gkv/kvid-10', value: 'x234567890' } } },
        { ...DISPREQ, id: 'k2', sender: { identifier: { system: 'https://gematik.de/fhir/sid/telematik-id', value: 'X234567890' } } },
        { ...DISPREQ, id: 'k3', sent: undefined },
        { ...DISPREQ, id: '../../Task/160' },
        { ...REPLY, id: 'r1', recipient: [{ identifier: { system: 'http://fhir.de/sid/gkv/kvid-10', value: '' } }] },
        DISPREQ,
      ]),
    );
    expect(list.messages.map((m) => m.communicationId)).toEqual(['a218a36e-f2fd-4603-ba67-c827acfef01b']);
    expect(list.unreadable).toEqual([
      { communicationId: 'k1', problem: 'Der Absender ist keine gültige Versichertennummer (KVNR).' },
      { communicationId: 'k2', problem: 'Der Absender ist keine gültige Versichertennummer (KVNR).' },
      { communicationId: 'k3', problem: 'Die Nachricht ist nicht lesbar: „Sendezeitpunkt“ fehlt oder hat den falschen Typ.' },
      { problem: 'Die Nachricht hat keine gültige Id.' },
      { communicationId: 'r1', problem: 'Der Empfänger ist keine gültige Versichertennummer (KVNR).' },
    ]);
  });

  it('other kinds and messages without profile are named, never dropped', () => {
    const profile = (url: string | undefined) => ({ ...DISPREQ, id: 'p', meta: url === undefined ? {} : { profile: [url] } });
    const list = read(
      searchset([
        profile('https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_Representative|1.6'),
        profile('https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_InfoReq|1.1.1'),
        profile('https://gematik.de/fhir/erpchrg/StructureDefinition/GEM_ERPCHRG_PR_Communication_ChargChangeReq|1.0'),
        profile('https://example.org/StructureDefinition/Other'),
        profile(undefined),
        { resourceType: 'OperationOutcome', issue: [] },
        'not an entry',
      ]),
    );
    expect(list.messages).toEqual([]);
    expect(list.unreadable.map((u) => u.problem)).toEqual([
      'Die Nachricht ist eine Nachricht zwischen Versicherten (Representative) und wird von der App nicht verarbeitet.',
      'Die Nachricht ist eine Anfrage (InfoReq, nicht mehr unterstützt) und wird von der App nicht verarbeitet.',
      'Die Nachricht ist ein Änderungswunsch zur PKV-Abrechnungsinformation und wird von der App nicht verarbeitet.',
      'Die Nachricht hat ein unbekanntes Profil und wird nicht verarbeitet.',
      'Die Nachricht nennt kein Profil (meta.profile); ihre Art ist unbekannt und sie wird nicht verarbeitet.',
      'Eintrag 6 der Trefferliste ist keine Nachricht.',
      'Eintrag 7 der Trefferliste ist nicht lesbar.',
    ]);
  });

  it('a long Telematik-ID as recipient (up to 128 characters) does not make a Zuweisung unreadable', () => {
    const longRecipient = { ...DISPREQ, recipient: [{ identifier: { system: 'https://gematik.de/fhir/sid/telematik-id', value: `3-${'x'.repeat(126)}` } }] };
    expect(read(longRecipient).messages).toHaveLength(1);
  });

  it('a DispReq of workflow 1.5 is read like one of 1.6 (the kind is the profile, any version)', () => {
    const older = { ...DISPREQ, meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_DispReq|1.5'] } };
    expect(read(older).messages[0]).toMatchObject({ kind: 'dispreq', prescriptionId: '160.000.033.491.280.78' });
  });
});

describe('readCommunications: the wish', () => {
  const withPayload = (payload: unknown) => ({ ...DISPREQ, payload });

  it('an unreadable payload keeps the Zuweisung (the token is what counts) and says why in German', () => {
    const [message] = read(withPayload([{ contentString: '{"version":1,"supplyOptionsType":"drone"}' }])).messages;
    expect(message).toMatchObject({ kind: 'dispreq', accessCode: AC });
    expect(message && 'wish' in message ? message.wish : undefined).toBeUndefined();
    expect(message).toMatchObject({ wishProblem: 'Die Angaben der Zuweisung sind nicht lesbar: „Belieferungsart“ hat einen ungültigen Wert.' });
  });

  it('a Zuweisung without payload has neither wish nor problem', () => {
    const [message] = read(withPayload(undefined)).messages;
    expect(message).toMatchObject({ kind: 'dispreq' });
    expect(Object.keys(message ?? {})).not.toContain('wish');
    expect(Object.keys(message ?? {})).not.toContain('wishProblem');
  });

  it('a payload beyond the Fachdienst\'s 10 240 bytes makes the message unreadable (size cap)', () => {
    const list = read(searchset([withPayload([{ contentString: 'x'.repeat(10_241) }])]));
    expect(list.messages).toEqual([]);
    expect(list.unreadable[0]?.problem).toBe('Die Nachricht ist nicht lesbar: „Inhalt“ (Eintrag 1) ist zu lang (höchstens 10240 Zeichen).');
  });
});

describe('readCommunications: the list', () => {
  it.each([
    ['https://erp.zentral.erp.splitdns.ti-dienste.de/Communication?_sort=-sent&received=NULL&_count=50&__offset=50', '_sort=-sent&received=NULL&_count=50&__offset=50'],
    ['Communication?received=NULL&__offset=50', 'received=NULL&__offset=50'],
    ['https://evil.example/Task?kvnr=X110411675', undefined],
    ['https://erp.example/Communication', undefined],
    ['javascript:alert(1)//Communication?x=1', undefined],
  ])('next link %s → page %s (only the query of a Communication link)', (url, nextPage) => {
    const list = read(searchset([DISPREQ], { link: [{ relation: 'self', url: 'https://erp.example/Communication' }, { relation: 'next', url }] }));
    expect(list.nextPage).toBe(nextPage);
  });

  it('refuses what is no list of messages, and a page longer than any the Fachdienst sends', () => {
    expect(readCommunications(null)).toEqual({ ok: false, error: 'Die Antwort des Fachdienstes ist keine Nachrichtenliste (kein FHIR-Objekt).' });
    expect(readCommunications({ resourceType: 'Task' }).ok).toBe(false);
    expect(readCommunications({ ...searchset([]), type: 'collection' })).toEqual({ ok: false, error: 'Die Antwort des Fachdienstes ist keine Trefferliste (searchset).' });
    expect(readCommunications({ ...searchset([]), entry: {} }).ok).toBe(false);
    const tooLong = readCommunications(searchset(Array.from({ length: 201 }, () => DISPREQ)));
    expect(tooLong).toEqual({ ok: false, error: expect.stringContaining('unerwartet lang (201 Einträge') });
    expect(read(searchset(Array.from({ length: 200 }, () => DISPREQ))).messages).toHaveLength(200);
  });

  it('an empty searchset is an empty list', () => {
    expect(read({ resourceType: 'Bundle', type: 'searchset', total: 0 })).toEqual({ messages: [], unreadable: [] });
  });
});
