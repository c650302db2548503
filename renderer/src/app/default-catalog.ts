/**
 * The article catalogue the app uses (PZN lookup in the editor, spec §6.4): the fictional demo catalogue for now. A
 * real drug database (ABDA) implementing the same ArticleCatalog interface plugs in here.
 */
import type { ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';
import { demoArticleCatalog } from '../../../shared/erezept/catalog/demo-catalog';

export const defaultCatalog: ArticleCatalog = demoArticleCatalog;
