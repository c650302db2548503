/**
 * Training mode takes "now" from the simulator's clock (architecture §2): a trainer who moves the simulator
 * three months ahead must see the app hand over, warn and date dispenses in that same time, or the Fachdienst
 * checks (expiry, dispense dates) and the app would disagree. The offset is read from `GET /_sim/clock` (through
 * the control client, main/simulator-client/client.ts) before every state-changing workflow call — or, with the
 * embedded simulator in this process, straight from its clock (no request: issue 20, 2–6 ms per scan or submit).
 */
import type { Transport } from '../fachdienst/transport';
import { SimulatorControlClient } from '../simulator-client/client';
import type { Clock } from './clock';

/** Differences below this are request latency, not a set clock. */
const IGNORE_BELOW_MS = 1000;

export class SimulatorClock implements Clock {
  private offsetMs = 0;
  private lastSyncMs = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private readonly simulatedNow: () => Promise<Date>;

  /** `source`: the simulator's control API, or the embedded simulator's own clock */
  constructor(
    private readonly base: () => Date,
    source: Transport | { now: () => Date },
  ) {
    if ('now' in source) {
      this.simulatedNow = () => Promise.resolve(source.now());
    } else {
      const control = new SimulatorControlClient(source);
      this.simulatedNow = () => control.now();
    }
  }

  now(): Date {
    return new Date(this.base().getTime() + this.offsetMs);
  }

  /**
   * For reading calls (inbox, case view with its deadline findings): syncs only when the last sync is older than
   * `maxAgeMs`, and concurrent callers share one request — a list refresh must not fan out into clock requests.
   */
  async syncIfOlderThan(maxAgeMs: number): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.base().getTime() - this.lastSyncMs < maxAgeMs) return;
    return this.sync();
  }

  /** Best effort: when the simulator cannot be asked, the last known offset stays. */
  async sync(): Promise<void> {
    if (this.inflight) return this.inflight;
    this.inflight = this.fetchOffset().finally(() => {
      this.inflight = undefined;
      this.lastSyncMs = this.base().getTime();
    });
    return this.inflight;
  }

  private async fetchOffset(): Promise<void> {
    try {
      const simulated = (await this.simulatedNow()).getTime();
      const offset = simulated - this.base().getTime();
      this.offsetMs = Math.abs(offset) < IGNORE_BELOW_MS ? 0 : offset;
    } catch {
      // unreachable simulator, a refusal or an unreadable answer: the Fachdienst call that follows reports it
    }
  }
}
