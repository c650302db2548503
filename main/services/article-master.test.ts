/**
 * ArticleMasterService (docs/article-master.md): which catalogue answers (demo, imported, training), the lookup cache
 * and what clears it, the import — all or nothing — and the command line's way in (`--import-articles`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoArticleCatalog, demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { pznCheckDigit } from '../../shared/erezept/identifiers';
import type { AppEvent } from '../../shared/ipc/contract';
import { failureOf } from '../testing';
import { IdentityCipher } from '../store/cipher';
import type { ArticleStore, Store } from '../store/repositories';
import { openStore } from '../store/store';
import { ArticleMasterService, COMMAND_LINE_STAFF, importArticlesFromFile, type ArticleMasterDeps } from './article-master';
import { EventHub } from './events';

const NOW = new Date('2026-12-08T09:00:00Z');

function pzn(n: number): string {
  for (let base = n; ; base++) {
    const digits = String(base).padStart(7, '0');
    const check = pznCheckDigit(digits);
    if (check !== 10) return `${digits}${check}`;
  }
}
const AMLO5 = pzn(1_000_001);
const AMLO10 = pzn(1_000_101);
const IBU = pzn(1_000_201);
const UNKNOWN = pzn(1_000_301);

const masterFile = (source = 'Testdaten GmbH'): string =>
  [
    `#Artikelstamm;Version=1;Quelle=${source};Stand=2026-12-01`,
    'pzn;name;packungsgroesse;darreichungsform;wirkstoffe;staerken;securpharm;hersteller;avp',
    `${AMLO5};Amlodipin Test 5 mg Tabletten;20 St;TAB;Amlodipinbesilat;5 mg;ja;Testpharm;12,34`,
    `${AMLO10};Amlodipin Test 10 mg Tabletten;50 St;TAB;Amlodipinbesilat;10 mg;ja;Testpharm;`,
    `${IBU};Ibuprofen Wärme 400 mg;20 St;FTA;Ibuprofen;400 mg;nein;Andere AG;`,
  ].join('\n');

let store: Store;
let hub: EventHub;
let events: AppEvent[];
/** every call the service made on the store's article repository */
let calls: string[];
const services: ArticleMasterService[] = [];

/** The store's article repository, counting its calls. */
function countingStore(): ArticleMasterDeps['store'] {
  const counted = Object.fromEntries(
    Object.entries(store.articles).map(([name, method]) => [
      name,
      (...args: unknown[]) => {
        calls.push(name);
        return (method as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as ArticleStore;
  return { articles: counted, transaction: (fn) => store.transaction(fn) };
}

function service(overrides: Partial<ArticleMasterDeps> = {}): ArticleMasterService {
  const created = new ArticleMasterService({ store: countingStore(), events: hub, demoOnly: false, now: () => NOW, ...overrides });
  services.push(created);
  return created;
}

beforeEach(() => {
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32, 7), now: () => NOW });
  hub = new EventHub();
  events = [];
  hub.subscribe((e) => events.push(e));
  calls = [];
});
afterEach(async () => {
  for (const s of services.splice(0)) s.close();
  await store.close();
});

describe('which catalogue answers', () => {
  it('the demo catalogue while the store holds no master', async () => {
    const articles = service();
    expect(await articles.info()).toEqual(await demoArticleCatalog.info());
    const demo = demoCatalog.all()[0]!;
    expect(await articles.byPzn(demo.pzn)).toEqual(demo);
    expect((await articles.search('ibuprofen', 3)).map((a) => a.pzn)).toEqual(demoCatalog.search('ibuprofen', 3).map((a) => a.pzn));
  });

  it('the imported master once there is one: lookups, search by name, substance and PZN prefix, info', async () => {
    const articles = service();
    const summary = await articles.importCsv(masterFile(), { fileName: '/tmp/stamm/artikel.csv', staff: 'AB' });
    expect(summary).toEqual({ articleCount: 3, source: 'Testdaten GmbH', asOf: '2026-12-01', importedAt: NOW.toISOString() });
    expect(await articles.info()).toEqual({
      kind: 'imported',
      articleCount: 3,
      source: 'Testdaten GmbH',
      asOf: '2026-12-01',
      importedAt: NOW.toISOString(),
      importedBy: 'AB',
    });
    expect(await store.articles.info()).toMatchObject({ fileName: 'artikel.csv' });
    expect(await articles.byPzn(AMLO5)).toMatchObject({ name: 'Amlodipin Test 5 mg Tabletten', prices: { retailCents: 1234 }, manufacturer: 'Testpharm' });
    // a demo PZN is unknown to an imported master
    expect(await articles.byPzn(demoCatalog.all()[0]!.pzn)).toBeUndefined();
    const found = await articles.byPzns([` ${AMLO10} `, UNKNOWN, IBU, IBU, '']);
    expect([...found.keys()].sort()).toEqual([AMLO10, IBU].sort());

    expect((await articles.search('amlo')).map((a) => a.pzn)).toEqual([AMLO10, AMLO5]);
    expect((await articles.search('Amlodipin Test 5')).map((a) => a.pzn)).toEqual([AMLO5]);
    expect((await articles.search('amlodipinbesilat 50')).map((a) => a.pzn)).toEqual([]);
    // every word must occur in name, manufacturer, substance or PZN — „10“ is also in the 5 mg article's PZN
    expect(AMLO5).toContain('10');
    expect((await articles.search('amlodipinbesilat 10')).map((a) => a.pzn)).toEqual([AMLO10, AMLO5]);
    expect((await articles.search('waerme')).map((a) => a.pzn)).toEqual([IBU]);
    expect((await articles.search('testpharm', 1)).map((a) => a.pzn)).toEqual([AMLO10]);
    expect((await articles.search(AMLO5.slice(0, 6))).map((a) => a.pzn)).toContain(AMLO5);
    expect(await articles.search('%')).toEqual([]);
    expect(await articles.search('   ')).toEqual([]);
  });

  it('ranks names starting with the query first, then names with a word starting with it', async () => {
    const articles = service();
    const text = [
      '#Artikelstamm;Version=1',
      'pzn;name;packungsgroesse;darreichungsform;wirkstoffe;staerken;securpharm',
      `${pzn(2_000_001)};Zeta Amlo 5 mg;20 St;TAB;Amlodipin;5 mg;ja`,
      `${pzn(2_000_101)};Xanthamlo 5 mg;20 St;TAB;Amlodipin;5 mg;ja`,
      `${pzn(2_000_201)};Amlo Beta 5 mg;20 St;TAB;Amlodipin;5 mg;ja`,
      `${pzn(2_000_301)};Amlo Alpha 5 mg;20 St;TAB;Amlodipin;5 mg;ja`,
    ].join('\n');
    await articles.importCsv(text, { staff: 'AB' });
    expect((await articles.search('amlo')).map((a) => a.name)).toEqual(['Amlo Alpha 5 mg', 'Amlo Beta 5 mg', 'Zeta Amlo 5 mg', 'Xanthamlo 5 mg']);
  });

  it('in training with the embedded simulator always the demo catalogue, and an import is refused', async () => {
    await service().importCsv(masterFile(), { staff: 'AB' });
    const training = service({ demoOnly: true });
    expect((await training.info()).kind).toBe('demo');
    expect(await training.byPzn(AMLO5)).toBeUndefined();
    const refused = await failureOf(training.importCsv(masterFile('Anders'), { staff: 'AB' }));
    expect(refused.appError).toMatchObject({ code: 'state', message: expect.stringContaining('Demo-Artikelstamm') as unknown });
    expect(await store.articles.info()).toMatchObject({ source: 'Testdaten GmbH' });
  });
});

describe('the import', () => {
  it('a file with problems changes nothing: the failure names the first problem, the detail lists them all', async () => {
    const articles = service();
    await articles.importCsv(masterFile(), { staff: 'AB' });
    const broken = `${masterFile('Kaputt')}\n${pzn(3_000_001)};Neu;20 St;TAB;Neu;5 mg;ja;;\n${UNKNOWN.slice(0, 7)}0;Falsch;20 St;TAB;X;1 mg;vielleicht;;`;
    events = [];
    const failed = await failureOf(articles.importCsv(broken, { staff: 'CD' }));
    expect(failed.appError.code).toBe('validation');
    expect(failed.appError.message).toBe(
      'Artikelstamm nicht eingelesen, es wurde nichts geändert. Zeile 7, Feld „pzn“: Prüfziffer falsch. (2 Probleme, alle unter „Technische Details“)',
    );
    expect(failed.appError.detail).toBe('Zeile 7, Feld „pzn“: Prüfziffer falsch.\nZeile 7, Feld „securpharm“: „vielleicht“: bitte ja oder nein.');
    expect(await articles.info()).toMatchObject({ kind: 'imported', articleCount: 3, source: 'Testdaten GmbH', importedBy: 'AB' });
    expect(await articles.byPzn(pzn(3_000_001))).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('replaces the whole master and tells the app (articles-changed)', async () => {
    const articles = service();
    await articles.importCsv(masterFile(), { staff: 'AB' });
    expect(events).toEqual([{ type: 'articles-changed' }]);
    const smaller = ['#Artikelstamm;Version=1', 'pzn;name;packungsgroesse;darreichungsform;wirkstoffe;staerken;securpharm', `${IBU};Ibu neu;10 St;FTA;Ibuprofen;200 mg;nein`].join('\n');
    expect(await articles.importCsv(smaller, { staff: 'CD' })).toEqual({ articleCount: 1, importedAt: NOW.toISOString() });
    expect(await articles.byPzn(AMLO5)).toBeUndefined();
    expect(await articles.byPzn(IBU)).toMatchObject({ name: 'Ibu neu' });
    expect(await articles.info()).toEqual({ kind: 'imported', articleCount: 1, importedAt: NOW.toISOString(), importedBy: 'CD' });
  });
});

describe('the lookup cache', () => {
  it('answers a PZN asked before — known or unknown — without the store', async () => {
    const articles = service();
    await articles.importCsv(masterFile(), { staff: 'AB' });
    await articles.byPzns([AMLO5, UNKNOWN]);
    calls = [];
    expect(await articles.byPzn(AMLO5)).toMatchObject({ pzn: AMLO5 });
    expect(await articles.byPzn(UNKNOWN)).toBeUndefined();
    expect(calls).toEqual([]);
    // a search fills the cache with what it found
    await articles.search('ibuprofen');
    calls = [];
    expect(await articles.byPzn(IBU)).toMatchObject({ pzn: IBU });
    expect(calls).toEqual([]);
  });

  it('is dropped when another counter imported (articles-changed from the shared store)', async () => {
    const here = service();
    await here.importCsv(masterFile(), { staff: 'AB' });
    expect(await here.byPzn(AMLO5)).toBeDefined();
    // another counter replaces the master in the shared store …
    await store.articles.replaceAll([], { articleCount: 0, importedAt: NOW.toISOString(), importedBy: 'XY' });
    expect(await here.byPzn(AMLO5)).toBeDefined();
    // … and its notification arrives here as the app's event (shared-store-sync.ts)
    hub.emit({ type: 'articles-changed' });
    expect(await here.byPzn(AMLO5)).toBeUndefined();
    expect(await here.info()).toMatchObject({ importedBy: 'XY', articleCount: 0 });
  });

  it('keeps at most cacheSize PZNs, dropping the least recently used', async () => {
    const articles = service({ cacheSize: 2 });
    await articles.importCsv(masterFile(), { staff: 'AB' });
    await articles.byPzn(AMLO5);
    await articles.byPzn(AMLO10);
    await articles.byPzn(AMLO5); // AMLO10 is now the least recently used
    await articles.byPzn(IBU);
    calls = [];
    await articles.byPzn(AMLO5);
    await articles.byPzn(IBU);
    expect(calls).toEqual([]);
    await articles.byPzn(AMLO10);
    expect(calls).toEqual(['byPzns']);
  });

  it('reads the master info once until something changes', async () => {
    const articles = service();
    await articles.importCsv(masterFile(), { staff: 'AB' });
    calls = [];
    await articles.info();
    await articles.byPzn(AMLO5);
    await articles.search('amlo');
    expect(calls.filter((c) => c === 'info')).toEqual(['info']);
  });
});

describe('--import-articles FILE (the command line’s code path)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'erx-articles-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the file as „Kommandozeile“ and answers the start-log line', async () => {
    const fileName = join(dir, 'artikel.csv');
    writeFileSync(fileName, `\uFEFF${masterFile().replace(/\n/g, '\r\n')}`);
    const articles = service();
    expect(await importArticlesFromFile(articles, fileName)).toBe('3 importiert (Quelle Testdaten GmbH, Stand 2026-12-01)');
    expect(await articles.info()).toMatchObject({ kind: 'imported', importedBy: COMMAND_LINE_STAFF });
  });

  it('a file with problems: an Error listing every problem with line and field, nothing changed', async () => {
    const fileName = join(dir, 'kaputt.csv');
    writeFileSync(fileName, `${masterFile()}\n${AMLO5};Doppelt;20 St;TAB;A;1 mg;ja;;`);
    const articles = service();
    await expect(importArticlesFromFile(articles, fileName)).rejects.toThrow(
      `Artikelstamm ${fileName} nicht eingelesen, es wurde nichts geändert:\nZeile 6, Feld „pzn“: PZN ${AMLO5} steht schon in Zeile 3.`,
    );
    expect((await articles.info()).kind).toBe('demo');
  });

  it('a missing file, and one in training, are refused too', async () => {
    await expect(importArticlesFromFile(service(), join(dir, 'fehlt.csv'))).rejects.toThrow(/Artikelstamm .*fehlt\.csv nicht lesbar/);
    const fileName = join(dir, 'artikel.csv');
    writeFileSync(fileName, masterFile());
    await expect(importArticlesFromFile(service({ demoOnly: true }), fileName)).rejects.toThrow(/Demo-Artikelstamm/);
  });
});
