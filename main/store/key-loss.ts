/**
 * A lost data key must stop the app, not start it afresh (architecture §7): without `data.key` /
 * `data-key.safe`, openDataProtection cannot tell a first start from a deleted key file and would create a new
 * key — every stored Secret, list and receipt would then be unreadable, and new data would be mixed with
 * orphaned old data. So before a key is created, an existing database is checked for encrypted values.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DataProtectionError, KEY_FILE_NAME, WRAPPED_KEY_FILE_NAME } from './data-protection';

/** The `v1:` prefix of AesGcmCipher values; checked in the columns that every encrypting version writes. */
const CIPHERTEXT_PROBES = [
  `SELECT 1 FROM cases WHERE secret_enc LIKE 'v1:%' OR summary_enc LIKE 'v1:%' LIMIT 1`,
  `SELECT 1 FROM drafts WHERE entries_enc LIKE 'v1:%' LIMIT 1`,
  // secret settings are stored as the JSON string of the ciphertext
  `SELECT 1 FROM settings WHERE value LIKE '"v1:%' LIMIT 1`,
  `SELECT 1 FROM pending_operations WHERE payload_enc LIKE 'v1:%' LIMIT 1`,
];

export function assertDataKeyNotLost(options: { dataDir: string; dbFile: string; nativeBinding?: string }): void {
  const hasKey = existsSync(join(options.dataDir, KEY_FILE_NAME)) || existsSync(join(options.dataDir, WRAPPED_KEY_FILE_NAME));
  if (hasKey || !existsSync(options.dbFile)) return;
  const db = new Database(options.dbFile, { readonly: true, fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  try {
    const encrypted = CIPHERTEXT_PROBES.some((sql) => {
      try {
        return db.prepare(sql).get() !== undefined;
      } catch {
        return false; // table not there (older schema): nothing encrypted in it
      }
    });
    if (encrypted) {
      throw new DataProtectionError(
        'key-unreadable',
        `Der Schlüssel der verschlüsselten Daten fehlt (${KEY_FILE_NAME} bzw. ${WRAPPED_KEY_FILE_NAME} im Datenordner). Ohne ihn sind die gespeicherten Rezepte nicht lesbar; die App startet nicht, damit kein neuer Schlüssel die Daten unbrauchbar macht. Bitte die Schlüsseldatei aus der Datensicherung zurückspielen oder den Support informieren.`,
      );
    }
  } finally {
    db.close();
  }
}
