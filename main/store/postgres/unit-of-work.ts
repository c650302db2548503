/**
 * Units of work on a PostgreSQL pool (docs/multi-counter.md §1): one pooled client per unit of work,
 * `BEGIN … COMMIT` (READ COMMITTED), `ROLLBACK` on any throw. Like the SQLite engine (sqlite-unit-of-work.ts) the
 * unit is ambient — AsyncLocalStorage carries the checked-out client through the async flow, so every repository
 * call inside `transaction(fn)` runs on it, and a nested `transaction` joins the outer one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { asStoreFailure } from './store-unreachable';

/** One open unit of work; `open` turns false at COMMIT/ROLLBACK so a straggling call goes to the pool instead. */
interface UnitOfWork {
  readonly client: PoolClient;
  open: boolean;
  /** run after COMMIT only (e.g. the settings cache, settings.ts): a rolled-back write must leave no trace */
  readonly afterCommit: (() => void)[];
}

export class PostgresUnitsOfWork {
  private readonly current = new AsyncLocalStorage<UnitOfWork>();

  constructor(private readonly pool: Pool) {}

  /** The open unit of work of this async flow, as an opaque token (a key for state that lives as long as it). */
  unit(): object | undefined {
    const unit = this.current.getStore();
    return unit?.open ? unit : undefined;
  }

  /** A statement on the unit of work's client when inside one, otherwise on any pooled connection. */
  query<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const unit = this.current.getStore();
    const values = [...params];
    const answer = unit?.open ? unit.client.query<R>(sql, values) : this.pool.query<R>(sql, values);
    return answer.catch((error: unknown) => {
      throw asStoreFailure(error);
    });
  }

  /** Runs `action` once the current unit of work has committed (at once outside one); never after a ROLLBACK. */
  afterCommit(action: () => void): void {
    const unit = this.current.getStore();
    if (unit?.open) unit.afterCommit.push(action);
    else action();
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    // Nested: joins the outer unit of work (all or nothing with it), as the SQLite engine does.
    if (this.current.getStore()?.open) return fn();
    return this.runOwn(fn);
  }

  private async runOwn<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw asStoreFailure(error);
    });
    const unit: UnitOfWork = { client, open: true, afterCommit: [] };
    let result: T;
    try {
      await client.query('BEGIN');
      result = await this.current.run(unit, fn);
      await client.query('COMMIT').catch((error: unknown) => {
        throw asStoreFailure(error);
      });
    } catch (error) {
      unit.open = false;
      // A failed COMMIT has already ended the transaction; ROLLBACK then only warns. A failing ROLLBACK means the
      // connection is broken or still inside the transaction: release it with the error so the pool discards it.
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackError) {
        client.release(rollbackError instanceof Error ? rollbackError : true);
      }
      throw error;
    }
    unit.open = false;
    client.release();
    for (const action of unit.afterCommit) action();
    return result;
  }
}
