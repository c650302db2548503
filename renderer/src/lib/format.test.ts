import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDuration, formatTime, formatTimeWithSeconds } from './format';

describe('display formats (A_27660: German local time)', () => {
  it('shows instants in Berlin time in summer and winter, whatever zone the machine runs in', () => {
    expect(formatTime('2026-07-01T22:30:00Z')).toBe('00:30');
    expect(formatTime('2026-12-01T22:30:00Z')).toBe('23:30');
    expect(formatDateTime('2026-12-31T23:30:00Z')).toBe('01.01.2027, 00:30');
  });

  it('reformats date-only values without shifting them', () => {
    expect(formatDate('2026-10-05')).toBe('05.10.2026');
  });

  it('passes unreadable values through instead of showing "Invalid Date"', () => {
    expect(formatTime('gestern')).toBe('gestern');
  });

  it('shows seconds where a retry is seconds away', () => {
    expect(formatTimeWithSeconds('2026-10-05T08:31:05Z')).toBe('10:31:05');
    expect(formatTimeWithSeconds('bald')).toBe('bald');
  });

  it('shows durations in ms below a second, else in seconds with a German comma', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1500)).toBe('1,5 s');
    expect(formatDuration(30_000)).toBe('30 s');
  });
});
