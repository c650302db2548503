import { describe, expect, it } from 'vitest';
import { coldStartSplit } from './cold-start';

describe('coldStartSplit', () => {
  it('splits spawn → focus into app line, navigation and page, which add up', () => {
    const split = coldStartSplit(1_000_000, 1_000_450, {
      absTimeOrigin: 1_000_456,
      focusedAt: 300,
      absFocusedAt: 1_000_756,
      responseEnd: 10,
      domContentLoaded: 80,
    });
    expect(split).toEqual({ total: 756, appLine: 450, navigate: 6, page: 300 });
    expect(split.appLine + split.navigate + split.page).toBe(split.total);
  });
});
