/**
 * The simulator's state in SQLite (`<dataDir>/simulator.db`), so it survives a restart (architecture §6).
 * Built for the request path (≥ 500 cycles/s, p99 < 25 ms with persistence on; docs/performance.md):
 *
 * - WAL with synchronous NORMAL: every operation commits before it answers and survives a crash of the process;
 *   the WAL is synced at checkpoints (SQLite's WAL default), never per request.
 * - Each Task is stored in parts, each written only when it changed: the Task itself (small, every operation),
 *   its signed prescription (~15 KB, once), its dispense set ($dispense, $close with body, $reject) and its
 *   receipt ($close). Unchanged parts are recognised by identity: get() hands out a shallow copy of the last
 *   written, deeply frozen state, and operations replace nested values instead of changing them (the freeze
 *   enforces that), so an untouched part is still the very same object.
 * - Checkpoints are ours, not SQLite's automatic one in the middle of some request: when no commit came for a
 *   moment, and under sustained load every CHECKPOINT_AFTER_COMMITS commits, so the WAL stays bounded.
 * - Statements are prepared once; the database is opened in exclusive locking mode (no file locks per
 *   transaction; a second process cannot open it while the simulator runs).
 * Rows written by earlier versions (everything inline in `tasks.data`) are still read.
 * Communications (spec §3.11) have their own table, searched by sender, recipient and Task; they are few and small,
 * so they are not cached.
 */
import Database from 'better-sqlite3';
import type { CommunicationRecord } from './communication-record';
import type { TaskRepository } from './repository';
import type { TaskRecord } from './task-record';

const SEQUENCE_START = 1n;
/** Checkpoint when no commit came for this long … */
const CHECKPOINT_IDLE_MS = 500;
/**
 * … and under sustained load after this many commits (about 5 WAL pages each, so ≤ ~100 MB of WAL). Fewer,
 * larger checkpoints cost less in total and pause fewer requests than many small ones (measured with
 * `npm run bench`).
 */
const CHECKPOINT_AFTER_COMMITS = 5000;
/** How many Tasks are kept ready in memory. */
const RECENT_TASKS = 5000;

interface TaskRow {
  data: string;
}
interface ValueRow {
  value: string;
}
interface DataRow {
  data: string;
}

export class SqliteTaskRepository implements TaskRepository {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly putTx: (task: TaskRecord, previous: TaskRecord | undefined) => void;
  private readonly nextSequenceTx: () => bigint;
  /** the last written state of recently used Tasks, deeply frozen (see the module comment) */
  private readonly recent = new Map<string, TaskRecord>();
  private commitsSinceCheckpoint = 0;
  private lastCommitAt = 0;
  private readonly idleCheckpoints: ReturnType<typeof setInterval>;

  constructor(file: string) {
    this.db = new Database(file);
    // The simulator is the only user of its database: holding the lock saves the file-lock calls of every
    // transaction (and keeps a second simulator off the same data directory).
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('wal_autocheckpoint = 0');
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
      CREATE TABLE IF NOT EXISTS dispense_sets (task_id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS receipts (task_id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS communications (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        task_id TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS communications_sender ON communications (sender);
      CREATE INDEX IF NOT EXISTS communications_recipient ON communications (recipient);
      CREATE INDEX IF NOT EXISTS communications_task ON communications (task_id);
    `);
    this.sql = prepareStatements(this.db);
    this.putTx = this.db.transaction((task: TaskRecord, previous: TaskRecord | undefined): void => {
      const { prescription, dispenses, receipt } = task;
      if (prescription && prescription !== previous?.prescription)
        this.sql.putPrescription.run(prescription.binaryId, prescription.cms);
      if (dispenses !== previous?.dispenses) this.sql.putDispenses.run(task.id, JSON.stringify(dispenses));
      if (receipt !== previous?.receipt) this.sql.putReceipt.run(task.id, JSON.stringify(receipt));
      const row: TaskRecord = {
        ...task,
        prescription: prescription ? { ...prescription, cms: '' } : null,
        dispenses: [],
        receipt: null,
      };
      this.sql.put.run({ id: task.id, status: task.status, kvnr: task.kvnr, data: JSON.stringify(row) });
    });
    this.nextSequenceTx = this.db.transaction((): bigint => {
      const row = this.sql.readSequence.get();
      const value = row ? BigInt(row.value) : SEQUENCE_START;
      this.sql.writeSequence.run((value + 1n).toString());
      return value;
    });
    this.idleCheckpoints = setInterval(() => {
      if (this.commitsSinceCheckpoint > 0 && Date.now() - this.lastCommitAt >= CHECKPOINT_IDLE_MS) {
        this.checkpoint('TRUNCATE');
      }
    }, CHECKPOINT_IDLE_MS);
    this.idleCheckpoints.unref();
  }

  get(id: string): TaskRecord | undefined {
    const cached = this.recent.get(id);
    if (cached) {
      this.remember(cached);
      return { ...cached };
    }
    const row = this.sql.get.get(id);
    if (!row) return undefined;
    const task = deepFreeze(this.fromRow(row));
    this.remember(task);
    return { ...task };
  }

  put(task: TaskRecord): void {
    const previous = this.recent.get(task.id);
    this.putTx(task, previous);
    this.committed();
    this.remember(deepFreeze({ ...task }));
  }

  list(): TaskRecord[] {
    return this.sql.list.all().map((row) => this.fromRow(row));
  }

  listForKvnr(kvnr: string): TaskRecord[] {
    return this.sql.listForKvnr.all(kvnr).map((row) => this.fromRow(row));
  }

  nextSequence(): bigint {
    const value = this.nextSequenceTx();
    this.committed();
    return value;
  }

  getSetting(key: string): string | undefined {
    return this.sql.getSetting.get(key)?.value;
  }

  setSetting(key: string, value: string | undefined): void {
    if (value === undefined) this.sql.deleteSetting.run(key);
    else this.sql.putSetting.run(key, value);
    this.committed();
  }

  putCommunication(communication: CommunicationRecord): void {
    this.sql.putCommunication.run({
      id: communication.id,
      sender: communication.sender,
      recipient: communication.recipient,
      taskId: communication.taskId,
      data: JSON.stringify(communication),
    });
    this.committed();
  }

  getCommunication(id: string): CommunicationRecord | undefined {
    const row = this.sql.getCommunication.get(id);
    return row ? (JSON.parse(row.data) as CommunicationRecord) : undefined;
  }

  listCommunications(participant: string): CommunicationRecord[] {
    return this.sql.listCommunications.all(participant, participant).map((row) => JSON.parse(row.data) as CommunicationRecord);
  }

  deleteCommunication(id: string): boolean {
    const deleted = this.sql.deleteCommunication.run(id).changes > 0;
    if (deleted) this.committed();
    return deleted;
  }

  deleteCommunicationsOfTask(taskId: string): void {
    if (this.sql.deleteCommunicationsOfTask.run(taskId).changes > 0) this.committed();
  }

  reset(): void {
    this.db.transaction(() => {
      this.db.exec(
        'DELETE FROM tasks; DELETE FROM prescriptions; DELETE FROM dispense_sets; DELETE FROM receipts; DELETE FROM settings; DELETE FROM communications;',
      );
    })();
    this.recent.clear();
    this.committed();
  }

  close(): void {
    clearInterval(this.idleCheckpoints);
    if (this.db.open) this.db.close();
  }

  /** The Task with its parts; a row of an earlier version carries them inline. */
  private fromRow(row: TaskRow): TaskRecord {
    const task = JSON.parse(row.data) as TaskRecord;
    if (task.prescription && task.prescription.cms === '') {
      task.prescription.cms = this.sql.getPrescription.get(task.prescription.binaryId)?.cms ?? '';
    }
    const dispenses = this.sql.getDispenses.get(task.id);
    if (dispenses) task.dispenses = JSON.parse(dispenses.data) as TaskRecord['dispenses'];
    const receipt = this.sql.getReceipt.get(task.id);
    if (receipt) task.receipt = JSON.parse(receipt.data) as TaskRecord['receipt'];
    return task;
  }

  private remember(task: TaskRecord): void {
    this.recent.delete(task.id);
    this.recent.set(task.id, task);
    if (this.recent.size > RECENT_TASKS) {
      const oldest = this.recent.keys().next();
      if (!oldest.done) this.recent.delete(oldest.value);
    }
  }

  private committed(): void {
    this.lastCommitAt = Date.now();
    if (++this.commitsSinceCheckpoint >= CHECKPOINT_AFTER_COMMITS) this.checkpoint('PASSIVE');
  }

  /**
   * Idle: TRUNCATE also cuts the WAL file to zero, while nobody waits (otherwise the first write after the
   * checkpoint would shrink it, in the middle of a request). Under load: PASSIVE, the WAL file is reused.
   */
  private checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): void {
    if (!this.db.open) return;
    this.db.pragma(`wal_checkpoint(${mode})`);
    this.commitsSinceCheckpoint = 0;
  }
}

function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare<[string], TaskRow>('SELECT data FROM tasks WHERE id = ?'),
    // seq = creation order; MAX(seq) is an index lookup (tasks_seq). kvnr never changes, so no index update.
    put: db.prepare<{ id: string; status: string; kvnr: string; data: string }>(
      `INSERT INTO tasks (id, seq, status, kvnr, data)
       VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks), @status, @kvnr, @data)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data`,
    ),
    list: db.prepare<[], TaskRow>('SELECT data FROM tasks ORDER BY seq'),
    listForKvnr: db.prepare<[string], TaskRow>('SELECT data FROM tasks WHERE kvnr = ? ORDER BY seq'),
    getPrescription: db.prepare<[string], { cms: string }>(
      'SELECT cms FROM prescriptions WHERE binary_id = ?',
    ),
    putPrescription: db.prepare<[string, string]>(
      'INSERT INTO prescriptions (binary_id, cms) VALUES (?, ?) ON CONFLICT DO NOTHING',
    ),
    getDispenses: db.prepare<[string], DataRow>('SELECT data FROM dispense_sets WHERE task_id = ?'),
    putDispenses: db.prepare<[string, string]>(
      'INSERT INTO dispense_sets (task_id, data) VALUES (?, ?) ON CONFLICT(task_id) DO UPDATE SET data = excluded.data',
    ),
    getReceipt: db.prepare<[string], DataRow>('SELECT data FROM receipts WHERE task_id = ?'),
    putReceipt: db.prepare<[string, string]>(
      'INSERT INTO receipts (task_id, data) VALUES (?, ?) ON CONFLICT(task_id) DO UPDATE SET data = excluded.data',
    ),
    readSequence: db.prepare<[], ValueRow>("SELECT value FROM meta WHERE key = 'sequence'"),
    writeSequence: db.prepare<[string]>(
      "INSERT INTO meta (key, value) VALUES ('sequence', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ),
    getSetting: db.prepare<[string], ValueRow>('SELECT value FROM settings WHERE key = ?'),
    deleteSetting: db.prepare<[string]>('DELETE FROM settings WHERE key = ?'),
    putSetting: db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    // seq keeps the order of arrival (= order of `sent`); sender, recipient and Task never change
    putCommunication: db.prepare<{ id: string; sender: string; recipient: string; taskId: string; data: string }>(
      `INSERT INTO communications (id, seq, sender, recipient, task_id, data)
       VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM communications), @sender, @recipient, @taskId, @data)
       ON CONFLICT(id) DO UPDATE SET data = excluded.data`,
    ),
    getCommunication: db.prepare<[string], DataRow>('SELECT data FROM communications WHERE id = ?'),
    listCommunications: db.prepare<[string, string], DataRow>(
      'SELECT data FROM communications WHERE sender = ? OR recipient = ? ORDER BY seq',
    ),
    deleteCommunication: db.prepare<[string]>('DELETE FROM communications WHERE id = ?'),
    deleteCommunicationsOfTask: db.prepare<[string]>('DELETE FROM communications WHERE task_id = ?'),
  };
}

/** Freezes a JSON value and everything in it (already frozen parts are skipped). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
