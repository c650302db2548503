/**
 * Case leases on PostgreSQL (case-leases.ts, docs/multi-counter.md §4). Times are the server's (`clock_timestamp()`),
 * so the counters' clocks — and a trainer's simulator clock — do not matter. Every decision reads the lease row
 * `FOR UPDATE` inside one transaction: two counters deciding at once are served one after the other. A change of
 * holder notifies `erx_case_changed`, so the other counters' case view follows; a mere renewal does not.
 *
 * A lease or a busy mark counts only while its counter is alive: every counter keeps its listening session open
 * under the application name `erx-counter listener <counter id>` (change-listener.ts), and a counter that died — its
 * sessions end with the process — holds nothing any more, at once, without waiting for the expiry. Its call in
 * flight died with it; whoever continues reconciles before sending (docs/reliability.md).
 */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { CaseLeaseStore, HoldOptions, LeaseCounter, LeaseHolder, SendingOptions, SendingPermit } from '../case-leases';
import { listenerApplicationName } from './change-listener';
import { notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

interface LeaseRow {
  counter_id: string | null;
  counter_name: string | null;
  staff: string | null;
  /** held, unexpired, by a living counter */
  live: boolean;
  busy_counter_id: string | null;
  busy_counter_name: string | null;
  busy_staff: string | null;
  /** a living counter is sending right now */
  busy: boolean;
}

const alive = (column: string): string =>
  `EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = '${listenerApplicationName('')}' || ${column})`;

const CURRENT = `SELECT counter_id, counter_name, staff, busy_counter_id, busy_counter_name, busy_staff,
    COALESCE(expires_at > clock_timestamp() AND ${alive('counter_id')}, false) AS live,
    COALESCE(busy_until > clock_timestamp() AND ${alive('busy_counter_id')}, false) AS busy
  FROM case_leases WHERE prescription_id = $1 FOR UPDATE`;

export class PostgresCaseLeaseRepository implements CaseLeaseStore {
  constructor(private readonly units: PostgresUnitsOfWork) {}

  hold(id: PrescriptionId, me: LeaseCounter, options: HoldOptions): Promise<LeaseHolder> {
    return this.units.transaction(async () => {
      const current = await this.current(id);
      const mine = current?.live === true && current.counter_id === me.counterId;
      const busyElsewhere = current?.busy === true && current.busy_counter_id !== me.counterId;
      const mayTake = !current?.live || mine || (options.takeOver === true && !busyElsewhere);
      if (!mayTake && current) return holderOf(current);
      await this.units.query(
        `INSERT INTO case_leases (prescription_id, counter_id, counter_name, staff, taken_at, expires_at)
         VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp() + $5 * interval '1 millisecond')
         ON CONFLICT (prescription_id) DO UPDATE SET
           taken_at = CASE WHEN case_leases.counter_id = excluded.counter_id THEN case_leases.taken_at ELSE excluded.taken_at END,
           counter_id = excluded.counter_id, counter_name = excluded.counter_name, staff = excluded.staff, expires_at = excluded.expires_at`,
        [id, me.counterId, me.counterName, me.staff, options.ttlMs],
      );
      if (!mine || current?.staff !== me.staff) await notifyCasesChanged(this.units, [id]);
      return { ...me, busy: busyElsewhere };
    });
  }

  release(id: PrescriptionId, counterId: string): Promise<boolean> {
    return this.units.transaction(async () => {
      const released = await this.units.query(
        `UPDATE case_leases SET counter_id = NULL, counter_name = NULL, staff = NULL, taken_at = NULL, expires_at = NULL
         WHERE prescription_id = $1 AND counter_id = $2`,
        [id, counterId],
      );
      if ((released.rowCount ?? 0) === 0) return false;
      await notifyCasesChanged(this.units, [id]);
      return true;
    });
  }

  beginSending(id: PrescriptionId, me: LeaseCounter, options: SendingOptions): Promise<SendingPermit> {
    return this.units.transaction(async () => {
      const current = await this.current(id);
      if (current?.busy && current.busy_counter_id !== me.counterId) return { ok: false, holder: busyHolderOf(current) };
      // At the counter the case must be this counter's — a free one is taken; the background owner needs only that
      // nobody else is sending (§4).
      if (!options.background) {
        if (current?.live && current.counter_id !== me.counterId) return { ok: false, holder: holderOf(current) };
        await this.hold(id, me, { ttlMs: options.ttlMs });
      }
      await this.units.query(
        `INSERT INTO case_leases (prescription_id, busy_counter_id, busy_counter_name, busy_staff, busy_until)
         VALUES ($1, $2, $3, $4, clock_timestamp() + $5 * interval '1 millisecond')
         ON CONFLICT (prescription_id) DO UPDATE SET busy_counter_id = excluded.busy_counter_id,
           busy_counter_name = excluded.busy_counter_name, busy_staff = excluded.busy_staff, busy_until = excluded.busy_until`,
        [id, me.counterId, me.counterName, me.staff, options.busyMs],
      );
      return { ok: true };
    });
  }

  async endSending(id: PrescriptionId, counterId: string): Promise<void> {
    await this.units.query(
      `UPDATE case_leases SET busy_counter_id = NULL, busy_counter_name = NULL, busy_staff = NULL, busy_until = NULL
       WHERE prescription_id = $1 AND busy_counter_id = $2`,
      [id, counterId],
    );
  }

  private async current(id: PrescriptionId): Promise<LeaseRow | undefined> {
    return (await this.units.query<LeaseRow>(CURRENT, [id])).rows[0];
  }
}

function holderOf(row: LeaseRow): LeaseHolder {
  if (row.busy && (!row.live || row.busy_counter_id === row.counter_id)) return busyHolderOf(row);
  return { counterId: row.counter_id ?? '', counterName: row.counter_name ?? '', staff: row.staff ?? '', busy: row.busy && row.busy_counter_id === row.counter_id };
}

function busyHolderOf(row: LeaseRow): LeaseHolder {
  return { counterId: row.busy_counter_id ?? '', counterName: row.busy_counter_name ?? '', staff: row.busy_staff ?? '', busy: true };
}
