/**
 * The article catalogue main answers with (issue 19 item 2, docs/article-master.md): the pharmacy's imported article
 * master when the store holds one, else the embedded demo catalogue. In training with the embedded simulator the
 * demo catalogue always answers — the simulator's prescriptions carry its PZNs — and nothing is imported.
 *
 * Lookups go through a small cache (PZN → article or „unknown“, the most recently used ARTICLE_CACHE_SIZE), dropped
 * when this counter imports and when another counter's import arrives (`articles-changed`, from the shared store's
 * notification: shared-store-sync.ts). The import reads the whole file first (article-import.ts) and replaces the
 * master in ONE transaction only when the file has no problem at all.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Article, ArticleCatalog, ArticleCatalogInfo, ArticleImportSummary } from '../../shared/erezept/catalog/article-catalog';
import { demoArticleCatalog, foldSearchText } from '../../shared/erezept/catalog/demo-catalog';
import { AppFailure, failure } from '../errors';
import type { ArticleMasterInfo } from '../store/articles';
import type { Store } from '../store/repositories';
import { MAX_ARTICLE_FILE_BYTES, problemLine, problemsText, readArticleFile } from './article-import';
import type { EventHub } from './events';

/** PZNs (known or unknown) kept for lookups */
export const ARTICLE_CACHE_SIZE = 5000;
/** search results at most (the IPC contract's bound); default 20 */
export const SEARCH_LIMIT_MAX = 50;
const SEARCH_TEXT_MAX = 100;
/** who ran an import started from the command line (`--import-articles`) */
export const COMMAND_LINE_STAFF = 'Kommandozeile';

export interface ArticleMasterDeps {
  store: Pick<Store, 'articles' | 'transaction'>;
  events: Pick<EventHub, 'emit' | 'subscribe'>;
  /** training with the embedded simulator: the demo catalogue answers, an import is refused */
  demoOnly: boolean;
  now: () => Date;
  /** the embedded catalogue; default the demo catalogue */
  demo?: ArticleCatalog;
  cacheSize?: number;
}

export class ArticleMasterService implements ArticleCatalog {
  /** PZN → article, or null for „the master does not know it“; Map order = least recently used first */
  private readonly cache = new Map<string, Article | null>();
  /** whether the store holds a master (and what it says), read once per generation */
  private master: Promise<ArticleMasterInfo | undefined> | undefined;
  /** counts cache clears: an answer read before a clear is not cached after it */
  private generation = 0;
  private readonly demo: ArticleCatalog;
  private readonly cacheSize: number;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: ArticleMasterDeps) {
    this.demo = deps.demo ?? demoArticleCatalog;
    this.cacheSize = deps.cacheSize ?? ARTICLE_CACHE_SIZE;
    this.unsubscribe = deps.events.subscribe((event) => {
      if (event.type === 'articles-changed') this.clearCache();
    });
  }

  async byPzn(pzn: string): Promise<Article | undefined> {
    return (await this.byPzns([pzn])).get(pzn.trim());
  }

  async byPzns(pzns: readonly string[]): Promise<ReadonlyMap<string, Article>> {
    const wanted = [...new Set(pzns.map((p) => p.trim()).filter((p) => p !== ''))];
    if (wanted.length === 0) return new Map();
    if (!(await this.importedMaster())) return this.demo.byPzns(wanted);
    const found = new Map<string, Article>();
    const missing: string[] = [];
    for (const pzn of wanted) {
      const cached = this.cached(pzn);
      if (cached === undefined) missing.push(pzn);
      else if (cached !== null) found.set(pzn, cached);
    }
    if (missing.length === 0) return found;
    const generation = this.generation;
    const fromStore = await this.deps.store.articles.byPzns(missing);
    for (const pzn of missing) {
      const article = fromStore.get(pzn);
      if (article) found.set(pzn, article);
      if (generation === this.generation) this.remember(pzn, article ?? null);
    }
    return found;
  }

  async search(text: string, limit = 20): Promise<Article[]> {
    const bounded = Math.min(Math.max(Math.floor(limit), 0), SEARCH_LIMIT_MAX);
    const query = text.slice(0, SEARCH_TEXT_MAX);
    if (bounded === 0 || query.trim() === '') return [];
    if (!(await this.importedMaster())) return this.demo.search(query, bounded);
    const generation = this.generation;
    const articles = await this.deps.store.articles.search(foldSearchText(query), bounded);
    // the pharmacist usually picks one of them next: its lookup then needs no store round trip
    if (generation === this.generation) for (const article of articles) this.remember(article.pzn, article);
    return articles;
  }

  async info(): Promise<ArticleCatalogInfo> {
    const master = await this.importedMaster();
    if (!master) return this.demo.info();
    return {
      kind: 'imported',
      articleCount: master.articleCount,
      ...(master.source !== undefined ? { source: master.source } : {}),
      ...(master.asOf !== undefined ? { asOf: master.asOf } : {}),
      importedAt: master.importedAt,
      importedBy: master.importedBy,
    };
  }

  /**
   * Replaces the article master with the file's articles (format v1, docs/article-master.md) — all of them or, when
   * the file has any problem, none: throws `failure('validation', …)` naming the first problem with line and field,
   * every problem (up to 50, then „… und N weitere“) in `detail`.
   */
  async importCsv(text: string, meta: { fileName?: string; staff: string }): Promise<ArticleImportSummary> {
    if (this.deps.demoOnly) {
      throw failure(
        'state',
        'Im Training mit dem eingebauten Simulator gilt immer der Demo-Artikelstamm, denn die Übungsrezepte tragen dessen PZN. Ein eigener Artikelstamm wird hier nicht eingelesen.',
        { detail: 'Backend embedded: nur der eingebaute Demo-Katalog (docs/article-master.md)', at: this.deps.now() },
      );
    }
    const read = readArticleFile(text);
    if (!read.ok) {
      const [first] = read.problems;
      const more = read.problemCount > 1 ? ` (${read.problemCount} Probleme, alle unter „Technische Details“)` : '';
      throw failure('validation', `Artikelstamm nicht eingelesen, es wurde nichts geändert. ${first ? problemLine(first) : ''}${more}`, {
        detail: problemsText(read.problems, read.problemCount),
        at: this.deps.now(),
      });
    }
    const { articles, source, asOf } = read.file;
    const importedAt = this.deps.now().toISOString();
    const info: ArticleMasterInfo = {
      articleCount: articles.length,
      ...(source !== undefined ? { source } : {}),
      ...(asOf !== undefined ? { asOf } : {}),
      importedAt,
      importedBy: meta.staff,
      ...(meta.fileName ? { fileName: basename(meta.fileName) } : {}),
    };
    await this.deps.store.transaction(() => this.deps.store.articles.replaceAll(articles, info));
    this.clearCache();
    // this counter's own change: the other counters hear it from the store's notification (shared store)
    this.deps.events.emit({ type: 'articles-changed' });
    return { articleCount: articles.length, ...(source !== undefined ? { source } : {}), ...(asOf !== undefined ? { asOf } : {}), importedAt };
  }

  /** Drops every cached lookup and what is known about the master (an import here or at another counter). */
  clearCache(): void {
    this.generation += 1;
    this.cache.clear();
    this.master = undefined;
  }

  close(): void {
    this.unsubscribe();
  }

  private importedMaster(): Promise<ArticleMasterInfo | undefined> {
    if (this.deps.demoOnly) return Promise.resolve(undefined);
    if (this.master) return this.master;
    const reading = this.deps.store.articles.info();
    this.master = reading;
    // a failed read (store unreachable) is not remembered: the next lookup asks again
    reading.catch(() => {
      if (this.master === reading) this.master = undefined;
    });
    return reading;
  }

  private cached(pzn: string): Article | null | undefined {
    const hit = this.cache.get(pzn);
    if (hit !== undefined) {
      this.cache.delete(pzn);
      this.cache.set(pzn, hit);
    }
    return hit;
  }

  private remember(pzn: string, article: Article | null): void {
    this.cache.delete(pzn);
    this.cache.set(pzn, article);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
  }
}

/**
 * `--import-articles FILE` (browser mode and the Electron app): the import the settings page does, before the app
 * serves. Answers the start-log line („12345 importiert (Quelle …, Stand …)“); throws an Error listing every
 * problem with line and field — the start then fails (exit code 1) and nothing was changed.
 */
export async function importArticlesFromFile(service: Pick<ArticleMasterService, 'importCsv'>, file: string): Promise<string> {
  const text = await readArticleFileText(file);
  try {
    return importedLine(await service.importCsv(text, { fileName: file, staff: COMMAND_LINE_STAFF }));
  } catch (error) {
    if (error instanceof AppFailure && error.appError.code === 'validation') {
      throw new Error(`Artikelstamm ${file} nicht eingelesen, es wurde nichts geändert:\n${error.appError.detail ?? error.appError.message}`);
    }
    throw error;
  }
}

/** The file's text; a file far too large is refused by its size, without reading it. */
async function readArticleFileText(file: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new Error(`Artikelstamm ${file} nicht lesbar: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (size > MAX_ARTICLE_FILE_BYTES) {
    throw new Error(`Artikelstamm ${file} nicht eingelesen: Die Datei ist größer als ${MAX_ARTICLE_FILE_BYTES / 1024 / 1024} MiB.`);
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`Artikelstamm ${file} nicht lesbar: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** „12345 importiert (Quelle ABDATA, Stand 2026-12-01)“ — the figure plain, for scripts reading the start log */
export function importedLine(summary: ArticleImportSummary): string {
  const about = [summary.source !== undefined ? `Quelle ${summary.source}` : '', summary.asOf !== undefined ? `Stand ${summary.asOf}` : '']
    .filter((part) => part !== '')
    .join(', ');
  return `${summary.articleCount} importiert${about ? ` (${about})` : ''}`;
}
