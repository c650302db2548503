/**
 * The one row of `pharmacy_keys` (migration 2): the pharmacy keys wrapped under the enrolment secret and their check
 * values (pharmacy-enrolment.ts, docs/multi-counter.md §5). Read before the store's repositories exist — the Cipher
 * comes out of it — so it works on a plain pool.
 */
import type { Pool } from 'pg';
import type { PharmacyKeyRecord, PharmacyKeyTable } from '../pharmacy-enrolment';
import type { WrappedKeys } from '../pharmacy-keys';

export class PostgresPharmacyKeyTable implements PharmacyKeyTable {
  constructor(private readonly pool: Pool) {}

  async read(): Promise<PharmacyKeyRecord | undefined> {
    const row = (
      await this.pool.query<{ wrap: WrappedKeys; data_key_check: string; kvnr_key_check: string }>(
        'SELECT wrap, data_key_check, kvnr_key_check FROM pharmacy_keys WHERE id = 1',
      )
    ).rows[0];
    return row ? { wrap: row.wrap, dataKeyCheck: row.data_key_check, kvnrKeyCheck: row.kvnr_key_check } : undefined;
  }

  async addCodeWrap(wrap: WrappedKeys, ttlMs: number): Promise<void> {
    // expired codes go with every new one: a wrap under a used-up code must not stay guessable in the store
    await this.pool.query('DELETE FROM enrolment_codes WHERE expires_at <= clock_timestamp()');
    await this.pool.query(`INSERT INTO enrolment_codes (wrap, expires_at) VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')`, [
      JSON.stringify(wrap),
      ttlMs,
    ]);
  }

  async codeWraps(): Promise<{ id: number; wrap: WrappedKeys }[]> {
    const rows = await this.pool.query<{ id: string; wrap: WrappedKeys }>(
      'SELECT id, wrap FROM enrolment_codes WHERE expires_at > clock_timestamp() ORDER BY id DESC',
    );
    return rows.rows.map((row) => ({ id: Number(row.id), wrap: row.wrap }));
  }

  async consumeCodeWrap(id: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM enrolment_codes WHERE id = $1', [id])).rowCount ?? 0) === 1;
  }

  /** The first counter's insert wins; a second one at the same moment gets false and reads the winner's. */
  async insertIfAbsent(record: PharmacyKeyRecord): Promise<boolean> {
    const inserted = await this.pool.query(
      'INSERT INTO pharmacy_keys (id, wrap, data_key_check, kvnr_key_check) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING',
      [JSON.stringify(record.wrap), record.dataKeyCheck, record.kvnrKeyCheck],
    );
    return (inserted.rowCount ?? 0) === 1;
  }
}
