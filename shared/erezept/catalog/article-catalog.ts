/**
 * The article catalogue seam: the dispense editor, the builders (A_27033-01: substance, strength and trade name for
 * finished products), the pharmacy's safety rules (prescribed vs dispensed, docs/checks.md) and the simulator's
 * prescription generator look articles up here.
 *
 * Two sources answer it: the embedded fictional demo catalogue (the default, training and tests) and an article
 * master the pharmacy imports into the store (docs/article-master.md), which several counters share. The master
 * lives in a database, so the seam is asynchronous; the rules themselves stay synchronous and get the few articles
 * they need as an `ArticleLookup` resolved beforehand (`resolveArticles`).
 */
import type { Pzn } from '../identifiers';

export interface ArticleIngredient {
  /** substance name, e.g. "Ibuprofen" */
  name: string;
  strengthValue: number;
  strengthUnit: string;
  atc?: string;
}

/** Prices in euro cents, where the source knows them (kept for the billing data that comes later). */
export interface ArticlePrices {
  /** Apothekenverkaufspreis */
  retailCents?: number;
  /** Apothekeneinkaufspreis */
  pharmacyPurchaseCents?: number;
}

export interface Article {
  pzn: Pzn;
  /** trade name, e.g. "Ibuflam 400 mg Filmtabletten" */
  name: string;
  /** pack size as printed, e.g. "20 St" */
  packSize: string;
  /** N1 | N2 | N3 | KTP | … */
  normSize?: string;
  /** KBV Darreichungsform code, e.g. FTA */
  form: string;
  ingredients: ArticleIngredient[];
  /** epa-drug-category: 00 drug, 01 BtM, 02 AMVV §3a (T-Rezept), 03 other */
  category: '00' | '01' | '02' | '03';
  vaccine: boolean;
  /** pack carries a securPharm code (batch + expiry are then mandatory, A_21105-02) */
  securPharm: boolean;
  manufacturer?: string;
  prices?: ArticlePrices;
}

/** Which catalogue answers lookups (shown in the settings, docs/article-master.md). */
export interface ArticleCatalogInfo {
  /** `demo`: the embedded fictional catalogue; `imported`: an article master file in the store */
  kind: 'demo' | 'imported';
  articleCount: number;
  /** the file's source line (e.g. the data vendor) and its date (Stand), for an imported master */
  source?: string;
  asOf?: string;
  /** ISO instant and staff member of the import */
  importedAt?: string;
  importedBy?: string;
}

export interface ArticleCatalog {
  byPzn(pzn: string): Promise<Article | undefined>;
  /** the articles among `pzns` (trimmed) that the catalogue knows, keyed by PZN */
  byPzns(pzns: readonly string[]): Promise<ReadonlyMap<string, Article>>;
  /** case-insensitive search over trade name, substance and PZN prefix; at most `limit` results (default 20) */
  search(text: string, limit?: number): Promise<Article[]>;
  info(): Promise<ArticleCatalogInfo>;
}

/** The synchronous view the rules get: the articles resolved for one list (see `resolveArticles`). */
export type ArticleLookup = (pzn: string) => Article | undefined;

export const noArticles: ArticleLookup = () => undefined;

/** A lookup over already-resolved articles. */
export function lookupOf(articles: ReadonlyMap<string, Article>): ArticleLookup {
  return (pzn) => articles.get(pzn.trim());
}

/** Resolves, in one catalogue call, every article a set of PZNs names (empty and duplicate PZNs skipped). */
export async function resolveArticles(catalog: ArticleCatalog, pzns: Iterable<string | undefined>): Promise<ArticleLookup> {
  const wanted = [...new Set([...pzns].map((p) => p?.trim() ?? '').filter((p) => p !== ''))];
  if (wanted.length === 0) return noArticles;
  return lookupOf(await catalog.byPzns(wanted));
}

/** What an article master import did (docs/article-master.md). */
export interface ArticleImportSummary {
  articleCount: number;
  source?: string;
  asOf?: string;
  /** ISO instant */
  importedAt: string;
}

/** One reason an import file was refused: the line and field it is about, in German. Nothing was changed. */
export interface ArticleImportProblem {
  /** 1-based line of the file */
  line: number;
  /** the column's name, when the problem is about one field */
  field?: string;
  message: string;
}
