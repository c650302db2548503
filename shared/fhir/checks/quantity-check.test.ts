import { describe, expect, it } from 'vitest';
import type { Article } from '../../erezept/catalog/article-catalog';
import type { DispenseEntry, DispensedMedication } from '../../erezept/dispense-entry';
import type { PrescribedMedication, PrescriptionView } from '../../erezept/prescription';
import { compareQuantity, quantityFindings } from './quantity-check';
import { demo, demoArticles, dispenseEntry, prescribedPzn, prescriptionOf, pznMedication } from './safety-test-support';

// The deck's Stückelung scenario (main/simulator/scenarios/deck.ts): one N3 prescribed, three N1 dispensed.
const salbutamolN3 = demo('Salbutamol Demopharm 100 µg Dosieraerosol', 'N3'); // 3 St
const salbutamolN1 = demo('Salbutamol Demopharm 100 µg Dosieraerosol', 'N1'); // 1 St
const levetiracetamN2 = demo('Levetiracetam Testogen 500 mg Filmtabletten', 'N2'); // 100 St
const metamizolTropfenN1 = demo('Metamizol Fiktiva Arzneimittel 500 mg/ml Tropfen zum Einnehmen', 'N1'); // 20 ml

const prescribed = (article: Article): PrescribedMedication => prescribedPzn(article);
const pzn = pznMedication;
const entry = (medication: DispensedMedication, packs: number): DispenseEntry => dispenseEntry(medication, packs, `k${packs}`);

const articles = demoArticles;
const findingsFor = (entries: DispenseEntry[], prescription: PrescriptionView) => quantityFindings(compareQuantity(entries, prescription, articles));

describe('compareQuantity', () => {
  it('compares amounts where all pack sizes are known: N3 (3 St) = 3 × N1 (1 St)', () => {
    expect(compareQuantity([entry(pzn(salbutamolN1), 3)], prescriptionOf(prescribed(salbutamolN3)), articles)).toEqual({
      kind: 'amount',
      prescribed: { value: 3, unit: 'St' },
      dispensed: { value: 3, unit: 'St' },
    });
  });

  it('sums over the whole list (packs of different batches are different entries)', () => {
    const list = [entry(pzn(salbutamolN1), 2), entry(pzn(salbutamolN1), 1)];
    expect(compareQuantity(list, prescriptionOf(prescribed(salbutamolN3)), articles)).toMatchObject({ kind: 'amount', dispensed: { value: 3 } });
  });

  it("uses the entry's own pack size before the catalogue's", () => {
    const own: DispensedMedication = { ...pzn(salbutamolN1), packSize: '2 St' };
    expect(compareQuantity([entry(own, 1)], prescriptionOf(prescribed(salbutamolN3)), articles)).toMatchObject({ dispensed: { value: 2 } });
  });

  it('counts packs when a pack size is unknown or the units differ', () => {
    const freitext: DispensedMedication = { kind: 'freitext', text: 'Salbutamol-Spray', category: '00', vaccine: false };
    expect(compareQuantity([entry(freitext, 2)], prescriptionOf(prescribed(salbutamolN3)), articles)).toEqual({ kind: 'packs', prescribed: 1, dispensed: 2 });
    expect(compareQuantity([entry(pzn(metamizolTropfenN1), 1)], prescriptionOf(prescribed(salbutamolN3)), articles)).toEqual({
      kind: 'packs',
      prescribed: 1,
      dispensed: 1,
    });
    const freitextPrescription: PrescribedMedication = { kind: 'freitext', text: 'Salbutamol Spray N3', vaccine: false };
    expect(compareQuantity([entry(pzn(salbutamolN1), 3)], prescriptionOf(freitextPrescription), articles)).toEqual({
      kind: 'packs',
      prescribed: 1,
      dispensed: 3,
    });
  });

  it('has nothing to compare without a prescribed quantity or an entry', () => {
    expect(compareQuantity([entry(pzn(salbutamolN1), 3)], prescriptionOf(prescribed(salbutamolN3), 0), articles)).toBeUndefined();
    expect(compareQuantity([], prescriptionOf(prescribed(salbutamolN3)), articles)).toBeUndefined();
  });
});

describe('quantityFindings', () => {
  it('is silent for the Stückelung (N3 prescribed, 3 × N1 dispensed)', () => {
    expect(findingsFor([entry(pzn(salbutamolN1), 3)], prescriptionOf(prescribed(salbutamolN3)))).toEqual([]);
  });

  it('PH_QUANTITY_MORE: more than prescribed needs a reason, at the first entry', () => {
    expect(findingsFor([entry(pzn(levetiracetamN2), 5)], prescriptionOf(prescribed(levetiracetamN2)))).toEqual([
      {
        severity: 'warning',
        code: 'PH_QUANTITY_MORE',
        message: 'Mehr als verordnet abgegeben: verordnet 100 St, abgegeben 500 St.',
        path: 'entries.0.packs',
        needsReason: true,
      },
    ]);
  });

  it('PH_QUANTITY_LESS: fewer is a partial dispense, a note', () => {
    expect(findingsFor([entry(pzn(levetiracetamN2), 1)], prescriptionOf(prescribed(levetiracetamN2), 2))).toEqual([
      {
        severity: 'info',
        code: 'PH_QUANTITY_LESS',
        message: 'Weniger als verordnet abgegeben (Teilabgabe): verordnet 200 St, abgegeben 100 St.',
        path: 'entries.0.packs',
      },
    ]);
  });

  it('names packs when it counted packs', () => {
    const freitext: PrescribedMedication = { kind: 'freitext', text: 'Salbutamol Spray', vaccine: false };
    expect(findingsFor([entry(pzn(salbutamolN1), 2)], prescriptionOf(freitext))).toEqual([
      expect.objectContaining({ code: 'PH_QUANTITY_MORE', message: 'Mehr als verordnet abgegeben: verordnet 1 Packung, abgegeben 2 Packungen.' }),
    ]);
    expect(findingsFor([entry(pzn(salbutamolN1), 1)], prescriptionOf(freitext, 3))).toEqual([
      expect.objectContaining({ code: 'PH_QUANTITY_LESS', message: 'Weniger als verordnet abgegeben (Teilabgabe): verordnet 3 Packungen, abgegeben 1 Packung.' }),
    ]);
  });
});
