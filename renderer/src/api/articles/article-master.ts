/**
 * „Artikelstamm“ in the settings (issue 19 item 2, docs/article-master.md): which catalogue main answers with, and
 * the import of an article master file. The file is read here (`File.text()`) — in Electron it came from the system's
 * file dialog, in browser mode it is an upload; both send its text to main, which checks and stores it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { articleLimits } from '../../../../shared/ipc/contract';
import { useBridge } from '../../lib/bridge-context';
import { invoke } from '../../lib/invoke';
import { articleKeys } from './article-queries';

/** A file over this size is not sent: main would refuse its text (64 MiB), and reading it would take the page's memory. */
export const ARTICLE_FILE_MAX_BYTES = articleLimits.importTextChars;

/** Main's catalogue: the demo catalogue or the imported master (source, date, count, who imported it when). */
export function useArticleCatalogInfo() {
  const bridge = useBridge();
  return useQuery({
    queryKey: articleKeys.info(),
    queryFn: () => invoke(bridge, 'articleCatalogInfo', {}),
    // changes only with an import, here or at another counter: `articles-changed` invalidates it
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Imports the chosen file as the signed-in staff member. Main replaces the whole master or, when the file has any
 * problem, nothing (its refusal names line and field). Afterwards every cached lookup is stale — main also sends
 * `articles-changed`, but the page that imported need not wait for it.
 */
export function useImportArticles() {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) =>
      invoke(bridge, 'importArticles', { fileName: file.name.slice(0, articleLimits.importFileName), text: await file.text() }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: articleKeys.all }),
  });
}
