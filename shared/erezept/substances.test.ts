import { describe, expect, it } from 'vitest';
import { matchSubstances, normalizeSubstanceName, sameSubstance } from './substances';

describe('normalizeSubstanceName', () => {
  it('folds case, spacing, hyphens and umlauts', () => {
    expect(normalizeSubstanceName('Levetiracetam')).toBe('levetiracetam');
    expect(normalizeSubstanceName(' LEVETIRACETAM ')).toBe('levetiracetam');
    expect(normalizeSubstanceName('Pantoprazol-Natrium 1,5 H2O')).toBe(normalizeSubstanceName('pantoprazolnatrium15h2o'));
    expect(normalizeSubstanceName('Glucose (wasserfrei)')).toBe('glucose');
    expect(normalizeSubstanceName('Säure')).toBe(normalizeSubstanceName('Saeure'));
  });

  it('drops salt, ester and hydrate parts, written apart or together', () => {
    for (const name of ['Amlodipin', 'Amlodipinbesilat', 'Amlodipin besilat', 'Amlodipin-Besilat', 'amlodipin besylat', 'Amlodipinmaleat']) {
      expect(normalizeSubstanceName(name)).toBe('amlodipin');
    }
    expect(normalizeSubstanceName('Diclofenac-Natrium')).toBe('diclofenac');
    expect(normalizeSubstanceName('Diclofenac-Kalium')).toBe('diclofenac');
    expect(normalizeSubstanceName('Metoprololsuccinat')).toBe('metoprolol');
    expect(normalizeSubstanceName('Metoprololtartrat')).toBe('metoprolol');
    expect(normalizeSubstanceName('Candesartancilexetil')).toBe('candesartan');
    expect(normalizeSubstanceName('Amoxicillin-Trihydrat')).toBe('amoxicillin');
    expect(normalizeSubstanceName('Sertralinhydrochlorid')).toBe('sertralin');
    expect(normalizeSubstanceName('Levothyroxin-Natrium')).toBe('levothyroxin');
  });

  it('keeps what is the substance itself: a cation in front, or a name that would shrink to nothing', () => {
    expect(normalizeSubstanceName('Natriumchlorid')).not.toBe(normalizeSubstanceName('Kaliumchlorid'));
    expect(normalizeSubstanceName('Natrium')).toBe('natrium');
    expect(normalizeSubstanceName('Magnesiumcitrat')).toBe('magnesium');
    expect(normalizeSubstanceName('Natriumcromoglicat (Augentropfen)')).toBe('natriumcromoglicat');
  });
});

describe('sameSubstance', () => {
  it('compares by ATC code when both sides have one', () => {
    expect(sameSubstance({ name: 'Levetiracetam', atc: 'N03AX14' }, { name: 'Keppra-Wirkstoff', atc: 'n03ax14' })).toBe(true);
    expect(sameSubstance({ name: 'Levetiracetam', atc: 'N03AX14' }, { name: 'Amlodipin', atc: 'C08CA01' })).toBe(false);
  });

  it('compares by normalised name otherwise, and a name match wins over differing ATC codes', () => {
    expect(sameSubstance({ name: 'Amlodipin' }, { name: 'Amlodipinbesilat', atc: 'C08CA01' })).toBe(true);
    expect(sameSubstance({ name: 'Levetiracetam' }, { name: 'Amlodipin' })).toBe(false);
    expect(sameSubstance({ name: 'Prednisolon', atc: 'H02AB06' }, { name: 'Prednisolon', atc: 'S01BA04' })).toBe(true);
  });

  it('never matches two empty names', () => {
    expect(sameSubstance({ name: '' }, { name: ' ' })).toBe(false);
  });
});

describe('matchSubstances', () => {
  const losartan = { name: 'Losartan-Kalium', atc: 'C09CA01' };
  const hct = { name: 'Hydrochlorothiazid', atc: 'C03AA03' };
  const amlodipin = { name: 'Amlodipin', atc: 'C08CA01' };

  it('compares combination products as sets, in any order', () => {
    expect(matchSubstances([losartan, hct], [hct, { name: 'Losartan' }])).toEqual({ same: true, pairs: [[0, 1], [1, 0]] });
  });

  it('is not the same when a substance is missing, added or replaced', () => {
    expect(matchSubstances([losartan, hct], [losartan]).same).toBe(false);
    expect(matchSubstances([losartan], [losartan, hct]).same).toBe(false);
    expect(matchSubstances([losartan, hct], [losartan, amlodipin])).toEqual({ same: false, pairs: [[0, 0]] });
  });

  it('pairs each dispensed substance once', () => {
    expect(matchSubstances([hct, hct], [hct, amlodipin]).same).toBe(false);
  });
});
