/**
 * The Fachdienst's ping on new Zuweisungen (spec erezept-pharmacy §3.11: `GET /Communication` "is not meant for
 * polling", the Subscription is; A_22362-01 … A_22367-03; docs/simulator.md „Subscription ping“): register with
 * `POST /Subscription`, open the WebSocket with the answer's `Authorization: Bearer <token>`, send `bind: <id>`, and
 * after `bound: <id>` every `ping: <id>` means „a new Zuweisung for you“ — `onPing` (core: `poller.fetchNow()`).
 *
 * The poller keeps running underneath: this listener only makes a Zuweisung show sooner. So it never fails loudly —
 * a refused registration, a closed socket or a missing `bound` all end in a quiet retry with exponential backoff
 * (5 s doubling up to 5 minutes, an hour after a 429, spec §8), and meanwhile polling alone does the job.
 * - Renewal: the registration (and its token) lasts until `end` (12 h at FD 1.22); 10 minutes before, the listener
 *   registers again and opens a second socket; the first is closed only once the second is bound, so no ping falls
 *   into a gap. The due time is checked at least every 15 minutes against the injected clock, because training's
 *   clock can jump (the simulator's `/_sim/clock`).
 * - After a lost connection is bound again, one `onPing` fetches what may have arrived while it was down.
 * - Heartbeat: a WebSocket ping every minute; no pong by the next one and the connection counts as lost (a sleeping
 *   laptop or a dropped NAT entry would otherwise leave a socket that never pings again).
 * - The endpoint is never taken from an answer. The app knows it only for the simulator on this machine
 *   (`subscriptionSocketUrl`); for the real TI no address of the subscription service is in our material, so core
 *   does not start the listener there (docs/messages.md).
 * - The token is a credential: it goes into the upgrade's header and nowhere else (nothing here logs).
 */
import WebSocket from 'ws';
import { isLoopbackHost } from '../backend/policy';
import { AppFailure } from '../errors';
import type { CommunicationSubscription } from '../fachdienst/subscription-answer';
import type { Clock } from './clock';

export const RETRY_BASE_MS = 5_000;
export const RETRY_MAX_MS = 5 * 60_000;
/** spec §8: after a 429 not again within the hour */
export const RATE_LIMITED_WAIT_MS = 60 * 60_000;
export const RENEW_BEFORE_END_MS = 10 * 60_000;
export const RENEW_CHECK_MS = 15 * 60_000;
const MIN_RENEW_AFTER_MS = 5 * 60_000;
/** from the socket's open to `bound` */
export const BIND_TIMEOUT_MS = 30_000;
export const HEARTBEAT_MS = 60_000;
/** `bound: `/`ping: ` and a 64-character id; anything longer is not this protocol */
const MAX_MESSAGE_CHARS = 128;

/** One WebSocket as the listener needs it (the `ws` adapter below; a fake in tests). */
export interface SubscriptionSocket {
  send(text: string): void;
  /** a WebSocket ping frame (heartbeat) */
  ping(): void;
  /** closes at once; `closed` follows */
  close(): void;
}

export interface SubscriptionSocketEvents {
  open(): void;
  /** a text message */
  message(text: string): void;
  pong(): void;
  /** once, whatever the cause (refused upgrade, network, server close, `close()`) */
  closed(): void;
}

export type OpenSubscriptionSocket = (url: string, authorization: string, events: SubscriptionSocketEvents) => SubscriptionSocket;

export interface MessagesSubscriptionDeps {
  /** POST /Subscription for the pharmacy's own Telematik-ID (FachdienstApi.subscribeCommunications) */
  subscribe: () => Promise<CommunicationSubscription>;
  /** `ws://…/subscription` — see subscriptionSocketUrl */
  socketUrl: string;
  /** a new Zuweisung is waiting (or may be, after a lost connection) */
  onPing: () => void;
  clock: Clock;
  /** injected for tests; default: the `ws` library */
  openSocket?: OpenSubscriptionSocket;
  /** injected for tests; default: unref'd setTimeout */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

/**
 * The WebSocket of the Fachdienst's subscription service, when the app knows it: only for a simulator on this machine
 * (training, or the TI simulation on loopback), at the same host and port as its HTTP (docs/simulator.md). Undefined
 * for anything else — in particular the real TI.
 */
export function subscriptionSocketUrl(fachdienstBaseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(fachdienstBaseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return undefined;
  return `ws://${url.host}/subscription`;
}

interface Connection {
  subscription: CommunicationSubscription;
  /** set right after opening (the open callback of a synchronous fake may run before) */
  socket?: SubscriptionSocket;
  bound: boolean;
  /** closed by the listener itself (renewed, stopped, bind timed out): its close is handled already */
  retired: boolean;
  awaitingPong: boolean;
  bindTimer?: { cancel(): void };
  /** when to register again (set at `bound`) */
  renewAt?: number;
}

export class MessagesSubscription {
  private stopped = true;
  /** a start after a stop must not meet the answer of an older attempt */
  private generation = 0;
  /** the bound connection pings come from */
  private current: Connection | undefined;
  /** a connection being set up (first, after a loss, or a renewal beside `current`) */
  private pending: Connection | undefined;
  /** between the POST /Subscription and `bound` (or the failure) */
  private attempting = false;
  private failures = 0;
  /** a bound connection was lost: the next bind fetches once */
  private lost = false;
  private retryTimer: { cancel(): void } | undefined;
  private renewTimer: { cancel(): void } | undefined;
  private heartbeatTimer: { cancel(): void } | undefined;

  constructor(private readonly deps: MessagesSubscriptionDeps) {}

  /** Whether a bound connection delivers pings now. */
  get active(): boolean {
    return this.current !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.attempt();
  }

  stop(): void {
    this.stopped = true;
    this.generation += 1;
    this.attempting = false;
    for (const timer of [this.retryTimer, this.renewTimer, this.heartbeatTimer]) timer?.cancel();
    this.retryTimer = this.renewTimer = this.heartbeatTimer = undefined;
    for (const connection of [this.pending, this.current]) if (connection) this.retire(connection);
    this.pending = this.current = undefined;
  }

  /** Register and open a socket; the current connection (if any) stays until the new one is bound. */
  private async attempt(): Promise<void> {
    if (this.stopped || this.attempting) return;
    const generation = this.generation;
    this.attempting = true;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    let subscription: CommunicationSubscription;
    try {
      subscription = await this.deps.subscribe();
    } catch (e) {
      if (generation !== this.generation) return;
      this.attempting = false;
      this.failed(e);
      return;
    }
    if (generation !== this.generation) return;
    const connection: Connection = { subscription, bound: false, retired: false, awaitingPong: false };
    this.pending = connection;
    const open = this.deps.openSocket ?? openWsSocket;
    connection.socket = open(this.deps.socketUrl, `Bearer ${subscription.token}`, {
      open: () => {
        if (!connection.retired) connection.socket?.send(`bind: ${subscription.id}`);
      },
      message: (text) => this.received(connection, text),
      pong: () => {
        connection.awaitingPong = false;
      },
      closed: () => this.closed(connection),
    });
    if (this.pending === connection) connection.bindTimer = this.timer(() => this.bindTimedOut(connection), BIND_TIMEOUT_MS);
  }

  private received(connection: Connection, raw: string): void {
    if (connection.retired || raw.length > MAX_MESSAGE_CHARS) return;
    const text = raw.trim();
    const id = connection.subscription.id;
    if (!connection.bound && connection === this.pending && text === `bound: ${id}`) {
      this.bound(connection);
      return;
    }
    // a ping of another subscription, or before the bind, is not ours; unknown messages are ignored
    if (connection.bound && connection === this.current && text === `ping: ${id}`) this.deps.onPing();
  }

  private bound(connection: Connection): void {
    connection.bound = true;
    connection.bindTimer?.cancel();
    this.pending = undefined;
    this.attempting = false;
    this.failures = 0;
    const previous = this.current;
    this.current = connection;
    if (previous) this.retire(previous);
    // 10 minutes before `end`, or halfway for a shorter registration — but never sooner than 5 minutes from now, so a
    // Fachdienst whose `end` is already past (a clock apart) is not asked again and again
    const now = this.deps.clock.now().getTime();
    const remaining = connection.subscription.end.getTime() - now;
    connection.renewAt = Math.max(now + remaining - Math.min(RENEW_BEFORE_END_MS, remaining / 2), now + MIN_RENEW_AFTER_MS);
    this.scheduleRenewal();
    this.scheduleHeartbeat();
    if (this.lost) {
      this.lost = false;
      this.deps.onPing();
    }
  }

  private bindTimedOut(connection: Connection): void {
    if (connection !== this.pending || this.stopped) return;
    this.pending = undefined;
    this.attempting = false;
    this.retire(connection);
    this.failed(undefined);
  }

  private closed(connection: Connection): void {
    connection.bindTimer?.cancel();
    if (connection.retired || this.stopped) return;
    connection.retired = true;
    if (connection === this.pending) {
      this.pending = undefined;
      this.attempting = false;
      this.failed(undefined);
    } else if (connection === this.current) {
      this.current = undefined;
      this.lost = true;
      this.renewTimer?.cancel();
      this.heartbeatTimer?.cancel();
      // a renewal under way replaces it anyway
      if (!this.attempting) this.failed(undefined);
    }
  }

  /** Closes a connection of ours; its `closed` then changes nothing. */
  private retire(connection: Connection): void {
    connection.bindTimer?.cancel();
    connection.retired = true;
    connection.socket?.close();
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    this.failures += 1;
    const backoff = Math.min(RETRY_BASE_MS * 2 ** (this.failures - 1), RETRY_MAX_MS);
    const rateLimited = error instanceof AppFailure && error.appError.httpStatus === 429;
    this.retryTimer?.cancel();
    this.retryTimer = this.timer(() => void this.attempt(), rateLimited ? Math.max(backoff, RATE_LIMITED_WAIT_MS) : backoff);
  }

  /** Renew at `renewAt`; looked at again at least every 15 minutes, as training's clock can jump. */
  private scheduleRenewal(): void {
    this.renewTimer?.cancel();
    this.renewTimer = undefined;
    const connection = this.current;
    if (!connection || this.stopped) return;
    const due = (connection.renewAt ?? 0) - this.deps.clock.now().getTime();
    if (due <= 0) {
      void this.attempt();
      return;
    }
    this.renewTimer = this.timer(() => this.scheduleRenewal(), Math.min(due, RENEW_CHECK_MS));
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = this.timer(() => {
      const connection = this.current;
      if (!connection || this.stopped) return;
      if (connection.awaitingPong) {
        // no pong for a whole interval: the connection is gone even if no close arrived; `closed` reconnects
        connection.socket?.close();
        return;
      }
      connection.awaitingPong = true;
      connection.socket?.ping();
      this.scheduleHeartbeat();
    }, HEARTBEAT_MS);
  }

  private timer(fn: () => void, ms: number): { cancel(): void } {
    if (this.deps.setTimer) return this.deps.setTimer(fn, ms);
    const handle = setTimeout(fn, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }
}

/**
 * The `ws` library behind SubscriptionSocket: the bearer token only in the upgrade's Authorization header, no
 * redirects (a redirect could carry the header elsewhere), no compression, small messages only.
 */
const openWsSocket: OpenSubscriptionSocket = (url, authorization, events) => {
  const socket = new WebSocket(url, {
    headers: { Authorization: authorization },
    followRedirects: false,
    perMessageDeflate: false,
    handshakeTimeout: BIND_TIMEOUT_MS,
    maxPayload: 4096,
  });
  socket.on('open', () => events.open());
  socket.on('message', (data, isBinary) => {
    if (!isBinary) events.message(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
  });
  socket.on('pong', () => events.pong());
  // an error is always followed by `close` (ws); handled there, and never logged (the URL and cause are all it has)
  socket.on('error', () => undefined);
  socket.on('close', () => events.closed());
  return {
    send: (text) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    ping: () => {
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    },
    close: () => socket.terminate(),
  };
};
