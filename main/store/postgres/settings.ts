/**
 * Settings in the PostgreSQL store (docs/multi-counter.md §2, repositories.ts `SettingsStore`): read on hot,
 * synchronous paths, so `get` answers from an in-memory copy of all rows, loaded at open and by `reload()` (called
 * when another counter announces a change). A write goes to the row, notifies `erx_settings_changed` with its key in
 * the same transaction (§3) and enters the copy only once committed; until then it is visible to its own unit of
 * work alone — as a read on SQLite's one connection sees its own transaction's write.
 */
import type { Cipher } from '../cipher';
import type { SettingsStore } from '../repositories';
import { notify, SETTINGS_CHANGED } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

export class PostgresSettingsRepository implements SettingsStore {
  /** key → stored JSON text; parsed on every read, so a caller cannot change the copy through a returned object */
  private committed = new Map<string, string>();
  /** writes of units of work not committed yet */
  private readonly uncommitted = new WeakMap<object, Map<string, string>>();
  /** keys committed here while a reload was reading (a reload must not bring back an older value) */
  private readonly duringReload = new Set<Set<string>>();

  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  /** Replaces the copy with the rows as they are now. */
  async reload(): Promise<void> {
    const committedMeanwhile = new Set<string>();
    this.duringReload.add(committedMeanwhile);
    let rows: { key: string; value: string }[];
    try {
      rows = (await this.units.query<{ key: string; value: string }>('SELECT key, value FROM settings')).rows;
    } finally {
      this.duringReload.delete(committedMeanwhile);
    }
    const next = new Map(rows.map((r) => [r.key, r.value]));
    for (const key of committedMeanwhile) {
      const value = this.committed.get(key);
      if (value !== undefined) next.set(key, value);
    }
    this.committed = next;
  }

  get(key: string): unknown {
    const unit = this.units.unit();
    const stored = (unit && this.uncommitted.get(unit)?.get(key)) ?? this.committed.get(key);
    return stored === undefined ? undefined : (JSON.parse(stored) as unknown);
  }

  getSecret(key: string): unknown {
    const stored = this.get(key);
    return typeof stored === 'string' ? (JSON.parse(this.cipher.decrypt(stored)) as unknown) : undefined;
  }

  set(key: string, value: unknown): Promise<void> {
    return this.write(key, JSON.stringify(value));
  }

  setSecret(key: string, value: unknown): Promise<void> {
    return this.set(key, this.cipher.encrypt(JSON.stringify(value)));
  }

  private async write(key: string, json: string): Promise<void> {
    await this.units.transaction(async () => {
      await this.units.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, json]);
      await notify(this.units, SETTINGS_CHANGED, [key]);
      const unit = this.units.unit();
      if (unit) {
        const pending = this.uncommitted.get(unit) ?? new Map<string, string>();
        pending.set(key, json);
        this.uncommitted.set(unit, pending);
      }
      this.units.afterCommit(() => {
        this.committed.set(key, json);
        for (const keys of this.duringReload) keys.add(key);
      });
    });
  }
}
