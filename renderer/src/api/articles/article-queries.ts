/**
 * Article lookups for the editor, cached by react-query (issue 19: the renderer asks main, with a cache). One query
 * per PZN, kept until the article master changes (`articleKeys.all` is invalidated then), so a PZN looked up once
 * answers at once afterwards — while typing, for the live checks and for the next pack scan.
 */
import { useQueries, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import type { Article, ArticleCatalog, ArticleLookup } from '../../../../shared/erezept/catalog/article-catalog';
import { useArticleCatalog } from '../../lib/catalog-context';

export const articleKeys = {
  all: ['articles'] as const,
  pzn: (pzn: string) => ['articles', 'pzn', pzn] as const,
  /** which catalogue answers (settings „Artikelstamm“); below `all`, so `articles-changed` refreshes it too */
  info: () => ['articles', 'info'] as const,
};

/** Only a well-formed PZN is worth a lookup; check digits are the rules' business (spec §1.3). */
const lookupable = (pzn: string | undefined): pzn is string => pzn !== undefined && /^\d{8}$/.test(pzn);

function articleQuery(catalog: ArticleCatalog, pzn: string) {
  return {
    queryKey: articleKeys.pzn(pzn),
    // null, not undefined: react-query keeps no undefined data; null = the catalogue does not know the PZN
    queryFn: async (): Promise<Article | null> => (await catalog.byPzn(pzn)) ?? null,
    staleTime: Number.POSITIVE_INFINITY,
  };
}

/** One article, from the cache or the catalogue (a pack scan waits for it). */
export async function fetchArticle(queryClient: QueryClient, catalog: ArticleCatalog, pzn: string): Promise<Article | undefined> {
  const trimmed = pzn.trim();
  if (!lookupable(trimmed)) return undefined;
  return (await queryClient.fetchQuery(articleQuery(catalog, trimmed))) ?? undefined;
}

function combineArticles(results: readonly { data?: Article | null; isPending: boolean }[]) {
  const byPzn = new Map<string, Article>();
  for (const r of results) if (r.data) byPzn.set(r.data.pzn, r.data);
  return { byPzn, pending: results.some((r) => r.isPending) };
}

export interface ArticlesState {
  /** the articles known so far for the PZNs asked for */
  lookup: ArticleLookup;
  /** some lookups have not answered yet */
  pending: boolean;
}

/** The articles of several PZNs (the list's and the prescription's), as the rules' synchronous lookup. */
export function useArticles(pzns: readonly (string | undefined)[]): ArticlesState {
  const catalog = useArticleCatalog();
  const wanted = useMemo(() => [...new Set(pzns.map((p) => p?.trim()).filter(lookupable))].sort(), [pzns]);
  // react-query keeps the combined value while no query changed, so `lookup` stays the same function
  const { byPzn, pending } = useQueries({ queries: wanted.map((pzn) => articleQuery(catalog, pzn)), combine: combineArticles });
  const lookup = useCallback<ArticleLookup>((pzn) => byPzn.get(pzn.trim()), [byPzn]);
  return { lookup, pending };
}

/** A function that fetches one article through the cache (for event handlers such as a pack scan). */
export function useFetchArticle(): (pzn: string) => Promise<Article | undefined> {
  const catalog = useArticleCatalog();
  const queryClient = useQueryClient();
  return useCallback((pzn: string) => fetchArticle(queryClient, catalog, pzn), [catalog, queryClient]);
}
