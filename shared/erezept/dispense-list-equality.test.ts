import { describe, expect, it } from 'vitest';
import type { DispenseEntry } from './dispense-entry';
import { sameEntries } from './dispense-list-equality';

const entry = (key: string, lot: string): DispenseEntry => ({
  key,
  medication: { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan', ingredients: [], category: '00', vaccine: false },
  packs: 1,
  batch: { lot, expiry: '2028-03-31' },
  serials: [],
  whenHandedOver: '2026-11-25',
});

describe('sameEntries', () => {
  it('ignores key order and undefined fields', () => {
    const a = entry('a', 'L1');
    const reordered = { whenHandedOver: a.whenHandedOver, serials: [], batch: a.batch, packs: 1, medication: a.medication, key: 'a', dosageText: undefined };
    expect(sameEntries([a], [reordered as DispenseEntry])).toBe(true);
  });
  it('sees a changed batch, a different order and a missing entry', () => {
    expect(sameEntries([entry('a', 'L1')], [entry('a', 'L2')])).toBe(false);
    expect(sameEntries([entry('a', 'L1'), entry('b', 'L1')], [entry('b', 'L1'), entry('a', 'L1')])).toBe(false);
    expect(sameEntries([entry('a', 'L1')], [])).toBe(false);
  });
});
