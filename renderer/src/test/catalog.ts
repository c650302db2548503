import type { Article, ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';
import { catalogOfTable, createArticleCatalog } from '../../../shared/erezept/catalog/demo-catalog';

/** A catalogue of just the given articles (none by default), behind the asynchronous seam like main's. */
export function catalogForTests(articles: readonly Article[] = []): ArticleCatalog {
  return catalogOfTable(createArticleCatalog(articles));
}

/** A catalogue without articles. */
export const emptyCatalogForTests: ArticleCatalog = catalogForTests();
