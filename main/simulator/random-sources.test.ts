import { describe, expect, it } from 'vitest';
import { cryptoSources, seededSources } from './random-sources';

const sample = (seed: number): string[] => {
  const s = seededSources(seed);
  return [s.ids.accessCode(), s.ids.secret(), s.ids.uuid(), String(s.random())];
};

describe('seededSources', () => {
  it('gives the same sequence for the same seed and another one for another seed', () => {
    expect(sample(1)).toEqual(sample(1));
    expect(sample(1)).not.toEqual(sample(2));
  });

  it('writes AccessCode and Secret as 64 lowercase hex characters and UUIDs in version-4 layout (spec §1.3)', () => {
    const s = seededSources(3);
    for (let i = 0; i < 50; i++) {
      expect(s.ids.accessCode()).toMatch(/^[0-9a-f]{64}$/);
      expect(s.ids.secret()).toMatch(/^[0-9a-f]{64}$/);
      expect(s.ids.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const r = s.random();
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(1);
    }
  });

  it('never repeats an AccessCode in a long run', () => {
    const s = seededSources(4);
    const codes = new Set(Array.from({ length: 5000 }, () => s.ids.accessCode()));
    expect(codes.size).toBe(5000);
  });

  it('reseed starts again from (seed, label): the same label gives the same values', () => {
    const s = seededSources(5);
    s.reseed('scenario:a');
    const first = [s.ids.accessCode(), s.random()];
    s.ids.accessCode();
    s.reseed('scenario:a');
    expect([s.ids.accessCode(), s.random()]).toEqual(first);
    s.reseed('scenario:b');
    expect(s.ids.accessCode()).not.toBe(first[0]);
  });
});

describe('cryptoSources', () => {
  it('has no seed and ignores reseed: AccessCodes stay unpredictable', () => {
    const s = cryptoSources();
    expect(s.seed).toBeUndefined();
    const a = s.ids.accessCode();
    s.reseed('x');
    expect(s.ids.accessCode()).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
