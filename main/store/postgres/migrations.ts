/**
 * Numbered schema migrations of the PostgreSQL store (docs/multi-counter.md §1), versioned in its own
 * `schema_migrations` like the SQLite ones (../migrations.ts). Version 1 is the logical schema SQLite reaches with
 * its migrations 1–7, so both engines hold the same records; later changes come as new numbers, in both engines.
 *
 * Type choices keep every record the repositories return identical to the SQLite engine's:
 * - times and dates stay TEXT (ISO strings): the repositories compare and sort them as strings, as SQLite does;
 * - columns that are sorted or compared by range are `COLLATE "C"` — byte order like SQLite's BINARY collation,
 *   whatever the database's default locale (a de_DE collation would sort `160.…` ids and times differently);
 * - ids are BIGINT identities (node-postgres answers BIGINT as a string; the repositories convert with Number);
 * - flags are BOOLEAN (SQLite stores 0/1, the records carry booleans either way).
 */
import type { PoolClient } from 'pg';
import { SchemaTooNewError, type Migration } from '../migrations';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'cases, drafts, submissions, receipts, audit, settings, owed operations, messages (SQLite 1–7)',
    sql: `
      CREATE TABLE cases (
        prescription_id      TEXT COLLATE "C" PRIMARY KEY,
        flow_type            TEXT NOT NULL,
        status               TEXT NOT NULL,
        accepted_at          TEXT COLLATE "C" NOT NULL,
        accepted_by          TEXT NOT NULL,
        accept_date          TEXT,
        expiry_date          TEXT,
        last_dispense_at     TEXT,
        closed_at            TEXT,
        updated_at           TEXT NOT NULL,
        kvnr_hmac            TEXT,
        summary_enc          TEXT,
        access_code_enc      TEXT,
        secret_enc           TEXT,
        qes_enc              TEXT,
        prescription_enc     TEXT,
        prescription_xml_enc TEXT,
        prescription_error   TEXT,
        last_confirmed_at    TEXT,
        last_handover_date   TEXT,
        unsent_changes       BOOLEAN NOT NULL DEFAULT FALSE,
        ended_at             TEXT,
        ended_by             TEXT
      );
      CREATE INDEX cases_status ON cases (status, accepted_at);
      CREATE INDEX cases_kvnr ON cases (kvnr_hmac);
      CREATE INDEX cases_newest ON cases (accepted_at DESC, prescription_id);

      CREATE TABLE drafts (
        prescription_id TEXT COLLATE "C" PRIMARY KEY REFERENCES cases (prescription_id) ON DELETE CASCADE,
        entries_enc     TEXT NOT NULL,
        saved_at        TEXT NOT NULL,
        staff           TEXT NOT NULL
      );

      CREATE TABLE submissions (
        id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        prescription_id TEXT COLLATE "C" NOT NULL REFERENCES cases (prescription_id) ON DELETE CASCADE,
        operation       TEXT NOT NULL CHECK (operation IN ('dispense', 'close')),
        state           TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'failed')),
        staff           TEXT NOT NULL,
        created_at      TEXT COLLATE "C" NOT NULL,
        completed_at    TEXT,
        entries_enc     TEXT NOT NULL,
        with_body       BOOLEAN NOT NULL DEFAULT TRUE,
        http_status     INTEGER,
        error_message   TEXT
      );
      CREATE INDEX submissions_case ON submissions (prescription_id, id);

      CREATE TABLE receipts (
        prescription_id       TEXT COLLATE "C" PRIMARY KEY REFERENCES cases (prescription_id) ON DELETE CASCADE,
        bundle_id             TEXT NOT NULL,
        completed_at          TEXT NOT NULL,
        pharmacy_telematik_id TEXT NOT NULL,
        signature_present     BOOLEAN NOT NULL,
        received_at           TEXT NOT NULL,
        staff                 TEXT NOT NULL,
        bundle_enc            TEXT NOT NULL
      );

      CREATE TABLE audit (
        id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at              TEXT NOT NULL,
        staff           TEXT NOT NULL,
        operation       TEXT NOT NULL,
        prescription_id TEXT COLLATE "C",
        result          TEXT NOT NULL,
        http_status     INTEGER,
        hash            TEXT
      );
      CREATE INDEX audit_case ON audit (prescription_id, id);

      CREATE TABLE settings (
        key   TEXT COLLATE "C" PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- no foreign key to cases: an owed $accept is written before its case exists (docs/reliability.md)
      CREATE TABLE pending_operations (
        id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        prescription_id TEXT COLLATE "C" NOT NULL,
        operation       TEXT NOT NULL CHECK (operation IN ('accept', 'dispense', 'close', 'reject', 'abort')),
        reason          TEXT NOT NULL CHECK (reason IN ('outcome-unknown', 'offline', 'rate-limited')),
        state           TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
        staff           TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        not_before      TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        payload_enc     TEXT,
        submission_id   BIGINT REFERENCES submissions (id),
        completed_at    TEXT,
        message         TEXT
      );
      CREATE INDEX pending_operations_state ON pending_operations (state, id);
      CREATE INDEX pending_operations_case ON pending_operations (prescription_id, id);

      -- no foreign key to cases: a Zuweisung arrives before its case exists (spec §3.11)
      CREATE TABLE messages (
        communication_id TEXT COLLATE "C" PRIMARY KEY,
        kind             TEXT NOT NULL CHECK (kind IN ('dispreq', 'reply')),
        prescription_id  TEXT COLLATE "C" NOT NULL,
        sent_at          TEXT COLLATE "C" NOT NULL,
        stored_at        TEXT COLLATE "C" NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('new', 'accepted', 'dismissed', 'sent', 'deleted', 'erased')),
        handled_at       TEXT,
        handled_by       TEXT,
        content_enc      TEXT
      );
      CREATE INDEX messages_requests ON messages (kind, state, sent_at);
      CREATE INDEX messages_prescription ON messages (prescription_id, sent_at);
    `,
  },
  {
    version: 2,
    name: 'case leases (one owner per case) and the pharmacy keys wrapped for enrolment (§4, §5)',
    // Only the shared store has these: leases and enrolment make no sense for a single counter's SQLite file.
    // Lease times are the server's (timestamptz, compared with clock_timestamp()), not the counters' ISO texts.
    sql: `
      -- the holder (NULL: nobody holds the case) and, apart from it, who is sending right now (the background
      -- owner may send for a case another counter holds)
      CREATE TABLE case_leases (
        prescription_id   TEXT PRIMARY KEY,
        counter_id        TEXT,
        counter_name      TEXT,
        staff             TEXT,
        taken_at          TIMESTAMPTZ,
        expires_at        TIMESTAMPTZ,
        busy_counter_id   TEXT,
        busy_counter_name TEXT,
        busy_staff        TEXT,
        busy_until        TIMESTAMPTZ
      );
      CREATE TABLE pharmacy_keys (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        wrap            JSONB NOT NULL,
        data_key_check  TEXT NOT NULL,
        kvnr_key_check  TEXT NOT NULL,
        created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
      );
      -- the pharmacy keys wrapped under one-time codes an enrolled counter showed; deleted when used or expired
      CREATE TABLE enrolment_codes (
        id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        wrap       JSONB NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'article master (SQLite 8)',
    // docs/article-master.md, articles.ts: the columns of SQLite's migration 8. Sorted and compared columns in byte
    // order (COLLATE "C"): the PZN prefix range and the search's order are then the same as SQLite's.
    sql: `
      CREATE TABLE articles (
        pzn         TEXT COLLATE "C" PRIMARY KEY,
        name_folded TEXT COLLATE "C" NOT NULL,
        search_text TEXT COLLATE "C" NOT NULL,
        article     TEXT NOT NULL
      );
      CREATE TABLE article_master (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        source        TEXT,
        as_of         TEXT,
        article_count INTEGER NOT NULL,
        imported_at   TEXT NOT NULL,
        imported_by   TEXT NOT NULL,
        file_name     TEXT
      );
    `,
  },
];

/**
 * Key of the transaction-level advisory lock the migrations run under, so two counters starting at once do not
 * both create the schema (the bytes of "erxmigr1"; any constant unique among the store's advisory locks).
 */
const MIGRATION_LOCK_KEY = '7310037556490891825';

/**
 * Applies every migration not yet recorded, all in one transaction under the advisory lock (PostgreSQL's DDL is
 * transactional: a failed migration leaves the schema as it was); running it again changes nothing. Refuses a
 * schema newer than the app knows with the same German message as SQLite's migrate.
 */
export async function migratePostgres(client: PoolClient, now: () => Date, list: readonly Migration[] = postgresMigrations): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    // after the lock: a second counter waits here until the first one's schema is committed
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const rows = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.rows.map((r) => r.version));
    const known = Math.max(0, ...list.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    // A database written by a newer app must not be "repaired" by an older one.
    if (newest > known) throw new SchemaTooNewError(newest, known);

    const done: number[] = [];
    for (const migration of [...list].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now().toISOString(),
      ]);
      done.push(migration.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (error) {
    // the caller discards a client whose ROLLBACK failed (open.ts); the migration's error is the one to report
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
