/**
 * Dosage forms of either side of the prescribed-vs-dispensed comparison (docs/checks.md, PH_FORM_DIFFERS): a PZN
 * prescription and an article carry a KBV Darreichungsform code (FTA), a Wirkstoffverordnung usually its text
 * („Filmtabletten“). Both are brought to the code where the KBV table knows the text, and shown by name.
 */
import { kbvFormNames } from '../../erezept/catalog/demo-catalog';

export interface DosageForm {
  /** KBV Darreichungsform code, when known */
  code?: string;
  /** what the pharmacist reads: the code's name, or the text as written */
  name: string;
}

/** Case, umlauts, spacing and a plural „-n“ folded away: „Filmtabletten“ and „Filmtablette“ are one form. */
const foldFormText = (text: string): string =>
  text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z]/g, '')
    .replace(/n$/, '');

const codeByName = new Map(Object.entries(kbvFormNames).map(([code, name]) => [foldFormText(name), code]));

/** A code („FTA“) or a text („Filmtabletten“) as the KBV code and its name; undefined for an empty value. */
export function dosageForm(value: string | undefined): DosageForm | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  const upper = text.toUpperCase();
  const byCode = kbvFormNames[upper];
  if (byCode !== undefined && /^[A-Z0-9]{2,4}$/.test(upper)) return { code: upper, name: byCode };
  const code = codeByName.get(foldFormText(text));
  return code === undefined ? { name: text } : { code, name: kbvFormNames[code] ?? text };
}

/**
 * The same form: the same code, or — where a side has only an unknown text — the same folded text. Filmtablette and
 * Tablette are different forms here; whether they may be exchanged is the pharmacist's call (docs/checks.md).
 */
export function sameDosageForm(a: DosageForm, b: DosageForm): boolean {
  if (a.code !== undefined && b.code !== undefined) return a.code === b.code;
  return foldFormText(a.name) === foldFormText(b.name);
}
