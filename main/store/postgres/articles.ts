/**
 * The article master in the PostgreSQL store (migration 3, docs/article-master.md), as the SQLite
 * ArticleRepository (../articles.ts): same rows, same search and order. The pharmacy's counters share it.
 *
 * `replaceAll` runs in one unit of work: DELETE (not TRUNCATE, whose exclusive lock would stop every other counter's
 * lookups until COMMIT; with DELETE they read the old master meanwhile), then the rows in batches of multi-row
 * INSERTs from `unnest` arrays — a few round trips for 100,000 articles instead of one per row — and a notification
 * on `erx_articles_changed`, delivered at COMMIT, so every counter drops its cached lookups (§3).
 */
import type { Article } from '../../../shared/erezept/catalog/article-catalog';
import {
  articleFromJson,
  articleQuery,
  articleRow,
  likeLiteral,
  masterInfoFromRow,
  masterValues,
  prefixEnd,
  rankPatterns,
  type ArticleMasterInfo,
  type ArticleMasterRow,
  type ArticleRow,
} from '../records/article-record';
import type { ArticleStore } from '../repositories';
import { ARTICLES_CHANGED, notify } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

/** Rows per INSERT: ~2 MB of parameters at typical article sizes, well inside what one statement carries. */
const INSERT_BATCH = 5000;
/** The transaction-level advisory lock of an import (the bytes of "erxartcl"; unique among the store's locks). */
const IMPORT_LOCK_KEY = '7310037505103127404';

export class PostgresArticleRepository implements ArticleStore {
  constructor(private readonly units: PostgresUnitsOfWork) {}

  async byPzns(pzns: readonly string[]): Promise<Map<string, Article>> {
    const found = new Map<string, Article>();
    if (pzns.length === 0) return found;
    const { rows } = await this.units.query<{ pzn: string; article: string }>('SELECT pzn, article FROM articles WHERE pzn = ANY($1::text[])', [
      [...new Set(pzns)],
    ]);
    for (const row of rows) found.set(row.pzn, articleFromJson(row.article));
    return found;
  }

  async search(folded: string, limit: number): Promise<Article[]> {
    const query = articleQuery(folded);
    if (query.kind === 'none' || limit <= 0) return [];
    if (query.kind === 'pzn-prefix') {
      const { rows } = await this.units.query<{ article: string }>('SELECT article FROM articles WHERE pzn >= $1 AND pzn < $2 ORDER BY pzn LIMIT $3', [
        query.prefix,
        prefixEnd(query.prefix),
        limit,
      ]);
      return rows.map((row) => articleFromJson(row.article));
    }
    const { startsWith, wordStartsWith } = rankPatterns(query);
    const words = query.words.map((w) => `%${likeLiteral(w)}%`);
    const where = words.map((_, i) => `search_text LIKE $${i + 1} ESCAPE '\\'`).join(' AND ');
    const n = words.length;
    const { rows } = await this.units.query<{ article: string }>(
      `SELECT article FROM articles WHERE ${where}
       ORDER BY CASE WHEN name_folded LIKE $${n + 1} ESCAPE '\\' THEN 0 WHEN (' ' || name_folded) LIKE $${n + 2} ESCAPE '\\' THEN 1 ELSE 2 END,
                name_folded, pzn
       LIMIT $${n + 3}`,
      [...words, startsWith, wordStartsWith, limit],
    );
    return rows.map((row) => articleFromJson(row.article));
  }

  async info(): Promise<ArticleMasterInfo | undefined> {
    const { rows } = await this.units.query<ArticleMasterRow>(
      'SELECT source, as_of, article_count, imported_at, imported_by, file_name FROM article_master WHERE id = 1',
    );
    return rows[0] ? masterInfoFromRow(rows[0]) : undefined;
  }

  async replaceAll(articles: readonly Article[], info: ArticleMasterInfo): Promise<void> {
    await this.units.transaction(async () => {
      // Two counters importing at once: the second waits for the first's COMMIT, so its DELETE sees the first's rows
      // (under READ COMMITTED it would otherwise miss them and its INSERT would collide with them).
      await this.units.query('SELECT pg_advisory_xact_lock($1::bigint)', [IMPORT_LOCK_KEY]);
      await this.units.query('DELETE FROM articles');
      for (let start = 0; start < articles.length; start += INSERT_BATCH) {
        const rows = articles.slice(start, start + INSERT_BATCH).map(articleRow);
        const column = (key: keyof ArticleRow): string[] => rows.map((row) => row[key]);
        await this.units.query(
          `INSERT INTO articles (pzn, name_folded, search_text, article)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
          [column('pzn'), column('name_folded'), column('search_text'), column('article')],
        );
      }
      await this.units.query(
        `INSERT INTO article_master (id, source, as_of, article_count, imported_at, imported_by, file_name) VALUES (1, $1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET source = excluded.source, as_of = excluded.as_of, article_count = excluded.article_count,
           imported_at = excluded.imported_at, imported_by = excluded.imported_by, file_name = excluded.file_name`,
        masterValues(info),
      );
      await notify(this.units, ARTICLES_CHANGED, ['']);
    });
  }

  async clear(): Promise<void> {
    await this.units.transaction(async () => {
      await this.units.query('DELETE FROM articles');
      await this.units.query('DELETE FROM article_master');
      await notify(this.units, ARTICLES_CHANGED, ['']);
    });
  }
}
