/**
 * Typing a PZN fills the article's details from the catalogue (A_27033-01: substance, strength and trade
 * name for finished products) and sets the substitution flag against the prescribed PZN (A_28417) — only on a PZN
 * prescription; elsewhere the flag stays unset. Another PZN drops the entry's confirmed differences. The hint
 * under the field is derived from the current PZN, so it is right after a pack scan, too.
 */
import { useWatch } from 'react-hook-form';
import type { Article, ArticleLookup } from '../../../../../shared/erezept/catalog/article-catalog';
import { parsePzn } from '../../../../../shared/erezept/identifiers';
import { useArticles, useFetchArticle } from '../../../api/articles/article-queries';
import { useEditorForm } from './editor-form';

export type LookupState =
  | { kind: 'idle' }
  /** the catalogue has not answered yet */
  | { kind: 'looking-up' }
  | { kind: 'found'; article: Article }
  | { kind: 'missing' }
  | { kind: 'checksum' };

function lookupState(raw: string | undefined, articles: ArticleLookup, pending: boolean): LookupState {
  const pzn = raw?.trim() ?? '';
  if (!/^\d{8}$/.test(pzn)) return { kind: 'idle' };
  if (!parsePzn(pzn).ok) return { kind: 'checksum' };
  const article = articles(pzn);
  if (article) return { kind: 'found', article };
  return pending ? { kind: 'looking-up' } : { kind: 'missing' };
}

export function useArticleLookup(index: number, prescribedPzn: string | undefined) {
  const { setValue, getValues, control } = useEditorForm();
  const medication = useWatch({ control, name: `entries.${index}.medication` });
  const pzn = medication && 'pzn' in medication ? medication.pzn : undefined;
  const { lookup, pending } = useArticles([pzn]);
  const state = lookupState(pzn, lookup, pending);
  const fetchArticle = useFetchArticle();

  const lookUp = async (raw: string): Promise<void> => {
    const pzn = raw.trim();
    if (!/^\d{8}$/.test(pzn) || !parsePzn(pzn).ok) return;
    if (prescribedPzn) {
      // Only the editor knows both PZNs; the pharmacist can still correct the flag.
      setValue(`entries.${index}.substituted`, pzn !== prescribedPzn, { shouldDirty: true });
    }
    // A confirmed difference (docs/checks.md, overrides) was about the article before: another one is confirmed anew.
    if (getValues(`entries.${index}.overrides`)?.length) setValue(`entries.${index}.overrides`, undefined, { shouldDirty: true });
    const article = await fetchArticle(pzn);
    // the pharmacist may have typed on while the catalogue answered: fill only the PZN it was asked for
    const current = getValues(`entries.${index}.medication`);
    if (!article || !current || !('pzn' in current) || current.pzn.trim() !== pzn) return;
    const fill = { shouldDirty: true, shouldValidate: false } as const;
    const base = `entries.${index}.medication` as const;
    setValue(`${base}.name`, article.name, fill);
    setValue(`${base}.packSize`, article.packSize, fill);
    setValue(`${base}.normSize`, article.normSize, fill);
    setValue(`${base}.form`, article.form, fill);
    setValue(`${base}.ingredients`, article.ingredients, fill);
    setValue(`${base}.category`, article.category, fill);
    setValue(`${base}.vaccine`, article.vaccine, fill);
  };

  return { state, lookUp };
}
