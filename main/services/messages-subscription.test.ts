/**
 * The ping listener (messages-subscription.ts, spec erezept-pharmacy §3.11) with a fake socket, fake timers and a
 * fake clock: subscribe → upgrade with the token → `bind:` → `bound:` → a `ping:` calls onPing; renewal before `end`
 * without a gap; backoff after failures; stop closes everything.
 */
import { describe, expect, it } from 'vitest';
import { failure } from '../errors';
import type { CommunicationSubscription } from '../fachdienst/subscription-answer';
import {
  BIND_TIMEOUT_MS,
  HEARTBEAT_MS,
  MessagesSubscription,
  RATE_LIMITED_WAIT_MS,
  RETRY_BASE_MS,
  RETRY_MAX_MS,
  subscriptionSocketUrl,
  type SubscriptionSocketEvents,
} from './messages-subscription';

const ID = '0f3c5e7a9b1d2f4a6c8e0a2b4c6d8e0f';
const HOUR = 3600_000;

class FakeSocket {
  sent: string[] = [];
  pings = 0;
  closed = false;
  /** answers heartbeat pings with a pong, as the simulator does; false = a dead connection */
  alive = true;
  constructor(
    readonly url: string,
    readonly authorization: string,
    readonly events: SubscriptionSocketEvents,
  ) {}
  /** the server side: the upgrade succeeded */
  accept(): void {
    this.events.open();
  }
  /** the server side: a text message */
  say(text: string): void {
    this.events.message(text);
  }
  /** the server (or the network) ends the connection */
  drop(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.closed();
  }
  handle = {
    send: (text: string) => this.sent.push(text),
    ping: () => {
      this.pings += 1;
      if (this.alive) queueMicrotask(() => this.events.pong());
    },
    close: () => this.drop(),
  };
}

function harness(subscribe?: () => Promise<CommunicationSubscription>) {
  // timers run in real time (`elapsed`); the clock may also jump (`jumped`), as training's simulator clock does
  const base = Date.parse('2026-12-07T09:00:00Z');
  let elapsed = 0;
  let jumped = 0;
  const nowMs = () => base + elapsed + jumped;
  const timers: { fn: () => void; at: number; ms: number; cancelled: boolean }[] = [];
  const sockets: FakeSocket[] = [];
  let subscriptions = 0;
  let pings = 0;
  const listener = new MessagesSubscription({
    socketUrl: 'ws://127.0.0.1:4711/subscription',
    subscribe:
      subscribe ??
      (async () => {
        subscriptions += 1;
        return { id: ID, end: new Date(nowMs() + 12 * HOUR), token: `jws-${subscriptions}` };
      }),
    onPing: () => {
      pings += 1;
    },
    clock: { now: () => new Date(nowMs()) },
    openSocket: (url, authorization, events) => {
      const socket = new FakeSocket(url, authorization, events);
      sockets.push(socket);
      return socket.handle;
    },
    setTimer: (fn, ms) => {
      const timer = { fn, at: elapsed + ms, ms, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const pending = () => timers.filter((t) => !t.cancelled);
  return {
    listener,
    sockets,
    pending,
    subscriptions: () => subscriptions,
    pings: () => pings,
    settle,
    /** moves the clock without any timer firing (training: the simulator clock jumps) */
    jump: (ms: number) => {
      jumped += ms;
    },
    /** moves the clock and fires what fell due, in order */
    advance: async (ms: number) => {
      const until = elapsed + ms;
      for (;;) {
        const next = pending()
          .filter((t) => t.at <= until)
          .sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        elapsed = next.at;
        next.cancelled = true;
        next.fn();
        await settle();
      }
      elapsed = until;
      await settle();
    },
    /** the latest socket accepts the upgrade and binds */
    bindLatest: async () => {
      const socket = sockets.at(-1)!;
      socket.accept();
      socket.say(`bound: ${ID}`);
      await settle();
      return socket;
    },
  };
}

describe('MessagesSubscription', () => {
  it('subscribes, upgrades with the bearer token, binds, and calls onPing for each ping of its own subscription', async () => {
    const h = harness();
    h.listener.start();
    await h.settle();
    expect(h.subscriptions()).toBe(1);
    const [socket] = h.sockets;
    expect(socket?.url).toBe('ws://127.0.0.1:4711/subscription');
    expect(socket?.authorization).toBe('Bearer jws-1');
    expect(h.listener.active).toBe(false);
    socket!.accept();
    expect(socket!.sent).toEqual([`bind: ${ID}`]);
    socket!.say(`bound: ${ID}`);
    expect(h.listener.active).toBe(true);
    expect(h.pings()).toBe(0);

    socket!.say(`ping: ${ID}`);
    socket!.say(`ping: ${ID}\n`);
    expect(h.pings()).toBe(2);
    // someone else's subscription, a stray text and an oversized one are not a ping
    socket!.say('ping: ffffffffffffffffffffffffffffffff');
    socket!.say('hello');
    socket!.say(`ping: ${ID}${' '.repeat(200)}`);
    expect(h.pings()).toBe(2);
  });

  it('a ping before the bind is not taken', async () => {
    const h = harness();
    h.listener.start();
    await h.settle();
    h.sockets[0]!.accept();
    h.sockets[0]!.say(`ping: ${ID}`);
    expect(h.pings()).toBe(0);
  });

  it('renews before end with a second socket and closes the first only once the second is bound', async () => {
    const h = harness();
    h.listener.start();
    await h.settle();
    const first = await h.bindLatest();
    await h.advance(12 * HOUR - 10 * 60_000 - 1);
    expect(h.subscriptions()).toBe(1);
    await h.advance(1);
    expect(h.subscriptions()).toBe(2);
    const second = h.sockets[1]!;
    expect(second.authorization).toBe('Bearer jws-2');
    expect(first.closed).toBe(false);
    first.say(`ping: ${ID}`);
    expect(h.pings()).toBe(1);
    second.accept();
    second.say(`bound: ${ID}`);
    expect(first.closed).toBe(true);
    expect(h.listener.active).toBe(true);
    // the renewal lost nothing and fetches nothing extra
    expect(h.pings()).toBe(1);
    second.say(`ping: ${ID}`);
    expect(h.pings()).toBe(2);
  });

  it('a clock that jumps past the renewal time renews at the next check (training moves the simulator clock)', async () => {
    const h = harness();
    h.listener.start();
    await h.settle();
    await h.bindLatest();
    // the trainer moves the clock a day on; the timers still run in real time
    h.jump(24 * HOUR);
    await h.advance(15 * 60_000 - 1);
    expect(h.subscriptions()).toBe(1);
    await h.advance(1);
    expect(h.subscriptions()).toBe(2);
  });

  it('after a lost connection: backoff 5 s doubling up to 5 minutes, then bound again with one catch-up fetch', async () => {
    let refuse = true;
    let calls = 0;
    const h = harness(async () => {
      calls += 1;
      if (calls > 1 && refuse) throw failure('network', 'Netzwerkfehler');
      return { id: ID, end: new Date(Date.parse('2026-12-08T09:00:00Z')), token: 'jws' };
    });
    h.listener.start();
    await h.settle();
    const first = await h.bindLatest();
    first.drop();
    expect(h.listener.active).toBe(false);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const [retry, ...others] = h.pending();
      expect(others).toEqual([]);
      waits.push(retry!.ms);
      await h.advance(retry!.ms);
    }
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    refuse = false;
    await h.advance(RETRY_MAX_MS);
    expect(h.sockets).toHaveLength(2);
    await h.bindLatest();
    expect(h.listener.active).toBe(true);
    // what arrived while the socket was down is fetched once
    expect(h.pings()).toBe(1);
  });

  it('a refused upgrade (socket closes before bound) and a bind that never comes are retried', async () => {
    const h = harness();
    h.listener.start();
    await h.settle();
    h.sockets[0]!.drop();
    await h.advance(RETRY_BASE_MS);
    expect(h.sockets).toHaveLength(2);
    h.sockets[1]!.accept();
    await h.advance(BIND_TIMEOUT_MS);
    expect(h.sockets[1]!.closed).toBe(true);
    await h.advance(2 * RETRY_BASE_MS);
    expect(h.sockets).toHaveLength(3);
    await h.bindLatest();
    expect(h.listener.active).toBe(true);
    // no connection was bound before: nothing to catch up
    expect(h.pings()).toBe(0);
  });

  it('after a 429 the registration waits an hour (spec §8)', async () => {
    const h = harness(async () => {
      throw failure('fachdienst', 'zu viele Anfragen', { httpStatus: 429, retry: 'hourly' });
    });
    h.listener.start();
    await h.settle();
    expect(h.pending().map((t) => t.ms)).toEqual([RATE_LIMITED_WAIT_MS]);
  });

  it('a connection without pong for a whole heartbeat interval counts as lost', async () => {
    const h = harness();
    h.listener.start();
    await h.settle();
    const socket = await h.bindLatest();
    await h.advance(HEARTBEAT_MS);
    await h.advance(HEARTBEAT_MS);
    expect(socket.pings).toBe(2);
    expect(socket.closed).toBe(false);
    socket.alive = false;
    await h.advance(HEARTBEAT_MS);
    expect(socket.pings).toBe(3);
    expect(socket.closed).toBe(false);
    await h.advance(HEARTBEAT_MS);
    expect(socket.closed).toBe(true);
    expect(h.listener.active).toBe(false);
  });

  it('stop closes the socket, cancels every timer, and a late ping or answer changes nothing', async () => {
    let answer: ((s: CommunicationSubscription) => void) | undefined;
    const slow = harness(() => new Promise((resolve) => (answer = resolve)));
    slow.listener.start();
    slow.listener.stop();
    answer?.({ id: ID, end: new Date(Date.parse('2026-12-08T09:00:00Z')), token: 'jws' });
    await slow.settle();
    expect(slow.sockets).toHaveLength(0);

    const h = harness();
    h.listener.start();
    await h.settle();
    const socket = await h.bindLatest();
    h.listener.stop();
    expect(socket.closed).toBe(true);
    expect(h.listener.active).toBe(false);
    expect(h.pending()).toEqual([]);
    socket.say(`ping: ${ID}`);
    expect(h.pings()).toBe(0);
  });
});

describe('subscriptionSocketUrl', () => {
  it('only for a simulator on this machine: same host and port, path /subscription', () => {
    expect(subscriptionSocketUrl('http://127.0.0.1:4711/')).toBe('ws://127.0.0.1:4711/subscription');
    expect(subscriptionSocketUrl('http://localhost:8080/fhir/')).toBe('ws://localhost:8080/subscription');
    expect(subscriptionSocketUrl('http://[::1]:9000/')).toBe('ws://[::1]:9000/subscription');
    // the real TI (no subscription host known), anything not loopback, not http, or no URL at all
    expect(subscriptionSocketUrl('https://erp-ref.zentral.erp.splitdns.ti-dienste.de/')).toBeUndefined();
    expect(subscriptionSocketUrl('http://10.0.0.5:4711/')).toBeUndefined();
    expect(subscriptionSocketUrl('https://127.0.0.1:4711/')).toBeUndefined();
    expect(subscriptionSocketUrl('')).toBeUndefined();
  });
});
