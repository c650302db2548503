/**
 * A fictional article catalogue for training, demos, tests and the simulator's prescription generator (the
 * `ArticleCatalog` seam of article-catalog.ts). Every manufacturer and trade name is invented; substances, ATC
 * codes and KBV Darreichungsform codes are real so that the data passes the same rules as real data (spec §1.3,
 * §6.4).
 *
 * The ~300 articles are generated from a compact table: product line × strength × pack size (N1/N2/N3).
 * PZNs are derived from the article's position in that order with a valid mod-11 check digit (spec §1.3):
 * append new lines at the END of a table so the PZNs of existing articles (stored in cases) never change.
 */
import { pznCheckDigit, type Pzn } from '../identifiers';
import type { Article, ArticleCatalog, ArticleIngredient } from './article-catalog';

/**
 * An in-memory article table with synchronous lookups: the demo data, the simulator's generator and tests use it
 * directly; `catalogOfTable` makes it answer the (asynchronous) `ArticleCatalog` seam.
 */
export interface ArticleTable {
  byPzn(pzn: string): Article | undefined;
  /** case-insensitive search over trade name and substance; at most `limit` results (default 20) */
  search(text: string, limit?: number): Article[];
  /** every article (for the simulator's generator) */
  all(): readonly Article[];
}

// ---------------------------------------------------------------------------------------------
// In-memory catalogue with accent- and umlaut-tolerant search
// ---------------------------------------------------------------------------------------------

/**
 * Folds text for searching: case, accents and the German umlaut spellings (ä = ae, ß = ss) do not matter,
 * so "Waerme", "Wärme" and "warme" all fold to "warme".
 */
export function foldSearchText(text: string): string {
  return text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ae/g, 'a')
    .replace(/oe/g, 'o')
    .replace(/ue/g, 'u')
    .replace(/\s+/g, ' ')
    .trim();
}

export function createArticleCatalog(articles: readonly Article[]): ArticleTable {
  const byPzn = new Map<string, Article>(articles.map((a) => [a.pzn, a]));
  const indexed = articles.map((article) => {
    const name = foldSearchText(article.name);
    const haystack = foldSearchText(
      [article.name, article.manufacturer ?? '', ...article.ingredients.map((i) => i.name), article.pzn].join(' '),
    );
    return { article, name, haystack };
  });
  return {
    byPzn: (pzn) => byPzn.get(pzn.trim()),
    search(text, limit = 20) {
      const query = foldSearchText(text);
      if (query === '' || limit <= 0) return [];
      if (/^[0-9]+$/.test(query)) {
        return articles.filter((a) => a.pzn.startsWith(query)).slice(0, limit);
      }
      const tokens = query.split(' ');
      const rank = (name: string): number => {
        if (name.startsWith(query)) return 0;
        if (name.split(' ').some((word) => word.startsWith(tokens[0] ?? ''))) return 1;
        return 2;
      };
      return indexed
        .filter((entry) => tokens.every((t) => entry.haystack.includes(t)))
        .map((entry) => ({ ...entry, rank: rank(entry.name) }))
        .sort((a, b) => a.rank - b.rank || a.article.name.localeCompare(b.article.name, 'de'))
        .slice(0, limit)
        .map((entry) => entry.article);
    },
    all: () => articles,
  };
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/** KBV Darreichungsform codes used here, with their display names. */
const forms = {
  TAB: 'Tabletten',
  FTA: 'Filmtabletten',
  RET: 'Retardtabletten',
  TMR: 'magensaftresistente Tabletten',
  KMR: 'magensaftresistente Kapseln',
  SMT: 'Schmelztabletten',
  KAP: 'Kapseln',
  REK: 'Retardkapseln',
  TEI: 'Tropfen zum Einnehmen',
  DOS: 'Dosieraerosol',
  IHP: 'Inhalationspulver',
  CRE: 'Creme',
  SAL: 'Salbe',
  NAS: 'Nasenspray',
  ATR: 'Augentropfen',
  FER: 'Fertigspritzen',
  KPG: 'Kombipackung',
} as const;
type FormCode = keyof typeof forms;

/** The names of the KBV Darreichungsform codes above; the pharmacy's rules show forms by them (docs/checks.md). */
export const kbvFormNames: Readonly<Record<string, string>> = forms;

const normSizes = ['N1', 'N2', 'N3'] as const;

interface ProductLine {
  substance: string;
  atc: string;
  manufacturer: string;
  form: FormCode;
  strengths: readonly number[];
  unit: string;
  /** pack contents for N1, N2, N3 (fewer entries = fewer norm sizes) */
  packs: readonly number[];
  packUnit?: 'St' | 'g' | 'ml';
  /** epa-drug-category; 02 = AMVV §3a, dispensed on a T-Rezept (flow 166) */
  category?: Article['category'];
  vaccine?: boolean;
  /** false for packs without a securPharm code (mostly non-prescription products) */
  securPharm?: boolean;
  /** trade name instead of "<substance> <manufacturer>" */
  brand?: string;
}

const DEMO = 'Demopharm';
const MUSTER = 'Musterpharma';
const BEISPIEL = 'Beispielmedica';
const FIKTIVA = 'Fiktiva Arzneimittel';
const TESTOGEN = 'Testogen';
const PROBA = 'Probapharm';

const productLines: readonly ProductLine[] = [
  { substance: 'Ibuprofen', atc: 'M01AE01', manufacturer: DEMO, form: 'FTA', strengths: [200, 400, 600], unit: 'mg', packs: [10, 20, 50] },
  { substance: 'Ibuprofen', atc: 'M01AE01', manufacturer: MUSTER, form: 'FTA', strengths: [400, 800], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Paracetamol', atc: 'N02BE01', manufacturer: BEISPIEL, form: 'TAB', strengths: [500], unit: 'mg', packs: [10, 20], securPharm: false },
  { substance: 'Metamizol', atc: 'N02BB02', manufacturer: DEMO, form: 'FTA', strengths: [500], unit: 'mg', packs: [10, 20, 50] },
  { substance: 'Metamizol', atc: 'N02BB02', manufacturer: FIKTIVA, form: 'TEI', strengths: [500], unit: 'mg/ml', packs: [20, 50, 100], packUnit: 'ml' },
  { substance: 'Metformin', atc: 'A10BA02', manufacturer: DEMO, form: 'FTA', strengths: [500, 850, 1000], unit: 'mg', packs: [30, 120, 180] },
  { substance: 'Ramipril', atc: 'C09AA05', manufacturer: MUSTER, form: 'TAB', strengths: [2.5, 5, 10], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Amlodipin', atc: 'C08CA01', manufacturer: FIKTIVA, form: 'TAB', strengths: [5, 10], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Bisoprolol', atc: 'C07AB07', manufacturer: DEMO, form: 'FTA', strengths: [2.5, 5, 10], unit: 'mg', packs: [30, 50, 100] },
  { substance: 'Metoprololsuccinat', atc: 'C07AB02', manufacturer: BEISPIEL, form: 'RET', strengths: [23.75, 47.5, 95], unit: 'mg', packs: [30, 50, 100] },
  { substance: 'Simvastatin', atc: 'C10AA01', manufacturer: MUSTER, form: 'FTA', strengths: [20, 40], unit: 'mg', packs: [30, 50, 100] },
  { substance: 'Atorvastatin', atc: 'C10AA05', manufacturer: FIKTIVA, form: 'FTA', strengths: [10, 20, 40], unit: 'mg', packs: [30, 50, 100] },
  { substance: 'Pantoprazol', atc: 'A02BC02', manufacturer: DEMO, form: 'TMR', strengths: [20, 40], unit: 'mg', packs: [15, 30, 60] },
  { substance: 'Omeprazol', atc: 'A02BC01', manufacturer: TESTOGEN, form: 'KMR', strengths: [20, 40], unit: 'mg', packs: [14, 28, 56] },
  { substance: 'Levothyroxin-Natrium', atc: 'H03AA01', manufacturer: PROBA, form: 'TAB', strengths: [50, 75, 100, 125], unit: 'µg', packs: [50, 100] },
  { substance: 'Candesartancilexetil', atc: 'C09CA06', manufacturer: MUSTER, form: 'TAB', strengths: [8, 16, 32], unit: 'mg', packs: [28, 56, 98] },
  { substance: 'Sumatriptan', atc: 'N02CC01', manufacturer: PROBA, form: 'TAB', strengths: [50, 100], unit: 'mg', packs: [2, 6, 12] },
  { substance: 'Amoxicillin', atc: 'J01CA04', manufacturer: TESTOGEN, form: 'FTA', strengths: [500, 1000], unit: 'mg', packs: [10, 20, 30] },
  { substance: 'Cefuroxim', atc: 'J01DC02', manufacturer: BEISPIEL, form: 'FTA', strengths: [250, 500], unit: 'mg', packs: [12, 24] },
  { substance: 'Ciprofloxacin', atc: 'J01MA02', manufacturer: FIKTIVA, form: 'FTA', strengths: [250, 500], unit: 'mg', packs: [10, 20] },
  { substance: 'Salbutamol', atc: 'R03AC02', manufacturer: DEMO, form: 'DOS', strengths: [100], unit: 'µg', packs: [1, 2, 3] },
  { substance: 'Budesonid', atc: 'R03BA02', manufacturer: MUSTER, form: 'IHP', strengths: [200, 400], unit: 'µg', packs: [1, 2, 3] },
  { substance: 'Levetiracetam', atc: 'N03AX14', manufacturer: TESTOGEN, form: 'FTA', strengths: [500, 1000], unit: 'mg', packs: [50, 100, 200] },
  { substance: 'Sertralin', atc: 'N06AB06', manufacturer: FIKTIVA, form: 'FTA', strengths: [50, 100], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Citalopram', atc: 'N06AB04', manufacturer: DEMO, form: 'FTA', strengths: [10, 20, 40], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Mirtazapin', atc: 'N06AX11', manufacturer: BEISPIEL, form: 'SMT', strengths: [15, 30, 45], unit: 'mg', packs: [18, 48, 96] },
  { substance: 'Quetiapin', atc: 'N05AH04', manufacturer: PROBA, form: 'FTA', strengths: [25, 100, 200], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Diclofenac-Natrium', atc: 'M01AB05', manufacturer: MUSTER, form: 'TMR', strengths: [50], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Hydrocortison', atc: 'D07AA02', manufacturer: DEMO, form: 'CRE', strengths: [1], unit: '%', packs: [20, 50, 100], packUnit: 'g', securPharm: false },
  { substance: 'Dexpanthenol', atc: 'D03AX03', manufacturer: FIKTIVA, form: 'SAL', strengths: [5], unit: '%', packs: [20, 50, 100], packUnit: 'g', securPharm: false },
  { substance: 'Xylometazolin', atc: 'R01AA07', manufacturer: BEISPIEL, form: 'NAS', strengths: [0.05, 0.1], unit: '%', packs: [10], packUnit: 'ml', securPharm: false },
  { substance: 'Natriumcromoglicat', atc: 'S01GX01', manufacturer: TESTOGEN, form: 'ATR', strengths: [20], unit: 'mg/ml', packs: [10, 30], packUnit: 'ml', securPharm: false },
  { substance: 'Apixaban', atc: 'B01AF02', manufacturer: DEMO, form: 'FTA', strengths: [2.5, 5], unit: 'mg', packs: [20, 60, 200] },
  { substance: 'Enoxaparin-Natrium', atc: 'B01AB05', manufacturer: MUSTER, form: 'FER', strengths: [40], unit: 'mg', packs: [2, 10, 50] },
  { substance: 'Prednisolon', atc: 'H02AB06', manufacturer: PROBA, form: 'TAB', strengths: [5, 20], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Allopurinol', atc: 'M04AA01', manufacturer: FIKTIVA, form: 'TAB', strengths: [100, 300], unit: 'mg', packs: [30, 50, 100] },
  { substance: 'Torasemid', atc: 'C03CA04', manufacturer: TESTOGEN, form: 'TAB', strengths: [5, 10], unit: 'mg', packs: [30, 50, 100] },
  // AMVV §3a substances: only on a T-Rezept (flow 166, spec §1.2), category 02
  { substance: 'Lenalidomid', atc: 'L04AX04', manufacturer: FIKTIVA, form: 'KAP', strengths: [5, 10, 15, 25], unit: 'mg', packs: [7, 21], category: '02' },
  { substance: 'Thalidomid', atc: 'L04AX02', manufacturer: DEMO, form: 'KAP', strengths: [50], unit: 'mg', packs: [28], category: '02' },
  { substance: 'Pomalidomid', atc: 'L04AX06', manufacturer: MUSTER, form: 'KAP', strengths: [1, 2, 3, 4], unit: 'mg', packs: [14, 21], category: '02' },
  {
    substance: 'Influenza-Spaltvirus-Antigen',
    brand: 'Grippeimpfstoff Demopharm 2026/2027',
    atc: 'J07BB02',
    manufacturer: DEMO,
    form: 'FER',
    strengths: [15],
    unit: 'µg',
    packs: [1, 10],
    vaccine: true,
  },
  { substance: 'Tamsulosin', atc: 'G04CA02', manufacturer: BEISPIEL, form: 'REK', strengths: [0.4], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Cetirizin', atc: 'R06AE07', manufacturer: DEMO, form: 'FTA', strengths: [10], unit: 'mg', packs: [20, 50, 100], securPharm: false },
  { substance: 'Colecalciferol', atc: 'A11CC05', manufacturer: FIKTIVA, form: 'TAB', strengths: [1000, 20000], unit: 'I.E.', packs: [50, 100], securPharm: false },
  { substance: 'Losartan', atc: 'C09CA01', manufacturer: TESTOGEN, form: 'FTA', strengths: [50, 100], unit: 'mg', packs: [28, 56, 98] },
  { substance: 'Valsartan', atc: 'C09CA03', manufacturer: DEMO, form: 'FTA', strengths: [80, 160, 320], unit: 'mg', packs: [28, 56, 98] },
  { substance: 'Escitalopram', atc: 'N06AB10', manufacturer: MUSTER, form: 'FTA', strengths: [10, 20], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Gabapentin', atc: 'N03AX12', manufacturer: FIKTIVA, form: 'KAP', strengths: [100, 300, 400], unit: 'mg', packs: [50, 100, 200] },
  { substance: 'Doxycyclin', atc: 'J01AA02', manufacturer: BEISPIEL, form: 'TAB', strengths: [100, 200], unit: 'mg', packs: [10, 20] },
  { substance: 'Clopidogrel', atc: 'B01AC04', manufacturer: PROBA, form: 'FTA', strengths: [75], unit: 'mg', packs: [30, 50, 100] },
  { substance: 'Furosemid', atc: 'C03CA01', manufacturer: DEMO, form: 'TAB', strengths: [20, 40], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Amitriptylin', atc: 'N06AA09', manufacturer: TESTOGEN, form: 'FTA', strengths: [25, 50], unit: 'mg', packs: [20, 50, 100] },
  { substance: 'Hydrochlorothiazid', atc: 'C03AA03', manufacturer: MUSTER, form: 'TAB', strengths: [12.5, 25], unit: 'mg', packs: [30, 50, 100] },
];

/** A Kombipackung (spec §6.4: form KPG, components as separate products). */
const comboPacks: readonly Omit<Article, 'pzn'>[] = [
  {
    name: 'Cromoglicin Demopharm Kombipackung Augentropfen + Nasenspray',
    packSize: '1 St',
    normSize: 'N1',
    form: 'KPG',
    ingredients: [
      { name: 'Natriumcromoglicat (Augentropfen)', strengthValue: 20, strengthUnit: 'mg/ml', atc: 'S01GX01' },
      { name: 'Natriumcromoglicat (Nasenspray)', strengthValue: 2.8, strengthUnit: 'mg/Sprühstoß', atc: 'R01AC01' },
    ],
    category: '00',
    vaccine: false,
    securPharm: true,
    manufacturer: DEMO,
  },
];

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/** German number formatting without locale data: 2.5 → "2,5". */
const germanNumber = (n: number): string => String(n).replace('.', ',');

/**
 * PZN base numbers walk the 7-digit space with a stride coprime to 10^7, so one walk never repeats.
 * Product lines and combo packs walk from different starts, so appending to either list keeps all PZNs stable.
 */
const PZN_START_PRODUCT_LINES = 4_180_000;
const PZN_START_COMBO_PACKS = 9_500_000;
const PZN_STRIDE = 7_919;

function* pznSequence(start: number): Generator<Pzn> {
  for (let i = 0; ; i++) {
    const base = String((start + i * PZN_STRIDE) % 10_000_000).padStart(7, '0');
    const check = pznCheckDigit(base);
    if (check !== 10) yield `${base}${check}` as Pzn; // a check result of 10 is never issued (spec §1.3)
  }
}

function articlesOf(line: ProductLine): Omit<Article, 'pzn'>[] {
  const out: Omit<Article, 'pzn'>[] = [];
  for (const strength of line.strengths) {
    const ingredient: ArticleIngredient = { name: line.substance, strengthValue: strength, strengthUnit: line.unit, atc: line.atc };
    const name = `${line.brand ?? `${line.substance} ${line.manufacturer}`} ${germanNumber(strength)} ${line.unit} ${forms[line.form]}`;
    line.packs.forEach((count, i) => {
      out.push({
        name,
        packSize: `${germanNumber(count)} ${line.packUnit ?? 'St'}`,
        normSize: normSizes[i],
        form: line.form,
        ingredients: [ingredient],
        category: line.category ?? '00',
        vaccine: line.vaccine ?? false,
        securPharm: line.securPharm ?? true,
        manufacturer: line.manufacturer,
      });
    });
  }
  return out;
}

function withPzns(articles: readonly Omit<Article, 'pzn'>[], start: number): Article[] {
  const pzns = pznSequence(start);
  return articles.map((article) => ({ pzn: pzns.next().value as Pzn, ...article }));
}

function generateDemoArticles(): Article[] {
  return [...withPzns(productLines.flatMap(articlesOf), PZN_START_PRODUCT_LINES), ...withPzns(comboPacks, PZN_START_COMBO_PACKS)];
}

export const demoCatalog: ArticleTable = createArticleCatalog(generateDemoArticles());

/** An in-memory table behind the `ArticleCatalog` seam; `kind` says what the settings show for it. */
export function catalogOfTable(table: ArticleTable, kind: 'demo' | 'imported' = 'demo'): ArticleCatalog {
  return {
    byPzn: (pzn) => Promise.resolve(table.byPzn(pzn)),
    byPzns(pzns) {
      const found = new Map<string, Article>();
      for (const pzn of pzns) {
        const article = table.byPzn(pzn);
        if (article) found.set(pzn.trim(), article);
      }
      return Promise.resolve(found);
    },
    search: (text, limit) => Promise.resolve(table.search(text, limit)),
    info: () => Promise.resolve({ kind, articleCount: table.all().length }),
  };
}

/** The embedded default: the fictional demo catalogue behind the seam. */
export const demoArticleCatalog: ArticleCatalog = catalogOfTable(demoCatalog);
