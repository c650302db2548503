/**
 * The simulator's state: Tasks, the PrescriptionID sequence and a few settings (clock offset). Memory by
 * default; SQLite (WAL) in `<dataDir>/simulator.db` when the simulator runs with a data directory, so the
 * state survives a restart (architecture §6).
 *
 * The interface is synchronous on purpose: better-sqlite3 is synchronous, and a read-modify-write of one
 * Task is serialised by the caller's per-task lock (see task-locks.ts), so no lost update can happen.
 */
import Database from 'better-sqlite3';
import type { TaskRecord } from './task-record';

export interface TaskRepository {
  get(id: string): TaskRecord | undefined;
  put(task: TaskRecord): void;
  /** every Task, oldest first */
  list(): TaskRecord[];
  /** the next PrescriptionID sequence number (unique, never reused — not even after reset) */
  nextSequence(): bigint;
  getSetting(key: string): string | undefined;
  /** `undefined` removes the setting */
  setSetting(key: string, value: string | undefined): void;
  /** removes all Tasks and settings; keeps the sequence so ids stay unique across resets */
  reset(): void;
  close(): void;
}

const SEQUENCE_START = 1n;

export class MemoryTaskRepository implements TaskRepository {
  private readonly tasks = new Map<string, string>();
  private readonly settings = new Map<string, string>();
  private sequence = SEQUENCE_START;

  get(id: string): TaskRecord | undefined {
    const raw = this.tasks.get(id);
    // A copy, so a caller's changes count only after put() — as with SQLite.
    return raw === undefined ? undefined : (JSON.parse(raw) as TaskRecord);
  }

  put(task: TaskRecord): void {
    this.tasks.set(task.id, JSON.stringify(task));
  }

  list(): TaskRecord[] {
    return [...this.tasks.values()].map((raw) => JSON.parse(raw) as TaskRecord);
  }

  nextSequence(): bigint {
    return this.sequence++;
  }

  getSetting(key: string): string | undefined {
    return this.settings.get(key);
  }

  setSetting(key: string, value: string | undefined): void {
    if (value === undefined) this.settings.delete(key);
    else this.settings.set(key, value);
  }

  reset(): void {
    this.tasks.clear();
    this.settings.clear();
  }

  close(): void {
    // nothing to release
  }
}

interface TaskRow {
  data: string;
}
interface ValueRow {
  value: string;
}

export class SqliteTaskRepository implements TaskRepository {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS tasks (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL,
        kvnr TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  get(id: string): TaskRecord | undefined {
    const row = this.db.prepare<[string], TaskRow>('SELECT data FROM tasks WHERE id = ?').get(id);
    return row ? (JSON.parse(row.data) as TaskRecord) : undefined;
  }

  put(task: TaskRecord): void {
    this.db
      .prepare(
        `INSERT INTO tasks (id, seq, status, kvnr, data)
         VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks), @status, @kvnr, @data)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, kvnr = excluded.kvnr, data = excluded.data`,
      )
      .run({ id: task.id, status: task.status, kvnr: task.kvnr, data: JSON.stringify(task) });
  }

  list(): TaskRecord[] {
    return this.db
      .prepare<[], TaskRow>('SELECT data FROM tasks ORDER BY seq')
      .all()
      .map((row) => JSON.parse(row.data) as TaskRecord);
  }

  nextSequence(): bigint {
    const next = this.db.transaction((): bigint => {
      const row = this.db.prepare<[], ValueRow>("SELECT value FROM meta WHERE key = 'sequence'").get();
      const value = row ? BigInt(row.value) : SEQUENCE_START;
      this.db
        .prepare("INSERT INTO meta (key, value) VALUES ('sequence', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .run((value + 1n).toString());
      return value;
    });
    return next();
  }

  getSetting(key: string): string | undefined {
    return this.db.prepare<[string], ValueRow>('SELECT value FROM settings WHERE key = ?').get(key)?.value;
  }

  setSetting(key: string, value: string | undefined): void {
    if (value === undefined) this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    else
      this.db
        .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
        .run(key, value);
  }

  reset(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM tasks; DELETE FROM settings;');
    })();
  }

  close(): void {
    this.db.close();
  }
}
