/**
 * The simulator's state: Tasks, the PrescriptionID sequence and a few settings (clock offset). Memory by
 * default; SQLite (WAL, sqlite-repository.ts) in `<dataDir>/simulator.db` when the simulator runs with a data
 * directory, so the state survives a restart (architecture §6).
 *
 * The interface is synchronous on purpose: better-sqlite3 is synchronous, and a read-modify-write of one
 * Task is serialised by the caller's per-task lock (see task-locks.ts), so no lost update can happen.
 */
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
