/**
 * One German sentence for the first problem a zod schema found in untrusted input, naming the field by its German
 * label. Never quotes the input itself (it may hold an AccessCode, a KVNR or anything hostile).
 */
import type { z } from 'zod';

export type FieldLabels = Readonly<Record<string, string>>;

export function germanIssue(error: z.ZodError, labels: FieldLabels): string {
  const issue = error.issues[0];
  if (!issue) return 'Unbekannter Fehler.';
  const field = labelOf(issue.path, labels);
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'array'
        ? `${field} hat zu viele Einträge (höchstens ${String(issue.maximum)}).`
        : `${field} ist zu lang (höchstens ${String(issue.maximum)} Zeichen).`;
    case 'too_small':
      return issue.origin === 'array' ? `${field} ist leer.` : `${field} ist zu kurz.`;
    case 'invalid_type':
      return `${field} fehlt oder hat den falschen Typ.`;
    default:
      return `${field} hat einen ungültigen Wert.`;
  }
}

/** „Adresse“ (Eintrag 2) for ['address', 1]: the first named segment decides the label, the first index the entry. */
function labelOf(path: readonly PropertyKey[], labels: FieldLabels): string {
  const name = path.find((segment): segment is string => typeof segment === 'string');
  const label = name === undefined ? 'Die Angabe' : `„${labels[name] ?? 'eine Angabe'}“`;
  const index = path.find((segment): segment is number => typeof segment === 'number');
  return index === undefined ? label : `${label} (Eintrag ${index + 1})`;
}
