/**
 * The article catalogue the renderer asks: main's (issue 19 item 2), over the bridge. Main decides which catalogue
 * answers — the embedded demo catalogue or the pharmacy's imported article master (docs/article-master.md) — so the
 * editor, the live checks and pack scans see the same articles as main's pre-flight and builders.
 *
 * react-query caches the answers per PZN (article-queries.ts). What it asks at once — the PZNs of a whole list when
 * a case opens — comes here as single `byPzn` calls in the same tick; they go to main as one `lookupArticles`.
 */
import type { Article, ArticleCatalog, ArticleCatalogInfo } from '../../../../shared/erezept/catalog/article-catalog';
import { articleLimits, type ErxBridge } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/invoke';

/** Only 8 digits can be a PZN main knows (spec §1.3); anything else is answered „unknown“ without asking. */
const looksLikePzn = (pzn: string): boolean => /^\d{8}$/.test(pzn);

/** The default number of search results, as the `ArticleCatalog` interface promises. */
const DEFAULT_SEARCH_LIMIT = 20;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

interface Batch {
  pzns: Set<string>;
  answer: Promise<ReadonlyMap<string, Article>>;
}

export function createBridgeCatalog(bridge: ErxBridge): ArticleCatalog {
  async function byPzns(pzns: readonly string[]): Promise<ReadonlyMap<string, Article>> {
    const wanted = [...new Set(pzns.map((p) => p.trim()))].filter(looksLikePzn);
    // main takes at most 200 PZNs per call: a longer list goes as several calls at once
    const answers = await Promise.all(chunks(wanted, articleLimits.lookupPzns).map((part) => invoke(bridge, 'lookupArticles', { pzns: part })));
    return new Map(answers.flat().map((article) => [article.pzn, article]));
  }

  // The single lookups of one tick, sent together once the tick's synchronous work (a render's queries) is done.
  let batch: Batch | undefined;
  function batched(pzn: string): Promise<ReadonlyMap<string, Article>> {
    if (!batch) {
      const pzns = new Set<string>();
      const answer = Promise.resolve().then(() => {
        batch = undefined;
        return byPzns([...pzns]);
      });
      batch = { pzns, answer };
    }
    batch.pzns.add(pzn);
    return batch.answer;
  }

  return {
    byPzns,
    async byPzn(pzn: string): Promise<Article | undefined> {
      const wanted = pzn.trim();
      if (!looksLikePzn(wanted)) return undefined;
      return (await batched(wanted)).get(wanted);
    },
    async search(text: string, limit = DEFAULT_SEARCH_LIMIT): Promise<Article[]> {
      const wanted = text.trim().slice(0, articleLimits.searchText);
      if (wanted === '') return [];
      const bounded = Math.min(Math.max(Math.floor(limit), 1), articleLimits.searchResults);
      return invoke(bridge, 'searchArticles', { text: wanted, limit: bounded });
    },
    info(): Promise<ArticleCatalogInfo> {
      return invoke(bridge, 'articleCatalogInfo', {});
    },
  };
}
