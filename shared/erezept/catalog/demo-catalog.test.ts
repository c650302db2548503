import { describe, expect, it } from 'vitest';
import { parsePzn } from '../identifiers';
import { createArticleCatalog, demoCatalog, foldSearchText } from './demo-catalog';

const all = demoCatalog.all();

describe('demoCatalog', () => {
  it('holds a few hundred articles', () => {
    expect(all.length).toBeGreaterThanOrEqual(250);
    expect(all.length).toBeLessThanOrEqual(400);
  });

  it('has only valid PZNs (8 digits, mod-11 check digit) and no duplicates', () => {
    for (const article of all) expect(parsePzn(article.pzn).ok, article.pzn).toBe(true);
    expect(new Set(all.map((a) => a.pzn)).size).toBe(all.length);
  });

  it('keeps PZNs stable between releases (derived from table order)', () => {
    // Stored cases refer to these PZNs: a change here means existing training data breaks.
    expect(all[0]).toMatchObject({ pzn: '41800008', name: 'Ibuprofen Demopharm 200 mg Filmtabletten', packSize: '10 St', normSize: 'N1' });
  });

  it('uses fictional manufacturers only', () => {
    const manufacturers = new Set(all.map((a) => a.manufacturer));
    expect([...manufacturers].sort()).toEqual(['Beispielmedica', 'Demopharm', 'Fiktiva Arzneimittel', 'Musterpharma', 'Probapharm', 'Testogen']);
  });

  it('contains T-Rezept substances (category 02), one vaccine, a Kombipackung and mostly securPharm packs', () => {
    const tRezept = all.filter((a) => a.category === '02');
    expect(tRezept.length).toBeGreaterThan(0);
    expect(tRezept.map((a) => a.ingredients[0]!.name)).toEqual(expect.arrayContaining(['Lenalidomid', 'Thalidomid']));
    expect(new Set(all.filter((a) => a.vaccine).map((a) => a.name)).size).toBe(1);
    expect(all.some((a) => a.form === 'KPG' && a.ingredients.length === 2)).toBe(true);
    const securPharm = all.filter((a) => a.securPharm).length;
    expect(securPharm / all.length).toBeGreaterThan(0.8);
    expect(securPharm).toBeLessThan(all.length);
  });

  it('gives every article a substance with strength and unit (A_27033-01) and a KBV form code', () => {
    for (const a of all) {
      expect(a.ingredients.length).toBeGreaterThan(0);
      for (const i of a.ingredients) {
        expect(i.strengthValue).toBeGreaterThan(0);
        expect(i.strengthUnit).not.toBe('');
      }
      expect(a.form).toMatch(/^[A-Z]{3}$/);
    }
  });
});

describe('lookups', () => {
  it('finds an article by PZN', () => {
    const article = all[42]!;
    expect(demoCatalog.byPzn(article.pzn)).toBe(article);
    expect(demoCatalog.byPzn(` ${article.pzn} `)).toBe(article);
    expect(demoCatalog.byPzn('00000000')).toBeUndefined();
  });

  it('searches trade name and substance case-insensitively, every word must match', () => {
    const results = demoCatalog.search('ibuprofen 400', 50);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.ingredients[0]!.name).toBe('Ibuprofen');
      expect(r.name).toContain('400');
    }
    expect(demoCatalog.search('IBUPROFEN musterpharma', 50).every((r) => r.manufacturer === 'Musterpharma')).toBe(true);
  });

  it('tolerates umlauts, their ae/oe/ue spelling and accents', () => {
    const catalog = createArticleCatalog([{ ...all[0]!, name: 'Wärmepflaster Süßholz Demopharm' }, all[1]!]);
    for (const query of ['wärmepflaster', 'WAERMEPFLASTER', 'warmepflaster', 'süssholz', 'suessholz', 'Süßholz']) {
      expect(catalog.search(query).map((a) => a.name), query).toEqual(['Wärmepflaster Süßholz Demopharm']);
    }
    expect(demoCatalog.search('Lenalidomíd').length).toBeGreaterThan(0);
    expect(foldSearchText('Wärme')).toBe(foldSearchText('Waerme'));
  });

  it('finds by PZN prefix', () => {
    const article = all[7]!;
    expect(demoCatalog.search(article.pzn.slice(0, 6))).toContain(article);
  });

  it('ranks names starting with the query first and respects the limit', () => {
    const results = demoCatalog.search('metamizol', 5);
    expect(results).toHaveLength(5);
    expect(results[0]!.name.startsWith('Metamizol')).toBe(true);
    expect(demoCatalog.search('')).toEqual([]);
    expect(demoCatalog.search('gibt es nicht')).toEqual([]);
  });

  it('works on any article list (seam for a real drug database)', () => {
    const catalog = createArticleCatalog([all[0]!, all[1]!]);
    expect(catalog.all()).toHaveLength(2);
    expect(catalog.search('Ibuprofen')).toHaveLength(2);
  });
});
