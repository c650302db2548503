/** The article catalogue as a React dependency, so tests can pass their own articles. */
import { createContext, useContext, type ReactNode } from 'react';
import type { ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';
import { defaultCatalog } from './default-catalog';

const CatalogContext = createContext<ArticleCatalog>(defaultCatalog);

export function CatalogProvider({ catalog, children }: { catalog: ArticleCatalog; children: ReactNode }) {
  return <CatalogContext.Provider value={catalog}>{children}</CatalogContext.Provider>;
}

export function useArticleCatalog(): ArticleCatalog {
  return useContext(CatalogContext);
}
