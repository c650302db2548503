/**
 * Settings that belong to one workplace, not to the pharmacy (issue 18 item 1, docs/multi-counter.md §2): the
 * counter's name, who is signed in at it, its network timeouts, its Konnektor workplace and client certificate.
 * With a shared store they stay in `<data dir>/local-settings.json` (0600); everything else — staff list, pharmacy,
 * retention — lives in the store and is the same at every counter.
 *
 * The file is small and read once; every write replaces it atomically (temporary file, fsync, rename), so a crash
 * leaves the old or the new settings, never half of them. Secret values go through the Cipher like the store's.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Cipher } from './cipher';
import type { SettingsStore } from './repositories';

/** The keys kept per workplace (the rest are the pharmacy's). */
export const LOCAL_SETTING_KEYS: ReadonlySet<string> = new Set(['counterId', 'counterName', 'currentStaff', 'network', 'tiSettings', 'tiSecrets']);

export class LocalSettingsFile implements SettingsStore {
  private values: Record<string, unknown>;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly cipher: Cipher,
  ) {
    this.values = existsSync(file) ? readValues(file) : {};
  }

  get(key: string): unknown {
    return this.values[key];
  }

  getSecret(key: string): unknown {
    const stored = this.values[key];
    return typeof stored === 'string' ? (JSON.parse(this.cipher.decrypt(stored)) as unknown) : undefined;
  }

  set(key: string, value: unknown): Promise<void> {
    this.values = { ...this.values, [key]: value };
    const snapshot = JSON.stringify(this.values, null, 2);
    // one write after the other, each with the newest values
    // (a failed earlier write does not stop this one; its caller got the error)
    const write = this.writing.catch(() => undefined).then(() => writeAtomically(this.file, snapshot));
    this.writing = write;
    return write;
  }

  setSecret(key: string, value: unknown): Promise<void> {
    return this.set(key, this.cipher.encrypt(JSON.stringify(value)));
  }
}

/** Local keys from the workplace's file, the others from the store. */
export function splitSettings(local: SettingsStore, shared: SettingsStore, localKeys: ReadonlySet<string> = LOCAL_SETTING_KEYS): SettingsStore {
  const pick = (key: string): SettingsStore => (localKeys.has(key) ? local : shared);
  return {
    get: (key) => pick(key).get(key),
    getSecret: (key) => pick(key).getSecret(key),
    set: (key, value) => pick(key).set(key, value),
    setSecret: (key, value) => pick(key).setSecret(key, value),
  };
}

function readValues(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`Die Einstellungen dieses Arbeitsplatzes (${file}) sind nicht lesbar. Bitte die Datei prüfen oder entfernen; die Einstellungen der Apotheke bleiben in der Datenbank.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Die Einstellungen dieses Arbeitsplatzes (${file}) haben ein unbekanntes Format.`);
  }
  return parsed as Record<string, unknown>;
}

function writeAtomically(file: string, content: string): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
