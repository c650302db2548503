/**
 * The article catalogue the app uses (issue 3 item 5): the fictional demo catalogue for now. A real drug
 * database (ABDA) implementing the same ArticleCatalog interface plugs in here.
 */
import type { ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';
import { demoCatalog } from '../../../shared/erezept/catalog/demo-catalog';

export const defaultCatalog: ArticleCatalog = demoCatalog;
