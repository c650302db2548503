import { describe, expect, it } from 'vitest';
import { entry } from '../../../test/fixtures';
import { dispenseFormSchema, normalizeFormValues } from './dispense-form-schema';

describe('normalizeFormValues', () => {
  it('turns empty inputs into absent values so an untouched batch is no batch', () => {
    const values = normalizeFormValues({ entries: [{ ...entry(), batch: { lot: '', expiry: '' }, dosageText: '  ' }] });
    const parsed = dispenseFormSchema.safeParse(values);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.entries[0]?.batch).toBeUndefined();
    expect(parsed.data?.entries[0]?.dosageText).toBeUndefined();
  });

  it('keeps a half-filled batch, which the schema then refuses', () => {
    const values = normalizeFormValues({ entries: [{ ...entry(), batch: { lot: 'B1', expiry: '' } }] });
    const parsed = dispenseFormSchema.safeParse(values);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['entries', 0, 'batch', 'expiry']);
  });

  it('drops empty optional article details', () => {
    const base = entry();
    const values = normalizeFormValues({
      entries: [{ ...base, medication: { kind: 'pzn', pzn: '06313728', name: 'X', normSize: '', packSize: '' } }],
    });
    expect(values.entries[0]?.medication).toEqual({ kind: 'pzn', pzn: '06313728', name: 'X' });
  });
});
