/**
 * The simulator's state: Tasks, Communications, the PrescriptionID sequence and a few settings (clock offset). Memory by
 * default; SQLite (WAL, sqlite-repository.ts) in `<dataDir>/simulator.db` when the simulator runs with a data
 * directory, so the state survives a restart (architecture §6).
 *
 * The interface is synchronous on purpose: better-sqlite3 is synchronous, and a read-modify-write of one
 * Task is serialised by the caller's per-task lock (see task-locks.ts), so no lost update can happen.
 */
import type { CommunicationRecord } from './communication-record';
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
  /** stores a new Communication or replaces it (same id), e.g. with `received` stamped */
  putCommunication(communication: CommunicationRecord): void;
  getCommunication(id: string): CommunicationRecord | undefined;
  /** the Communications `participant` (KVNR or Telematik-ID) sent or received, oldest first (spec §3.11, A_19520) */
  listCommunications(participant: string): CommunicationRecord[];
  /** false when there was none with this id */
  deleteCommunication(id: string): boolean;
  /** removes every Communication about this Task ($abort, A_19027-06) */
  deleteCommunicationsOfTask(taskId: string): void;
  /** removes all Tasks, Communications and settings; keeps the sequence so ids stay unique across resets */
  reset(): void;
  close(): void;
}

const SEQUENCE_START = 1n;

export class MemoryTaskRepository implements TaskRepository {
  private readonly tasks = new Map<string, string>();
  private readonly settings = new Map<string, string>();
  /** in insertion order, which is the order of `sent` */
  private readonly communications = new Map<string, string>();
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

  putCommunication(communication: CommunicationRecord): void {
    this.communications.set(communication.id, JSON.stringify(communication));
  }

  getCommunication(id: string): CommunicationRecord | undefined {
    const raw = this.communications.get(id);
    return raw === undefined ? undefined : (JSON.parse(raw) as CommunicationRecord);
  }

  listCommunications(participant: string): CommunicationRecord[] {
    return [...this.communications.values()]
      .map((raw) => JSON.parse(raw) as CommunicationRecord)
      .filter((c) => c.sender === participant || c.recipient === participant);
  }

  deleteCommunication(id: string): boolean {
    return this.communications.delete(id);
  }

  deleteCommunicationsOfTask(taskId: string): void {
    for (const [id, raw] of this.communications) {
      if ((JSON.parse(raw) as CommunicationRecord).taskId === taskId) this.communications.delete(id);
    }
  }

  reset(): void {
    this.tasks.clear();
    this.settings.clear();
    this.communications.clear();
  }

  close(): void {
    // nothing to release
  }
}
