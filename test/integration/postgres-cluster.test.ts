/**
 * The tests' throwaway PostgreSQL cluster (docs/multi-counter.md §7, issue 18 item 9): the app's future store
 * tests stand on it, so it must connect the way the app will (URL without password, 0600 passfile — §2), listen on
 * 127.0.0.1 only, and leave no server and no folder behind. Without a server installed, one message names the
 * Debian package.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findPostgresBinaries } from './support/postgres-binaries';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster';

describe('a throwaway PostgreSQL cluster', () => {
  let cluster: PostgresCluster;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  /** Connection settings with the password given directly (pg lets a connectionString override other fields). */
  const withPassword = (password: string): pg.ClientConfig => ({ host: cluster.host, port: cluster.port, user: cluster.user, database: cluster.database, password });

  async function query(client: pg.Client, sql: string): Promise<string | undefined> {
    const result = await client.query<Record<string, string>>(sql);
    return Object.values(result.rows[0] ?? {})[0];
  }

  it('connects like the app: a URL without password and the password from a 0600 passfile; a transaction writes and reads', async () => {
    expect(new URL(cluster.connectionString).password).toBe('');
    expect(statSync(cluster.passfile).mode & 0o777).toBe(0o600);
    vi.stubEnv('PGPASSFILE', cluster.passfile);
    const client = new pg.Client({ connectionString: cluster.connectionString });
    await client.connect();
    try {
      await client.query('CREATE TABLE counter_case (id text PRIMARY KEY, status text NOT NULL)');
      await client.query('BEGIN');
      await client.query('INSERT INTO counter_case (id, status) VALUES ($1, $2)', ['160.000.000.000.001.01', 'in-progress']);
      await client.query('COMMIT');
      await client.query('BEGIN');
      await client.query('INSERT INTO counter_case (id, status) VALUES ($1, $2)', ['160.000.000.000.002.02', 'in-progress']);
      await client.query('ROLLBACK');
      const rows = await client.query<{ id: string; status: string }>('SELECT id, status FROM counter_case ORDER BY id');
      expect(rows.rows).toEqual([{ id: '160.000.000.000.001.01', status: 'in-progress' }]);
      expect(await query(client, 'SELECT current_database()')).toBe(cluster.database);
      expect(await query(client, 'SELECT current_user')).toBe(cluster.user);
    } finally {
      await client.end();
    }
  });

  it('asks for the password (scram-sha-256, no trust): a wrong one is refused by the server', async () => {
    const client = new pg.Client(withPassword('not-the-password'));
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' }); // invalid_password
  });

  it('listens on 127.0.0.1 only, with its socket and data inside its own temp folder', async () => {
    const client = new pg.Client(withPassword(passwordFrom(cluster.passfile)));
    await client.connect();
    try {
      expect(await query(client, 'SHOW listen_addresses')).toBe('127.0.0.1');
      expect(await query(client, 'SHOW unix_socket_directories')).toBe(cluster.dir);
      expect(await query(client, 'SHOW data_directory')).toBe(join(cluster.dir, 'data'));
      expect(await query(client, 'SHOW password_encryption')).toBe('scram-sha-256');
    } finally {
      await client.end();
    }
  });

  // last in this block: it stops the block's cluster (afterAll's stop() is then a no-op)
  it('stop() ends open sessions (fast shutdown), the server process is gone and its folder removed', async () => {
    const session = new pg.Client(withPassword(passwordFrom(cluster.passfile)));
    await session.connect();
    const sessionErrors: unknown[] = [];
    session.on('error', (error) => sessionErrors.push(error));
    await cluster.stop();
    // 57P01 admin_shutdown: the server ended the session itself (SIGINT), not a kill that cut the socket
    expect(sessionErrors[0]).toMatchObject({ code: '57P01' });
    expect(() => process.kill(cluster.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(existsSync(cluster.dir)).toBe(false);
    await session.end().catch(() => undefined);
  });
});

describe('without a PostgreSQL server', () => {
  let empty: string;

  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'erx-no-pg-'));
  });

  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it('fails with one message naming apt-get install postgresql', async () => {
    await expect(findPostgresBinaries({ pgConfig: join(empty, 'pg_config'), versionsRoot: empty })).rejects.toThrow(
      /no.*found.*apt-get install postgresql/is,
    );
  });

  it('is not fooled by the pg_config of libpq-dev alone, whose --bindir holds no server', async () => {
    const clientOnly = join(empty, 'client-only');
    await mkdir(join(clientOnly, 'bin'), { recursive: true });
    const pgConfig = join(clientOnly, 'pg_config');
    await writeFile(pgConfig, `#!/bin/sh\necho ${join(clientOnly, 'bin')}\n`);
    await chmod(pgConfig, 0o755);
    await expect(findPostgresBinaries({ pgConfig, versionsRoot: empty })).rejects.toThrow(/apt-get install postgresql/);
  });
});

/** The password field of the passfile's one line (`host:port:database:user:password`). */
function passwordFrom(passfile: string): string {
  return readFileSync(passfile, 'utf8').trim().split(':').slice(4).join(':');
}
