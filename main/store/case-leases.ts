/**
 * One owner per open case (issue 18 item 4, docs/multi-counter.md §4) — the store's side. A lease names the
 * counter that holds a case and expires unless renewed; while its counter sends $dispense/$close it is marked busy,
 * and nobody can take it over until that is done, so two counters never send for one case at once. Only the shared
 * store (PostgreSQL) has leases; a single counter (SQLite) holds every case.
 */
import type { PrescriptionId } from '../../shared/erezept/identifiers';

export interface LeaseCounter {
  /** stable id of the workplace (local settings) — two counters may carry the same name */
  counterId: string;
  counterName: string;
  /** Kürzel of the staff member at that counter ('' when nobody is signed in) */
  staff: string;
}

export interface LeaseHolder extends LeaseCounter {
  /** the holder is sending to the Fachdienst right now */
  busy: boolean;
}

export interface HoldOptions {
  /** the lease ends this long after the last renewal (server time) */
  ttlMs: number;
  /** take it from another counter too — unless that one is sending */
  takeOver?: boolean;
}

export interface SendingOptions {
  ttlMs: number;
  /** how long the busy mark holds at most (a counter dying mid-call frees the case after this) */
  busyMs: number;
  /**
   * The background owner resuming an owed operation (§4): it does not take the lease from the counter that holds the
   * case, it only needs nobody else to be sending.
   */
  background?: boolean;
}

export type SendingPermit = { ok: true } | { ok: false; holder: LeaseHolder };

export interface CaseLeaseStore {
  /** Takes a free or expired lease, renews this counter's own; answers who holds the case afterwards. */
  hold(id: PrescriptionId, me: LeaseCounter, options: HoldOptions): Promise<LeaseHolder>;
  /** Frees this counter's lease (false: it held none). */
  release(id: PrescriptionId, counterId: string): Promise<boolean>;
  /** Before sending: the case must be this counter's (a free one is taken); marks it busy. */
  beginSending(id: PrescriptionId, me: LeaseCounter, options: SendingOptions): Promise<SendingPermit>;
  /** After sending (whatever the outcome): the busy mark goes. */
  endSending(id: PrescriptionId, counterId: string): Promise<void>;
}
