/**
 * The simulated Konnektor's eGK side (spec erezept-pharmacy §3.9): GetCards per workplace terminal and ReadVSD —
 * its documents decoded as a client decodes them, its Prüfungsnachweis read back with the simulator's reader, and
 * gematik's recorded request and answers (eRezept-Examples 2025-10-01, erp_abrufen_egk) as the expected shapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { hcvOf } from '../../egk/hcv';
import { readPruefungsnachweis } from '../../egk/pruefungsnachweis';
import { loadCard } from './card-material';
import type { EgkCard } from './egk-card';
import { konnektorApp } from './konnektor-app';
import { KonnektorState } from './konnektor-state';
import { NS } from './namespaces';
import { childElement, childElements, childText } from './soap-envelope';
import { VSD_DOCUMENT_NAMESPACE } from './vsd-documents';

const FIXTURES = join(__dirname, '../../../../test/fixtures/gematik');
const RECORDED = join(FIXTURES, 'erp-abrufen-egk-2025-10-01');
const ADELHEID = loadCard(join(FIXTURES, 'test-cards/smcb/80276001011699902301'));
const NOW = new Date('2026-10-05T08:15:30Z');
const KEY = Buffer.alloc(32, 3);

const ANNA: EgkCard = {
  iccsn: '80276001011234567890',
  kvnr: 'X110411675',
  givenName: 'Anna',
  surname: 'Müller-Lüdenscheidt',
  birthDate: '19561007',
  sex: 'W',
  street: 'Lübecker Straße',
  houseNumber: '5a',
  postcode: '22926',
  city: 'Ahrensburg',
  insuranceStart: '20180111',
  insurerName: 'AOK Nordost',
  insurerId: '109719018',
};
const BEN: EgkCard = { ...ANNA, iccsn: '80276001019876543210', kvnr: 'X110580065', givenName: 'Ben', surname: 'Brückner', street: '' };

function setup() {
  const state = new KonnektorState([ADELHEID], { now: () => NOW });
  const app = konnektorApp({ state, baseUrl: 'http://127.0.0.1:4711/konnektor/', now: () => NOW, egkProofKey: () => KEY });
  return { state, app };
}

const context = (workplaceId = 'AP1'): string =>
  `<cc:Context xmlns:cc="${NS.CCTX}" xmlns:c="${NS.CONN}"><c:MandantId>Mandant1</c:MandantId>` +
  `<c:ClientSystemId>CS1</c:ClientSystemId><c:WorkplaceId>${workplaceId}</c:WorkplaceId></cc:Context>`;

async function soap(app: ReturnType<typeof konnektorApp>, path: string, action: string, body: string): Promise<{ status: number; body: Element }> {
  const response = await app.request(`/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: `"${action}"` },
    body,
  });
  const root = new DOMParser().parseFromString(await response.text(), 'text/xml').documentElement as Element;
  return { status: response.status, body: childElement(root, NS.SOAP, 'Body') as Element };
}

const envelope = (inner: string): string => `<S:Envelope xmlns:S="${NS.SOAP}"><S:Body>${inner}</S:Body></S:Envelope>`;

function getCards(app: ReturnType<typeof konnektorApp>, workplaceId: string, cardType?: string) {
  const type = cardType === undefined ? '' : `<t:CardType xmlns:t="${NS.CARDCMN}">${cardType}</t:CardType>`;
  return soap(app, 'ws/EventService', `${NS.EVT}#GetCards`, envelope(`<e:GetCards xmlns:e="${NS.EVT}">${context(workplaceId)}${type}</e:GetCards>`));
}

async function cardsOf(app: ReturnType<typeof konnektorApp>, workplaceId: string, cardType?: string): Promise<Element[]> {
  const { status, body } = await getCards(app, workplaceId, cardType);
  expect(status).toBe(200);
  return childElements(childElement(childElement(body, NS.EVT, 'GetCardsResponse') as Element, NS.CARD, 'Cards') as Element, NS.CARD, 'Card');
}

function readVsd(
  app: ReturnType<typeof konnektorApp>,
  handles: { ehc: string; hpc: string },
  options: { online?: string; receipt?: string; workplaceId?: string } = {},
) {
  const v = (name: string, value: string) => `<v:${name}>${value}</v:${name}>`;
  return soap(
    app,
    'ws/VSDService',
    `${NS.VSD}#ReadVSD`,
    envelope(
      `<v:ReadVSD xmlns:v="${NS.VSD}">${v('EhcHandle', handles.ehc)}${v('HpcHandle', handles.hpc)}` +
        `${v('PerformOnlineCheck', options.online ?? 'true')}${v('ReadOnlineReceipt', options.receipt ?? 'true')}` +
        `${context(options.workplaceId)}</v:ReadVSD>`,
    ),
  );
}

function faultCode(result: { status: number; body: Element }): string | undefined {
  expect(result.status).toBe(500);
  return result.body.getElementsByTagNameNS(NS.GERROR, 'Code')[0]?.textContent ?? undefined;
}

/** base64 → gunzip → the bytes as sent, and the XML read as ISO-8859-15 */
function unpack(field: string | undefined): { bytes: Buffer; root: Element } {
  const bytes = gunzipSync(Buffer.from(field ?? '', 'base64'));
  const root = new DOMParser().parseFromString(new TextDecoder('iso-8859-15').decode(bytes), 'text/xml').documentElement as Element;
  return { bytes, root };
}

const textAt = (root: Element, name: string): string | undefined => root.getElementsByTagNameNS(VSD_DOCUMENT_NAMESPACE, name)[0]?.textContent ?? undefined;

/** every element path below the root, e.g. `Versicherter/Person/Vorname` */
function paths(element: Element, prefix = ''): string[] {
  return childElements(element).flatMap((child) => {
    const path = `${prefix}${child.localName}`;
    return [path, ...paths(child, `${path}/`)];
  });
}

/** the three documents of a recorded ReadVSD answer */
function recordedDocuments(file: string): Record<string, Element> {
  const root = new DOMParser().parseFromString(readFileSync(join(RECORDED, file), 'utf8'), 'text/xml').documentElement as Element;
  const response = root.getElementsByTagNameNS(NS.VSD, 'ReadVSDResponse')[0] as Element;
  const names = ['PersoenlicheVersichertendaten', 'AllgemeineVersicherungsdaten', 'GeschuetzteVersichertendaten'];
  return Object.fromEntries(names.map((name) => [name, unpack(childText(response, NS.VSD, name)?.replace(/\s+/g, '')).root]));
}

describe('GetCards with the eGK terminals of the workplaces', () => {
  it('CardType EGK answers the eGK at the caller\'s workplace only, with Kvnr, in its own terminal', async () => {
    const { state, app } = setup();
    const anna = state.insertEgk('AP1', ANNA);
    const ben = state.insertEgk('AP2', BEN);

    const atAp1 = await cardsOf(app, 'AP1', 'EGK');
    expect(atAp1).toHaveLength(1);
    const card = atAp1[0] as Element;
    expect(childElements(card).map((child) => child.localName)).toEqual([
      'CardHandle', 'CardType', 'Iccsn', 'CtId', 'SlotId', 'InsertTime', 'CardHolderName', 'Kvnr', 'CertificateExpirationDate',
    ]);
    expect(childText(card, NS.CONN, 'CardHandle')).toBe(anna.handle);
    expect(childText(card, NS.CARDCMN, 'CardType')).toBe('EGK');
    expect(childText(card, NS.CARDCMN, 'Iccsn')).toBe(ANNA.iccsn);
    expect(childText(card, NS.CARDCMN, 'CtId')).toBe('CT-AP1');
    expect(childText(card, NS.CARDCMN, 'SlotId')).toBe('1');
    expect(childText(card, NS.CARD, 'CardHolderName')).toBe('Anna Müller-Lüdenscheidt');
    expect(childText(card, NS.CARD, 'Kvnr')).toBe('X110411675');
    expect(childText(card, NS.CARD, 'CertificateExpirationDate')).toBe('2031-10-05');

    const atAp2 = await cardsOf(app, 'AP2', 'EGK');
    expect(atAp2.map((entry) => [childText(entry, NS.CONN, 'CardHandle'), childText(entry, NS.CARDCMN, 'CtId')])).toEqual([[ben.handle, 'CT-AP2']]);
  });

  it('SMC-B answers stay as they were; without CardType the SMC-B comes first, then this workplace\'s eGK', async () => {
    const { state, app } = setup();
    state.insertEgk('AP1', ANNA);
    const smcbs = await cardsOf(app, 'AP1', 'SMC-B');
    expect(smcbs.map((entry) => [childText(entry, NS.CONN, 'CardHandle'), childText(entry, NS.CARDCMN, 'CtId')])).toEqual([['SMC-B-1', 'CT-SIM-01']]);
    expect(childElements(smcbs[0] as Element, NS.CARD, 'Kvnr')).toHaveLength(0);
    expect((await cardsOf(app, 'AP1')).map((entry) => childText(entry, NS.CARDCMN, 'CardType'))).toEqual(['SMC-B', 'EGK']);
  });

  it('a workplace without eGK terminal is unknown (4006); one whose card was pulled stays known with an empty terminal', async () => {
    const { state, app } = setup();
    expect(faultCode(await getCards(app, 'AP2', 'EGK'))).toBe('4006');
    state.insertEgk('AP2', BEN);
    state.removeEgk('AP2');
    expect(await cardsOf(app, 'AP2', 'EGK')).toHaveLength(0);
    expect(await cardsOf(app, 'AP1', 'EGK')).toHaveLength(0);
  });

  it('a re-insert and a reset give the eGK a new handle (volatile, spec ti-transport §3.3); reset pulls it', async () => {
    const { state, app } = setup();
    const before = state.insertEgk('AP1', ANNA).handle;
    state.reinsert();
    const after = state.egkAt('AP1')?.handle;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const smcb = state.insertedCards()[0]?.handle ?? '';
    expect(faultCode(await readVsd(app, { ehc: before, hpc: smcb }))).toBe('4008');
    expect((await readVsd(app, { ehc: after ?? '', hpc: smcb })).status).toBe(200);
    state.reset();
    expect(state.egkAt('AP1')).toBeUndefined();
    expect(faultCode(await getCards(app, 'AP2'))).toBe('4006');
  });
});

describe('ReadVSD (VSDService v5.2)', () => {
  it('connector.sds lists VSDService 5.2.0 under ws/VSDService', async () => {
    const sds = await (await setup().app.request('/connector.sds')).text();
    expect(sds).toContain(`TargetNamespace="${NS.VSD}" Version="5.2.0"`);
    expect(sds).toContain('Location="http://127.0.0.1:4711/konnektor/ws/VSDService"');
  });

  it('answers the three documents, VSD_Status and the PN in the order of gematik\'s recorded answer', async () => {
    const { state, app } = setup();
    const egk = state.insertEgk('AP1', ANNA);
    const result = await readVsd(app, { ehc: egk.handle, hpc: 'SMC-B-1' });
    expect(result.status).toBe(200);
    const response = childElement(result.body, NS.VSD, 'ReadVSDResponse') as Element;
    expect(childElements(response).map((child) => `${child.namespaceURI}|${child.localName}`)).toEqual(
      ['PersoenlicheVersichertendaten', 'AllgemeineVersicherungsdaten', 'GeschuetzteVersichertendaten', 'VSD_Status', 'Pruefungsnachweis'].map((name) => `${NS.VSD}|${name}`),
    );
    const status = childElement(response, NS.VSD, 'VSD_Status') as Element;
    expect([childText(status, NS.VSD, 'Status'), childText(status, NS.VSD, 'Timestamp'), childText(status, NS.VSD, 'Version')]).toEqual(['0', NOW.toISOString(), '5.2.0']);
  });

  it('the documents are gzipped ISO-8859-15 XML with the card\'s KVNR, name, address, Beginn and insurer', async () => {
    const { state, app } = setup();
    const egk = state.insertEgk('AP1', ANNA);
    const response = childElement((await readVsd(app, { ehc: egk.handle, hpc: 'SMC-B-1' })).body, NS.VSD, 'ReadVSDResponse') as Element;

    const personal = unpack(childText(response, NS.VSD, 'PersoenlicheVersichertendaten'));
    expect(personal.bytes.toString('latin1')).toMatch(/^<\?xml version="1\.0" encoding="ISO-8859-15" standalone="yes"\?><UC_PersoenlicheVersichertendatenXML /);
    // ü is one byte (0xFC) in ISO-8859-15, not the two of UTF-8
    expect(personal.bytes.includes(Buffer.from('Lübecker Straße', 'latin1'))).toBe(true);
    expect([personal.root.namespaceURI, personal.root.localName, personal.root.getAttribute('CDM_VERSION')]).toEqual([
      VSD_DOCUMENT_NAMESPACE,
      'UC_PersoenlicheVersichertendatenXML',
      '5.2.0',
    ]);
    expect(['Versicherten_ID', 'Geburtsdatum', 'Vorname', 'Nachname', 'Geschlecht', 'Postleitzahl', 'Ort', 'Wohnsitzlaendercode', 'Strasse', 'Hausnummer'].map((name) => textAt(personal.root, name))).toEqual([
      'X110411675', '19561007', 'Anna', 'Müller-Lüdenscheidt', 'W', '22926', 'Ahrensburg', 'D', 'Lübecker Straße', '5a',
    ]);

    const general = unpack(childText(response, NS.VSD, 'AllgemeineVersicherungsdaten')).root;
    expect(general.localName).toBe('UC_AllgemeineVersicherungsdatenXML');
    expect(['Beginn', 'Kostentraegerkennung', 'Kostentraegerlaendercode', 'Name', 'Versichertenart'].map((name) => textAt(general, name))).toEqual([
      '20180111', '109719018', 'D', 'AOK Nordost', '1',
    ]);
    const protectedData = unpack(childText(response, NS.VSD, 'GeschuetzteVersichertendaten')).root;
    expect([protectedData.localName, textAt(protectedData, 'Status')]).toEqual(['UC_GeschuetzteVersichertendatenXML', '0']);
  });

  it('every element the simulator writes sits where gematik\'s recorded documents have it (KoCoBox, RISE, secunet)', async () => {
    const { state, app } = setup();
    const egk = state.insertEgk('AP1', ANNA);
    const response = childElement((await readVsd(app, { ehc: egk.handle, hpc: 'SMC-B-1' })).body, NS.VSD, 'ReadVSDResponse') as Element;
    const recorded = ['04_01_ReadVSD_Response_KOCO.xml', '04_02_ReadVSD_Response_Rise.xml', '04_03_ReadVSD_Response_Secunet.xml'].map(recordedDocuments);
    for (const name of ['PersoenlicheVersichertendaten', 'AllgemeineVersicherungsdaten', 'GeschuetzteVersichertendaten']) {
      const ours = unpack(childText(response, NS.VSD, name)).root;
      const theirs = recorded.map((documents) => documents[name] as Element);
      expect(theirs.map((root) => root.localName)).toContain(ours.localName);
      const known = new Set(theirs.flatMap((root) => paths(root)));
      expect(paths(ours).filter((path) => !known.has(path)), name).toEqual([]);
      // and in the recorded order: our paths are a subsequence of KoCoBox's or RISE's
      expect(theirs.some((root) => isSubsequence(paths(ours), paths(root))), `${name} order`).toBe(true);
    }
  });

  it('the PN has result 2 and reads back with the simulator\'s key: KVNR, time, hcv of Beginn + Strasse', async () => {
    const { state, app } = setup();
    const egk = state.insertEgk('AP1', ANNA);
    const response = childElement((await readVsd(app, { ehc: egk.handle, hpc: 'SMC-B-1' })).body, NS.VSD, 'ReadVSDResponse') as Element;
    const pnw = childText(response, NS.VSD, 'Pruefungsnachweis') ?? '';
    expect(readPruefungsnachweis(pnw, KEY)).toEqual({ ok: true, value: { timestamp: NOW, result: 2, kvnr: 'X110411675', hcv: hcvOf('20180111', 'Lübecker Straße') } });
    expect(readPruefungsnachweis(pnw, Buffer.alloc(32, 4))).toEqual({ ok: false, error: 'pz-invalid' });
  });

  it('a card without street: no Strasse in the document, and the hcv is made over Beginn + ""', async () => {
    const { state, app } = setup();
    const egk = state.insertEgk('AP1', BEN);
    const response = childElement((await readVsd(app, { ehc: egk.handle, hpc: 'SMC-B-1' })).body, NS.VSD, 'ReadVSDResponse') as Element;
    expect(textAt(unpack(childText(response, NS.VSD, 'PersoenlicheVersichertendaten')).root, 'Strasse')).toBeUndefined();
    const read = readPruefungsnachweis(childText(response, NS.VSD, 'Pruefungsnachweis') ?? '', KEY);
    expect(read.ok && read.value.hcv).toEqual(hcvOf('20180111', ''));
  });

  it('online check unavailable: PN with result 3 and no Prüfziffer; without PerformOnlineCheck or ReadOnlineReceipt no PN', async () => {
    const { state, app } = setup();
    const egk = state.insertEgk('AP1', ANNA);
    state.onlineCheck = 'unavailable';
    const offline = childElement((await readVsd(app, { ehc: egk.handle, hpc: 'SMC-B-1' })).body, NS.VSD, 'ReadVSDResponse') as Element;
    const pnw = childText(offline, NS.VSD, 'Pruefungsnachweis') ?? '';
    expect(readPruefungsnachweis(pnw, KEY)).toEqual({ ok: true, value: { timestamp: NOW, result: 3 } });
    expect(gunzipSync(Buffer.from(pnw, 'base64')).toString('utf8')).not.toContain('<PZ>');

    state.onlineCheck = 'ok';
    for (const options of [{ online: 'false' }, { receipt: '0' }]) {
      const result = await readVsd(app, { ehc: egk.handle, hpc: 'SMC-B-1' }, options);
      expect(result.status).toBe(200);
      expect(childElements(childElement(result.body, NS.VSD, 'ReadVSDResponse') as Element, NS.VSD, 'Pruefungsnachweis')).toHaveLength(0);
    }
  });

  it('no eGK, another workplace\'s eGK, an SMC-B as EhcHandle, an unknown HpcHandle: 4008; no PIN needed', async () => {
    const { state, app } = setup();
    expect(faultCode(await readVsd(app, { ehc: 'EGK-1', hpc: 'SMC-B-1' }))).toBe('4008');
    const ben = state.insertEgk('AP2', BEN);
    expect(faultCode(await readVsd(app, { ehc: ben.handle, hpc: 'SMC-B-1' }, { workplaceId: 'AP1' }))).toBe('4008');
    const anna = state.insertEgk('AP1', ANNA);
    expect(faultCode(await readVsd(app, { ehc: 'SMC-B-1', hpc: 'SMC-B-1' }))).toBe('4008');
    expect(faultCode(await readVsd(app, { ehc: anna.handle, hpc: anna.handle }))).toBe('4008');
    expect(faultCode(await readVsd(app, { ehc: anna.handle, hpc: 'SMC-B-9' }))).toBe('4008');
    state.setPinVerified(ADELHEID.iccsn, false);
    expect((await readVsd(app, { ehc: anna.handle, hpc: 'SMC-B-1' })).status).toBe(200);
    expect((await readVsd(app, { ehc: ben.handle, hpc: 'SMC-B-1' }, { workplaceId: 'AP2' })).status).toBe(200);
  });

  it('a flag that is no xs:boolean, or a missing handle, is a 4000 Client fault', async () => {
    const { state, app } = setup();
    const egk = state.insertEgk('AP1', ANNA);
    expect(faultCode(await readVsd(app, { ehc: egk.handle, hpc: 'SMC-B-1' }, { online: 'yes' }))).toBe('4000');
    expect(faultCode(await readVsd(app, { ehc: '', hpc: 'SMC-B-1' }))).toBe('4000');
  });

  it('takes gematik\'s recorded ReadVSD request as it is (other prefixes, UserId), with the handles of this Konnektor', async () => {
    const { state, app } = setup();
    const egk = state.insertEgk('AP1', ANNA);
    const request = readFileSync(join(RECORDED, '03_ReadVSD.xml'), 'utf8')
      .replace('<ns6:EhcHandle>a5567061-f3b0-436b-b702-fbb5026aa168</ns6:EhcHandle>', `<ns6:EhcHandle>${egk.handle}</ns6:EhcHandle>`)
      .replace('<ns6:HpcHandle>3ddfbd41-4737-4bfc-9e26-eb5580ec2f4d</ns6:HpcHandle>', '<ns6:HpcHandle>SMC-B-1</ns6:HpcHandle>');
    expect(request).toContain(egk.handle);
    const result = await soap(app, 'ws/VSDService', `${NS.VSD}#ReadVSD`, request);
    expect(result.status).toBe(200);
    expect(childText(childElement(result.body, NS.VSD, 'ReadVSDResponse') as Element, NS.VSD, 'Pruefungsnachweis')).toBeTruthy();
  });
});

function isSubsequence(short: readonly string[], long: readonly string[]): boolean {
  let at = 0;
  for (const item of long) if (item === short[at]) at += 1;
  return at === short.length;
}
