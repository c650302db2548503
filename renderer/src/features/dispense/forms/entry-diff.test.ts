import { describe, expect, it } from 'vitest';
import { entry, pznMedication } from '../../../test/fixtures';
import { diffEntries, sameList } from './entry-diff';

const confirmed = [
  entry({ key: 'a', batch: { lot: 'B1', expiry: '2028-01-31' } }),
  entry({ key: 'b', packs: 2, medication: { kind: 'freitext', text: 'Salbe', category: '00', vaccine: false } }),
];

describe('diffEntries', () => {
  it('sees nothing changed in the same list, even with blank form inputs where values are absent', () => {
    const fromForm = confirmed.map((e) => ({ ...e, dosageText: '', whenPrepared: '' }));
    expect(diffEntries(confirmed, fromForm).map((c) => c.kind)).toEqual(['unchanged', 'unchanged']);
    expect(sameList(confirmed, fromForm)).toBe(true);
  });

  it('names the changed fields with before and after', () => {
    const edited = [{ ...confirmed[0]!, batch: { lot: 'B2', expiry: '2028-01-31' }, packs: 3 }, confirmed[1]!];
    const [first, second] = diffEntries(confirmed, edited);
    expect(first).toMatchObject({
      kind: 'changed',
      index: 0,
      fields: [
        { field: 'packs', before: '1', after: '3' },
        { field: 'batch', before: 'B1', after: 'B2' },
      ],
    });
    expect(second?.kind).toBe('unchanged');
    expect(sameList(confirmed, edited)).toBe(false);
  });

  it('reports added and removed entries by key', () => {
    const edited = [confirmed[0]!, entry({ key: 'c', medication: pznMedication({ pzn: '04773414', name: 'Ibudolor' }) })];
    const changes = diffEntries(confirmed, edited);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'unchanged', key: 'a' }),
      expect.objectContaining({ kind: 'added', index: 1, key: 'c', label: 'Ibudolor' }),
      expect.objectContaining({ kind: 'removed', previousIndex: 1, key: 'b', label: 'Salbe' }),
    ]);
  });

  it('counts another article with the same name as a change of the medication', () => {
    const edited = [{ ...confirmed[0]!, medication: pznMedication({ pzn: '04773414' }) }, confirmed[1]!];
    expect(diffEntries(confirmed, edited)[0]).toMatchObject({ kind: 'changed', fields: [expect.objectContaining({ field: 'medication' })] });
  });

  it('treats a new order as a different list (the Fachdienst numbers dispenses in order)', () => {
    expect(sameList(confirmed, [confirmed[1]!, confirmed[0]!])).toBe(false);
  });

  it('never calls an invalid list equal', () => {
    const broken = [{ ...confirmed[0]!, whenHandedOver: '' }];
    expect(sameList(broken, broken)).toBe(false);
  });
});
