import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKvnr, parsePrescriptionId, type PrescriptionId } from '../../shared/erezept/identifiers';
import { prescriptionView } from '../../main/services/testing';
import type { CaseRecord } from '../../main/store/cases';
import { expectedMatches, openTrainingStore, seedCases, seededCaseRecords } from './case-seeding';

const dir = mkdtempSync(join(tmpdir(), 'erx-seeding-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const template: CaseRecord = {
  prescriptionId: '160.000.000.000.001.54' as PrescriptionId,
  flowType: '160',
  status: 'accepted',
  acceptedAt: '2026-10-05T08:00:00.000Z',
  acceptedBy: 'AB',
  updatedAt: '2026-10-05T08:00:00.000Z',
  patientName: 'Erika Mustermann',
  kvnr: 'X110411675',
  medicationLabel: 'Sumatriptan-1a Pharma 100 mg Tabletten',
  qes: new Uint8Array([1, 2, 3]),
  prescription: prescriptionView(),
  prescriptionXml: '<Bundle/>',
};
const now = new Date('2026-10-05T07:59:00.000Z');

describe('seededCaseRecords', () => {
  const records = seededCaseRecords(template, 1000, now);

  it('gives every case a valid, unique PrescriptionID and newest first', () => {
    expect(new Set(records.map((r) => r.prescriptionId)).size).toBe(1000);
    for (const r of records) expect(parsePrescriptionId(r.prescriptionId).ok).toBe(true);
    const times = records.map((r) => Date.parse(r.acceptedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(times[0]).toBeLessThanOrEqual(now.getTime());
    // spread over about a year
    expect(times[0]! - times.at(-1)!).toBeGreaterThan(300 * 24 * 3600 * 1000);
  });

  it('keeps the newest open and finishes the rest, erasing returned and deleted cases (A_19251)', () => {
    expect(records.slice(0, 60).every((r) => r.status === 'accepted' || r.status === 'dispensed')).toBe(true);
    const older = records.slice(60);
    expect(older.some((r) => r.status === 'closed')).toBe(true);
    expect(older.some((r) => r.status === 'rejected' || r.status === 'aborted')).toBe(true);
    for (const r of records.filter((c) => c.status === 'rejected' || c.status === 'aborted')) {
      expect([r.patientName, r.kvnr, r.secret, r.qes, r.prescription]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(r.endedAt).toBeDefined();
    }
    for (const r of records.filter((c) => c.status === 'closed')) {
      expect(r.closedAt).toBeDefined();
      expect(r.qes).toBe(template.qes);
      expect(parseKvnr(r.kvnr!).ok).toBe(true);
      expect(r.prescription?.patient.kvnr).toBe(r.kvnr);
      expect(r.prescription?.prescriptionId).toBe(r.prescriptionId);
    }
  });

  it('is the same every run', () => {
    expect(seededCaseRecords(template, 50, now)).toEqual(seededCaseRecords(template, 50, now));
  });
});

describe('seeding a training store', () => {
  it('writes the cases so that the inbox query finds what expectedMatches predicts', async () => {
    const records = seededCaseRecords(template, 300, now);
    const store = openTrainingStore(dir);
    try {
      await seedCases(store, records);
      expect((await store.cases.list({ limit: 1000 })).records).toHaveLength(300);
      // the inbox's default page: the newest 200, and how many there are
      const page = await store.cases.list();
      expect([page.records.length, page.total]).toEqual([200, 300]);
      const named = records.find((r) => r.status === 'closed')!;
      for (const query of [
        named.kvnr!,
        named.prescriptionId,
        named.patientName!.split(' ')[1]!,
        'sumatriptan',
      ]) {
        expect((await store.cases.list({ text: query, limit: 1000 })).records.map((r) => r.prescriptionId)).toEqual(
          expectedMatches(records, query).map((r) => r.prescriptionId),
        );
      }
      const ended = records.find((r) => r.status === 'rejected')!;
      expect((await store.cases.get(ended.prescriptionId))?.patientName).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
