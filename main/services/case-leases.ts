/**
 * One owner per case across counters (issue 18 item 4, docs/multi-counter.md §4): the counter that opens a case holds
 * it while it is open (the case view renews every 20 s; without renewal it is free after 60 s), another counter shows
 * it read-only and may take it over after a confirmation, and $dispense/$close/$reject/$abort run only while the case
 * is marked busy for this counter — so they never run from two counters at once. With one counter (SQLite: no lease
 * store) every case is this counter's and nothing is checked.
 */
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { CaseLease } from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { CaseLeaseStore, LeaseCounter, LeaseHolder } from '../store/case-leases';

/** A lease lives this long after the last renewal (the case view renews every 20 s). */
export const LEASE_TTL_MS = 60_000;
/**
 * The busy mark outlives any one sending operation (request timeout × retries, docs/reliability.md) — a counter that
 * dies mid-call frees the case after this at the latest.
 */
export const SENDING_BUSY_MS = 5 * 60_000;

export interface CaseLeaseDeps {
  /** absent: one counter, every case is its own */
  store?: CaseLeaseStore;
  /** this workplace: id, name and who is signed in now */
  me: () => LeaseCounter;
  now: () => Date;
}

/** What the workflow needs: run a sending operation only while the case is this counter's (or free). */
export interface SendingGuard {
  sending<T>(id: PrescriptionId, work: () => Promise<T>, options?: { background?: boolean }): Promise<T>;
  /** Before writing the draft: the case is this counter's (a free one is taken), else refused. */
  requireHolder(id: PrescriptionId): Promise<void>;
}

export class CaseLeaseService implements SendingGuard {
  constructor(private readonly deps: CaseLeaseDeps) {}

  /** Takes or renews the case for this counter; answers who holds it. */
  async hold(id: PrescriptionId): Promise<CaseLease> {
    const me = this.deps.me();
    if (!this.deps.store) return view({ ...me, busy: false }, me);
    return view(await this.deps.store.hold(id, me, { ttlMs: LEASE_TTL_MS }), me);
  }

  /** „Übernehmen“: the case moves here — refused (German) while the other counter is sending. */
  async takeOver(id: PrescriptionId): Promise<CaseLease> {
    const me = this.deps.me();
    if (!this.deps.store) return view({ ...me, busy: false }, me);
    const holder = await this.deps.store.hold(id, me, { ttlMs: LEASE_TTL_MS, takeOver: true });
    if (holder.counterId !== me.counterId) {
      throw failure('case-leased', `${holdingWords(holder)} sendet gerade an den E-Rezept-Fachdienst. Bitte warten, bis das erledigt ist, dann erneut übernehmen.`, {
        at: this.deps.now(),
      });
    }
    return view(holder, me);
  }

  async release(id: PrescriptionId): Promise<{ released: boolean }> {
    if (!this.deps.store) return { released: false };
    return { released: await this.deps.store.release(id, this.deps.me().counterId) };
  }

  async requireHolder(id: PrescriptionId): Promise<void> {
    if (!this.deps.store) return;
    const me = this.deps.me();
    const holder = await this.deps.store.hold(id, me, { ttlMs: LEASE_TTL_MS });
    if (holder.counterId === me.counterId) return;
    throw failure('case-leased', `${holdingWords(holder)} bearbeitet dieses Rezept. Der Entwurf wurde hier nicht gespeichert; zum Weiterarbeiten hier das Rezept zuerst übernehmen.`, {
      at: this.deps.now(),
    });
  }

  async sending<T>(id: PrescriptionId, work: () => Promise<T>, options: { background?: boolean } = {}): Promise<T> {
    const store = this.deps.store;
    if (!store) return work();
    const permit = await store.beginSending(id, this.deps.me(), { ttlMs: LEASE_TTL_MS, busyMs: SENDING_BUSY_MS, ...options });
    if (!permit.ok) {
      const why = permit.holder.busy ? 'sendet gerade an den E-Rezept-Fachdienst' : 'bearbeitet dieses Rezept';
      throw failure('case-leased', `${holdingWords(permit.holder)} ${why}. Hier wurde nichts gesendet. Zum Weiterarbeiten hier das Rezept zuerst übernehmen.`, {
        detail: `Lease ${id}: ${permit.holder.counterName} (${permit.holder.staff || '—'})${permit.holder.busy ? ', sendet' : ''}`,
        at: this.deps.now(),
      });
    }
    try {
      return await work();
    } finally {
      await store.endSending(id, this.deps.me().counterId).catch(() => undefined); // the mark runs out on its own (SENDING_BUSY_MS)
    }
  }
}

/** „Kasse 2 (AB)“ */
function holdingWords(holder: LeaseHolder): string {
  return holder.staff ? `${holder.counterName} (${holder.staff})` : holder.counterName;
}

function view(holder: LeaseHolder, me: LeaseCounter): CaseLease {
  return { mine: holder.counterId === me.counterId, counter: holder.counterName, staff: holder.staff, busy: holder.busy };
}
