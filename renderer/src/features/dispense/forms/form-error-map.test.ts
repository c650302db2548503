import { describe, expect, it } from 'vitest';
import { createI18n } from '../../../lib/i18n';
import { entry } from '../../../test/fixtures';
import { dispenseFormSchema } from './dispense-form-schema';
import { createFormErrorMap } from './form-error-map';

const t = createI18n('de').t;
const messagesOf = (value: unknown) =>
  dispenseFormSchema.safeParse(value, { error: createFormErrorMap(t) }).error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

describe('field messages state what is valid (issue 19 item 4)', () => {
  it('packs: at least 1, at most 999, a whole number, and asked for when empty', () => {
    expect(messagesOf({ entries: [entry({ packs: 0 })] })).toEqual([['entries.0.packs', 'Mindestens 1 Packung.']]);
    expect(messagesOf({ entries: [entry({ packs: 1000 })] })).toEqual([['entries.0.packs', 'Höchstens 999 Packungen.']]);
    expect(messagesOf({ entries: [entry({ packs: Number.NaN })] })).toEqual([['entries.0.packs', 'Bitte die Anzahl der Packungen angeben (mindestens 1).']]);
    expect(messagesOf({ entries: [entry({ packs: 1.5 })] })[0]?.[1]).toBe('Bitte eine ganze Zahl eingeben');
  });

  it('a strength must be more than 0 — not „Mindestens 0“', () => {
    const wirkstoff = entry({ medication: { kind: 'wirkstoff', ingredients: [{ name: 'Ibuprofen', strengthValue: 0 }], category: '00', vaccine: false } });
    expect(messagesOf({ entries: [wirkstoff] })).toEqual([['entries.0.medication.ingredients.0.strengthValue', 'Bitte eine Zahl größer als 0 eingeben']]);
  });

  it('no entry at all', () => {
    expect(messagesOf({ entries: [] })).toEqual([['entries', 'Mindestens eine Position ist erforderlich.']]);
  });
});
