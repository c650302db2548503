import type { Article, ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';

/** A catalogue without articles; tests override byPzn/search with the few articles they need. */
export const emptyCatalogForTests: ArticleCatalog = {
  byPzn: (): Article | undefined => undefined,
  search: (): Article[] => [],
  all: (): readonly Article[] => [],
};
