/**
 * The article master in both store engines (docs/article-master.md, docs/multi-counter.md §1, §3): the same test
 * bodies against SQLite and a throwaway PostgreSQL (support/store-engines.ts), one transcript of calls compared
 * between the engines, and what only the shared store has — another counter hears an import through
 * `erx_articles_changed` (only when it commits) and drops its cached lookups; two imports at once end as one master.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../../shared/erezept/catalog/article-catalog';
import { pznCheckDigit, type Pzn } from '../../shared/erezept/identifiers';
import { ArticleMasterService } from '../../main/services/article-master';
import { EventHub } from '../../main/services/events';
import { AesGcmCipher } from '../../main/store/aes-gcm-cipher';
import type { ArticleMasterInfo } from '../../main/store/articles';
import { ChangeListener, type StoreChange } from '../../main/store/postgres/change-listener';
import type { Store, StoreEngine } from '../../main/store/repositories';
import { pollUntil } from './support/poll';
import { storeEngines } from './support/store-engines';

const cipher = new AesGcmCipher(randomBytes(32));
const now = (): Date => new Date('2026-12-08T09:00:00Z');

function pzn(n: number): Pzn {
  for (let base = n; ; base++) {
    const digits = String(base).padStart(7, '0');
    const check = pznCheckDigit(digits);
    if (check !== 10) return `${digits}${check}` as Pzn;
  }
}

const article = (n: number, name: string, overrides: Partial<Article> = {}): Article => ({
  pzn: pzn(n),
  name,
  packSize: '20 St',
  form: 'TAB',
  ingredients: [{ name: name.split(' ')[0] ?? name, strengthValue: 5, strengthUnit: 'mg' }],
  category: '00',
  vaccine: false,
  securPharm: true,
  ...overrides,
});

const ARTICLES: Article[] = [
  article(4_100_001, 'Amlodipin Beta 5 mg Tabletten', { manufacturer: 'Betapharm', normSize: 'N1', prices: { retailCents: 1234, pharmacyPurchaseCents: 800 } }),
  article(4_100_101, 'Amlodipin Alpha 10 mg Tabletten', { ingredients: [{ name: 'Amlodipinbesilat', strengthValue: 10, strengthUnit: 'mg', atc: 'C08CA01' }] }),
  article(4_100_201, 'Zeta Amlo 5 mg', {}),
  article(4_100_301, 'Xanthamlo 5 mg', {}),
  article(4_100_401, 'Wärmepflaster 100% Rabatt_Aktion', { form: 'PFL', securPharm: false }),
  article(4_200_001, 'Kombi 5 mg/80 mg', {
    ingredients: [
      { name: 'Amlodipin', strengthValue: 5, strengthUnit: 'mg', atc: 'C08CA01' },
      { name: 'Valsartan', strengthValue: 80, strengthUnit: 'mg', atc: 'C09CA03' },
    ],
    category: '02',
    vaccine: true,
  }),
];
const INFO: ArticleMasterInfo = { articleCount: ARTICLES.length, source: 'Testdaten GmbH', asOf: '2026-12-01', importedAt: now().toISOString(), importedBy: 'AB', fileName: 'artikel.csv' };

const engines = storeEngines();
const transcripts = new Map<StoreEngine, unknown[]>();

describe.each(engines)('the article master in the $name store', (engine) => {
  let store: Store;

  beforeAll(() => engine.start(), 120_000);
  afterAll(() => engine.stop(), 60_000);
  beforeEach(async () => {
    await engine.fresh();
    store = await engine.open({ cipher, now });
  });
  afterEach(() => engine.closeAll());

  it('stores articles as they were given and answers lookups by PZN', async () => {
    expect(await store.articles.info()).toBeUndefined();
    await store.articles.replaceAll(ARTICLES, INFO);
    expect(await store.articles.info()).toEqual(INFO);
    const found = await store.articles.byPzns([...ARTICLES.map((a) => a.pzn), pzn(9_999_001), ARTICLES[0]!.pzn]);
    expect(found.size).toBe(ARTICLES.length);
    for (const a of ARTICLES) expect(found.get(a.pzn)).toStrictEqual(a);
    expect(await store.articles.byPzns([])).toEqual(new Map());
  });

  it('searches: every word in name, manufacturer, substance or PZN; name starts first, then a word; LIKE characters literal', async () => {
    await store.articles.replaceAll(ARTICLES, INFO);
    const names = async (folded: string, limit = 20): Promise<string[]> => (await store.articles.search(folded, limit)).map((a) => a.name);
    expect(await names('amlo')).toEqual(['Amlodipin Alpha 10 mg Tabletten', 'Amlodipin Beta 5 mg Tabletten', 'Zeta Amlo 5 mg', 'Kombi 5 mg/80 mg', 'Xanthamlo 5 mg']);
    expect(await names('amlo', 2)).toEqual(['Amlodipin Alpha 10 mg Tabletten', 'Amlodipin Beta 5 mg Tabletten']);
    expect(await names('betapharm')).toEqual(['Amlodipin Beta 5 mg Tabletten']);
    expect(await names('valsartan amlodipin')).toEqual(['Kombi 5 mg/80 mg']);
    expect(await names('warmepflaster')).toEqual(['Wärmepflaster 100% Rabatt_Aktion']);
    expect(await names('100%')).toEqual(['Wärmepflaster 100% Rabatt_Aktion']);
    expect(await names('0%')).toEqual(['Wärmepflaster 100% Rabatt_Aktion']);
    expect(await names('t_a')).toEqual(['Wärmepflaster 100% Rabatt_Aktion']);
    expect(await names('%')).toEqual(['Wärmepflaster 100% Rabatt_Aktion']);
    expect(await names('_')).toEqual(['Wärmepflaster 100% Rabatt_Aktion']);
    expect(await names('\\')).toEqual([]);
    expect(await names('')).toEqual([]);
    expect(await names('amlo', 0)).toEqual([]);
  });

  it('a PZN prefix (digits only) is a range on the key, in PZN order', async () => {
    await store.articles.replaceAll(ARTICLES, INFO);
    const under41 = ARTICLES.filter((a) => a.pzn.startsWith('41')).map((a) => a.pzn);
    expect(under41).toHaveLength(5);
    expect((await store.articles.search('41', 20)).map((a) => a.pzn)).toEqual(under41.sort());
    expect((await store.articles.search('420', 20)).map((a) => a.pzn)).toEqual([pzn(4_200_001)]);
    expect(await store.articles.search('0', 20)).toEqual([]);
    expect((await store.articles.search(ARTICLES[0]!.pzn, 20)).map((a) => a.pzn)).toEqual([ARTICLES[0]!.pzn]);
    expect(await store.articles.search('123456789', 20)).toEqual([]);
  });

  it('replaceAll replaces the whole master; clear removes it', async () => {
    await store.articles.replaceAll(ARTICLES, INFO);
    const next = [article(5_000_001, 'Neu 1 mg')];
    await store.articles.replaceAll(next, { articleCount: 1, importedAt: '2026-12-09T08:00:00.000Z', importedBy: 'CD' });
    expect(await store.articles.info()).toEqual({ articleCount: 1, importedAt: '2026-12-09T08:00:00.000Z', importedBy: 'CD' });
    expect([...(await store.articles.byPzns([...ARTICLES, ...next].map((a) => a.pzn))).keys()]).toEqual([next[0]!.pzn]);
    await store.articles.clear();
    expect(await store.articles.info()).toBeUndefined();
    expect(await store.articles.search('neu', 5)).toEqual([]);
  });

  it('an import that fails inside its unit of work leaves the previous master', async () => {
    await store.articles.replaceAll(ARTICLES, INFO);
    const failing = store.transaction(async () => {
      await store.articles.replaceAll([article(5_000_001, 'Neu 1 mg')], { articleCount: 1, importedAt: '2026-12-09T08:00:00.000Z', importedBy: 'CD' });
      throw new Error('abgebrochen');
    });
    await expect(failing).rejects.toThrow('abgebrochen');
    expect(await store.articles.info()).toEqual(INFO);
    expect((await store.articles.byPzns(ARTICLES.map((a) => a.pzn))).size).toBe(ARTICLES.length);
  });

  it('a second counter on the same store sees the master; training reset leaves it', async () => {
    await store.articles.replaceAll(ARTICLES, INFO);
    const other = await engine.open({ cipher, now });
    expect(await other.articles.info()).toEqual(INFO);
    await store.resetTrainingData();
    expect((await other.articles.search('amlo', 20)).length).toBe(5);
  });

  it('a transcript of calls, compared between the engines below', async () => {
    const out: unknown[] = [];
    await store.articles.replaceAll(ARTICLES, INFO);
    for (const query of ['amlo', 'mg', 'tabletten amlodipin', '41', '4100', 'c08ca01', 'zz', '%']) out.push([query, await store.articles.search(query, 10)]);
    out.push(await store.articles.info());
    out.push([...(await store.articles.byPzns(ARTICLES.map((a) => a.pzn).reverse())).entries()].sort());
    transcripts.set(engine.name, out);
  });

  if (engine.name === 'postgres') {
    describe('several counters (PostgreSQL)', () => {
      it('another counter hears a committed import (not a rolled-back one) and drops its cached lookups', async () => {
        const connection = engine.connection?.();
        if (!connection) throw new Error('the PostgreSQL harness gives its connection');
        const other = await engine.open({ cipher, now });
        const otherHub = new EventHub();
        const otherCatalogue = new ArticleMasterService({ store: other, events: otherHub, demoOnly: false, now });
        const changes: StoreChange[] = [];
        // what shared-store-sync.ts does with the listener's changes
        const listener = new ChangeListener({
          connection,
          counterId: 'kasse-2',
          onChange: (change) => {
            changes.push(change);
            if (change.kind === 'articles') otherHub.emit({ type: 'articles-changed' });
          },
        });
        await listener.start();
        try {
          const here = new ArticleMasterService({ store, events: new EventHub(), demoOnly: false, now });
          await here.importCsv(
            ['#Artikelstamm;Version=1', 'pzn;name;packungsgroesse;darreichungsform;wirkstoffe;staerken;securpharm', `${ARTICLES[0]!.pzn};Erste Fassung;20 St;TAB;Amlodipin;5 mg;ja`].join('\n'),
            { staff: 'AB' },
          );
          await pollUntil(() => changes.filter((c) => c.kind === 'articles').length, (n) => n === 1, { what: 'the first import', timeoutMs: 10_000 });
          expect(await otherCatalogue.byPzn(ARTICLES[0]!.pzn)).toMatchObject({ name: 'Erste Fassung' });

          // rolled back: nothing is announced, and the other counter's cache stays right
          await expect(
            store.transaction(async () => {
              await store.articles.replaceAll([{ ...ARTICLES[0]!, name: 'Nie sichtbar' }], { ...INFO, articleCount: 1 });
              throw new Error('abgebrochen');
            }),
          ).rejects.toThrow('abgebrochen');

          await here.importCsv(
            ['#Artikelstamm;Version=1', 'pzn;name;packungsgroesse;darreichungsform;wirkstoffe;staerken;securpharm', `${ARTICLES[0]!.pzn};Zweite Fassung;20 St;TAB;Amlodipin;5 mg;ja`].join('\n'),
            { staff: 'CD' },
          );
          await pollUntil(async () => (await otherCatalogue.byPzn(ARTICLES[0]!.pzn))?.name, (name) => name === 'Zweite Fassung', {
            what: 'the other counter to see the second import',
            timeoutMs: 10_000,
          });
          expect(changes.filter((c) => c.kind === 'articles')).toHaveLength(2);
          expect(await otherCatalogue.info()).toMatchObject({ kind: 'imported', importedBy: 'CD' });
          otherCatalogue.close();
          here.close();
        } finally {
          await listener.stop();
        }
      });

      it('two imports at once (two counters) end as one whole master, not a mix and not a failure', async () => {
        const other = await engine.open({ cipher, now });
        const first = ARTICLES.map((a) => ({ ...a, name: `${a.name} (A)` }));
        const second = ARTICLES.slice(0, 4).map((a) => ({ ...a, name: `${a.name} (B)` }));
        await Promise.all([
          store.articles.replaceAll(first, { ...INFO, importedBy: 'A' }),
          other.articles.replaceAll(second, { ...INFO, articleCount: second.length, importedBy: 'B' }),
        ]);
        const info = await store.articles.info();
        const stored = [...(await store.articles.byPzns(ARTICLES.map((a) => a.pzn))).values()];
        expect(stored).toHaveLength(info?.importedBy === 'A' ? first.length : second.length);
        expect(stored.every((a) => a.name.endsWith(info?.importedBy === 'A' ? '(A)' : '(B)'))).toBe(true);
      });
    });
  }
});

describe('both engines', () => {
  it('answer the same article calls with identical records', () => {
    const sqlite = transcripts.get('sqlite');
    const postgres = transcripts.get('postgres');
    if (!sqlite || !postgres) throw new Error('run the whole file: the transcripts are recorded by each engine’s block');
    expect(postgres).toStrictEqual(sqlite);
  });
});
