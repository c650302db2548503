/**
 * Explicit, numbered schema migrations (architecture §7). A migration is never edited once released;
 * changes come as a new number. Columns holding personal data or credentials hold Cipher output
 * (suffix `_enc`); ids, status, flow type and dates stay plain for lists.
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'cases, drafts, submissions, receipts, audit, settings',
    sql: `
      CREATE TABLE cases (
        prescription_id     TEXT PRIMARY KEY,
        flow_type           TEXT NOT NULL,
        status              TEXT NOT NULL,
        accepted_at         TEXT NOT NULL,
        accepted_by         TEXT NOT NULL,
        accept_date         TEXT,
        expiry_date         TEXT,
        last_dispense_at    TEXT,
        closed_at           TEXT,
        updated_at          TEXT NOT NULL,
        kvnr_hmac           TEXT,
        summary_enc         TEXT,
        access_code_enc     TEXT,
        secret_enc          TEXT,
        qes_enc             TEXT,
        prescription_enc    TEXT,
        prescription_xml_enc TEXT,
        prescription_error  TEXT
      );
      CREATE INDEX cases_status ON cases (status, accepted_at);
      CREATE INDEX cases_kvnr ON cases (kvnr_hmac);

      CREATE TABLE drafts (
        prescription_id TEXT PRIMARY KEY REFERENCES cases (prescription_id) ON DELETE CASCADE,
        entries_enc     TEXT NOT NULL,
        saved_at        TEXT NOT NULL,
        staff           TEXT NOT NULL
      );

      CREATE TABLE submissions (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        prescription_id TEXT NOT NULL REFERENCES cases (prescription_id) ON DELETE CASCADE,
        operation       TEXT NOT NULL CHECK (operation IN ('dispense', 'close')),
        state           TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'failed')),
        staff           TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        completed_at    TEXT,
        entries_enc     TEXT NOT NULL,
        with_body       INTEGER NOT NULL DEFAULT 1,
        http_status     INTEGER,
        error_message   TEXT
      );
      CREATE INDEX submissions_case ON submissions (prescription_id, id);

      CREATE TABLE receipts (
        prescription_id      TEXT PRIMARY KEY REFERENCES cases (prescription_id) ON DELETE CASCADE,
        bundle_id            TEXT NOT NULL,
        completed_at         TEXT NOT NULL,
        pharmacy_telematik_id TEXT NOT NULL,
        signature_present    INTEGER NOT NULL,
        received_at          TEXT NOT NULL,
        staff                TEXT NOT NULL,
        bundle_enc           TEXT NOT NULL
      );

      CREATE TABLE audit (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        at              TEXT NOT NULL,
        staff           TEXT NOT NULL,
        operation       TEXT NOT NULL,
        prescription_id TEXT,
        result          TEXT NOT NULL,
        http_status     INTEGER
      );
      CREATE INDEX audit_case ON audit (prescription_id, id);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'case progress: confirmed list, handover date, unsent changes, end of the case',
    // Plain columns: times, a German date, a flag and a staff Kürzel are no personal data of the patient; the
    // inbox reads them for 10,000 cases without decrypting anything (architecture §7).
    sql: `
      ALTER TABLE cases ADD COLUMN last_confirmed_at TEXT;
      ALTER TABLE cases ADD COLUMN last_handover_date TEXT;
      ALTER TABLE cases ADD COLUMN unsent_changes INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE cases ADD COLUMN ended_at TEXT;
      ALTER TABLE cases ADD COLUMN ended_by TEXT;
    `,
  },
  {
    version: 3,
    name: 'audit entries hash-chained',
    // Each entry carries SHA-256 over the previous entry's hash and its own fields (architecture §7), so an
    // edited, deleted or inserted entry breaks the chain. Entries written before this migration have no hash
    // and are reported as unchained by AuditRepository.verify().
    sql: `
      ALTER TABLE audit ADD COLUMN hash TEXT;
    `,
  },
  {
    version: 4,
    name: 'operations owed to the Fachdienst: lost answers, outage queue, 429 queue',
    // docs/reliability.md, "Before every call": a row is written BEFORE a call whose answer may get lost ($accept)
    // and whenever an operation has to wait (offline, 429). No case row exists before $accept succeeds, so the
    // AccessCode the reconciliation needs (GET ?ac) lives encrypted in payload_enc; for $dispense/$close it holds the
    // list. Rows stay after completion (state done/failed/cancelled with a German message): the pharmacist sees what
    // the app did on its own.
    sql: `
      CREATE TABLE pending_operations (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        prescription_id TEXT NOT NULL,
        operation       TEXT NOT NULL CHECK (operation IN ('accept', 'dispense', 'close')),
        reason          TEXT NOT NULL CHECK (reason IN ('outcome-unknown', 'offline', 'rate-limited')),
        state           TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
        staff           TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        not_before      TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        payload_enc     TEXT,
        submission_id   INTEGER REFERENCES submissions (id),
        completed_at    TEXT,
        message         TEXT
      );
      CREATE INDEX pending_operations_state ON pending_operations (state, id);
      CREATE INDEX pending_operations_case ON pending_operations (prescription_id, id);
    `,
  },
  {
    version: 5,
    name: 'inbox newest first from an index',
    // docs/performance.md, inbox-10k: the inbox pages through 10,000 cases newest first (`ORDER BY accepted_at DESC,
    // prescription_id LIMIT n`); this index hands SQLite the order, so the first page reads ~200 rows instead of
    // sorting all.
    sql: `
      CREATE INDEX cases_newest ON cases (accepted_at DESC, prescription_id);
    `,
  },
  {
    version: 6,
    name: 'owed $reject and $abort',
    // docs/reliability.md: a $reject/$abort whose answer does not prove the outcome (5xx, timeout) is journaled like
    // the other operations and reconciled with GET ?secret. SQLite cannot change a CHECK constraint in place, so the
    // table is rebuilt with the same columns and rows (ids kept).
    sql: `
      CREATE TABLE pending_operations_v6 (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        prescription_id TEXT NOT NULL,
        operation       TEXT NOT NULL CHECK (operation IN ('accept', 'dispense', 'close', 'reject', 'abort')),
        reason          TEXT NOT NULL CHECK (reason IN ('outcome-unknown', 'offline', 'rate-limited')),
        state           TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
        staff           TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        not_before      TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        payload_enc     TEXT,
        submission_id   INTEGER REFERENCES submissions (id),
        completed_at    TEXT,
        message         TEXT
      );
      INSERT INTO pending_operations_v6 (id, prescription_id, operation, reason, state, staff, created_at, not_before,
                                         attempts, payload_enc, submission_id, completed_at, message)
        SELECT id, prescription_id, operation, reason, state, staff, created_at, not_before,
               attempts, payload_enc, submission_id, completed_at, message FROM pending_operations;
      DROP TABLE pending_operations;
      ALTER TABLE pending_operations_v6 RENAME TO pending_operations;
      CREATE INDEX pending_operations_state ON pending_operations (state, id);
      CREATE INDEX pending_operations_case ON pending_operations (prescription_id, id);
    `,
  },
  {
    version: 7,
    name: 'messages with the patients (Communication)',
    // spec erezept-pharmacy §3.11, messages.ts: the content (names, addresses, phone, texts, KVNR, AccessCode) only
    // encrypted; an erased message keeps its row without content so a later fetch does not bring it back as new.
    sql: `
      CREATE TABLE messages (
        communication_id TEXT PRIMARY KEY,
        kind             TEXT NOT NULL CHECK (kind IN ('dispreq', 'reply')),
        prescription_id  TEXT NOT NULL,
        sent_at          TEXT NOT NULL,
        stored_at        TEXT NOT NULL,
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
    version: 8,
    name: 'article master',
    // docs/article-master.md, articles.ts: the imported article master (no personal data, so plain). The PZN is the
    // key (lookups, and the PZN prefix search as a range on it); the folded texts serve the search; `article` is the
    // Article as JSON. One row of article_master says what was imported, when and by whom.
    sql: `
      CREATE TABLE articles (
        pzn         TEXT PRIMARY KEY,
        name_folded TEXT NOT NULL,
        search_text TEXT NOT NULL,
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

export class SchemaTooNewError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(`Die Datenbank stammt von einer neueren Programmversion (Schema ${found}, bekannt bis ${known}).`);
    this.name = 'SchemaTooNewError';
  }
}

/** Applies every migration not yet recorded, each in its own transaction; running it again changes nothing. */
export function migrate(db: Database, now: () => Date, list: readonly Migration[] = migrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((r) => r.version),
  );
  const known = Math.max(0, ...list.map((m) => m.version));
  const newest = Math.max(0, ...applied);
  // A database written by a newer app must not be "repaired" by an older one.
  if (newest > known) throw new SchemaTooNewError(newest, known);

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now().toISOString());
    })();
    done.push(migration.version);
  }
  return done;
}
