/**
 * The first list of a case (A_27033-01, issue 19 item 2): a PZN prescription's row takes substance, strength, trade
 * name, pack, form and category from the catalogue's article of the prescribed PZN; without one it stays as the
 * prescription has it; Wirkstoff prescriptions never use the catalogue.
 */
import { describe, expect, it } from 'vitest';
import { lookupOf, noArticles, type Article } from '../../shared/erezept/catalog/article-catalog';
import type { Pzn } from '../../shared/erezept/identifiers';
import { initialDraft } from './initial-draft';
import { prescriptionView } from './testing';

const article: Article = {
  pzn: '06313728' as Pzn,
  name: 'Sumatriptan Katalog 100 mg Tabletten',
  packSize: '12 St',
  normSize: 'N2',
  form: 'FTA',
  ingredients: [{ name: 'Sumatriptan', strengthValue: 100, strengthUnit: 'mg', atc: 'N02CC01' }],
  category: '00',
  vaccine: false,
  securPharm: true,
  manufacturer: 'Katalogpharm',
  prices: { retailCents: 1234 },
};
const catalogue = lookupOf(new Map([[article.pzn, article]]));

describe('initialDraft', () => {
  it('fills a PZN prescription from the catalogue article: substance and strength, name, pack, Normgröße, form', () => {
    const [entry, ...rest] = initialDraft(prescriptionView(), '2026-10-05', 'row-1', catalogue);
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      key: 'row-1',
      medication: {
        kind: 'pzn',
        pzn: '06313728',
        name: 'Sumatriptan Katalog 100 mg Tabletten',
        normSize: 'N2',
        form: 'FTA',
        packSize: '12 St',
        ingredients: [{ name: 'Sumatriptan', strengthValue: 100, strengthUnit: 'mg', atc: 'N02CC01' }],
        category: '00',
        vaccine: false,
      },
      packs: 2,
      serials: [],
      whenHandedOver: '2026-10-05',
      substituted: false,
    });
  });

  it('keeps the prescription Normgröße where the article has none', () => {
    const { normSize: _, ...withoutNorm } = article;
    const [entry] = initialDraft(prescriptionView(), '2026-10-05', 'row-1', lookupOf(new Map([[article.pzn, withoutNorm]])));
    expect(entry?.medication).toMatchObject({ normSize: 'N1', name: article.name });
  });

  it('takes the catalogue category and vaccine flag (a T-Rezept article, a vaccine)', () => {
    const special = lookupOf(new Map([[article.pzn, { ...article, category: '02' as const, vaccine: true }]]));
    expect(initialDraft(prescriptionView(), '2026-10-05', 'row-1', special)[0]?.medication).toMatchObject({ category: '02', vaccine: true });
  });

  it('without a catalogue article the row is the prescription’s, substance-less as before', () => {
    for (const articles of [noArticles, lookupOf(new Map())]) {
      const [entry] = initialDraft(prescriptionView(), '2026-10-05', 'row-1', articles);
      expect(entry?.medication).toEqual({
        kind: 'pzn',
        pzn: '06313728',
        name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
        normSize: 'N1',
        form: 'TAB',
        packSize: '20 St',
        ingredients: [],
        category: '00',
        vaccine: false,
      });
    }
  });

  it('an article the entry cannot hold (no strength) still gives the row, without the strength', () => {
    const odd = lookupOf(new Map([[article.pzn, { ...article, ingredients: [{ name: 'Sumatriptan', strengthValue: 0, strengthUnit: '' }] }]]));
    expect(initialDraft(prescriptionView(), '2026-10-05', 'row-1', odd)[0]?.medication).toMatchObject({ ingredients: [{ name: 'Sumatriptan' }] });
    const nameless = lookupOf(new Map([[article.pzn, { ...article, name: '' }]]));
    expect(initialDraft(prescriptionView(), '2026-10-05', 'row-1', nameless)[0]?.medication).toMatchObject({ name: 'Sumatriptan-1a Pharma 100 mg Tabletten', ingredients: [] });
  });

  it('a Wirkstoff prescription stays as prescribed, whatever the catalogue knows', () => {
    const view = prescriptionView({
      medication: { kind: 'wirkstoff', name: 'Sumatriptan', ingredients: [{ name: 'Sumatriptan', strength: '100 mg', pzn: '06313728', atc: 'N02CC01' }], form: 'TAB', amount: '20 St', vaccine: false },
    });
    expect(initialDraft(view, '2026-10-05', 'row-1', catalogue)[0]?.medication).toEqual({
      kind: 'wirkstoff',
      name: 'Sumatriptan',
      ingredients: [{ name: 'Sumatriptan', atc: 'N02CC01', strengthValue: 100, strengthUnit: 'mg' }],
      form: 'TAB',
      amount: '20 St',
      category: '00',
      vaccine: false,
    });
  });
});
