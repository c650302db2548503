/**
 * What lets several counters share one PostgreSQL (docs/multi-counter.md §3, §4), against a real throwaway cluster:
 * the listener that turns NOTIFY into changes (and says `resync` after its connection was lost), and the background
 * owner — one counter at a time, replaced when it dies.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundOwner } from '../../main/store/postgres/background-owner';
import { ChangeListener, listenerApplicationName, type StoreChange } from '../../main/store/postgres/change-listener';
import { clientConfig } from '../../main/store/postgres/client-config';
import { parseStoreUrl, postgresConnection, type PostgresConnection } from '../../main/store/store-location';
import { pollUntil } from './support/poll';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster';

/** Waits (at most 10 s) for what the app would show; no fixed sleeps. */
const waitFor = (condition: () => boolean, what = 'the condition'): Promise<boolean> => pollUntil(condition, (held) => held, { what, timeoutMs: 10_000 });

let cluster: PostgresCluster;
let connection: PostgresConnection;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const parsed = parseStoreUrl(cluster.connectionString);
  if (!parsed.ok) throw new Error(parsed.problem.en);
  connection = postgresConnection(parsed.location, { env: { PGPASSFILE: cluster.passfile } });
});
afterAll(async () => {
  await cluster?.stop();
});

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(clientConfig(connection, 'test'));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Ends the server sessions of this application name (a counter's connection breaking, a counter dying). */
const terminate = (applicationName: string): Promise<unknown> =>
  withClient((client) => client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]));

describe('ChangeListener', () => {
  it('hands on what another counter committed — not what it rolled back — and asks for a resync after losing its connection', async () => {
    const changes: StoreChange[] = [];
    const connectionStates: boolean[] = [];
    const listener = new ChangeListener({ connection, counterId: 'kasse-1', onChange: (c) => changes.push(c), onConnection: (up) => connectionStates.push(up), retryMs: 50 });
    await listener.start();
    try {
      await withClient(async (client) => {
        await client.query('BEGIN');
        await client.query(`SELECT pg_notify('erx_case_changed', '160.000.000.000.000.01')`);
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        await client.query(`SELECT pg_notify('erx_case_changed', '160.000.000.000.000.02')`);
        await client.query(`SELECT pg_notify('erx_settings_changed', '')`);
        await client.query('COMMIT');
      });
      await waitFor(() => changes.length >= 2);
      expect(changes).toEqual([{ kind: 'case', prescriptionId: '160.000.000.000.000.02' }, { kind: 'settings' }]);

      await terminate(listenerApplicationName('kasse-1'));
      await waitFor(() => changes.some((c) => c.kind === 'resync'));
      expect(connectionStates).toEqual([false, true]);
      // listening again
      await withClient((client) => client.query(`SELECT pg_notify('erx_messages_changed', '')`));
      await waitFor(() => changes.some((c) => c.kind === 'messages'));
    } finally {
      await listener.stop();
    }
  });
});

describe('BackgroundOwner', () => {
  it('one counter at a time owns the background work; when it dies another takes over', async () => {
    // a, once it has lost its session, does not try again within the test (a killed process never does)
    const a = new BackgroundOwner({ connection, counter: 'Kasse 1', retryMs: 600_000 });
    await a.start();
    expect(a.isOwner()).toBe(true);
    const b = new BackgroundOwner({ connection, counter: 'Kasse 2', retryMs: 50 });
    await b.start();
    try {
      expect(b.isOwner()).toBe(false);
      // a's session ends as if the counter had died
      await terminate('erx-counter background Kasse 1');
      await waitFor(() => b.isOwner());
      await waitFor(() => !a.isOwner());
      // a comes back and must not take it away while b is alive
      await a.start();
      expect(a.isOwner()).toBe(false);
      expect(b.isOwner()).toBe(true);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
