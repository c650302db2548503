import { describe, expect, it } from 'vitest';
import { FachdienstClock, parseHttpDate } from './fachdienst-clock';

describe('FachdienstClock: the offset to the Fachdienst from its Date header', () => {
  it('reads the IMF-fixdate of RFC 7231 (what toUTCString writes)', () => {
    expect(parseHttpDate('Mon, 05 Oct 2026 08:00:00 GMT')).toBe(Date.parse('2026-10-05T08:00:00Z'));
    expect(parseHttpDate(new Date('2026-10-05T08:00:00.999Z').toUTCString())).toBe(Date.parse('2026-10-05T08:00:00Z'));
    expect(parseHttpDate(undefined)).toBeUndefined();
    expect(parseHttpDate('')).toBeUndefined();
    expect(parseHttpDate('kein Datum')).toBeUndefined();
  });

  it('keeps the offset of the latest answer with a readable header', () => {
    const clock = new FachdienstClock();
    expect(clock.offsetMs()).toBeUndefined();
    clock.observe('Mon, 05 Oct 2026 08:05:00 GMT', new Date('2026-10-05T08:00:00.400Z'));
    expect(clock.offsetMs()).toBe(299_600);
    clock.observe(undefined, new Date('2026-10-05T08:00:01Z'));
    clock.observe('Unsinn', new Date('2026-10-05T08:00:01Z'));
    expect(clock.offsetMs()).toBe(299_600);
    clock.observe('Mon, 05 Oct 2026 07:50:00 GMT', new Date('2026-10-05T08:00:00Z'));
    expect(clock.offsetMs()).toBe(-600_000);
  });
});
