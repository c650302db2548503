import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../../shared/erezept/catalog/article-catalog';
import type { Pzn } from '../../../../../shared/erezept/identifiers';
import { entry, ids, prescription } from '../../../test/fixtures';
import { groupFindings, preflightFindings, type PreflightContext } from './preflight';

const sumatriptan: Article = {
  pzn: '06313728' as Pzn,
  name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
  packSize: '20 St',
  form: 'TAB',
  ingredients: [],
  category: '00',
  vaccine: false,
  securPharm: true,
};
const articles = (pzn: string) => (pzn === sumatriptan.pzn ? sumatriptan : undefined);

const ctx: PreflightContext = {
  prescriptionId: ids.first,
  kvnr: 'X110411675',
  telematikId: '3-SMC-B-Testkarte-883110000095957',
  prescription: prescription(),
  flowType: '160',
  acceptDate: '2026-10-29',
  expiryDate: '2027-01-01',
  today: '2026-10-05',
  now: new Date('2026-10-05T08:00:00Z'),
  articles,
};

const withBatch = { batch: { lot: 'B1', expiry: '2028-01-31' } };

describe('live pre-flight', () => {
  it('finds nothing in a complete list', () => {
    expect(preflightFindings({ entries: [entry(withBatch)] }, ctx)).toEqual([]);
  });

  it("asks for the securPharm batch of the prescribed pack (pharmacy rule A_21105-02), about the entry's batch", () => {
    const findings = preflightFindings({ entries: [entry()] }, ctx);
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', code: 'PH_BATCH_REQUIRED', entry: 0, field: undefined })]);
    expect(groupFindings(findings).byEntry.get(0)).toHaveLength(1);
  });

  it('puts a handover in the future at its field, once, although both rule sets find it', () => {
    const findings = preflightFindings({ entries: [entry({ ...withBatch, whenHandedOver: '2026-10-06' })] }, ctx);
    const atField = findings.filter((f) => f.field === 'entries.0.whenHandedOver');
    expect(atField).toHaveLength(1);
    expect(atField[0]).toMatchObject({ severity: 'error', code: 'PH_HANDOVER_IN_FUTURE' });
  });

  it('puts „hergestellt“ after the handover at its field (a pharmacy rule: the Fachdienst checks only the format)', () => {
    const findings = preflightFindings({ entries: [entry({ ...withBatch, whenPrepared: '2026-10-05', whenHandedOver: '2026-10-04' })] }, ctx);
    expect(findings).toContainEqual(expect.objectContaining({ code: 'PH_PREPARED_AFTER_HANDOVER', field: 'entries.0.whenPrepared', entry: 0 }));
  });

  it('warns after the Belieferungsfrist and blocks after the Einlösefrist (A_23798, A_23800)', () => {
    const late = preflightFindings({ entries: [entry({ ...withBatch, whenHandedOver: '2026-11-02' })] }, { ...ctx, today: '2026-11-02', now: new Date('2026-11-02T08:00:00Z') });
    expect(late).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'PH_AFTER_ACCEPT_DATE', field: 'entries.0.whenHandedOver' }));
    const expired = preflightFindings({ entries: [entry({ ...withBatch, whenHandedOver: '2027-01-04' })] }, { ...ctx, today: '2027-01-04', now: new Date('2027-01-04T08:00:00Z') });
    expect(expired).toContainEqual(expect.objectContaining({ severity: 'error', code: 'PH_AFTER_EXPIRY_DATE' }));
  });

  it('says nothing while the list does not pass the schema yet (the field validation speaks then)', () => {
    expect(preflightFindings({ entries: [entry({ batch: { lot: 'B1', expiry: '' } })] }, ctx)).toEqual([]);
  });

  it('runs only the pharmacy rules when no KVNR is known (the MedicationDispense cannot be built)', () => {
    const findings = preflightFindings({ entries: [entry({ ...withBatch, whenPrepared: '2026-10-05', whenHandedOver: '2026-10-04' })] }, { ...ctx, kvnr: undefined });
    expect(findings.some((f) => f.code.startsWith('FD_'))).toBe(false);
  });

  it('runs only the pharmacy rules when the PrescriptionID is not one (nothing can be built for it)', () => {
    // The builder's output passes the Fachdienst rules, so the stage shows only in shared/fhir/checks/preflight.test.ts.
    const list = { entries: [entry({ ...withBatch, whenHandedOver: '2026-10-06' })] };
    const findings = preflightFindings(list, { ...ctx, prescriptionId: 'kein Rezept' });
    expect(findings.map((f) => f.code)).toEqual(['PH_HANDOVER_IN_FUTURE']);
  });
});
