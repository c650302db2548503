import { describe, expect, it } from 'vitest';
import { createArticleCatalog, demoCatalog } from '../../erezept/catalog/demo-catalog';
import type { Article } from '../../erezept/catalog/article-catalog';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import { hasBlocking } from '../../erezept/findings';
import type { Pzn } from '../../erezept/identifiers';
import type { PrescriptionView } from '../../erezept/prescription';
import { pharmacyChecks, type PharmacyCheckContext } from './pharmacy-checks';
import { prescriptionOf } from './safety-test-support';

const article = (pzn: string, securPharm: boolean, category: Article['category'] = '00', name = 'Sumatriptan 100 mg'): Article => ({
  pzn: pzn as Pzn,
  name,
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

const prescription: PrescriptionView = prescriptionOf({ kind: 'pzn', pzn: '06313728', name: 'Sumatriptan 100 mg', vaccine: false });

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

    it('flags a set substitution flag on a Wirkstoff or Freitext prescription (nothing is exchanged there)', () => {
      const wirkstoff = { ...prescription, medication: { kind: 'wirkstoff' as const, name: 'Sumatriptan', ingredients: [], vaccine: false } };
      const freitext = { ...prescription, medication: { kind: 'freitext' as const, text: 'Sumatriptan 100 mg N1', vaccine: false } };
      for (const p of [wirkstoff, freitext]) {
        for (const substituted of [true, false]) {
          expect(run([entry({ substituted }, '05454378')], { prescription: p })).toEqual([
            {
              severity: 'warning',
              code: 'PH_SUBSTITUTION_FLAG',
              message: 'Austausch-Kennzeichen gilt nur für PZN-Verordnungen.',
              path: 'entries.0.substituted',
            },
          ]);
        }
      }
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

  it('refuses a preparation date after the handover date, and an unreadable one', () => {
    expect(run([entry({ whenPrepared: '2026-10-05', whenHandedOver: '2026-10-04' })])).toEqual([
      {
        severity: 'error',
        code: 'PH_PREPARED_AFTER_HANDOVER',
        message: 'Hergestellt am 05.10.2026 liegt nach dem Abgabedatum 04.10.2026.',
        path: 'entries.0.whenPrepared',
      },
    ]);
    expect(run([entry({ whenPrepared: '2026-10-05' })])).toEqual([]);
    expect(run([entry({ whenPrepared: '2026-02-30' })])).toEqual([
      expect.objectContaining({ code: 'PH_DATE_INVALID', message: 'Bitte ein gültiges Herstellungsdatum eingeben (TT.MM.JJJJ).', path: 'entries.0.whenPrepared' }),
    ]);
  });

  it('refuses a list whose newest handover date lies before workflow 1.6', () => {
    const findings = run([entry({ whenHandedOver: '2026-06-30' })], { today: '2026-07-01', acceptDate: undefined, expiryDate: undefined });
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', code: 'PH_DATE_BEFORE_WORKFLOW_1_6', path: 'entries.0.whenHandedOver' })]);
  });

  it('refuses an unreadable handover date, asking for the format the field shows', () => {
    expect(run([entry({ whenHandedOver: '2026-13-01' })])).toEqual([
      expect.objectContaining({ code: 'PH_DATE_INVALID', message: 'Bitte ein gültiges Abgabedatum eingeben (TT.MM.JJJJ).' }),
    ]);
  });

  describe('T-Rezept (flow 166)', () => {
    const tCatalog = createArticleCatalog([article('06313728', true, '02', 'Lenalidomid 10 mg')]);
    const tEntry = entry({ medication: { kind: 'pzn', pzn: '06313728', name: 'Lenalidomid 10 mg', ingredients: [], category: '02', vaccine: false } });

    it('reminds that a T-Rezept may not be shipped (A_27841, A_27842)', () => {
      expect(run([tEntry], { flowType: '166', articles: (pzn) => tCatalog.byPzn(pzn) })).toEqual([
        expect.objectContaining({ severity: 'info', code: 'PH_T_REZEPT_NO_SHIPPING', message: 'T-Rezept: kein Versand – Abgabe nur in der Apotheke.' }),
      ]);
    });

    it('warns when a §3a substance is dispensed without a T-Rezept, or a T-Rezept without one', () => {
      expect(codes([tEntry], { articles: (pzn) => tCatalog.byPzn(pzn) })).toEqual(['PH_T_REZEPT_CATEGORY']);
      expect(codes([entry()], { flowType: '166' })).toEqual(['PH_T_REZEPT_NO_SHIPPING', 'PH_T_REZEPT_CATEGORY']);
    });
  });

  it('reports each entry under its own index', () => {
    const twoPacks = { ...prescription, request: { ...prescription.request, quantity: 2 } };
    const findings = run([entry(), entry({ key: 'row-2', batch: { lot: 'B', expiry: '2026-01-01' } })], { prescription: twoPacks });
    expect(findings.map((f) => f.path)).toEqual(['entries.1.batch.expiry']);
  });
});

describe('prescribed vs dispensed, with the demo catalogue (docs/checks.md)', () => {
  const demo = (name: string, normSize: string): Article => {
    const found = demoCatalog.all().find((a) => a.name === name && a.normSize === normSize);
    if (!found) throw new Error(`no demo article ${name} ${normSize}`);
    return found;
  };
  const demoCtx = (prescribed: Article, quantity = 1): Partial<PharmacyCheckContext> => ({
    prescription: {
      ...prescription,
      request: { ...prescription.request, quantity },
      medication: {
        kind: 'pzn',
        pzn: prescribed.pzn,
        name: prescribed.name,
        normSize: prescribed.normSize,
        form: prescribed.form,
        amount: prescribed.packSize,
        vaccine: false,
      },
    },
    articles: (pzn) => demoCatalog.byPzn(pzn),
  });
  const demoEntry = (article: Article, overrides: Partial<DispenseEntry> = {}): DispenseEntry =>
    entry({ medication: { kind: 'pzn', pzn: article.pzn, name: article.name, ingredients: [], category: '00', vaccine: false }, substituted: true, ...overrides });

  it('Stückelung (deck scenario): one N3 prescribed, three N1 of the same product dispensed — no finding at all', () => {
    const n3 = demo('Salbutamol Demopharm 100 µg Dosieraerosol', 'N3');
    const n1 = demo('Salbutamol Demopharm 100 µg Dosieraerosol', 'N1');
    expect(run([demoEntry(n1, { packs: 3 })], demoCtx(n3))).toEqual([]);
    // the same in two batches: two entries
    expect(run([demoEntry(n1, { packs: 2 }), demoEntry(n1, { key: 'row-2', packs: 1, batch: { lot: 'B7', expiry: '2028-01-31' } })], demoCtx(n3))).toEqual([]);
  });

  it('a wrong drug scanned blocks with the difference named, until overridden with a reason', () => {
    const levetiracetam = demo('Levetiracetam Testogen 500 mg Filmtabletten', 'N2');
    const amlodipin = demo('Amlodipin Fiktiva Arzneimittel 5 mg Tabletten', 'N1');
    const blocked = run([demoEntry(amlodipin)], demoCtx(levetiracetam));
    expect(blocked).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code: 'PH_SUBSTANCE_DIFFERS',
        message: 'Anderer Wirkstoff als verordnet: verordnet Levetiracetam, abgegeben Amlodipin.',
        needsReason: true,
      }),
    );
    expect(hasBlocking(blocked)).toBe(true);

    const reason = 'Rücksprache mit der Praxis: Umstellung';
    const overridden = run([demoEntry(amlodipin, { overrides: [{ rule: 'PH_SUBSTANCE_DIFFERS', reason }] })], demoCtx(levetiracetam));
    expect(overridden).toContainEqual(expect.objectContaining({ code: 'PH_SUBSTANCE_DIFFERS', overridden: true }));
    expect(hasBlocking(overridden)).toBe(false);
    expect(JSON.stringify(overridden)).not.toContain('Rücksprache');
  });

  it('five packs where one was prescribed need a reason', () => {
    const levetiracetam = demo('Levetiracetam Testogen 500 mg Filmtabletten', 'N2');
    const findings = run([demoEntry(levetiracetam, { packs: 5, substituted: undefined })], demoCtx(levetiracetam));
    expect(findings).toEqual([expect.objectContaining({ code: 'PH_QUANTITY_MORE', needsReason: true, path: 'entries.0.packs' })]);
    expect(hasBlocking(findings)).toBe(true);
  });
});

describe('texts for the pharmacist', () => {
  it('name no requirement ids and write dates as TT.MM.JJJJ', () => {
    const lists: [DispenseEntry[], Partial<PharmacyCheckContext>][] = [
      [[entry({ whenHandedOver: '2026-10-30' })], { today: '2026-10-30' }],
      [[entry({ whenHandedOver: '2027-01-02' })], { today: '2027-01-02' }],
      [[entry({ whenHandedOver: '2026-10-06' })], {}],
      [[entry({ whenHandedOver: '2026-06-30' })], { today: '2026-07-01', acceptDate: undefined, expiryDate: undefined }],
      [[entry({ batch: undefined })], {}],
      [[entry({ batch: { lot: '', expiry: '' } })], {}],
      [[entry({ batch: { lot: 'A', expiry: '2026-10-01' } })], {}],
      [[entry({}, '05454378'), entry({ substituted: false }, '05454378'), entry({ substituted: true })], {}],
      [[entry({ whenPrepared: '2026-10-06' })], {}],
      [[entry()], { flowType: '166' }],
    ];
    const messages = lists.flatMap(([entries, c]) => run(entries, c)).map((f) => f.message);
    expect(messages.length).toBeGreaterThan(10);
    for (const message of messages) {
      expect(message).not.toMatch(/A_\d{4,5}/);
      expect(message).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    }
  });
});
