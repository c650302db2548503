/**
 * The article catalogue the app uses (PZN lookup in the editor, spec §6.4; issue 19 item 2): main's, over the
 * bridge — the pharmacy's imported article master or the embedded demo catalogue, whichever main answers with
 * (docs/article-master.md). A caller that brings its own catalogue (component tests) keeps it.
 */
import { useMemo } from 'react';
import type { ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';
import { createBridgeCatalog } from '../api/articles/bridge-catalog';
import { useBridge } from '../lib/bridge-context';

/** The given catalogue, else main's through the bridge of the surrounding BridgeProvider (one per bridge). */
export function useAppCatalog(given: ArticleCatalog | undefined): ArticleCatalog {
  const bridge = useBridge();
  const fromMain = useMemo(() => createBridgeCatalog(bridge), [bridge]);
  return given ?? fromMain;
}
