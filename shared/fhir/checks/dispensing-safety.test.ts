import { describe, expect, it } from 'vitest';
import type { DispenseEntry, DispensedMedication } from '../../erezept/dispense-entry';
import type { Finding } from '../../erezept/findings';
import type { PrescribedMedication, PrescriptionView } from '../../erezept/prescription';
import { dispensingSafetyFindings } from './dispensing-safety';
import { demo, demoArticles, dispenseEntry, prescribedPzn, prescriptionOf, pznMedication } from './safety-test-support';

const levetiracetam500N2 = demo('Levetiracetam Testogen 500 mg Filmtabletten', 'N2'); // 100 St
const levetiracetam1000N2 = demo('Levetiracetam Testogen 1000 mg Filmtabletten', 'N2'); // 100 St
const amlodipin5N1 = demo('Amlodipin Fiktiva Arzneimittel 5 mg Tabletten', 'N1'); // 20 St
const ibuDemo400N2 = demo('Ibuprofen Demopharm 400 mg Filmtabletten', 'N2'); // 20 St
const ibuDemo400N3 = demo('Ibuprofen Demopharm 400 mg Filmtabletten', 'N3'); // 50 St
const ibuMuster400N1 = demo('Ibuprofen Musterpharma 400 mg Filmtabletten', 'N1'); // 20 St
const metformin1000N1 = demo('Metformin Demopharm 1000 mg Filmtabletten', 'N1'); // 30 St

const entry = (medication: DispensedMedication, packs = 1, key = 'row-1'): DispenseEntry => dispenseEntry(medication, packs, key);

const run = (entries: DispenseEntry[], prescription: PrescriptionView | null): Finding[] =>
  dispensingSafetyFindings(entries, { prescription, articles: demoArticles });
const codes = (findings: readonly Finding[]): string[] => findings.map((f) => f.code);

describe('PH_SUBSTANCE_DIFFERS', () => {
  it('blocks a different substance until overridden, naming both', () => {
    const findings = run([entry(pznMedication(amlodipin5N1), 5)], prescriptionOf(prescribedPzn(levetiracetam500N2)));
    expect(findings).toContainEqual({
      severity: 'error',
      code: 'PH_SUBSTANCE_DIFFERS',
      message: 'Anderer Wirkstoff als verordnet: verordnet Levetiracetam, abgegeben Amlodipin.',
      path: 'entries.0.medication.pzn',
      needsReason: true,
    });
  });

  it('makes the strength, form and pack size of that entry moot', () => {
    const findings = run([entry(pznMedication(amlodipin5N1))], prescriptionOf(prescribedPzn(levetiracetam500N2)));
    expect(codes(findings)).toEqual(['PH_SUBSTANCE_DIFFERS', 'PH_QUANTITY_LESS']);
  });

  it("uses the entry's own ingredients before the catalogue's", () => {
    const typed: DispensedMedication = { ...pznMedication(levetiracetam500N2), ingredients: [{ name: 'Amlodipin', strengthValue: 5, strengthUnit: 'mg' }] };
    expect(codes(run([entry(typed)], prescriptionOf(prescribedPzn(levetiracetam1000N2))))).toContain('PH_SUBSTANCE_DIFFERS');
  });

  it('does not count a salt form as another substance (Wirkstoffverordnung)', () => {
    const wirkstoff: PrescribedMedication = {
      kind: 'wirkstoff',
      name: 'Amlodipinbesilat 5 mg',
      ingredients: [{ name: 'Amlodipinbesilat', strength: '5 mg' }],
      form: 'Tabletten',
      amount: '20 St',
      vaccine: false,
    };
    expect(run([entry(pznMedication(amlodipin5N1))], prescriptionOf(wirkstoff))).toEqual([]);
  });

  it('compares by ATC code when both sides have one', () => {
    const byAtc: PrescribedMedication = {
      kind: 'wirkstoff',
      name: 'Levetiracetam 500 mg',
      ingredients: [{ name: 'Levetiracetam (als Hydrat)', strength: '500 mg', atc: 'N03AX14' }],
      vaccine: false,
    };
    expect(run([entry(pznMedication(levetiracetam500N2))], prescriptionOf(byAtc))).toEqual([]);
    const otherAtc: PrescribedMedication = { ...byAtc, ingredients: [{ name: 'Keppra', strength: '500 mg', atc: 'C08CA01' }] };
    expect(codes(run([entry(pznMedication(levetiracetam500N2))], prescriptionOf(otherAtc)))).toEqual(['PH_SUBSTANCE_DIFFERS']);
  });

  it('compares combination products as sets', () => {
    const combination: PrescribedMedication = {
      kind: 'wirkstoff',
      name: 'Losartan 50 mg + Hydrochlorothiazid 12,5 mg',
      ingredients: [
        { name: 'Losartan-Kalium', strength: '50 mg' },
        { name: 'Hydrochlorothiazid', strength: '12,5 mg' },
      ],
      vaccine: false,
    };
    const dispensed = (names: string[]): DispensedMedication => ({
      kind: 'wirkstoff',
      ingredients: names.map((name) => ({ name, strengthValue: name === 'Losartan' ? 50 : 12.5, strengthUnit: 'mg' })),
      category: '00',
      vaccine: false,
    });
    expect(run([entry(dispensed(['Hydrochlorothiazid', 'Losartan']))], prescriptionOf(combination))).toEqual([]);
    const missing = run([entry(dispensed(['Losartan']))], prescriptionOf(combination));
    expect(missing).toEqual([
      expect.objectContaining({
        code: 'PH_SUBSTANCE_DIFFERS',
        message: 'Anderer Wirkstoff als verordnet: verordnet Losartan-Kalium + Hydrochlorothiazid, abgegeben Losartan.',
        path: 'entries.0.medication',
      }),
    ]);
  });
});

describe('PH_STRENGTH_DIFFERS', () => {
  it('asks for a reason for another strength, naming both', () => {
    const findings = run([entry(pznMedication(levetiracetam1000N2))], prescriptionOf(prescribedPzn(levetiracetam500N2)));
    expect(findings).toEqual([
      {
        severity: 'warning',
        code: 'PH_STRENGTH_DIFFERS',
        message: 'Andere Stärke als verordnet: verordnet 500 mg, abgegeben 1000 mg.',
        path: 'entries.0.medication.pzn',
        needsReason: true,
      },
    ]);
  });

  it('converts units (1 g = 1000 mg)', () => {
    const wirkstoff: PrescribedMedication = {
      kind: 'wirkstoff',
      name: 'Metformin 1 g',
      ingredients: [{ name: 'Metformin', strength: '1 g' }],
      form: 'Filmtabletten',
      amount: '30 St',
      vaccine: false,
    };
    expect(run([entry(pznMedication(metformin1000N1))], prescriptionOf(wirkstoff))).toEqual([]);
  });

  it('names the substances of a combination', () => {
    const combination: PrescribedMedication = {
      kind: 'wirkstoff',
      name: 'Losartan + HCT',
      ingredients: [
        { name: 'Losartan', strength: '50 mg' },
        { name: 'Hydrochlorothiazid', strength: '12,5 mg' },
      ],
      vaccine: false,
    };
    const dispensed: DispensedMedication = {
      kind: 'wirkstoff',
      ingredients: [
        { name: 'Losartan', strengthValue: 100, strengthUnit: 'mg' },
        { name: 'Hydrochlorothiazid', strengthValue: 12.5, strengthUnit: 'mg' },
      ],
      category: '00',
      vaccine: false,
    };
    expect(run([entry(dispensed)], prescriptionOf(combination))).toEqual([
      expect.objectContaining({ code: 'PH_STRENGTH_DIFFERS', message: 'Andere Stärke als verordnet: verordnet Losartan 50 mg, abgegeben Losartan 100 mg.' }),
    ]);
  });

  it('says nothing where a side does not know the strength', () => {
    const unprinted: PrescribedMedication = { kind: 'wirkstoff', name: 'Levetiracetam', ingredients: [{ name: 'Levetiracetam' }], vaccine: false };
    expect(run([entry(pznMedication(levetiracetam1000N2))], prescriptionOf(unprinted))).toEqual([]);
  });
});

describe('PH_FORM_DIFFERS', () => {
  const amlodipin = (form: string): PrescribedMedication => ({
    kind: 'wirkstoff',
    name: 'Amlodipin 5 mg',
    ingredients: [{ name: 'Amlodipin', strength: '5 mg', atc: 'C08CA01' }],
    form,
    amount: '20 St',
    vaccine: false,
  });

  it('asks for a reason for Tabletten where Filmtabletten were prescribed, naming the forms', () => {
    expect(run([entry(pznMedication(amlodipin5N1))], prescriptionOf(amlodipin('Filmtabletten')))).toEqual([
      {
        severity: 'warning',
        code: 'PH_FORM_DIFFERS',
        message: 'Andere Darreichungsform als verordnet: verordnet Filmtabletten, abgegeben Tabletten.',
        path: 'entries.0.medication.pzn',
        needsReason: true,
      },
    ]);
  });

  it("matches the prescription's form text with the article's code", () => {
    expect(run([entry(pznMedication(amlodipin5N1))], prescriptionOf(amlodipin('Tabletten')))).toEqual([]);
    expect(run([entry(pznMedication(amlodipin5N1))], prescriptionOf(amlodipin('TAB')))).toEqual([]);
  });

  it('shows a PZN prescription\'s form code by its name', () => {
    const prescribed = { ...prescribedPzn(ibuDemo400N2), form: 'TAB' };
    expect(run([entry(pznMedication(ibuMuster400N1))], prescriptionOf(prescribed))).toEqual([
      expect.objectContaining({ code: 'PH_FORM_DIFFERS', message: 'Andere Darreichungsform als verordnet: verordnet Tabletten, abgegeben Filmtabletten.' }),
    ]);
  });
});

describe('PH_PACK_SIZE_DIFFERS', () => {
  it('asks for a reason for another Normgröße with other contents', () => {
    const findings = run([entry(pznMedication(ibuDemo400N3))], prescriptionOf(prescribedPzn(ibuDemo400N2)));
    expect(findings).toEqual([
      {
        severity: 'warning',
        code: 'PH_PACK_SIZE_DIFFERS',
        message: 'Andere Packungsgröße als verordnet: verordnet N2 (20 St), abgegeben N3 (50 St).',
        path: 'entries.0.medication.pzn',
        needsReason: true,
      },
      expect.objectContaining({ code: 'PH_QUANTITY_MORE' }),
    ]);
  });

  it('says nothing when the list hands over the prescribed amount (another manufacturer, another Normgröße, 20 St each)', () => {
    expect(run([entry(pznMedication(ibuMuster400N1))], prescriptionOf(prescribedPzn(ibuDemo400N2)))).toEqual([]);
  });

  it("takes the prescribed contents from the catalogue when the prescription prints none", () => {
    expect(run([entry(pznMedication(ibuMuster400N1))], prescriptionOf(prescribedPzn(ibuDemo400N2, false)))).toEqual([]);
    expect(codes(run([entry(pznMedication(ibuDemo400N3))], prescriptionOf(prescribedPzn(ibuDemo400N2, false))))).toEqual([
      'PH_PACK_SIZE_DIFFERS',
      'PH_QUANTITY_MORE',
    ]);
  });

  it('compares the Normgröße alone when nobody knows the prescribed contents', () => {
    // 06313728: a valid PZN the demo catalogue does not know
    const unknown: PrescribedMedication = { kind: 'pzn', pzn: '06313728', name: 'Ibuprofen 400 mg', normSize: 'N2', vaccine: false };
    const findings = run([entry(pznMedication(ibuMuster400N1))], prescriptionOf(unknown));
    expect(findings).toContainEqual(
      expect.objectContaining({ code: 'PH_PACK_SIZE_DIFFERS', message: 'Andere Packungsgröße als verordnet: verordnet N2, abgegeben N1 (20 St).' }),
    );
  });

  it('says nothing when the prescribed side knows neither', () => {
    const bare: PrescribedMedication = { kind: 'wirkstoff', name: 'Ibuprofen 400 mg', ingredients: [{ name: 'Ibuprofen', strength: '400 mg' }], vaccine: false };
    expect(run([entry(pznMedication(ibuDemo400N3))], prescriptionOf(bare))).toEqual([]);
  });
});

describe('PH_PRESCRIBED_UNKNOWN', () => {
  // 06313728 is a valid PZN the demo catalogue does not know.
  const unknown: PrescribedMedication = { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan 100 mg', form: 'FTA', vaccine: false };

  it('notes once per list that the substance could not be compared', () => {
    const findings = run([entry(pznMedication(amlodipin5N1)), entry(pznMedication(amlodipin5N1), 1, 'row-2')], prescriptionOf(unknown, 2));
    expect(findings.filter((f) => f.code === 'PH_PRESCRIBED_UNKNOWN')).toEqual([
      {
        severity: 'info',
        code: 'PH_PRESCRIBED_UNKNOWN',
        message: 'Verordnetes Arzneimittel nicht im Artikelstamm: Wirkstoff und Stärke bitte selbst prüfen.',
        path: 'entries',
      },
    ]);
    expect(codes(findings)).not.toContain('PH_SUBSTANCE_DIFFERS');
  });

  it("still compares what the prescription says itself (its form)", () => {
    expect(codes(run([entry(pznMedication(amlodipin5N1))], prescriptionOf(unknown)))).toEqual(['PH_FORM_DIFFERS', 'PH_PRESCRIBED_UNKNOWN']);
  });

  it('is silent when the prescribed PZN itself is dispensed, and for Freitext and Rezeptur', () => {
    const same: DispensedMedication = { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan 100 mg', ingredients: [], category: '00', vaccine: false };
    expect(run([entry(same)], prescriptionOf(unknown))).toEqual([]);
    const freitext: PrescribedMedication = { kind: 'freitext', text: 'Amlodipin 5 mg N1', vaccine: false };
    expect(run([entry(pznMedication(amlodipin5N1))], prescriptionOf(freitext))).toEqual([]);
    const rezeptur: PrescribedMedication = { kind: 'rezeptur', name: 'Salbe', ingredients: [{ name: 'Hydrocortison', strength: '1 %' }], vaccine: false };
    expect(run([entry(pznMedication(amlodipin5N1))], prescriptionOf(rezeptur))).toEqual([]);
  });
});

describe('PH_NAME_PZN_MISMATCH', () => {
  it('warns when the name was typed over the catalogue article of the PZN', () => {
    const typedOver: DispensedMedication = { ...pznMedication(amlodipin5N1), name: 'Levetiracetam 500 mg' };
    expect(run([entry(typedOver)], null)).toEqual([
      {
        severity: 'warning',
        code: 'PH_NAME_PZN_MISMATCH',
        message: `Bezeichnung und PZN passen nicht zusammen: Zur PZN ${amlodipin5N1.pzn} gehört laut Artikelstamm „Amlodipin Fiktiva Arzneimittel 5 mg Tabletten“.`,
        path: 'entries.0.medication.name',
      },
    ]);
  });

  it('ignores case and spacing, PZNs the catalogue does not know, and the prescription\'s wording of the prescribed PZN', () => {
    const spaced: DispensedMedication = { ...pznMedication(amlodipin5N1), name: '  amlodipin  fiktiva   arzneimittel 5 MG tabletten ' };
    expect(run([entry(spaced)], null)).toEqual([]);
    const unknown: DispensedMedication = { kind: 'pzn', pzn: '06313728', name: 'Irgendwas', ingredients: [], category: '00', vaccine: false };
    expect(run([entry(unknown)], null)).toEqual([]);
    const asPrescribed = { ...prescribedPzn(amlodipin5N1), name: 'Amlodipin 5mg Tbl. N1' };
    expect(run([entry({ ...pznMedication(amlodipin5N1), name: 'Amlodipin 5mg Tbl. N1' })], prescriptionOf(asPrescribed))).toEqual([]);
  });
});

it('compares nothing with an unreadable prescription', () => {
  expect(run([entry(pznMedication(amlodipin5N1), 9)], null)).toEqual([]);
});

describe('PH_DISPENSED_UNKNOWN', () => {
  it('warns when the dispensed article has no known substance while the prescription names one', () => {
    // a PZN the catalogue does not know, name typed by hand: the wrong-drug rule cannot compare
    const unknown: DispensedMedication = { kind: 'pzn', pzn: '01234562', name: 'Unbekanntes Präparat', ingredients: [], category: '00', vaccine: false };
    const findings = run([entry(unknown)], prescriptionOf(prescribedPzn(levetiracetam500N2)));
    expect(findings).toContainEqual(
      expect.objectContaining({ severity: 'warning', code: 'PH_DISPENSED_UNKNOWN', path: 'entries.0.medication.pzn' }),
    );
    expect(findings.find((f) => f.code === 'PH_DISPENSED_UNKNOWN')?.needsReason).toBeUndefined();
  });

  it('is silent when the substance is known from the entry or the catalogue', () => {
    const findings = run([entry(pznMedication(levetiracetam500N2))], prescriptionOf(prescribedPzn(levetiracetam500N2)));
    expect(codes(findings)).not.toContain('PH_DISPENSED_UNKNOWN');
    expect(codes(run([entry(pznMedication(levetiracetam1000N2))], prescriptionOf(prescribedPzn(levetiracetam500N2))))).not.toContain('PH_DISPENSED_UNKNOWN');
  });
});
