/**
 * The article master in the SQLite store (migration 8, docs/article-master.md): one row per article (PZN, the
 * Article as JSON, folded texts for the search) and one row saying what was imported. Not encrypted: an article
 * master holds no personal data.
 *
 * `replaceAll` swaps the whole master in one transaction with one prepared INSERT (100,000 rows in well under a
 * second, docs/performance.md `articles-100k`); inside the store's unit of work it joins that (better-sqlite3 turns
 * the nested transaction into a savepoint).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Article } from '../../shared/erezept/catalog/article-catalog';
import {
  articleFromJson,
  articleQuery,
  articleRow,
  masterInfoFromRow,
  masterValues,
  prefixEnd,
  rankPatterns,
  likeLiteral,
  type ArticleMasterInfo,
  type ArticleMasterRow,
} from './records/article-record';

export type { ArticleMasterInfo } from './records/article-record';

export class ArticleRepository {
  private readonly insert: Statement<[string, string, string, string]>;

  constructor(private readonly db: Database) {
    this.insert = db.prepare('INSERT INTO articles (pzn, name_folded, search_text, article) VALUES (?, ?, ?, ?)');
  }

  /** The articles among `pzns` the master holds, keyed by PZN (unknown ones are simply absent). */
  byPzns(pzns: readonly string[]): Map<string, Article> {
    const found = new Map<string, Article>();
    if (pzns.length === 0) return found;
    const rows = this.db
      .prepare<[string], { pzn: string; article: string }>('SELECT pzn, article FROM articles WHERE pzn IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify([...new Set(pzns)]));
    for (const row of rows) found.set(row.pzn, articleFromJson(row.article));
    return found;
  }

  /** `folded` is the folded query (foldSearchText): a PZN prefix when digits, else words that must all occur. */
  search(folded: string, limit: number): Article[] {
    const query = articleQuery(folded);
    if (query.kind === 'none' || limit <= 0) return [];
    if (query.kind === 'pzn-prefix') {
      return this.db
        .prepare<[string, string, number], { article: string }>('SELECT article FROM articles WHERE pzn >= ? AND pzn < ? ORDER BY pzn LIMIT ?')
        .all(query.prefix, prefixEnd(query.prefix), limit)
        .map((row) => articleFromJson(row.article));
    }
    const { startsWith, wordStartsWith } = rankPatterns(query);
    const where = query.words.map(() => `search_text LIKE ? ESCAPE '\\'`).join(' AND ');
    return this.db
      .prepare<unknown[], { article: string }>(
        `SELECT article FROM articles WHERE ${where}
         ORDER BY CASE WHEN name_folded LIKE ? ESCAPE '\\' THEN 0 WHEN (' ' || name_folded) LIKE ? ESCAPE '\\' THEN 1 ELSE 2 END,
                  name_folded, pzn
         LIMIT ?`,
      )
      .all(...query.words.map((w) => `%${likeLiteral(w)}%`), startsWith, wordStartsWith, limit)
      .map((row) => articleFromJson(row.article));
  }

  /** What the last import stored; undefined when no master was ever imported (or it was cleared). */
  info(): ArticleMasterInfo | undefined {
    const row = this.db.prepare<[], ArticleMasterRow>('SELECT source, as_of, article_count, imported_at, imported_by, file_name FROM article_master WHERE id = 1').get();
    return row ? masterInfoFromRow(row) : undefined;
  }

  /** Replaces the whole master: all or nothing. */
  replaceAll(articles: readonly Article[], info: ArticleMasterInfo): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM articles');
      for (const article of articles) {
        const row = articleRow(article);
        this.insert.run(row.pzn, row.name_folded, row.search_text, row.article);
      }
      this.db
        .prepare(
          `INSERT INTO article_master (id, source, as_of, article_count, imported_at, imported_by, file_name) VALUES (1, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET source = excluded.source, as_of = excluded.as_of, article_count = excluded.article_count,
             imported_at = excluded.imported_at, imported_by = excluded.imported_by, file_name = excluded.file_name`,
        )
        .run(...masterValues(info));
    })();
  }

  /** Removes the master: the demo catalogue answers again. */
  clear(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM articles; DELETE FROM article_master;');
    })();
  }
}
