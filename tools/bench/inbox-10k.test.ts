import { describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { CaseRecord } from '../../main/store/cases';
import { expectedMatches, seededCaseRecords } from './case-seeding';
import { inboxShows, searchQueries } from './inbox-10k';

const template: CaseRecord = {
  prescriptionId: '160.000.000.000.001.54' as PrescriptionId,
  flowType: '160',
  status: 'accepted',
  acceptedAt: '2026-10-05T08:00:00.000Z',
  acceptedBy: 'AB',
  updatedAt: '2026-10-05T08:00:00.000Z',
};
const records = seededCaseRecords(template, 2000, new Date('2026-10-05T08:00:00.000Z'));

describe('searchQueries', () => {
  it('takes turns between PrescriptionID, KVNR and surname, each a new search that finds something', () => {
    const queries = searchQueries(records, 21);
    expect(new Set(queries).size).toBe(21);
    expect(queries[0]).toMatch(/^160\.\d{3}\.\d{3}\.\d{3}\.\d{3}\.\d{2}$/);
    expect(queries[1]).toMatch(/^[A-Z]\d{9}$/);
    expect(queries[2]).toMatch(/^\p{Lu}\p{Ll}+$/u);
    for (const q of queries) expect(expectedMatches(records, q).length).toBeGreaterThan(0);
    expect(expectedMatches(records, queries[0]!)).toHaveLength(1);
    expect(expectedMatches(records, queries[1]!)).toHaveLength(1);
  });
});

describe('inboxShows', () => {
  it('waits for the count and the first match', () => {
    const matches = records.slice(0, 3);
    expect(inboxShows(matches)).toEqual({
      kind: 'all',
      conditions: [
        { kind: 'text', selector: '[data-testid="inbox-count"]', text: '3 Vorgänge' },
        { kind: 'present', selector: `[data-testid="inbox-row-${matches[0]!.prescriptionId}"]` },
      ],
    });
    expect(inboxShows(records.slice(0, 1))).toMatchObject({ conditions: [{ text: '1 Vorgang' }, {}] });
  });
});
