import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { ArticleCatalog } from '../../../../shared/erezept/catalog/article-catalog';
import { demoCatalog } from '../../../../shared/erezept/catalog/demo-catalog';
import { AppProviders } from '../../app/AppProviders';
import { subscribeBridgeEvents } from '../../app/bridge-events';
import { createQueryClient } from '../../app/query-client';
import { BridgeError } from '../../lib/bridge';
import { catalogForTests } from '../../test/catalog';
import { createFakeBridge } from '../../test/fake-bridge';
import { appError } from '../../test/fixtures';
import { useArticles } from './article-queries';
import { createBridgeCatalog } from './bridge-catalog';

const [first, second, third] = demoCatalog.all();
/** a PZN with a valid check digit that no catalogue knows */
const UNKNOWN = '00000000';

describe('the article catalogue over the bridge (issue 19 item 2)', () => {
  it('sends the single lookups of one tick to main as one call and answers each with its article', async () => {
    const fake = createFakeBridge();
    const catalog = createBridgeCatalog(fake.bridge);
    const answers = await Promise.all([catalog.byPzn(first!.pzn), catalog.byPzn(` ${second!.pzn} `), catalog.byPzn(UNKNOWN), catalog.byPzn(first!.pzn)]);
    expect(answers).toEqual([first, second, undefined, first]);
    expect(fake.calls.lookupArticles).toHaveBeenCalledTimes(1);
    expect(fake.calls.lookupArticles).toHaveBeenCalledWith({ pzns: [first!.pzn, second!.pzn, UNKNOWN] });
    // the next tick is a call of its own
    expect(await catalog.byPzn(third!.pzn)).toEqual(third);
    expect(fake.calls.lookupArticles).toHaveBeenCalledTimes(2);
  });

  it('answers what cannot be a PZN with „unknown“ without asking main', async () => {
    const fake = createFakeBridge();
    const catalog = createBridgeCatalog(fake.bridge);
    expect(await catalog.byPzn('1234567')).toBeUndefined();
    expect(await catalog.byPzn('')).toBeUndefined();
    expect(await catalog.byPzns(['PZN', '123456789'])).toEqual(new Map());
    expect(fake.calls.lookupArticles).not.toHaveBeenCalled();
  });

  it('asks for a long list in parts of at most 200 PZNs', async () => {
    const all = demoCatalog.all();
    const fake = createFakeBridge();
    const found = await createBridgeCatalog(fake.bridge).byPzns([...all.map((a) => a.pzn), ...all.map((a) => a.pzn)]);
    expect(found.size).toBe(all.length);
    expect(found.get(first!.pzn)).toEqual(first);
    const sizes = fake.calls.lookupArticles.mock.calls.map(([req]) => req.pzns.length);
    expect(sizes.length).toBe(Math.ceil(all.length / 200));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(200);
  });

  it('searches within the contract’s bounds and tells which catalogue answers', async () => {
    const fake = createFakeBridge();
    const catalog = createBridgeCatalog(fake.bridge);
    expect(await catalog.search('   ')).toEqual([]);
    expect(fake.calls.searchArticles).not.toHaveBeenCalled();
    expect((await catalog.search(' Ibuprofen ')).length).toBeGreaterThan(0);
    await catalog.search('Ibuprofen', 500);
    await catalog.search('x'.repeat(150), 0);
    expect(fake.calls.searchArticles.mock.calls.map(([req]) => [req.text.length, req.limit])).toEqual([
      [9, 20],
      [9, 50],
      [100, 1],
    ]);
    expect(await catalog.info()).toMatchObject({ kind: 'demo', articleCount: demoCatalog.all().length });
  });

  it('passes main’s refusal on as a BridgeError to every lookup of the batch', async () => {
    const fake = createFakeBridge();
    fake.calls.lookupArticles.mockResolvedValueOnce({ ok: false, error: appError({ code: 'store-unavailable', message: 'Datenbank nicht erreichbar.' }) } as never);
    const catalog = createBridgeCatalog(fake.bridge);
    const both = [catalog.byPzn(first!.pzn), catalog.byPzn(second!.pzn)];
    for (const lookup of both) await expect(lookup).rejects.toBeInstanceOf(BridgeError);
  });
});

describe('the app asks main for articles unless given a catalogue', () => {
  const wrapper =
    (fake: ReturnType<typeof createFakeBridge>, catalog?: ArticleCatalog, queryClient = createQueryClient()) =>
    ({ children }: { children: ReactNode }) => (
      <AppProviders bridge={fake.bridge} queryClient={queryClient} catalog={catalog}>
        {children}
      </AppProviders>
    );

  it('looks up the PZNs of a list with one call to main and caches them', async () => {
    const fake = createFakeBridge();
    const pzns = [first!.pzn, second!.pzn, UNKNOWN];
    const { result, rerender } = renderHook(() => useArticles(pzns), { wrapper: wrapper(fake) });
    await waitFor(() => expect(result.current.pending).toBe(false));
    expect(result.current.lookup(first!.pzn)).toEqual(first);
    expect(result.current.lookup(UNKNOWN)).toBeUndefined();
    expect(fake.calls.lookupArticles).toHaveBeenCalledTimes(1);
    rerender();
    expect(fake.calls.lookupArticles).toHaveBeenCalledTimes(1);
  });

  it('asks main again after articles-changed', async () => {
    const fake = createFakeBridge();
    const queryClient = createQueryClient();
    const unsubscribe = subscribeBridgeEvents(fake.bridge, queryClient);
    const { result } = renderHook(() => useArticles([first!.pzn]), { wrapper: wrapper(fake, undefined, queryClient) });
    await waitFor(() => expect(result.current.lookup(first!.pzn)).toEqual(first));
    expect(fake.calls.lookupArticles).toHaveBeenCalledTimes(1);
    fake.emit({ type: 'articles-changed' });
    await waitFor(() => expect(fake.calls.lookupArticles).toHaveBeenCalledTimes(2));
    unsubscribe();
  });

  it('keeps a catalogue the caller brings (component tests) and never asks main', async () => {
    const fake = createFakeBridge();
    const { result } = renderHook(() => useArticles([third!.pzn]), { wrapper: wrapper(fake, catalogForTests([third!])) });
    await waitFor(() => expect(result.current.lookup(third!.pzn)).toEqual(third));
    expect(fake.calls.lookupArticles).not.toHaveBeenCalled();
  });
});
