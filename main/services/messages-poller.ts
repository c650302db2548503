/**
 * When the app asks the Fachdienst for new messages (spec erezept-pharmacy §3.11: `GET /Communication` is "not meant
 * for polling"): no more often than every 5 minutes, plus on demand („Aktualisieren“); after a 429 not before an hour
 * has passed (spec §8: 429 retry at most hourly); while the connection is down the next attempt waits its interval.
 * On-demand refreshes are spaced too, so a key held down does not become a burst. The automatic ones run only while
 * the connection is up (`online`), so an app that is not set up or offline does not knock every 5 minutes; when the
 * connection comes up, a refresh that is due runs at once (`connectionUp`).
 */
import { AppFailure, failure } from '../errors';
import type { Clock } from './clock';

export const POLL_INTERVAL_MS = 5 * 60_000;
export const RATE_LIMIT_WAIT_MS = 60 * 60_000;
/** „Aktualisieren“ pressed again within this time answers from the store */
export const ON_DEMAND_SPACING_MS = 10_000;

export interface MessagesPollerDeps {
  refresh: () => Promise<unknown>;
  clock: Clock;
  /** timers (injected for tests) */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
  /** a failed automatic refresh (German message kept for the inbox) */
  onError?: (error: unknown) => void;
  /** whether the Fachdienst is reachable now (the connection monitor); absent = always */
  online?: () => boolean;
}

export class MessagesPoller {
  private timer: { cancel(): void } | undefined;
  private notBefore = 0;
  private lastOnDemand = Number.NEGATIVE_INFINITY;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;
  /** a fetchNow arrived while a refresh ran: that refresh's answer may predate what changed, so one more follows */
  private again = false;
  private stopped = false;

  constructor(private readonly deps: MessagesPollerDeps) {}

  /** The first refresh now, then every interval. */
  start(): void {
    this.stopped = false;
    void this.run();
  }

  /**
   * Something outside changed what the Fachdienst holds (training: a scenario loaded, the simulator reset): fetch now,
   * without the on-demand spacing — unless a 429 wait is on. Errors go where the automatic ones go.
   */
  fetchNow(): void {
    if (this.stopped || this.deps.clock.now().getTime() < this.notBefore) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  /** The connection came up: a refresh that is due (none for an interval, no 429 wait) runs now. */
  connectionUp(): void {
    const now = this.deps.clock.now().getTime();
    if (this.stopped || this.running || now < this.notBefore || now - this.lastAttempt < POLL_INTERVAL_MS) return;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /**
   * „Aktualisieren“: refreshes now unless a 429 wait is on or the last on-demand refresh was moments ago; an error
   * reaches the caller (the pharmacist sees it). The automatic schedule starts again from here.
   */
  async refreshNow(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (now < this.notBefore) {
      const at = new Date(this.notBefore).toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' });
      throw failure('messages-rate-limited', `Der E-Rezept-Fachdienst hat zu viele Abrufe gemeldet. Nachrichten werden ab ${at} Uhr wieder abgerufen.`, {
        retry: 'hourly',
        system: 'fachdienst',
        httpStatus: 429,
        at: new Date(now),
      });
    }
    if (now - this.lastOnDemand < ON_DEMAND_SPACING_MS) return;
    this.lastOnDemand = now;
    await this.run(true);
  }

  private async run(rethrow = false): Promise<void> {
    if (this.running) {
      await this.running;
      return;
    }
    this.timer?.cancel();
    if (!rethrow && !(this.deps.online?.() ?? true)) {
      this.schedule();
      return;
    }
    this.lastAttempt = this.deps.clock.now().getTime();
    let failed: unknown;
    this.running = (async () => {
      try {
        await this.deps.refresh();
      } catch (e) {
        failed = e;
        if (e instanceof AppFailure && e.appError.httpStatus === 429) this.notBefore = this.deps.clock.now().getTime() + RATE_LIMIT_WAIT_MS;
        if (!rethrow) this.deps.onError?.(e);
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
      this.schedule();
    }
    if (this.again) {
      this.again = false;
      if (!this.stopped && this.deps.clock.now().getTime() >= this.notBefore) void this.run();
    }
    if (rethrow && failed !== undefined) throw failed;
  }

  private schedule(): void {
    if (this.stopped) return;
    const wait = Math.max(POLL_INTERVAL_MS, this.notBefore - this.deps.clock.now().getTime());
    const setTimer =
      this.deps.setTimer ??
      ((fn: () => void, ms: number) => {
        const handle = setTimeout(fn, ms);
        handle.unref();
        return { cancel: () => clearTimeout(handle) };
      });
    this.timer = setTimer(() => void this.run(), wait);
  }
}
