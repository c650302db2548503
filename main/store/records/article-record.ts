/**
 * The article master's rows, shared by both store engines (docs/article-master.md, docs/multi-counter.md §1): the
 * Article as JSON, the folded texts the search reads, and the one row that says what was imported. No personal
 * data, so nothing here goes through the Cipher.
 *
 * The search matches the embedded demo catalogue's (shared/erezept/catalog/demo-catalog.ts `createArticleCatalog`):
 * every word of the folded query must occur in the folded trade name, manufacturer, substances or PZN; names that
 * start with the query come first, then names with a word starting with its first word, then the rest, each group
 * by folded name (byte order in both engines) and PZN.
 */
import { z } from 'zod';
import type { Article } from '../../../shared/erezept/catalog/article-catalog';
import { foldSearchText } from '../../../shared/erezept/catalog/demo-catalog';
import type { Pzn } from '../../../shared/erezept/identifiers';

/** What the import recorded about the master it stored (one row). */
export interface ArticleMasterInfo {
  articleCount: number;
  /** the file's `Quelle=` and `Stand=` (JJJJ-MM-TT), when it had them */
  source?: string;
  asOf?: string;
  /** ISO instant of the import and the staff member (or „Kommandozeile“) who ran it */
  importedAt: string;
  importedBy: string;
  fileName?: string;
}

/** One row of `articles`, as both engines store it. */
export interface ArticleRow {
  pzn: string;
  /** the folded trade name: ranks the search results */
  name_folded: string;
  /** folded name, manufacturer, substances and PZN: what the search matches */
  search_text: string;
  /** the Article as JSON */
  article: string;
}

export interface ArticleMasterRow {
  source: string | null;
  as_of: string | null;
  article_count: number | string;
  imported_at: string;
  imported_by: string;
  file_name: string | null;
}

export function articleRow(article: Article): ArticleRow {
  return {
    pzn: article.pzn,
    name_folded: foldSearchText(article.name),
    search_text: foldSearchText([article.name, article.manufacturer ?? '', ...article.ingredients.map((i) => i.name), article.pzn].join(' ')),
    article: JSON.stringify(article),
  };
}

const pznText = z.string().regex(/^[0-9]{8}$/);

/** The shape written by the import; read back checked, so a damaged row is an error and never a wrong article. */
const storedArticleSchema = z.object({
  pzn: pznText,
  name: z.string().min(1),
  packSize: z.string(),
  normSize: z.string().optional(),
  form: z.string(),
  ingredients: z.array(
    z.object({ name: z.string().min(1), strengthValue: z.number(), strengthUnit: z.string(), atc: z.string().optional() }),
  ),
  category: z.enum(['00', '01', '02', '03']),
  vaccine: z.boolean(),
  securPharm: z.boolean(),
  manufacturer: z.string().optional(),
  prices: z.object({ retailCents: z.number().int().optional(), pharmacyPurchaseCents: z.number().int().optional() }).optional(),
});

export function articleFromJson(json: string): Article {
  const parsed = storedArticleSchema.parse(JSON.parse(json));
  return { ...parsed, pzn: parsed.pzn as Pzn };
}

export function masterInfoFromRow(row: ArticleMasterRow): ArticleMasterInfo {
  return {
    articleCount: Number(row.article_count),
    ...(row.source !== null ? { source: row.source } : {}),
    ...(row.as_of !== null ? { asOf: row.as_of } : {}),
    importedAt: row.imported_at,
    importedBy: row.imported_by,
    ...(row.file_name !== null ? { fileName: row.file_name } : {}),
  };
}

/** The master row's values for `source, as_of, article_count, imported_at, imported_by, file_name`. */
export const masterValues = (info: ArticleMasterInfo): [string | null, string | null, number, string, string, string | null] => [
  info.source ?? null,
  info.asOf ?? null,
  info.articleCount,
  info.importedAt,
  info.importedBy,
  info.fileName ?? null,
];

/** A search the engines run in SQL: a PZN prefix, or words that must all occur. */
export type ArticleQuery = { kind: 'pzn-prefix'; prefix: string } | { kind: 'words'; whole: string; words: string[] } | { kind: 'none' };

/** `folded` is already folded (foldSearchText); digits only = a PZN prefix (up to 8 digits). */
export function articleQuery(folded: string): ArticleQuery {
  const whole = folded.trim();
  if (whole === '') return { kind: 'none' };
  if (/^[0-9]+$/.test(whole)) return whole.length > 8 ? { kind: 'none' } : { kind: 'pzn-prefix', prefix: whole };
  return { kind: 'words', whole, words: whole.split(' ').filter((w) => w !== '') };
}

/** `text` as a LIKE pattern that matches it literally (`\` is the escape character in both engines' statements). */
export const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The upper bound of a PZN prefix range: every PZN starting with `prefix` is ≥ prefix and < this (':' follows '9'),
 * so the primary key's index answers the prefix search in both engines.
 */
export const prefixEnd = (prefix: string): string => `${prefix}:`;

/** The search's ORDER BY ranks (see the module comment), as LIKE patterns: name starts with the query; a word does. */
export function rankPatterns(query: Extract<ArticleQuery, { kind: 'words' }>): { startsWith: string; wordStartsWith: string } {
  return { startsWith: `${likeLiteral(query.whole)}%`, wordStartsWith: `% ${likeLiteral(query.words[0] ?? '')}%` };
}
