/** Key/value settings as JSON; values that are secret (e.g. demo tokens with AccessCodes) go through the Cipher. */
import type { Database } from 'better-sqlite3';
import type { Cipher } from './cipher';

export class SettingsRepository {
  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
  ) {}

  get(key: string): unknown {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }

  getSecret(key: string): unknown {
    const stored = this.get(key);
    return typeof stored === 'string' ? (JSON.parse(this.cipher.decrypt(stored)) as unknown) : undefined;
  }

  setSecret(key: string, value: unknown): void {
    this.set(key, this.cipher.encrypt(JSON.stringify(value)));
  }
}
