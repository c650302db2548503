import { noArticles } from '../../shared/erezept/catalog/article-catalog';
import { describe, expect, it } from 'vitest';
import { Extensions, NamingSystems } from '../../shared/fhir/profiles';
import { readFixture } from '../../test/fixtures';
import { defaultCodecs } from './default-codecs';

const fixture = (name: string): unknown => JSON.parse(readFixture('gematik/workflow-1.6', name));

describe('defaultCodecs', () => {
  it('flattens the $accept bundle into Task data plus QES', () => {
    const read = defaultCodecs.readAcceptBundle(fixture('Bundle-Bundle-AcceptOperation.json'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.data.status).toBe('in-progress');
    expect(read.data.prescriptionId).toBe('160.000.033.491.280.78');
    expect(read.data.accessCode).toMatch(/^[0-9a-f]{64}$/);
    expect(read.data.qes.length).toBeGreaterThan(0);
  });

  it('maps the receipt beneficiary to the pharmacy Telematik-ID', () => {
    const read = defaultCodecs.readReceipt(fixture('Bundle-dffbfd6a-5712-4798-bdc8-07201eb77ab8.json'));
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.data.pharmacyTelematikId).toMatch(/^3-/);
  });

  it('reads status and lastMedicationDispense from GET ?secret (needed to reconcile a lost $dispense answer)', () => {
    const task = {
      resourceType: 'Task',
      id: '160.000.000.000.001.54',
      status: 'in-progress',
      identifier: [{ system: NamingSystems.prescriptionId, value: '160.000.000.000.001.54' }],
      extension: [{ url: Extensions.lastMedicationDispense, valueInstant: '2026-10-05T08:00:01.000Z' }],
    };
    const read = defaultCodecs.readTaskBundle({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: task }] });
    expect(read).toEqual({ ok: true, data: { taskStatus: 'in-progress', lastMedicationDispense: '2026-10-05T08:00:01.000Z' } });
  });

  it('runs the pharmacy rules: an expired Einlösefrist blocks (A_23800)', () => {
    const findings = defaultCodecs.pharmacyChecks(
      [{ key: 'k', medication: { kind: 'freitext', text: 'Ibuprofen', category: '00', vaccine: false }, packs: 1, serials: [], whenHandedOver: '2026-10-05' }],
      { prescription: null, flowType: '160', expiryDate: '2026-10-01', today: '2026-10-05', articles: noArticles },
    );
    expect(findings.some((f) => f.severity === 'error' && f.path === 'entries.0.whenHandedOver')).toBe(true);
  });
});
