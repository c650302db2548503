/**
 * Typing a PZN fills the article's details from the catalogue (A_27033-01: substance, strength and trade
 * name for finished products) and sets the substitution flag against the prescribed PZN (A_28417).
 */
import { useState } from 'react';
import { useFormContext } from 'react-hook-form';
import { parsePzn } from '../../../../../shared/erezept/identifiers';
import type { Article } from '../../../../../shared/erezept/catalog/article-catalog';
import { useArticleCatalog } from '../../../app/catalog-context';
import type { DispenseFormInput } from './dispense-form-schema';

export type LookupState =
  | { kind: 'idle' }
  | { kind: 'found'; article: Article }
  | { kind: 'missing' }
  | { kind: 'checksum' };

export function useArticleLookup(index: number, prescribedPzn: string | undefined) {
  const catalog = useArticleCatalog();
  const { setValue } = useFormContext<DispenseFormInput>();
  const [state, setState] = useState<LookupState>({ kind: 'idle' });

  const lookUp = (raw: string) => {
    const pzn = raw.trim();
    if (!/^\d{8}$/.test(pzn)) {
      setState({ kind: 'idle' });
      return;
    }
    if (prescribedPzn) {
      // Only the editor knows both PZNs; the pharmacist can still correct the flag.
      setValue(`entries.${index}.substituted`, pzn !== prescribedPzn, { shouldDirty: true });
    }
    if (!parsePzn(pzn).ok) {
      setState({ kind: 'checksum' });
      return;
    }
    const article = catalog.byPzn(pzn);
    if (!article) {
      setState({ kind: 'missing' });
      return;
    }
    const fill = { shouldDirty: true, shouldValidate: false } as const;
    const base = `entries.${index}.medication` as const;
    setValue(`${base}.name`, article.name, fill);
    setValue(`${base}.packSize`, article.packSize, fill);
    setValue(`${base}.normSize`, article.normSize, fill);
    setValue(`${base}.form`, article.form, fill);
    setValue(`${base}.ingredients`, article.ingredients, fill);
    setValue(`${base}.category`, article.category, fill);
    setValue(`${base}.vaccine`, article.vaccine, fill);
    setState({ kind: 'found', article });
  };

  return { state, lookUp };
}
