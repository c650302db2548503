import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { berlinDate } from '../../../../shared/erezept/dates';
import { createQueryClient } from '../../app/query-client';
import { noonOf, recordAppTime, useAppToday } from './app-clock';

describe("main's clock", () => {
  it('is this page’s clock until an answer of main tells otherwise, then follows it (the simulator’s in training)', async () => {
    const queryClient = createQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
    const { result } = renderHook(() => useAppToday(), { wrapper });
    expect(result.current).toBe(berlinDate(new Date()));

    // a trainer moved the simulator's clock 30 days ahead; a case accepted just now says so
    const ahead = new Date(Date.now() + 30 * 86_400_000);
    act(() => recordAppTime(queryClient, ahead.toISOString()));
    await waitFor(() => expect(result.current).toBe(berlinDate(ahead)));

    // a time that cannot be read changes nothing: not even the cache hears of it
    const updates: string[] = [];
    const stop = queryClient.getQueryCache().subscribe((event) => updates.push(event.type));
    act(() => recordAppTime(queryClient, 'not a time'));
    act(() => recordAppTime(queryClient, undefined));
    stop();
    expect(updates).toEqual([]);
    expect(result.current).toBe(berlinDate(ahead));
  });

  it('puts "now" of a German date at noon, so no time zone turns it into another day', () => {
    expect(berlinDate(noonOf('2026-03-29'))).toBe('2026-03-29');
    expect(berlinDate(noonOf('2026-10-25'))).toBe('2026-10-25');
    expect(berlinDate(noonOf('2026-12-31'))).toBe('2026-12-31');
  });
});
