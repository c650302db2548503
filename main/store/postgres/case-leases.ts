/**
 * Case leases on PostgreSQL (case-leases.ts, docs/multi-counter.md §4). Times are the server's (`clock_timestamp()`),
 * so the counters' clocks — and a trainer's simulator clock — do not matter. Every decision reads the lease row
 * `FOR UPDATE` inside one transaction: two counters deciding at once are served one after the other. A change of
 * holder notifies `erx_case_changed`, so the other counters' case view follows; a mere renewal does not.
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { CaseLeaseStore, HoldOptions, LeaseCounter, LeaseHolder, SendingOptions, SendingPermit } from '../case-leases';
import { notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

interface LeaseRow {
  counter_id: string;
  counter_name: string;
  staff: string;
  /** the lease is still valid */
  live: boolean;
  busy: boolean;
}

const CURRENT = `SELECT counter_id, counter_name, staff, expires_at > clock_timestamp() AS live,
  COALESCE(busy_until > clock_timestamp(), false) AS busy FROM case_leases WHERE prescription_id = $1 FOR UPDATE`;

export class PostgresCaseLeaseRepository implements CaseLeaseStore {
  constructor(private readonly units: PostgresUnitsOfWork) {}

  hold(id: PrescriptionId, me: LeaseCounter, options: HoldOptions): Promise<LeaseHolder> {
    return this.units.transaction(async () => {
      const current = await this.current(id);
      const mayTake = !current || !current.live || current.counter_id === me.counterId || (options.takeOver === true && !current.busy);
      if (!mayTake) return holderOf(current);
      await this.write(id, me, options.ttlMs, current);
      return { ...me, busy: current?.counter_id === me.counterId && current.busy };
    });
  }

  release(id: PrescriptionId, counterId: string): Promise<boolean> {
    return this.units.transaction(async () => {
      const deleted = await this.units.query('DELETE FROM case_leases WHERE prescription_id = $1 AND counter_id = $2', [id, counterId]);
      if ((deleted.rowCount ?? 0) === 0) return false;
      await notifyCasesChanged(this.units, [id]);
      return true;
    });
  }

  beginSending(id: PrescriptionId, me: LeaseCounter, options: SendingOptions): Promise<SendingPermit> {
    return this.units.transaction(async () => {
      const current = await this.current(id);
      if (current?.busy && current.counter_id !== me.counterId) return { ok: false, holder: holderOf(current) };
      if (options.background) {
        // the owner's lease stays; only the busy mark is set (on a row of its own when nobody holds the case)
        if (current) {
          await this.units.query(`UPDATE case_leases SET busy_until = clock_timestamp() + $2 * interval '1 millisecond' WHERE prescription_id = $1`, [id, options.busyMs]);
          return { ok: true };
        }
      } else if (current?.live && current.counter_id !== me.counterId) {
        return { ok: false, holder: holderOf(current) };
      }
      await this.write(id, me, Math.max(options.ttlMs, options.busyMs), current);
      await this.units.query(`UPDATE case_leases SET busy_until = clock_timestamp() + $2 * interval '1 millisecond' WHERE prescription_id = $1`, [id, options.busyMs]);
      return { ok: true };
    });
  }

  async endSending(id: PrescriptionId): Promise<void> {
    // only the one sending can hold the mark (beginSending refuses everyone else while it is set)
    await this.units.query('UPDATE case_leases SET busy_until = NULL WHERE prescription_id = $1', [id]);
  }

  private async current(id: PrescriptionId): Promise<LeaseRow | undefined> {
    return (await this.units.query<LeaseRow>(CURRENT, [id])).rows[0];
  }

  private async write(id: PrescriptionId, me: LeaseCounter, ttlMs: number, previous: LeaseRow | undefined): Promise<void> {
    await this.units.query(
      `INSERT INTO case_leases (prescription_id, counter_id, counter_name, staff, taken_at, expires_at)
       VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp() + $5 * interval '1 millisecond')
       ON CONFLICT (prescription_id) DO UPDATE SET
         taken_at = CASE WHEN case_leases.counter_id = excluded.counter_id THEN case_leases.taken_at ELSE excluded.taken_at END,
         busy_until = CASE WHEN case_leases.counter_id = excluded.counter_id THEN case_leases.busy_until ELSE NULL END,
         counter_id = excluded.counter_id, counter_name = excluded.counter_name, staff = excluded.staff, expires_at = excluded.expires_at`,
      [id, me.counterId, me.counterName, me.staff, ttlMs],
    );
    const holderChanged = !previous || !previous.live || previous.counter_id !== me.counterId || previous.staff !== me.staff;
    if (holderChanged) await notifyCasesChanged(this.units, [id]);
  }
}

function holderOf(row: LeaseRow): LeaseHolder {
  return { counterId: row.counter_id, counterName: row.counter_name, staff: row.staff, busy: row.busy };
}
