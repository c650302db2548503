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
  /** the Tasks of one insurant (Task.for), oldest first */
  listForKvnr(kvnr: string): TaskRecord[];
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

  listForKvnr(kvnr: string): TaskRecord[] {
    return this.list().filter((task) => task.kvnr === kvnr);
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
  // Prepared once: preparing a statement costs more than running it (hot path of every operation).
  private readonly statements: {
    get: Database.Statement<[string], TaskRow>;
    put: Database.Statement<{ id: string; status: string; kvnr: string; data: string }>;
    putPrescription: Database.Statement<[string, string]>;
    getPrescription: Database.Statement<[string], { cms: string }>;
    list: Database.Statement<[], TaskRow>;
    listForKvnr: Database.Statement<[string], TaskRow>;
    readSequence: Database.Statement<[], ValueRow>;
    writeSequence: Database.Statement<[string]>;
    getSetting: Database.Statement<[string], ValueRow>;
    deleteSetting: Database.Statement<[string]>;
    putSetting: Database.Statement<[string, string]>;
  };
  private readonly nextSequenceTx: () => bigint;
  /** binary ids whose prescription is stored already: a put need not hand the 15 KB over again */
  private readonly storedPrescriptions = new Set<string>();
  /** one commit for the Task and, on first write, its prescription */
  private readonly putTx: (task: TaskRecord, prescription: TaskRecord['prescription'], stored: TaskRecord) => void;

  constructor(file: string) {
    this.db = new Database(file);
    // WAL + synchronous NORMAL: a commit is durable against a crash of the process, and no fsync per request.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Checkpoints (copying the WAL into the database, with an fsync) run on the committing request; fewer,
    // larger ones cost less per request. 4000 pages = 16 MB of WAL at most between two.
    this.db.pragma('wal_autocheckpoint = 0');
    // Reads of recently written Tasks come from memory rather than through read() calls.
    this.db.pragma('cache_size = -65536');
    this.db.pragma('mmap_size = 268435456');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS tasks (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL,
        kvnr TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS tasks_seq ON tasks (seq);
      CREATE INDEX IF NOT EXISTS tasks_kvnr ON tasks (kvnr);
      CREATE TABLE IF NOT EXISTS prescriptions (binary_id TEXT PRIMARY KEY, cms TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.statements = {
      get: this.db.prepare<[string], TaskRow>('SELECT data FROM tasks WHERE id = ?'),
      getPrescription: this.db.prepare<[string], { cms: string }>('SELECT cms FROM prescriptions WHERE binary_id = ?'),
      putPrescription: this.db.prepare<[string, string]>('INSERT INTO prescriptions (binary_id, cms) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      // seq = creation order; MAX(seq) is an index lookup (tasks_seq).
      put: this.db.prepare(
        `INSERT INTO tasks (id, seq, status, kvnr, data)
         VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks), @status, @kvnr, @data)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, kvnr = excluded.kvnr, data = excluded.data`,
      ),
      list: this.db.prepare<[], TaskRow>('SELECT data FROM tasks ORDER BY seq'),
      listForKvnr: this.db.prepare<[string], TaskRow>('SELECT data FROM tasks WHERE kvnr = ? ORDER BY seq'),
      readSequence: this.db.prepare<[], ValueRow>("SELECT value FROM meta WHERE key = 'sequence'"),
      writeSequence: this.db.prepare<[string]>(
        "INSERT INTO meta (key, value) VALUES ('sequence', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ),
      getSetting: this.db.prepare<[string], ValueRow>('SELECT value FROM settings WHERE key = ?'),
      deleteSetting: this.db.prepare<[string]>('DELETE FROM settings WHERE key = ?'),
      putSetting: this.db.prepare<[string, string]>(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
    };
    this.putTx = this.db.transaction((task: TaskRecord, prescription: TaskRecord['prescription'], stored: TaskRecord): void => {
      if (prescription && !this.storedPrescriptions.has(prescription.binaryId)) {
        this.statements.putPrescription.run(prescription.binaryId, prescription.cms);
        this.storedPrescriptions.add(prescription.binaryId);
      }
      this.statements.put.run({ id: task.id, status: task.status, kvnr: task.kvnr, data: JSON.stringify(stored) });
    });
    this.nextSequenceTx = this.db.transaction((): bigint => {
      const row = this.statements.readSequence.get();
      const value = row ? BigInt(row.value) : SEQUENCE_START;
      this.statements.writeSequence.run((value + 1n).toString());
      return value;
    });
  }

  get(id: string): TaskRecord | undefined {
    const row = this.statements.get.get(id);
    return row ? this.fromRow(row) : undefined;
  }

  /**
   * The signed prescription (~15 KB, never changes) lives in its own table, written once: rewriting it with
   * every status change would triple what each operation writes.
   */
  put(task: TaskRecord): void {
    const { prescription } = task;
    const stored = prescription ? { ...task, prescription: { ...prescription, cms: '' } } : task;
    this.putTx(task, prescription, stored);
  }


  list(): TaskRecord[] {
    return this.statements.list.all().map((row) => this.fromRow(row));
  }

  listForKvnr(kvnr: string): TaskRecord[] {
    return this.statements.listForKvnr.all(kvnr).map((row) => this.fromRow(row));
  }

  /** The Task with its signed prescription; rows written before the prescriptions table carry the CMS inline. */
  private fromRow(row: TaskRow): TaskRecord {
    const task = JSON.parse(row.data) as TaskRecord;
    if (task.prescription && task.prescription.cms === '') {
      task.prescription.cms = this.statements.getPrescription.get(task.prescription.binaryId)?.cms ?? '';
    }
    return task;
  }

  nextSequence(): bigint {
    return this.nextSequenceTx();
  }

  getSetting(key: string): string | undefined {
    return this.statements.getSetting.get(key)?.value;
  }

  setSetting(key: string, value: string | undefined): void {
    if (value === undefined) this.statements.deleteSetting.run(key);
    else this.statements.putSetting.run(key, value);
  }

  reset(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM tasks; DELETE FROM prescriptions; DELETE FROM settings;');
    })();
    this.storedPrescriptions.clear();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

