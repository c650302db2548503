/**
 * The shared store over TLS against a real server (docs/multi-counter.md §2, issue 18 item 1): a store URL with
 * `sslmode=verify-full&sslrootcert=<CA>` goes through parseStoreUrl → postgresConnection → openPostgresStore and
 * reaches a server that speaks TLS only. The server's certificate names `localhost` only, so the same server also
 * shows the refusals verify-full promises: a CA that did not issue it, a name it was not made for (127.0.0.1), and
 * plain TCP (the server's pg_hba admits `hostssl` only).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AesGcmCipher } from '../../main/store/aes-gcm-cipher';
import { clientConfig } from '../../main/store/postgres/client-config';
import { openPostgresStore, type PostgresStore } from '../../main/store/postgres/open';
import { parseStoreUrl, postgresConnection, type PostgresLocation } from '../../main/store/store-location';
import { createCertificateAuthority, startPostgresCluster, type TlsPostgresCluster } from './support/postgres-cluster';

const KEY = randomBytes(32);
const HMAC_KEY = Buffer.alloc(32, 7);

describe('the shared store over TLS (sslmode=verify-full)', () => {
  let cluster: TlsPostgresCluster;
  let admin: pg.Client;
  let otherCaDir: string;
  let database: string;
  let databases = 0;
  const opened: PostgresStore[] = [];

  beforeAll(async () => {
    cluster = await startPostgresCluster({ tls: { names: ['localhost'] } });
    admin = new pg.Client(cluster.superuserConfig('postgres'));
    await admin.connect();
    otherCaDir = await mkdtemp(join(tmpdir(), 'erx-other-ca-'));
  });

  beforeEach(async () => {
    // a fresh, empty database per test: a refused store must leave its database untouched (nothing migrated)
    database = `store_tls_${++databases}`;
    await admin.query(`CREATE DATABASE ${database}`);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  afterAll(async () => {
    await admin?.end();
    await cluster?.stop();
    if (otherCaDir !== undefined) await rm(otherCaDir, { recursive: true, force: true });
  });

  /** parseStoreUrl must accept the URL; the location it answers. */
  function location(host: string, query: string): PostgresLocation {
    const parsed = parseStoreUrl(`postgres://${cluster.user}@${host}:${cluster.port}/${database}?${query}`);
    if (!parsed.ok) throw new Error(`parseStoreUrl refused: ${parsed.problem.en}`);
    return parsed.location;
  }

  /** The store as the app opens it: the password from the 0600 passfile, the CA from the URL's sslrootcert. */
  async function open(at: PostgresLocation): Promise<PostgresStore> {
    const connection = postgresConnection(at, { env: { PGPASSFILE: cluster.passfile } });
    const store = await openPostgresStore({ connection, cipher: new AesGcmCipher(KEY), hmacKey: HMAC_KEY });
    opened.push(store);
    return store;
  }

  /** The tables of the test's database, read by the superuser: none while no store got in. */
  async function tablesOfDatabase(): Promise<number> {
    const client = new pg.Client(cluster.superuserConfig(database));
    await client.connect();
    try {
      const result = await client.query<{ count: string }>(`SELECT count(*) AS count FROM information_schema.tables WHERE table_schema = 'public'`);
      return Number(result.rows[0]?.count);
    } finally {
      await client.end();
    }
  }

  it('connects by the certificate name with the cluster CA: writes and reads a record, and the server reports the sessions as TLS', async () => {
    const at = location('localhost', `sslmode=verify-full&sslrootcert=${encodeURIComponent(cluster.caFile)}`);
    expect(at.tls).toEqual({ caFile: cluster.caFile });

    const writer = await open(at);
    await writer.settings.setSecret('tlsProbe', { pharmacy: 'Apotheke am Markt' });
    // a second counter on the same store reads what the first wrote
    const reader = await open(at);
    expect(reader.settings.getSecret('tlsProbe')).toEqual({ pharmacy: 'Apotheke am Markt' });

    // the store's own pooled sessions, as the server sees them
    const storeSessions = await admin.query<{ ssl: boolean }>(
      `SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = $1 AND a.application_name = 'erx-counter store'`,
      [database],
    );
    expect(storeSessions.rows.length).toBeGreaterThan(0);
    expect(storeSessions.rows.every((row) => row.ssl)).toBe(true);

    // and a session with the app's client settings asks the server about itself
    const client = new pg.Client(clientConfig(postgresConnection(at, { env: { PGPASSFILE: cluster.passfile } }), 'tls-test'));
    await client.connect();
    try {
      const own = await client.query<{ ssl: boolean; version: string }>('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(own.rows[0]?.ssl).toBe(true);
      expect(own.rows[0]?.version).toMatch(/^TLSv1\.[23]$/);
    } finally {
      await client.end();
    }
  });

  it('refuses a server whose certificate another CA issued: nothing is opened', async () => {
    const other = await createCertificateAuthority(otherCaDir, 'another CA');
    const at = location('localhost', `sslmode=verify-full&sslrootcert=${encodeURIComponent(other.certFile)}`);
    // the server sends its leaf certificate only; its issuer is not the trusted CA
    await expect(open(at)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(await tablesOfDatabase()).toBe(0);
  });

  it('refuses the right server reached by a name its certificate does not hold (127.0.0.1, certificate for localhost only)', async () => {
    const at = location(cluster.host, `sslmode=verify-full&sslrootcert=${encodeURIComponent(cluster.caFile)}`);
    // node-postgres sends no SNI for an IP address (RFC 6066 §3) and Node checks the address against the IP entries
    const connection = postgresConnection(at, { env: { PGPASSFILE: cluster.passfile } });
    expect(connection.ssl?.servername).toBeUndefined();
    await expect(open(at)).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: expect.stringMatching(/IP: 127\.0\.0\.1 is not in the cert's list/) });
    expect(await tablesOfDatabase()).toBe(0);
  });

  it('plain TCP on loopback (sslmode=disable) is refused by the server itself (pg_hba hostssl only)', async () => {
    const at = location('localhost', 'sslmode=disable');
    expect(at.tls).toBeUndefined();
    // 28000 invalid_authorization_specification: no pg_hba line admits an unencrypted session
    await expect(open(at)).rejects.toMatchObject({ code: '28000', message: expect.stringMatching(/no pg_hba\.conf entry.*no encryption/) });
    expect(await tablesOfDatabase()).toBe(0);
  });
});

describe('a TLS cluster with the default certificate (localhost and 127.0.0.1)', () => {
  let cluster: TlsPostgresCluster;
  const opened: PostgresStore[] = [];

  beforeAll(async () => {
    cluster = await startPostgresCluster({ tls: true });
  });

  afterAll(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await cluster?.stop();
  });

  it('is reached with verify-full by its IP address too: node-postgres checks the address against the IP entries', async () => {
    expect(cluster.certificateNames).toEqual(['localhost', '127.0.0.1']);
    const parsed = parseStoreUrl(`${cluster.connectionString}?sslmode=verify-full&sslrootcert=${encodeURIComponent(cluster.caFile)}`);
    if (!parsed.ok) throw new Error(`parseStoreUrl refused: ${parsed.problem.en}`);
    const connection = postgresConnection(parsed.location, { env: { PGPASSFILE: cluster.passfile } });
    const store = await openPostgresStore({ connection, cipher: new AesGcmCipher(KEY), hmacKey: HMAC_KEY });
    opened.push(store);
    await store.settings.set('tlsProbe', 'ok');
    expect(store.settings.get('tlsProbe')).toBe('ok');
  });
});
