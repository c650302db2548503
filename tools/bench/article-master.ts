/**
 * Benchmark "articles-100k" (issue 19 item 2, docs/article-master.md): an article master of 100,000 articles in the
 * store, through the service the app uses (main/services/article-master.ts).
 *
 * Set-up (not measured): 100,000 valid articles generated as a format-v1 CSV (≈ 10 MB; fictional names, real-looking
 * substances, valid PZNs), a fresh SQLite store in a temp folder (WAL, synchronous=FULL, as the app opens it) and —
 * when this machine has a PostgreSQL server — a throwaway cluster (test/integration/support/postgres-cluster.ts).
 *
 * Figures (none has a target yet): `articles-100k.parse` — reading the CSV into articles and checking every field
 * (no store), ms; per engine `articles-100k.<sqlite|postgres>.…`:
 * - `import`: `importCsv` — the file read and the master replaced in one transaction, ms;
 * - `lookup.cold`: `byPzn` of a PZN not asked before (the store answers), µs; `lookup.warm`: the same PZN again
 *   (the service's cache answers), µs;
 * - `by-pzns-10`: `byPzns` of 10 PZNs not asked before, ms;
 * - `search.amlo`: `search('amlo')` (about 2,500 matches ranked, first 20), ms; `search.pzn-prefix`: a 4-digit PZN
 *   prefix, ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pznCheckDigit } from '../../shared/erezept/identifiers';
import { readArticleFile } from '../../main/services/article-import';
import { ArticleMasterService } from '../../main/services/article-master';
import { EventHub } from '../../main/services/events';
import { AesGcmCipher } from '../../main/store/aes-gcm-cipher';
import { openPostgresStore } from '../../main/store/postgres/open';
import type { Store } from '../../main/store/repositories';
import { openStore } from '../../main/store/store';
import { parseStoreUrl, postgresConnection } from '../../main/store/store-location';
import { startPostgresCluster, type PostgresCluster } from '../../test/integration/support/postgres-cluster';
import { skipReasonOf } from './shared-store-counters';
import { latencyFigure } from './stats';
import type { BenchOptions, Benchmark, Figure } from './types';

export const ARTICLE_COUNT = 100_000;
const IMPORT_ROUNDS = 3;
const LOOKUP_ROUNDS = 2000;
const BATCH_ROUNDS = 200;
const SEARCH_ROUNDS = 50;

const SUBSTANCES = [
  'Amlodipin', 'Ibuprofen', 'Metformin', 'Ramipril', 'Bisoprolol', 'Simvastatin', 'Atorvastatin', 'Pantoprazol',
  'Omeprazol', 'Levothyroxin-Natrium', 'Candesartan', 'Sumatriptan', 'Amoxicillin', 'Cefuroxim', 'Ciprofloxacin',
  'Salbutamol', 'Budesonid', 'Levetiracetam', 'Sertralin', 'Citalopram', 'Mirtazapin', 'Quetiapin', 'Diclofenac',
  'Apixaban', 'Prednisolon', 'Allopurinol', 'Torasemid', 'Tamsulosin', 'Cetirizin', 'Losartan', 'Valsartan',
  'Escitalopram', 'Gabapentin', 'Doxycyclin', 'Clopidogrel', 'Furosemid', 'Amitriptylin', 'Hydrochlorothiazid',
  'Metamizol', 'Paracetamol',
];
const MAKERS = ['Fiktiva', 'Demopharm', 'Musterpharma', 'Beispielmedica', 'Testogen', 'Probapharm', 'Benchmed', 'Laborix'];
const FORMS = [
  ['TAB', 'Tabletten'],
  ['FTA', 'Filmtabletten'],
  ['KAP', 'Hartkapseln'],
  ['RET', 'Retardtabletten'],
] as const;
const STRENGTHS = ['2,5', '5', '10', '20', '40', '50', '80', '100', '200', '400'];
const PACKS = [
  ['20 St', 'N1'],
  ['50 St', 'N2'],
  ['100 St', 'N3'],
] as const;

/** `count` valid PZNs in ascending order: 7 digits from 1000000 up with their check digit (10 skipped, spec §1.3). */
export function benchPzns(count: number): string[] {
  const out: string[] = [];
  for (let base = 1_000_000; out.length < count; base++) {
    const digits = String(base);
    const check = pznCheckDigit(digits);
    if (check !== 10) out.push(`${digits}${check}`);
  }
  return out;
}

/** The article master file (format v1) of `pzns.length` articles, one per PZN. */
export function benchArticleCsv(pzns: readonly string[]): string {
  const lines = [
    '#Artikelstamm;Version=1;Quelle=Benchmark (fiktiv);Stand=2026-12-01',
    'pzn;name;packungsgroesse;normgroesse;darreichungsform;wirkstoffe;staerken;atc;securpharm;hersteller;avp;aep',
  ];
  pzns.forEach((pzn, i) => {
    const substance = SUBSTANCES[i % SUBSTANCES.length]!;
    const maker = MAKERS[Math.floor(i / SUBSTANCES.length) % MAKERS.length]!;
    const [form, formName] = FORMS[Math.floor(i / 320) % FORMS.length]!;
    const strength = STRENGTHS[Math.floor(i / 1280) % STRENGTHS.length]!;
    const [pack, norm] = PACKS[Math.floor(i / 12_800) % PACKS.length]!;
    const euros = 5 + (i % 90);
    lines.push(
      [pzn, `${substance} ${maker} ${strength} mg ${formName}`, pack, norm, form, substance, `${strength} mg`, '', i % 7 === 0 ? 'nein' : 'ja', `${maker} GmbH`, `${euros},${String(i % 100).padStart(2, '0')}`, `${euros - 2},50`].join(';'),
    );
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** A seeded pseudo-random sequence (mulberry32): the same PZNs every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** durations in ms as a µs figure */
const microsFigure = (name: string, durationsMs: readonly number[]): Figure => ({ ...latencyFigure(name, durationsMs.map((d) => d * 1000), null), unit: 'µs' });

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

/** Every figure of one engine's store. */
async function measureEngine(engine: string, store: Store, csv: string, pzns: readonly string[], options: BenchOptions): Promise<Figure[]> {
  const name = (figure: string): string => `articles-100k.${engine}.${figure}`;
  const hub = new EventHub();
  const service = new ArticleMasterService({ store, events: hub, demoOnly: false, now: () => new Date() });
  try {
    const imports: number[] = [];
    for (let i = 0; i < Math.min(IMPORT_ROUNDS, options.maxIterations); i++) {
      const [ms, summary] = await timed(() => service.importCsv(csv, { fileName: 'bench.csv', staff: 'BE' }));
      if (summary.articleCount !== pzns.length) throw new Error(`bench: ${summary.articleCount} statt ${pzns.length} Artikel importiert`);
      imports.push(ms);
    }
    options.log(`  ${engine}: Import ${imports.map((ms) => `${Math.round(ms)} ms`).join(', ')}`);

    const next = random(engine.length * 7919);
    const pick = (): string => pzns[Math.floor(next() * pzns.length)]!;
    const asked = new Set<string>();
    const fresh = (): string => {
      for (;;) {
        const pzn = pick();
        if (!asked.has(pzn)) {
          asked.add(pzn);
          return pzn;
        }
      }
    };

    const lookups = Math.min(LOOKUP_ROUNDS, options.maxIterations);
    const chosen = Array.from({ length: lookups }, fresh);
    const cold: number[] = [];
    const warm: number[] = [];
    for (const pzn of chosen) {
      const [ms, article] = await timed(() => service.byPzn(pzn));
      if (!article) throw new Error(`bench: PZN ${pzn} nicht gefunden`);
      cold.push(ms);
    }
    for (const pzn of chosen) warm.push((await timed(() => service.byPzn(pzn)))[0]);

    const batches: number[] = [];
    for (let i = 0; i < Math.min(BATCH_ROUNDS, options.maxIterations); i++) {
      const ten = Array.from({ length: 10 }, fresh);
      const [ms, found] = await timed(() => service.byPzns(ten));
      if (found.size !== 10) throw new Error('bench: byPzns fand nicht alle 10');
      batches.push(ms);
    }

    const searches: number[] = [];
    const prefixes: number[] = [];
    for (let i = 0; i < Math.min(SEARCH_ROUNDS, options.maxIterations); i++) {
      const [ms, found] = await timed(() => service.search('amlo'));
      if (found.length !== 20) throw new Error(`bench: „amlo“ fand ${found.length} statt 20`);
      searches.push(ms);
      const prefix = pick().slice(0, 4);
      const [prefixMs, byPrefix] = await timed(() => service.search(prefix));
      if (byPrefix.length === 0 || !byPrefix.every((a) => a.pzn.startsWith(prefix))) throw new Error(`bench: PZN-Präfix ${prefix} falsch beantwortet`);
      prefixes.push(prefixMs);
    }
    return [
      latencyFigure(name('import'), imports, null),
      microsFigure(name('lookup.cold'), cold),
      microsFigure(name('lookup.warm'), warm),
      latencyFigure(name('by-pzns-10'), batches, null),
      latencyFigure(name('search.amlo'), searches, null),
      latencyFigure(name('search.pzn-prefix'), prefixes, null),
    ];
  } finally {
    service.close();
  }
}

async function sqliteFigures(csv: string, pzns: readonly string[], options: BenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'erx-bench-articles-'));
  const store = openStore({ file: join(dir, 'erx.db'), cipher: new AesGcmCipher(Buffer.alloc(32, 3)), hmacKey: Buffer.alloc(32, 7) });
  try {
    return await measureEngine('sqlite', store, csv, pzns, options);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PostgreSQL figures, or none (with the reason in the log) on a machine without a PostgreSQL server. */
async function postgresFigures(csv: string, pzns: readonly string[], options: BenchOptions): Promise<Figure[]> {
  let cluster: PostgresCluster;
  try {
    cluster = await startPostgresCluster();
  } catch (error) {
    const reason = skipReasonOf(error);
    if (reason === undefined) throw error;
    options.log(`  postgres übersprungen: ${reason}`);
    return [];
  }
  try {
    const environment = { env: { PGPASSFILE: cluster.passfile } };
    const location = parseStoreUrl(cluster.connectionString, environment);
    if (!location.ok) throw new Error(`bench: Datenbank-Adresse abgelehnt: ${location.problem.de}`);
    const store = await openPostgresStore({
      connection: postgresConnection(location.location, environment),
      cipher: new AesGcmCipher(Buffer.alloc(32, 3)),
      hmacKey: Buffer.alloc(32, 7),
    });
    try {
      return await measureEngine('postgres', store, csv, pzns, options);
    } finally {
      await store.close();
    }
  } finally {
    await cluster.stop();
  }
}

export const articleMaster: Benchmark = {
  name: 'articles-100k',
  description: `Artikelstamm mit ${ARTICLE_COUNT.toLocaleString('de-DE')} Artikeln: Import, Abfrage per PZN (kalt/warm), 10 PZN, Suche (SQLite, PostgreSQL)`,
  async run(options) {
    const pzns = benchPzns(ARTICLE_COUNT);
    const csv = benchArticleCsv(pzns);
    const parses: number[] = [];
    for (let i = 0; i < Math.min(IMPORT_ROUNDS, options.maxIterations); i++) {
      const start = performance.now();
      const read = readArticleFile(csv);
      parses.push(performance.now() - start);
      if (!read.ok) throw new Error(`bench: erzeugte Datei abgelehnt: ${read.problems[0]?.message ?? ''}`);
    }
    options.log(`  Datei: ${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(1)} MB, Prüfen ${parses.map((ms) => `${Math.round(ms)} ms`).join(', ')}`);
    return [
      latencyFigure('articles-100k.parse', parses, null),
      ...(await sqliteFigures(csv, pzns, options)),
      ...(await postgresFigures(csv, pzns, options)),
    ];
  },
};
