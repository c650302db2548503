import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../../shared/erezept/catalog/article-catalog';
import type { Pzn } from '../../../../../shared/erezept/identifiers';
import type { PackCode } from '../../../../../shared/erezept/pack-code';
import { entry } from '../../../test/fixtures';
import type { DispenseEntryInput } from './dispense-form-schema';
import { applyPackScan, blankMedication, duplicateEntry, type PackScanInput } from './entry-editing';

const sumatriptan = '06313728';
const ibuprofen: Article = {
  pzn: '04773414' as Pzn,
  name: 'Ibudolor 400 mg Filmtabletten',
  packSize: '20 St',
  normSize: 'N1',
  form: 'FTA',
  ingredients: [{ name: 'Ibuprofen', strengthValue: 400, strengthUnit: 'mg' }],
  category: '00',
  vaccine: false,
  securPharm: true,
};

const pack = (overrides: Partial<PackCode> = {}): PackCode => ({
  format: 'gs1',
  pzn: ibuprofen.pzn,
  batch: 'LOT1',
  expiry: '2028-06-30',
  serial: 'SN1',
  ...overrides,
});

let keys = 0;
const scan = (entries: DispenseEntryInput[], overrides: Partial<PackScanInput> = {}) =>
  applyPackScan(entries, {
    code: pack(),
    article: ibuprofen,
    prescribedPzn: sumatriptan,
    today: '2026-10-05',
    newKey: () => `new-${++keys}`,
    ...overrides,
  });

describe('applyPackScan', () => {
  it('fills the focused entry with PZN, article, batch, expiry and serial — one scanned pack', () => {
    const before = [entry({ packs: 3 })];
    const { entries, outcome } = scan(before, { focusedIndex: 0 });
    expect(outcome).toEqual({ kind: 'filled', index: 0 });
    expect(entries[0]).toMatchObject({
      key: 'entry-1',
      medication: { kind: 'pzn', pzn: ibuprofen.pzn, name: ibuprofen.name, packSize: '20 St' },
      packs: 1,
      batch: { lot: 'LOT1', expiry: '2028-06-30' },
      serials: ['SN1'],
      // A_28417: dispensed PZN ≠ prescribed PZN
      substituted: true,
    });
    expect(before[0]!.packs).toBe(3);
  });

  it('raises the pack count of the entry with the same PZN and batch and keeps the serial', () => {
    const first = scan([entry()], { focusedIndex: 0 }).entries;
    const { entries, outcome } = scan(first, { code: pack({ serial: 'SN2' }), focusedIndex: undefined });
    expect(outcome).toEqual({ kind: 'counted', index: 0, packs: 2 });
    expect(entries[0]).toMatchObject({ packs: 2, serials: ['SN1', 'SN2'] });
    expect(entries).toHaveLength(1);
  });

  it('does not count the same pack (same serial) twice', () => {
    const first = scan([entry()], { focusedIndex: 0 }).entries;
    const { entries, outcome } = scan(first);
    expect(outcome).toEqual({ kind: 'duplicate', index: 0 });
    expect(entries[0]!.packs).toBe(1);
  });

  it('another batch of the same article is a new entry (one entry per batch, spec §5)', () => {
    const first = scan([entry()], { focusedIndex: 0 }).entries;
    const { entries, outcome } = scan(first, { code: pack({ batch: 'LOT2', serial: 'SN9' }) });
    expect(outcome).toEqual({ kind: 'added', index: 1 });
    expect(entries[1]).toMatchObject({ key: expect.stringMatching(/^new-/), medication: { pzn: ibuprofen.pzn }, batch: { lot: 'LOT2' }, packs: 1 });
  });

  it('without a focused entry, fills the first entry still waiting for its pack', () => {
    const prescribed = entry(); // the prescribed article, no batch yet
    const { entries, outcome } = scan([prescribed], { code: pack({ pzn: sumatriptan as Pzn }), article: undefined });
    expect(outcome).toEqual({ kind: 'filled', index: 0 });
    // same PZN: the prescribed article's data stays, not substituted
    expect(entries[0]).toMatchObject({ medication: { pzn: sumatriptan, name: 'Sumatriptan-1a Pharma 100 mg Tabletten' }, substituted: false });
  });

  it('adds an entry when every entry already has its batch', () => {
    const full = [entry({ batch: { lot: 'B1', expiry: '2028-01-31' } })];
    const { entries, outcome } = scan(full);
    expect(outcome).toEqual({ kind: 'added', index: 1 });
    expect(entries).toHaveLength(2);
    expect(entries[1]!.whenHandedOver).toBe('2026-10-05');
  });

  it('turns a focused Wirkstoff entry into the dispensed product, but never overwrites a Rezeptur', () => {
    const wirkstoff = entry({ medication: { kind: 'wirkstoff', name: 'Ibuprofen', ingredients: [{ name: 'Ibuprofen' }], category: '00', vaccine: false } });
    expect(scan([wirkstoff], { focusedIndex: 0 }).entries[0]!.medication).toMatchObject({ kind: 'pzn', pzn: ibuprofen.pzn });
    const rezeptur = entry({
      medication: { kind: 'rezeptur', name: 'Creme', components: [{ name: 'Basiscreme' }], category: '00', vaccine: false },
    });
    const { entries, outcome } = scan([rezeptur], { focusedIndex: 0 });
    expect(outcome.kind).toBe('added');
    expect(entries[0]!.medication.kind).toBe('rezeptur');
  });

  it('keeps the PZN of an article missing from the catalogue and leaves its name to the pharmacist', () => {
    const { entries } = scan([entry()], { focusedIndex: 0, article: undefined });
    expect(entries[0]!.medication).toEqual({ kind: 'pzn', pzn: ibuprofen.pzn, name: '' });
  });

  it('leaves the substitution flag unset on a prescription without a prescribed PZN (Wirkstoff, Freitext, A_28417)', () => {
    const wirkstoff = entry({
      medication: { kind: 'wirkstoff', name: 'Ibuprofen', ingredients: [{ name: 'Ibuprofen' }], category: '00', vaccine: false },
      substituted: undefined,
    });
    const filled = scan([wirkstoff], { focusedIndex: 0, prescribedPzn: undefined });
    expect(filled.entries[0]!.substituted).toBeUndefined();
    const full = [entry({ batch: { lot: 'B1', expiry: '2028-01-31' }, substituted: undefined })];
    const added = scan(full, { prescribedPzn: undefined });
    expect(added.outcome.kind).toBe('added');
    expect(added.entries[1]!.substituted).toBeUndefined();
    expect(added.entries[1]).not.toHaveProperty('substituted', false);
  });

  it('drops the confirmed differences of an entry that gets another article, keeps them for another pack of the same', () => {
    const overrides = [{ rule: 'PH_SUBSTANCE_DIFFERS', reason: 'Rücksprache mit Praxis' }];
    const confirmed = entry({ medication: { kind: 'pzn', pzn: ibuprofen.pzn, name: ibuprofen.name, ingredients: [], category: '00', vaccine: false }, overrides });
    expect(scan([confirmed], { focusedIndex: 0 }).entries[0]!.overrides).toEqual(overrides);
    const other = entry({ overrides });
    expect(scan([other], { focusedIndex: 0 }).entries[0]!.overrides).toBeUndefined();
  });

  it('refuses a code without a German PZN', () => {
    const { entries, outcome } = scan([entry()], { code: pack({ pzn: undefined, gtin: '05012345678900' }) });
    expect(outcome).toEqual({ kind: 'no-pzn' });
    expect(entries[0]).toEqual(entry());
  });
});

describe('duplicateEntry and blankMedication', () => {
  it('copies article, dates and dosage for a second batch, with a fresh key, batch and serials', () => {
    const original = entry({ packs: 3, batch: { lot: 'B1', expiry: '2028-01-31' }, serials: ['S1'], dosageText: '1-0-0' });
    const copy = duplicateEntry(original, 'copy-1');
    expect(copy).toMatchObject({ key: 'copy-1', packs: 1, serials: [], dosageText: '1-0-0', medication: original.medication });
    expect(copy.batch).toBeUndefined();
    expect(copy.medication).not.toBe(original.medication);
  });

  it('keeps the visible name when the kind changes', () => {
    const pzn = entry().medication;
    expect(blankMedication('freitext', pzn)).toMatchObject({ kind: 'freitext', text: 'Sumatriptan-1a Pharma 100 mg Tabletten' });
    expect(blankMedication('rezeptur', pzn)).toMatchObject({ kind: 'rezeptur', name: 'Sumatriptan-1a Pharma 100 mg Tabletten', components: [{ name: '' }] });
    expect(blankMedication('wirkstoff')).toMatchObject({ kind: 'wirkstoff', ingredients: [{ name: '' }] });
  });
});
