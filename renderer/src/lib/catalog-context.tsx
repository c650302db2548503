/**
 * The article catalogue as a React dependency, so tests can pass their own articles. Which catalogue the app
 * uses is the app shell's choice (app/default-catalog.ts, given to the provider in app/AppProviders.tsx).
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';

const CatalogContext = createContext<ArticleCatalog | null>(null);

export function CatalogProvider({ catalog, children }: { catalog: ArticleCatalog; children: ReactNode }) {
  return <CatalogContext.Provider value={catalog}>{children}</CatalogContext.Provider>;
}

export function useArticleCatalog(): ArticleCatalog {
  const catalog = useContext(CatalogContext);
  if (!catalog) throw new Error('useArticleCatalog() outside <CatalogProvider>');
  return catalog;
}
