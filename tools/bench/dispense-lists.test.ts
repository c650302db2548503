import { describe, expect, it } from 'vitest';
import { dispenseListSchema, type DispenseEntry } from '../../shared/erezept/dispense-entry';
import { makePrescriptionId } from '../../shared/erezept/identifiers';
import { closeParametersJson, dispenseParametersJson, entriesLike } from './dispense-lists';
import { typingPlan } from './typing-latency';

const template: DispenseEntry = {
  key: 'row-1',
  medication: {
    kind: 'pzn',
    pzn: '06313728',
    name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
    ingredients: [],
    category: '00',
    vaccine: false,
  },
  packs: 2,
  serials: ['S1'],
  whenHandedOver: '2026-10-01',
};

describe('entriesLike', () => {
  it('makes a valid list of the prescribed article, one pack per batch, handed over today', () => {
    const entries = entriesLike(template, 50, '2026-10-05');
    expect(dispenseListSchema.safeParse(entries).success).toBe(true);
    expect(new Set(entries.map((e) => e.key)).size).toBe(50);
    expect(new Set(entries.map((e) => e.batch?.lot)).size).toBe(50);
    expect(
      entries.every((e) => e.packs === 1 && e.serials.length === 0 && e.whenHandedOver === '2026-10-05'),
    ).toBe(true);
    expect(entries[9]!.medication).toEqual(template.medication);
  });
});

describe('dispenseParametersJson', () => {
  it('builds the $dispense input with one MedicationDispense per entry (spec §3.4)', () => {
    const json = dispenseParametersJson(entriesLike(template, 10, '2026-10-05'), {
      prescriptionId: makePrescriptionId('160', 123n),
      kvnr: 'X110411675',
      telematikId: '3-SMC-B-Bench',
    });
    const parameters = JSON.parse(json) as { resourceType: string; parameter: unknown[] };
    expect(parameters.resourceType).toBe('Parameters');
    expect(parameters.parameter).toHaveLength(10);
    expect(json).toContain('CH0010');
  });
});

describe('closeParametersJson', () => {
  it('builds the $close input with the complete list, one MedicationDispense per entry (spec §3.5)', () => {
    const json = closeParametersJson(entriesLike(template, 10, '2026-10-05'), {
      prescriptionId: makePrescriptionId('160', 123n),
      kvnr: 'X110411675',
      telematikId: '3-SMC-B-Bench',
    });
    const parameters = JSON.parse(json) as { resourceType: string; meta?: { profile?: string[] }; parameter: unknown[] };
    expect(parameters.resourceType).toBe('Parameters');
    expect(parameters.meta?.profile?.[0]).toContain('GEM_ERP_PR_PAR_CloseOperation_Input');
    expect(parameters.parameter).toHaveLength(10);
    expect(json).toContain('CH0010');
  });
});

describe('typingPlan', () => {
  it('types ten letters, then deletes them, so the batch never exceeds its 20 characters', () => {
    const plan = typingPlan(40);
    expect(plan.slice(0, 10).every((k) => k === 'x')).toBe(true);
    expect(plan.slice(10, 20).every((k) => k === 'Backspace')).toBe(true);
    let length = 0;
    for (const key of plan) {
      length += key === 'x' ? 1 : -1;
      expect(length).toBeGreaterThanOrEqual(0);
      expect(length).toBeLessThanOrEqual(10);
    }
  });
});
