/**
 * When the app asks for messages (messages-poller.ts, spec erezept-pharmacy §3.11, §8): every 5 minutes, on demand
 * in between, an hour's pause after a 429, and never two refreshes at once.
 */
import { describe, expect, it } from 'vitest';
import { failure } from '../errors';
import { MessagesPoller, ON_DEMAND_SPACING_MS, POLL_INTERVAL_MS, RATE_LIMIT_WAIT_MS } from './messages-poller';

function harness(refresh: () => Promise<unknown> = async () => undefined, online: () => boolean = () => true) {
  let now = Date.parse('2026-12-07T09:00:00Z');
  const timers: { fn: () => void; at: number; cancelled: boolean }[] = [];
  let calls = 0;
  const errors: unknown[] = [];
  const poller = new MessagesPoller({
    refresh: async () => {
      calls += 1;
      return refresh();
    },
    clock: { now: () => new Date(now) },
    setTimer: (fn, ms) => {
      const timer = { fn, at: now + ms, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
    onError: (e) => errors.push(e),
    online,
  });
  const pending = () => timers.filter((t) => !t.cancelled);
  return {
    poller,
    calls: () => calls,
    errors,
    pending,
    advance: async (ms: number) => {
      now += ms;
      for (const timer of pending().filter((t) => t.at <= now)) {
        timer.cancelled = true;
        timer.fn();
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    settle: () => new Promise((resolve) => setImmediate(resolve)),
  };
}

describe('MessagesPoller', () => {
  it('refreshes at start and then every 5 minutes, not more often', async () => {
    const h = harness();
    h.poller.start();
    await h.settle();
    expect(h.calls()).toBe(1);
    await h.advance(POLL_INTERVAL_MS - 1);
    expect(h.calls()).toBe(1);
    await h.advance(1);
    expect(h.calls()).toBe(2);
    expect(h.pending()).toHaveLength(1);
  });

  it('on demand refreshes at once and starts the interval again; pressed again within seconds it does not call', async () => {
    const h = harness();
    h.poller.start();
    await h.settle();
    await h.advance(60_000);
    await h.poller.refreshNow();
    expect(h.calls()).toBe(2);
    await h.poller.refreshNow();
    expect(h.calls()).toBe(2);
    await h.advance(ON_DEMAND_SPACING_MS);
    await h.poller.refreshNow();
    expect(h.calls()).toBe(3);
    // the next automatic refresh is a full interval after the last one
    await h.advance(POLL_INTERVAL_MS - 1);
    expect(h.calls()).toBe(3);
  });

  it('after a 429 the next refresh waits an hour, and „Aktualisieren“ says until when', async () => {
    let answer429 = true;
    const h = harness(async () => {
      if (answer429) throw failure('fachdienst', 'zu viele', { httpStatus: 429 });
    });
    h.poller.start();
    await h.settle();
    expect(h.errors).toHaveLength(1);
    answer429 = false;
    await h.advance(POLL_INTERVAL_MS);
    expect(h.calls()).toBe(1);
    await expect(h.poller.refreshNow()).rejects.toMatchObject({ appError: { code: 'messages-rate-limited', message: expect.stringContaining('11:00 Uhr') } });
    await h.advance(RATE_LIMIT_WAIT_MS - POLL_INTERVAL_MS);
    expect(h.calls()).toBe(2);
  });

  it('an automatic refresh that fails (offline) is reported and tried again after the interval', async () => {
    let fail = true;
    const h = harness(async () => {
      if (fail) throw failure('offline', 'keine Verbindung', { httpStatus: undefined });
    });
    h.poller.start();
    await h.settle();
    expect(h.errors).toHaveLength(1);
    fail = false;
    await h.advance(POLL_INTERVAL_MS);
    expect(h.calls()).toBe(2);
    expect(h.errors).toHaveLength(1);
  });

  it('while the connection is down (or not set up) nothing is fetched; when it comes up a due refresh runs at once', async () => {
    let up = false;
    const h = harness(undefined, () => up);
    h.poller.start();
    await h.settle();
    await h.advance(POLL_INTERVAL_MS);
    expect(h.calls()).toBe(0);
    up = true;
    h.poller.connectionUp();
    await h.settle();
    expect(h.calls()).toBe(1);
    // up again moments later: the refresh just made is recent enough
    h.poller.connectionUp();
    await h.settle();
    expect(h.calls()).toBe(1);
  });

  it('„Aktualisieren“ asks even while the connection is thought down (the pharmacist sees the answer)', async () => {
    const h = harness(undefined, () => false);
    await h.poller.refreshNow();
    expect(h.calls()).toBe(1);
  });

  it('fetchNow (a scenario loaded) fetches at once, also moments after „Aktualisieren“, but not during a 429 wait', async () => {
    let answer429 = false;
    const h = harness(async () => {
      if (answer429) throw failure('fachdienst', 'zu viele', { httpStatus: 429 });
    });
    h.poller.start();
    await h.settle();
    await h.poller.refreshNow();
    h.poller.fetchNow();
    await h.settle();
    expect(h.calls()).toBe(3);
    answer429 = true;
    h.poller.fetchNow();
    await h.settle();
    expect(h.calls()).toBe(4);
    h.poller.fetchNow();
    await h.settle();
    expect(h.calls()).toBe(4);
  });

  it('fetchNow during a running refresh (a ping mid-poll) runs one more refresh after it, not two', async () => {
    let release: () => void = () => undefined;
    let first = true;
    const h = harness(
      () =>
        new Promise<void>((resolve) => {
          if (first) {
            first = false;
            release = resolve;
          } else resolve();
        }),
    );
    h.poller.start();
    await h.settle();
    expect(h.calls()).toBe(1);
    h.poller.fetchNow();
    h.poller.fetchNow();
    release();
    await h.settle();
    await h.settle();
    expect(h.calls()).toBe(2);
  });

  it('stop ends the schedule', async () => {
    const h = harness();
    h.poller.start();
    await h.settle();
    h.poller.stop();
    expect(h.pending()).toHaveLength(0);
  });
});
