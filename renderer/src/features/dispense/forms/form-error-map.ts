/**
 * German (or English) field messages for zod issues in the dispense form. Messages the shared schema
 * states itself (e.g. the date format) win over these; zod's own wording is written for developers.
 * Each message states what is valid (issue 19 item 4): the pack count says „Mindestens 1 Packung.“ — not the
 * schema's exclusive bound 0 — and dates name the format the field shows (TT.MM.JJJJ).
 */
import type { TFunction } from 'i18next';
import type { z } from 'zod';

type Issue = Parameters<z.core.$ZodErrorMap>[0];

function isMissing(input: unknown): boolean {
  return input === undefined || input === null || input === '' || (typeof input === 'number' && Number.isNaN(input));
}

/** The pack count of an entry (`entries.N.packs`): a whole number from 1 to 999 (spec §5). */
const isPacks = (issue: Issue): boolean => issue.path?.at(-1) === 'packs';


export function createFormErrorMap(t: TFunction): z.core.$ZodErrorMap {
  return (issue: Issue) => {
    switch (issue.code) {
      case 'invalid_type':
        if (isMissing(issue.input)) return t(isPacks(issue) ? 'dispense.packsRequired' : 'validation.required');
        if (issue.expected === 'int') return t('validation.integer');
        return issue.expected === 'number' ? t('validation.number') : t('validation.invalid');
      case 'too_small':
        // packs are whole numbers: „positive“ (more than 0) means at least 1
        if (isPacks(issue)) return t('dispense.packsMin', { count: issue.inclusive === false ? Number(issue.minimum) + 1 : Number(issue.minimum) });
        if (issue.origin === 'string' && Number(issue.minimum) <= 1) return t('validation.required');
        if (issue.origin === 'array') return t('dispense.atLeastOne');
        // e.g. a strength: more than 0, not „at least 0“
        if (issue.inclusive === false) return t('validation.greaterThan', { min: Number(issue.minimum) });
        return t('validation.min', { min: Number(issue.minimum) });
      case 'too_big':
        if (isPacks(issue)) return t('dispense.packsMax', { count: Number(issue.maximum) });
        if (issue.origin === 'string') return t('validation.tooLong', { max: Number(issue.maximum) });
        return t('validation.max', { max: Number(issue.maximum) });
      case 'invalid_format':
        return isMissing(issue.input) ? t('validation.required') : t('validation.date');
      default:
        return t('validation.invalid');
    }
  };
}
