import { describe, expect, it } from 'vitest';
import type { Article } from '../../erezept/catalog/article-catalog';
import { createArticleCatalog } from '../../erezept/catalog/demo-catalog';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import type { Finding } from '../../erezept/findings';
import type { Pzn } from '../../erezept/identifiers';
import type { PrescriptionView } from '../../erezept/prescription';
import { ok } from '../../ipc/result';
import { Profiles, versioned } from '../profiles';
import { preflightRules, runPreflight, type PreflightContext, type PreflightRules } from './preflight';
import { prescriptionOf } from './safety-test-support';

const sumatriptan: Article = {
  pzn: '06313728' as Pzn,
  name: 'Sumatriptan 100 mg',
  packSize: '20 St',
  form: 'TAB',
  ingredients: [],
  category: '00',
  vaccine: false,
  securPharm: true,
};
const rules = preflightRules();
const articleTable = createArticleCatalog([sumatriptan]);

const prescription: PrescriptionView = prescriptionOf({ kind: 'pzn', pzn: '06313728', name: 'Sumatriptan 100 mg', vaccine: false });

const ctx: PreflightContext = {
  prescriptionId: '160.000.033.491.280.78',
  kvnr: 'X110411675',
  telematikId: '3-SMC-B-Testkarte-883110000095957',
  prescription,
  flowType: '160',
  acceptDate: '2026-10-29',
  expiryDate: '2027-01-01',
  today: '2026-10-05',
  articles: (pzn) => articleTable.byPzn(pzn),
  now: new Date('2026-10-05T08:00:00Z'),
};

const entry = (overrides: Partial<DispenseEntry> = {}): DispenseEntry => ({
  key: 'row-1',
  medication: { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan 100 mg', ingredients: [], category: '00', vaccine: false },
  packs: 1,
  batch: { lot: 'A123', expiry: '2028-03-31' },
  serials: [],
  whenHandedOver: '2026-10-05',
  ...overrides,
});

const codes = (findings: readonly Finding[]): string[] => findings.map((f) => f.code);

describe('runPreflight', () => {
  it('builds the $dispense Parameters of a correct list and finds nothing', () => {
    const { pharmacy, parameters } = runPreflight('dispense', [entry()], ctx, rules);
    expect(pharmacy).toEqual([]);
    expect(parameters).toMatchObject({ built: true, findings: [] });
    if (parameters.built) expect(parameters.resource['meta']).toEqual({ profile: [versioned(Profiles.dispenseInput)] });
  });

  it('builds the $close Parameters for close', () => {
    const { parameters } = runPreflight('close', [entry()], ctx, rules);
    expect(parameters.built && parameters.resource['meta']).toEqual({ profile: [versioned(Profiles.closeInput)] });
  });

  it('runs every stage, so a pharmacy error and a Fachdienst error are both reported', () => {
    const fd: Finding = { severity: 'error', code: 'FD_X', message: 'Vom Fachdienst abgelehnt.', path: 'parameter[0]' };
    const { pharmacy, parameters } = runPreflight('dispense', [entry({ batch: undefined })], ctx, { ...rules, fachdienstChecks: () => [fd] });
    expect(codes(pharmacy)).toEqual(['PH_BATCH_REQUIRED']);
    expect(parameters).toMatchObject({ built: true, findings: [fd] });
  });

  it('leaves the date order to the pharmacy: „hergestellt“ after the handover and a future handover are no Fachdienst findings', () => {
    const prepared = runPreflight('dispense', [entry({ whenPrepared: '2026-10-05', whenHandedOver: '2026-10-04' })], ctx, rules);
    expect(codes(prepared.pharmacy)).toEqual(['PH_PREPARED_AFTER_HANDOVER']);
    expect(prepared.parameters).toMatchObject({ built: true, findings: [] });
    const future = runPreflight('dispense', [entry({ whenHandedOver: '2026-10-06' })], ctx, rules);
    expect(codes(future.pharmacy)).toEqual(['PH_HANDOVER_IN_FUTURE']);
    expect(future.parameters).toMatchObject({ built: true, findings: [] });
  });

  it('reports a wrong PZN check digit once, at the PZN field', () => {
    const { pharmacy, parameters } = runPreflight('dispense', [
        entry({
          medication: { kind: 'pzn', pzn: '06313727', name: 'Sumatriptan 100 mg', ingredients: [], category: '00', vaccine: false },
          substituted: true,
        }),
      ], ctx, rules);
    const all = [...pharmacy, ...(parameters.built || parameters.reason === 'refused' ? parameters.findings : [])];
    expect(all.filter((f) => f.path === 'entries.0.medication.pzn' || /pzn|coding/i.test(f.path ?? ''))).toEqual([
      expect.objectContaining({ code: 'PH_PZN_CHECK_DIGIT', path: 'entries.0.medication.pzn' }),
    ]);
  });

  it("reports the builder's refusal (an empty $dispense list, spec §3.4)", () => {
    const { parameters } = runPreflight('dispense', [], ctx, rules);
    expect(parameters).toMatchObject({ built: false, reason: 'refused' });
    if (!parameters.built && parameters.reason === 'refused') expect(codes(parameters.findings)).toEqual(['DISPENSE_LIST_EMPTY']);
  });

  it('runs only the pharmacy rules without a KVNR or with a malformed PrescriptionID', () => {
    const late = [entry({ whenHandedOver: '2027-01-04' })];
    const withoutKvnr = runPreflight('dispense', late, { ...ctx, kvnr: undefined, today: '2027-01-04' }, rules);
    expect(codes(withoutKvnr.pharmacy)).toContain('PH_AFTER_EXPIRY_DATE');
    expect(withoutKvnr.parameters).toEqual({ built: false, reason: 'no-kvnr' });
    const badId = runPreflight('dispense', [entry()], { ...ctx, prescriptionId: '160.000.033.491.280.77' }, rules);
    expect(badId.parameters).toEqual({ built: false, reason: 'invalid-prescription-id' });
  });

  it('hands each stage its context: the resolved articles for the pharmacy rules, the prescribed medication and now for the others', () => {
    const seen: unknown[] = [];
    const spy: PreflightRules = {
      pharmacyChecks: (_entries, c) => (seen.push(c), []),
      buildParameters: (operation, _entries, c) => (seen.push({ operation, ...c }), ok({ resourceType: 'Parameters' })),
      fachdienstChecks: (operation, _parameters, c) => (seen.push({ operation, ...c }), []),
    };
    runPreflight('close', [entry()], ctx, spy);
    const dispenseCtx = { prescriptionId: ctx.prescriptionId, kvnr: ctx.kvnr, telematikId: ctx.telematikId, prescribed: prescription.medication };
    expect(seen).toEqual([
      { prescription, flowType: '160', acceptDate: '2026-10-29', expiryDate: '2027-01-01', today: '2026-10-05', articles: ctx.articles },
      { operation: 'close', ...dispenseCtx },
      { operation: 'close', ...dispenseCtx, now: ctx.now },
    ]);
  });
});
