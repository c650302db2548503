import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { IdentityCipher } from './cipher';
import { openStore, type Store } from './store';

let store: Store;
const ID = '160.000.000.000.001.54' as PrescriptionId;

beforeEach(() => {
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32) });
});
afterEach(() => store.close());

describe('Store.resetTrainingData: the trainer empties the training store', () => {
  it('empties cases, drafts, owed operations and the audit trail but keeps the settings', async () => {
    await store.cases.save({ prescriptionId: ID, flowType: '160', status: 'accepted', acceptedAt: '2026-10-05T08:00:00Z', acceptedBy: 'AB', updatedAt: '2026-10-05T08:00:00Z' });
    await store.drafts.save({ prescriptionId: ID, entries: [], savedAt: '2026-10-05T08:01:00Z', staff: 'AB' });
    const submission = await store.submissions.createPending({ prescriptionId: ID, operation: 'dispense', staff: 'AB', createdAt: '2026-10-05T08:02:00Z', entries: [] });
    const owed = await store.pendingOperations.create({ operation: 'dispense', entries: [], prescriptionId: ID, reason: 'offline', staff: 'AB', createdAt: '2026-10-05T08:02:00Z' });
    await store.pendingOperations.attachSubmission(owed, submission);
    await store.audit.append({ at: '2026-10-05T08:00:00Z', staff: 'AB', operation: 'accept', prescriptionId: ID, result: 'ok' });
    await store.settings.set('staffList', [{ kuerzel: 'XY', name: 'Xaver Y' }]);
    await store.settings.set('currentStaff', 'XY');
    expect(await store.cases.get(ID)).toBeDefined();
    expect(await store.pendingOperations.countPending()).toBe(1);

    await store.resetTrainingData();

    expect(await store.cases.get(ID)).toBeUndefined();
    expect(await store.drafts.get(ID)).toBeUndefined();
    expect(await store.audit.verify()).toEqual({ ok: true, chained: 0, unchained: 0 });
    expect(await store.submissions.listFor(ID)).toEqual([]);
    expect(await store.pendingOperations.countPending()).toBe(0);
    expect(await store.pendingOperations.listForDisplay()).toEqual([]);
    expect(store.settings.get('staffList')).toEqual([{ kuerzel: 'XY', name: 'Xaver Y' }]);
    expect(store.settings.get('currentStaff')).toBe('XY');
  });

  it('lets a new audit chain start that verifies', async () => {
    await store.audit.append({ at: '2026-10-05T08:00:00Z', staff: 'AB', operation: 'accept', result: 'ok' });
    await store.resetTrainingData();
    await store.audit.append({ at: '2026-10-05T09:00:00Z', staff: 'AB', operation: 'accept', result: 'ok' });
    expect(await store.audit.verify()).toEqual({ ok: true, chained: 1, unchained: 0 });
  });
});
