/**
 * German (or English) field messages for zod issues in the dispense form. Messages the shared schema
 * states itself (e.g. the date format) win over these; zod's own wording is written for developers.
 */
import type { TFunction } from 'i18next';
import type { z } from 'zod';

type Issue = Parameters<z.core.$ZodErrorMap>[0];

function isMissing(input: unknown): boolean {
  return input === undefined || input === null || input === '' || (typeof input === 'number' && Number.isNaN(input));
}

export function createFormErrorMap(t: TFunction): z.core.$ZodErrorMap {
  return (issue: Issue) => {
    switch (issue.code) {
      case 'invalid_type':
        if (isMissing(issue.input)) return t('validation.required');
        if (issue.expected === 'int') return t('validation.integer');
        return issue.expected === 'number' ? t('validation.number') : t('validation.invalid');
      case 'too_small':
        if (issue.origin === 'string' && Number(issue.minimum) <= 1) return t('validation.required');
        if (issue.origin === 'array') return t('dispense.atLeastOne');
        return t('validation.min', { min: Number(issue.minimum) });
      case 'too_big':
        if (issue.origin === 'string') return t('validation.tooLong', { max: Number(issue.maximum) });
        return t('validation.max', { max: Number(issue.maximum) });
      case 'invalid_format':
        return t('validation.date');
      default:
        return t('validation.invalid');
    }
  };
}
