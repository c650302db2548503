/**
 * Every prescription of gematik's end-to-end examples (KBV_PR_ERP_Bundle 1.3, one 1.1.0) through the
 * prescription reader: 1.3 is read with the right kind and plausible fields, 1.1.0 is refused, and the known
 * wrong check digits (fixtures README) show up as findings.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePrescription, medicationKinds } from '../../main/simulator/prescription-generator';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { makePrescriptionId, type FlowType } from '../../shared/erezept/identifiers';
import { prescriptionViewSchema, type PrescriptionView } from '../../shared/erezept/prescription';
import { readPrescriptionXml } from '../../shared/fhir/kbv';
import { fhirJsonToXml } from '../../shared/fhir/xml';
import { listFixtures, readFixture, FIXTURE_DEFECTIVE_KVNRS } from '../fixtures';

const E2E = 'gematik/e2e-examples-2025-10';
const prescriptions = listFixtures(E2E, /_VerordnungArzt\.xml$/);
const OLD_ZYTOSTATIKA = `${E2E}/PKV/Rezeptur-parenterale_Zytostatika/Rezeptur-parenterale_Zytostatika_1/Rez_parenterale_Zytostatika_VerordnungArzt.xml`;


/** The kind the file name promises: FT_ Freitext, PZN_, WS_ Wirkstoff, Rez_ Rezeptur (…_Freitext: as Freitext). */
function expectedKind(path: string): PrescriptionView['medication']['kind'] {
  const name = basename(path);
  if (name.startsWith('FT_') || name.includes('_Freitext_')) return 'freitext';
  if (name.startsWith('PZN_')) return 'pzn';
  if (name.startsWith('WS_')) return 'wirkstoff';
  if (name.startsWith('Rez_')) return 'rezeptur';
  throw new Error(`unexpected fixture name ${name}`);
}

function read(path: string): PrescriptionView {
  const result = readPrescriptionXml(readFixture(path));
  if (!result.ok) throw new Error(`${path}: ${JSON.stringify(result.error)}`);
  return result.data;
}

const byName = (suffix: string): PrescriptionView => {
  const paths = prescriptions.filter((p) => p.endsWith(suffix));
  if (paths.length !== 1) throw new Error(`${paths.length} fixtures end with ${suffix}`);
  return read(paths[0]!);
};

describe('KBV prescriptions of e2e-examples-2025-10', () => {
  it('finds all 61 prescriptions', () => {
    expect(prescriptions).toHaveLength(61);
  });

  it('refuses the one KBV 1.1.0 prescription as unsupported', () => {
    const result = readPrescriptionXml(readFixture(OLD_ZYTOSTATIKA));
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'unsupported-version',
        message: 'KBV-Version nicht unterstützt: 1.1.0',
        kbvVersion: '1.1.0',
      },
    });
  });

  describe.each(prescriptions.filter((p) => p !== OLD_ZYTOSTATIKA))('%s', (path) => {
    it('is read as KBV 1.3 with the right kind and plausible fields', () => {
      const view = read(path);
      expect(prescriptionViewSchema.safeParse(view).success).toBe(true);
      expect(view.kbvVersion).toBe('1.3');
      expect(view.medication.kind).toBe(expectedKind(path));
      expect(view.prescriptionId).toMatch(/^(160|169|200|209)\.\d{3}\.\d{3}\.\d{3}\.\d{3}\.\d{2}$/);
      expect(view.authoredOn >= '2025-02-01' && view.authoredOn <= '2025-11-30').toBe(true);
      expect(view.patient.name).not.toBe('');
      expect(view.patient.kvnr).toMatch(/^[A-Z]\d{9}$/);
      expect(view.practitioner.name).not.toBe('');
      expect(view.organization.name).not.toBe('');
      expect(view.coverage.payorName).not.toBe('');
      expect(view.coverage.iknr).toMatch(/^\d{9}$/);
      expect(view.request.quantity).toBeGreaterThanOrEqual(1);
      // PKV flow types 200/209 go with a PKV coverage, GKV flows with anything else.
      expect(view.coverage.kind === 'PKV').toBe(/^20[09]\./.test(view.prescriptionId));
    });

    it('shows a wrong KVNR check digit as a finding, and nothing else', () => {
      const view = read(path);
      const expected = FIXTURE_DEFECTIVE_KVNRS.has(view.patient.kvnr ?? '') ? ['kvnr-checksum'] : [];
      // All PrescriptionIDs and PZNs of these examples have valid check digits (fixtures README).
      expect(view.findings.map((f) => f.code)).toEqual(expected);
    });
  });
});

describe('concrete values of selected prescriptions', () => {
  it('PZN: Sumatriptan with PZN, Normgröße, pack size and dosage', () => {
    const view = byName('PZN-Verordnung_1/PZN_Nr1_VerordnungArzt.xml');
    expect(view.medication).toEqual({
      kind: 'pzn',
      pzn: '06313728',
      name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
      normSize: 'N3',
      form: 'TAB',
      amount: '12 TAB',
      category: '00',
      vaccine: false,
    });
    expect(view.request).toMatchObject({
      quantity: 1,
      dosageText: '1-0-1-0',
      dosageFlag: true,
      coPayment: '0',
    });
  });

  it('Freitext: the prescription text', () => {
    const view = byName('FT_V1_VerordnungArzt.xml');
    expect(view.medication).toEqual({
      kind: 'freitext',
      text: 'Metformin 850mg Tabletten N3',
      category: '00',
      vaccine: false,
    });
    expect(view.patient.name).toBe('Prof. Dr. Karl-Friederich Graf Freiherr von Schaumberg');
  });

  it('Wirkstoff with two ingredients and their ASK numbers', () => {
    const view = byName('WS_2W_VerordnungArzt.xml');
    expect(view.medication).toMatchObject({
      kind: 'wirkstoff',
      form: 'Tabl',
      amount: '20 ST',
      ingredients: [
        { name: 'Amoxicillin', strength: '875 mg/1 Filmtbl.', ask: '08935' },
        { name: 'Clavulansäure', strength: '125 mg/1 Filmtbl.', ask: '21871' },
      ],
    });
    expect(view.request.note).toBe(
      'Bitte längliche Tabletten, da Patient Probleme mit dem Schlucken von runden hat.',
    );
  });

  it('Rezeptur with ingredients, Gesamtmenge and the Gebrauchsanweisung as dosage text', () => {
    const view = byName('Rezeptur-Verordnung_1/Rez_Nr1_VerordnungArzt.xml');
    expect(view.medication).toMatchObject({
      kind: 'rezeptur',
      form: 'Lösung',
      amount: '100 ml',
      ingredients: [
        { name: 'Salicylsäure', strength: '5 g' },
        { name: '2-propanol 70 %', strength: 'Ad 100 g' },
      ],
    });
    expect(view.request.dosageText).toBe('1–3mal/Tag auf die erkrankten Hautstellen auftragen');
  });

  it('Mehrfachverordnung 2 of 4 with its redemption period and id', () => {
    const view = byName('2025-10/PZN_Mehrfachverordnung/PZN_MV_2/PZN_MV2_VerordnungArzt.xml');
    expect(view.request.mvo).toEqual({
      numerator: 2,
      denominator: 4,
      start: '2025-12-15',
      end: '2026-02-28',
      id: 'urn:uuid:24e2e10d-e962-4d1c-be4f-8760e690a5f0',
    });
    expect(view.request.autIdemExcluded).toBe(true);
  });

  it('Noctu with co-payment exemption', () => {
    const view = byName('PZN_Noctu_VerordnungArzt.xml');
    expect(view.request).toMatchObject({ noctu: true, coPayment: '1' });
  });

  it('aut idem excluded', () => {
    expect(byName('PZN_aut_idem_VerordnungArzt.xml').request).toMatchObject({
      autIdemExcluded: true,
      noctu: false,
    });
  });

  it('Unfall, Arbeitsunfall and Berufskrankheit', () => {
    expect(byName('PZN_Unfall_VerordnungArzt.xml').request.accident).toEqual({
      kind: 'unfall',
      date: '2025-10-27',
    });
    const work = byName('PZN_Arbeitsunfall_VerordnungArzt.xml');
    expect(work.request.accident).toEqual({
      kind: 'arbeitsunfall',
      date: '2025-10-27',
      employer: 'Arbeitsplatz',
    });
    expect(work.coverage.kind).toBe('UK');
    const disease = byName('WS_BK_V1_VerordnungArzt.xml');
    expect(disease.request.accident).toEqual({ kind: 'berufskrankheit' });
    expect(disease.coverage).toMatchObject({ kind: 'BG', payorName: 'Verwaltungs-BG' });
    expect(disease.patient.address).toBe('Postfach 124589, 12489 Berlin');
  });

  it('vaccine flag', () => {
    expect(byName('PZN_Impfstoff_V1_VerordnungArzt.xml').medication).toMatchObject({
      kind: 'pzn',
      vaccine: true,
    });
  });

  it('PKV coverage, and the prescribing physician in training rather than the attesting one', () => {
    const view = byName('PKV/PZN-Verordnung_Nr_5/PZN_Nr5_VerordnungArzt.xml');
    expect(view.coverage).toEqual({
      kind: 'PKV',
      code: 'PKV',
      payorName: 'Allianz Private Krankenversicherung',
      iknr: '168140346',
      status: '1',
    });
    expect(view.practitioner).toEqual({
      name: 'Alexander Fischer',
      qualification: 'Weiterbildungsassistent',
      lanr: '895268385',
    });
    expect(view.request).toMatchObject({ quantity: 2, note: 'Bitte auf Anwendung schulen' });
    expect(view.request.coPayment).toBeUndefined();
  });

  it('a wrong KVNR check digit in a PKV prescription', () => {
    const view = byName('PKV/PZN-Verordnung_Nr_18/PZN_Nr18_VerordnungArzt.xml');
    expect(view.patient.kvnr).toBe('P123464532');
    expect(view.findings).toEqual([
      {
        severity: 'warning',
        code: 'kvnr-checksum',
        message: 'KVNR hat eine falsche Prüfziffer.',
        path: 'Patient.identifier',
      },
    ]);
  });
});

describe('prescriptions made by the simulator generator (main/simulator/prescription-generator.ts)', () => {
  /** A deterministic random source, so a failure can be replayed. */
  function seeded(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  const cases = (['2026-06-30', '2026-07-01'] as const).flatMap((authoredOn) =>
    (['160', '200'] as FlowType[]).flatMap((flowType) =>
      medicationKinds.map((kind) => ({ authoredOn, flowType, kind })),
    ),
  );

  it.each(cases)('reads $kind for flow $flowType authored $authoredOn', ({ authoredOn, flowType, kind }) => {
    let n = 0;
    const prescriptionId = makePrescriptionId(flowType, 4711n);
    const generated = generatePrescription({
      prescriptionId,
      flowType,
      kvnr: 'X110580065',
      medication: kind,
      authoredOn,
      issuedAt: new Date(`${authoredOn}T08:00:00Z`),
      mvo: { part: 2, of: 3, start: authoredOn, id: 'urn:uuid:6b4a0e5c-3b3c-4e8b-9d0e-1f2a3b4c5d6e' },
      catalog: demoCatalog,
      random: seeded(authoredOn.length * 31 + kind.length),
      uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    });
    const result = readPrescriptionXml(fhirJsonToXml(generated.bundle));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const view = result.data;

    expect(view.kbvVersion).toBe(generated.kbvVersion);
    expect(view.kbvVersion).toBe(authoredOn >= '2026-07-01' ? '1.4' : '1.3');
    expect(view).toMatchObject({ prescriptionId, authoredOn, patient: { kvnr: 'X110580065' } });
    expect(view.medication.kind).toBe(kind);
    expect(view.coverage.kind).toBe(flowType === '200' ? 'PKV' : 'GKV');
    expect(view.request.mvo).toEqual({
      numerator: 2,
      denominator: 3,
      start: authoredOn,
      id: 'urn:uuid:6b4a0e5c-3b3c-4e8b-9d0e-1f2a3b4c5d6e',
    });
    expect(view.patient.name).toBe(generated.patientName);
    if (view.medication.kind === 'pzn') {
      expect(view.medication.name).toBe(generated.medicationName);
      expect(demoCatalog.byPzn(view.medication.pzn)).toBeDefined();
    }
    // The generator writes valid check digits everywhere: nothing to warn about.
    expect(view.findings).toEqual([]);
  });
});
