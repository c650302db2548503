import { describe, expect, it, vi } from 'vitest';
import type { FieldErrors } from 'react-hook-form';
import { createFieldErrorsStore, flattenFieldErrors } from './field-errors';

const errorsOf = (tree: unknown) => tree as FieldErrors;

describe('the form’s errors by field (field-errors.tsx)', () => {
  it('lists every field error of the tree by its path, a list-level one not', () => {
    const flat = flattenFieldErrors(
      errorsOf({
        entries: {
          root: { type: 'too_small', message: 'Mindestens eine Position.' },
          0: { batch: { lot: { type: 'server', message: 'Charge unbekannt.' } } },
          2: { packs: { type: 'too_small', message: 'Mindestens 1.' }, whenHandedOver: { type: 'custom' } },
        },
      }),
    );
    expect([...flat]).toEqual([
      ['entries.0.batch.lot', 'Charge unbekannt.'],
      ['entries.2.packs', 'Mindestens 1.'],
      ['entries.2.whenHandedOver', ''],
    ]);
  });

  it('tells its fields only when some field’s message changed', () => {
    const store = createFieldErrorsStore();
    const listener = vi.fn();
    store.subscribe(listener);
    const lot = errorsOf({
      entries: { 0: { batch: { lot: { type: 'server', message: 'Charge unbekannt.' } } } },
    });
    store.publish(lot);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.get('entries.0.batch.lot')).toBe('Charge unbekannt.');
    // react-hook-form broadcasts the same errors again and again (each handleSubmit): no field hears of it
    store.publish(
      errorsOf({ entries: { 0: { batch: { lot: { type: 'server', message: 'Charge unbekannt.' } } } } }),
    );
    expect(listener).toHaveBeenCalledTimes(1);
    store.publish(errorsOf({}));
    expect(listener).toHaveBeenCalledTimes(2);
    expect(store.get('entries.0.batch.lot')).toBeUndefined();
  });
});
