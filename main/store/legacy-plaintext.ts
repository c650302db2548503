/**
 * Versions before the data key stored every `*_enc` column and the secret settings through IdentityCipher, i.e.
 * as plaintext (architecture §7). The first time such a database is opened with a real Cipher,
 * every value that is not yet ciphertext is encrypted — in one transaction, so a crash leaves either the old or
 * the fully encrypted database — and the file is rebuilt (VACUUM), because SQLite keeps old row contents in free
 * pages: names and Secrets of earlier drafts or of cases erased after $reject/$abort (A_19251) would otherwise
 * stay readable in the file.
 *
 * The columns come from the schema (every column ending `_enc`), so a column added by a later migration is
 * covered too. The pass runs once per database (a marker in `settings`): afterwards every value is written
 * through the Cipher, and a full scan of all encrypted data on each start would cost seconds on a large store.
 */
import type { Database } from 'better-sqlite3';
import type { CiphertextAwareCipher } from './cipher';

/**
 * settings.value is JSON read without the Cipher, except the keys written with SettingsRepository.setSecret,
 * which hold a JSON string of Cipher output. Encrypting a plain setting would break it, so only these are
 * re-encrypted. The list is historical and closed: it names what versions with IdentityCipher wrote via
 * setSecret (the demo tokens, which carry AccessCodes — main/services/demo-prescriptions.ts); settings added
 * later are encrypted from the start.
 */
export const LEGACY_SECRET_SETTING_KEYS: readonly string[] = ['demo.seededTokens'];

/** settings key recording that the one-time pass has run on this database */
export const PLAINTEXT_ENCRYPTED_MARKER = 'store.legacyPlaintextEncrypted';

export interface EncryptedColumn {
  table: string;
  column: string;
}

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Every column of the current schema that holds Cipher output (suffix `_enc`, migrations.ts). */
export function encryptedColumns(db: Database): EncryptedColumn[] {
  const tables = db
    .prepare<[], { name: string; wr: number }>(
      `SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
    )
    .all();
  const columns: EncryptedColumn[] = [];
  for (const table of tables) {
    const names = db
      .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid')
      .all(table.name)
      .map((c) => c.name)
      .filter((name) => name.endsWith('_enc'));
    // The pass addresses rows by rowid; a WITHOUT ROWID table with personal data needs this module extended.
    if (names.length > 0 && table.wr) throw new Error(`Tabelle ${table.name} ohne rowid: Verschlüsselung nicht möglich`);
    columns.push(...names.map((column) => ({ table: table.name, column })));
  }
  return columns;
}

/**
 * Encrypts the plaintext an earlier version left in the database; returns how many values changed. Runs once
 * per database: later calls return 0 without reading anything.
 */
export function encryptLegacyPlaintext(db: Database, cipher: CiphertextAwareCipher): number {
  if (markerPresent(db)) return 0;
  const changed = db.transaction(() => encryptColumns(db, cipher) + encryptSecretSettings(db, cipher))();
  // The replaced plaintext (and what the old version left in free pages) goes with the rebuild; TRUNCATE then
  // empties the WAL file, which still holds page images from before the VACUUM.
  db.exec('VACUUM');
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    PLAINTEXT_ENCRYPTED_MARKER,
    JSON.stringify(true),
  );
  db.pragma('wal_checkpoint(TRUNCATE)');
  return changed;
}

function markerPresent(db: Database): boolean {
  return db.prepare('SELECT 1 FROM settings WHERE key = ?').get(PLAINTEXT_ENCRYPTED_MARKER) !== undefined;
}

function encryptColumns(db: Database, cipher: CiphertextAwareCipher): number {
  let changed = 0;
  for (const { table, column } of encryptedColumns(db)) {
    const t = quoteIdentifier(table);
    const c = quoteIdentifier(column);
    // Row ids first, then one value at a time: a store with thousands of QES and prescriptions does not have
    // to fit in memory at once.
    const ids = db.prepare<[], { id: number }>(`SELECT rowid AS id FROM ${t} WHERE ${c} IS NOT NULL ORDER BY rowid`).all();
    const read = db.prepare<[number], { value: unknown }>(`SELECT ${c} AS value FROM ${t} WHERE rowid = ?`);
    const write = db.prepare(`UPDATE ${t} SET ${c} = ? WHERE rowid = ?`);
    for (const { id } of ids) {
      const value = read.get(id)?.value;
      if (typeof value !== 'string' || cipher.isCiphertext(value)) continue;
      write.run(cipher.encrypt(value), id);
      changed++;
    }
  }
  return changed;
}

function encryptSecretSettings(db: Database, cipher: CiphertextAwareCipher): number {
  const read = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const write = db.prepare('UPDATE settings SET value = ? WHERE key = ?');
  let changed = 0;
  for (const key of LEGACY_SECRET_SETTING_KEYS) {
    const row = read.get(key);
    if (!row) continue;
    let stored: unknown;
    try {
      stored = JSON.parse(row.value);
    } catch {
      continue; // not written by SettingsRepository; left as it is
    }
    if (typeof stored !== 'string' || cipher.isCiphertext(stored)) continue;
    write.run(JSON.stringify(cipher.encrypt(stored)), key);
    changed++;
  }
  return changed;
}
