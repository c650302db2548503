/**
 * Typing a PZN fills the article's details from the catalogue (A_27033-01: substance, strength and trade
 * name for finished products) and sets the substitution flag against the prescribed PZN (A_28417). The hint
 * under the field is derived from the current PZN, so it is right after a pack scan, too.
 */
import { useFormContext, useWatch } from 'react-hook-form';
import type { Article, ArticleCatalog } from '../../../../../shared/erezept/catalog/article-catalog';
import { parsePzn } from '../../../../../shared/erezept/identifiers';
import { useArticleCatalog } from '../../../lib/catalog-context';
import type { DispenseFormInput } from './dispense-form-schema';

export type LookupState =
  | { kind: 'idle' }
  | { kind: 'found'; article: Article }
  | { kind: 'missing' }
  | { kind: 'checksum' };

function lookupState(raw: string | undefined, catalog: ArticleCatalog): LookupState {
  const pzn = raw?.trim() ?? '';
  if (!/^\d{8}$/.test(pzn)) return { kind: 'idle' };
  if (!parsePzn(pzn).ok) return { kind: 'checksum' };
  const article = catalog.byPzn(pzn);
  return article ? { kind: 'found', article } : { kind: 'missing' };
}

export function useArticleLookup(index: number, prescribedPzn: string | undefined) {
  const catalog = useArticleCatalog();
  const { setValue, control } = useFormContext<DispenseFormInput>();
  const medication = useWatch({ control, name: `entries.${index}.medication` });
  const state = lookupState(medication && 'pzn' in medication ? medication.pzn : undefined, catalog);

  const lookUp = (raw: string) => {
    const next = lookupState(raw, catalog);
    if (next.kind === 'idle' || next.kind === 'checksum') return;
    if (prescribedPzn) {
      // Only the editor knows both PZNs; the pharmacist can still correct the flag.
      setValue(`entries.${index}.substituted`, raw.trim() !== prescribedPzn, { shouldDirty: true });
    }
    if (next.kind !== 'found') return;
    const { article } = next;
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
