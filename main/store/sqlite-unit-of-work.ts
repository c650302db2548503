/**
 * Units of work on the one better-sqlite3 connection (docs/multi-counter.md §1). better-sqlite3 answers
 * synchronously, and its own transactions cannot span an `await`; the store's units of work can (the services
 * await between their writes). So: `BEGIN IMMEDIATE … COMMIT` by hand, and the connection behind an async mutex —
 * while a unit of work is open, no statement of another flow can run on the connection and land inside it.
 * Calls made inside the unit of work (the same async flow, AsyncLocalStorage) run at once; everything else queues.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from 'better-sqlite3';
import type { Asynchronous } from './repositories';

/** One open unit of work; `open` turns false at COMMIT/ROLLBACK so a straggling promise queues like any caller. */
interface UnitOfWork {
  open: boolean;
}

export class SqliteUnitsOfWork {
  private tail: Promise<unknown> = Promise.resolve();
  /** units of work and statements queued or running */
  private busy = 0;
  private readonly current = new AsyncLocalStorage<UnitOfWork>();

  constructor(private readonly db: Database) {}

  /** Runs `work` on the connection: at once inside this flow's unit of work, otherwise after everything queued. */
  run<R>(work: () => R): Promise<R> {
    // Inside this flow's unit of work, or nothing open or queued: the statement runs now (no hop through the
    // queue on the counter's hot paths; a settings write is visible to the next synchronous read at once).
    if (this.current.getStore()?.open || this.busy === 0) return new Promise<R>((resolve) => resolve(work()));
    return this.exclusive(async () => work());
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    // Nested: joins the outer unit of work (all or nothing with it).
    if (this.current.getStore()?.open) return fn();
    return this.exclusive(async () => {
      const unit: UnitOfWork = { open: true };
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.current.run(unit, fn);
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      } finally {
        unit.open = false;
      }
    });
  }

  /** The repository's public methods, each run through `run` (private helpers are wrapped too, harmlessly). */
  serialise<T extends object>(repository: T): Asynchronous<T> {
    const wrapped: Record<string, unknown> = {};
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(repository))) {
      const method: unknown = (repository as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof method !== 'function') continue;
      wrapped[name] = (...args: unknown[]) => this.run(() => (method as (...a: unknown[]) => unknown).apply(repository, args));
    }
    return wrapped as Asynchronous<T>;
  }

  private exclusive<R>(work: () => Promise<R>): Promise<R> {
    this.busy += 1;
    const result = this.tail.then(work).finally(() => {
      this.busy -= 1;
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
