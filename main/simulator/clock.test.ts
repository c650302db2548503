import { describe, expect, it } from 'vitest';
import { createClock, parseDuration } from './clock';
import { MemoryTaskRepository } from './repository';

describe('parseDuration', () => {
  it.each([
    ['P1D', 86_400_000],
    ['PT2H', 7_200_000],
    ['PT2H30M', 9_000_000],
    ['P1DT1S', 86_401_000],
    ['P2W', 14 * 86_400_000],
    ['-P3D', -3 * 86_400_000],
    ['PT0.5S', 500],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '1D', 'P1M', 'P1Y', 'P1DT', 'tomorrow'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('createClock', () => {
  it('sets, advances and resets an offset that keeps time running', () => {
    let base = new Date('2026-10-05T08:00:00Z');
    const store = new MemoryTaskRepository();
    const clock = createClock(() => base, store);
    clock.set(new Date('2027-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
    base = new Date('2026-10-05T09:00:00Z'); // one hour of real time passes
    expect(clock.now().toISOString()).toBe('2027-01-01T01:00:00.000Z');
    clock.advance(86_400_000);
    expect(clock.now().toISOString()).toBe('2027-01-02T01:00:00.000Z');
    clock.reset();
    expect(clock.now().toISOString()).toBe('2026-10-05T09:00:00.000Z');
  });

  it('keeps the offset in the store (so it survives a restart)', () => {
    const store = new MemoryTaskRepository();
    const base = (): Date => new Date('2026-10-05T08:00:00Z');
    createClock(base, store).advance(3_600_000);
    expect(createClock(base, store).now().toISOString()).toBe('2026-10-05T09:00:00.000Z');
  });
});
