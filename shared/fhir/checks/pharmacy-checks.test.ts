import { describe, expect, it } from 'vitest';
import { createArticleCatalog } from '../../erezept/catalog/demo-catalog';
import type { Article } from '../../erezept/catalog/article-catalog';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import type { Pzn } from '../../erezept/identifiers';
import type { PrescriptionView } from '../../erezept/prescription';
import { pharmacyChecks, type PharmacyCheckContext } from './pharmacy-checks';

const article = (pzn: string, securPharm: boolean, category: Article['category'] = '00'): Article => ({
  pzn: pzn as Pzn,
  name: `Artikel ${pzn}`,
  packSize: '20 St',
  normSize: 'N1',
  form: 'TAB',
  ingredients: [{ name: 'Wirkstoff', strengthValue: 10, strengthUnit: 'mg' }],
  category,
  vaccine: false,
  securPharm,
});
// Valid PZNs (spec §1.3): 06313728 and 05454378 carry securPharm codes, 17377588 does not.
const catalog = createArticleCatalog([article('06313728', true), article('05454378', true), article('17377588', false)]);

const prescription: PrescriptionView = {
  kbvVersion: '1.4',
  prescriptionId: '160.000.033.491.280.78',
  authoredOn: '2026-10-01',
  patient: { name: 'Erika Mustermann', kvnr: 'X110411675' },
  coverage: { kind: 'GKV', code: '1', payorName: 'Demo-Kasse' },
  practitioner: { name: 'Dr. Demo' },
  organization: { name: 'Praxis Demo' },
  request: { quantity: 1, autIdemExcluded: false, noctu: false },
  medication: { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan 100 mg', vaccine: false },
  findings: [],
};

const ctx: PharmacyCheckContext = {
  prescription,
  flowType: '160',
  acceptDate: '2026-10-29',
  expiryDate: '2027-01-01',
  today: '2026-10-05',
  articles: (pzn) => catalog.byPzn(pzn),
};

const entry = (overrides: Partial<DispenseEntry> = {}, pzn = '06313728'): DispenseEntry => ({
  key: 'row-1',
  medication: { kind: 'pzn', pzn, name: 'Sumatriptan 100 mg', ingredients: [], category: '00', vaccine: false },
  packs: 1,
  batch: { lot: 'A123', expiry: '2028-03-31' },
  serials: [],
  whenHandedOver: '2026-10-05',
  ...overrides,
});

const run = (entries: DispenseEntry[], c: Partial<PharmacyCheckContext> = {}) => pharmacyChecks(entries, { ...ctx, ...c });
const codes = (entries: DispenseEntry[], c: Partial<PharmacyCheckContext> = {}) => run(entries, c).map((f) => f.code);

describe('pharmacyChecks', () => {
  it('finds nothing in a correct dispense of the prescribed securPharm pack', () => {
    expect(run([entry()])).toEqual([]);
  });

  it('refuses an empty list', () => {
    expect(run([])).toEqual([expect.objectContaining({ severity: 'error', code: 'PH_LIST_EMPTY', path: 'entries' })]);
  });

  it('refuses a PZN with a wrong check digit', () => {
    expect(run([entry({ substituted: true }, '06313727')])).toEqual([
      expect.objectContaining({ severity: 'error', code: 'PH_PZN_CHECK_DIGIT', path: 'entries.0.medication.pzn' }),
    ]);
  });

  it('checks the PZNs of Rezeptur components', () => {
    const rezeptur = entry({
      medication: { kind: 'rezeptur', name: 'Salbe', components: [{ name: 'A', pzn: '03424249' }, { name: 'B', pzn: '12345679' }], category: '00', vaccine: false },
      substituted: true,
    });
    expect(run([rezeptur])).toEqual([expect.objectContaining({ code: 'PH_PZN_CHECK_DIGIT', path: 'entries.0.medication.components.1.pzn' })]);
  });

  describe('securPharm batch (A_21105-02)', () => {
    it('requires batch and expiry for a securPharm pack from the catalogue', () => {
      const { batch: _none, ...withoutBatch } = entry();
      expect(run([withoutBatch])).toEqual([expect.objectContaining({ severity: 'error', code: 'PH_BATCH_REQUIRED', path: 'entries.0.batch' })]);
    });

    it('points at the missing part', () => {
      expect(run([entry({ batch: { lot: ' ', expiry: '2028-03-31' } })])).toEqual([
        expect.objectContaining({ code: 'PH_BATCH_REQUIRED', path: 'entries.0.batch.lot' }),
      ]);
    });

    it('does not require a batch for packs without securPharm code', () => {
      const { batch: _none, ...withoutBatch } = entry({ substituted: true }, '17377588');
      expect(run([withoutBatch])).toEqual([]);
    });

    it('refuses a batch that expired before the handover date', () => {
      expect(run([entry({ batch: { lot: 'A1', expiry: '2026-10-04' } })])).toEqual([
        expect.objectContaining({ severity: 'error', code: 'PH_BATCH_EXPIRED', path: 'entries.0.batch.expiry' }),
      ]);
      expect(run([entry({ batch: { lot: 'A1', expiry: '2026-10-05' } })])).toEqual([]);
    });
  });

  describe('substitution and aut idem (A_28417)', () => {
    it('warns when the PZN differs and the pharmacist has not confirmed the substitution', () => {
      expect(run([entry({}, '05454378')])).toEqual([
        expect.objectContaining({ severity: 'warning', code: 'PH_SUBSTITUTION_FLAG', path: 'entries.0.substituted' }),
      ]);
      expect(run([entry({ substituted: true }, '05454378')])).toEqual([]);
    });

    it('warns about a flag contradicting the PZN comparison', () => {
      expect(codes([entry({ substituted: false }, '05454378')])).toEqual(['PH_SUBSTITUTION_FLAG']);
      expect(codes([entry({ substituted: true })])).toEqual(['PH_SUBSTITUTION_FLAG']);
    });

    it('warns when aut idem is excluded but another product is dispensed', () => {
      const autIdem = { ...prescription, request: { ...prescription.request, autIdemExcluded: true } };
      expect(run([entry({ substituted: true }, '05454378')], { prescription: autIdem })).toEqual([
        expect.objectContaining({ severity: 'warning', code: 'PH_AUT_IDEM_EXCLUDED', path: 'entries.0.medication' }),
      ]);
      expect(run([entry()], { prescription: autIdem })).toEqual([]);
    });

    it('has no substitution rule for non-PZN prescriptions or an unreadable prescription', () => {
      const wirkstoff = { ...prescription, medication: { kind: 'wirkstoff' as const, name: 'Sumatriptan', ingredients: [], vaccine: false } };
      expect(run([entry({}, '05454378')], { prescription: wirkstoff })).toEqual([]);
      expect(run([entry({}, '05454378')], { prescription: null })).toEqual([]);
    });
  });

  describe('deadlines (A_23797–A_23800)', () => {
    it('warns after the Belieferungsfrist (private prescription only)', () => {
      const findings = run([entry({ whenHandedOver: '2026-10-30' })], { today: '2026-10-30' });
      expect(findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'PH_AFTER_ACCEPT_DATE', path: 'entries.0.whenHandedOver' })]);
      expect(findings[0]!.message).toContain('29.10.2026');
    });

    it('refuses supply after the Einlösefrist', () => {
      expect(run([entry({ whenHandedOver: '2027-01-02' })], { today: '2027-01-02' })).toEqual([
        expect.objectContaining({ severity: 'error', code: 'PH_AFTER_EXPIRY_DATE', path: 'entries.0.whenHandedOver' }),
      ]);
    });

    it('accepts supply on the last day of both deadlines', () => {
      expect(run([entry({ whenHandedOver: '2026-10-29' })], { today: '2026-10-29', expiryDate: '2026-10-29' })).toEqual([]);
    });
  });

  it('refuses a handover date in the future', () => {
    expect(run([entry({ whenHandedOver: '2026-10-06' })])).toEqual([
      expect.objectContaining({ severity: 'error', code: 'PH_HANDOVER_IN_FUTURE', path: 'entries.0.whenHandedOver' }),
    ]);
  });

  it('refuses a list whose newest handover date lies before workflow 1.6', () => {
    const findings = run([entry({ whenHandedOver: '2026-06-30' })], { today: '2026-07-01', acceptDate: undefined, expiryDate: undefined });
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', code: 'PH_DATE_BEFORE_WORKFLOW_1_6', path: 'entries.0.whenHandedOver' })]);
  });

  it('refuses an unreadable handover date', () => {
    expect(codes([entry({ whenHandedOver: '2026-13-01' })])).toEqual(['PH_DATE_INVALID']);
  });

  describe('T-Rezept (flow 166)', () => {
    const tCatalog = createArticleCatalog([article('06313728', true, '02')]);
    const tEntry = entry({ medication: { kind: 'pzn', pzn: '06313728', name: 'Lenalidomid 10 mg', ingredients: [], category: '02', vaccine: false } });

    it('reminds that a T-Rezept may not be shipped (A_27841, A_27842)', () => {
      expect(run([tEntry], { flowType: '166', articles: (pzn) => tCatalog.byPzn(pzn) })).toEqual([
        expect.objectContaining({ severity: 'info', code: 'PH_T_REZEPT_NO_SHIPPING', message: expect.stringContaining('T-Rezept: kein Versand') }),
      ]);
    });

    it('warns when a §3a substance is dispensed without a T-Rezept, or a T-Rezept without one', () => {
      expect(codes([tEntry], { articles: (pzn) => tCatalog.byPzn(pzn) })).toEqual(['PH_T_REZEPT_CATEGORY']);
      expect(codes([entry()], { flowType: '166' })).toEqual(['PH_T_REZEPT_NO_SHIPPING', 'PH_T_REZEPT_CATEGORY']);
    });
  });

  it('reports each entry under its own index', () => {
    const findings = run([entry(), entry({ key: 'row-2', batch: { lot: 'B', expiry: '2026-01-01' } })]);
    expect(findings.map((f) => f.path)).toEqual(['entries.1.batch.expiry']);
  });
});
