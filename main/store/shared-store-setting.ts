/**
 * The Electron app's way to a shared store (issue 18 item 1: „chosen by `--store …` (browser mode) or a local
 * setting (Electron)“): the pharmacy's IT writes `<data dir>/shared-store.json` on each counter —
 * `{ "store": "postgres://erx@db.apotheke.lan:5432/erx?sslmode=verify-full&sslrootcert=/etc/erx/ca.pem",
 *    "enrolPassphraseFile": "/etc/erx/enrol-passphrase" }` — and the app reads it before anything else. No file: the
 * counter keeps its own SQLite store. The same rules as `--store` (store-location.ts): no password in the URL, TLS
 * verify-full off loopback; a bad file stops the start with a German message instead of silently falling back to a
 * local store (which would split the pharmacy's data).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { parseStoreUrl, type PostgresLocation, type StoreEnvironment } from './store-location';

export const SHARED_STORE_SETTING_FILE = 'shared-store.json';

const settingSchema = z
  .object({
    store: z.string().min(1).max(2000),
    enrolPassphraseFile: z.string().min(1).max(4096).optional(),
    /** the one-time code an enrolled counter showed; IT removes it again after the first start (it is used up) */
    enrolCode: z.string().min(1).max(200).optional(),
  })
  .strict();

export interface SharedStoreSetting {
  store: PostgresLocation;
  enrolPassphraseFile?: string;
  enrolCode?: string;
}

/** undefined: no file, the counter's own store. Throws (German) when the file is there but not usable. */
export function readSharedStoreSetting(dataDir: string, environment: StoreEnvironment = {}): SharedStoreSetting | undefined {
  const file = join(dataDir, SHARED_STORE_SETTING_FILE);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`Die Einstellung der gemeinsamen Datenbank (${file}) ist kein gültiges JSON. Bitte die Datei prüfen (README „Mehrere Kassen“).`);
  }
  const setting = settingSchema.safeParse(parsed);
  if (!setting.success) {
    throw new Error(`Die Einstellung der gemeinsamen Datenbank (${file}) braucht „store“ (postgres://…) und darf nur noch „enrolPassphraseFile“ und „enrolCode“ enthalten.`);
  }
  const location = parseStoreUrl(setting.data.store, environment);
  if (!location.ok) throw new Error(`${file}: ${location.problem.de}`);
  const passphrase = setting.data.enrolPassphraseFile;
  if (passphrase !== undefined && !isAbsolute(passphrase)) {
    throw new Error(`${file}: „enrolPassphraseFile“ muss ein absoluter Pfad sein.`);
  }
  const code = setting.data.enrolCode;
  return { store: location.location, ...(passphrase !== undefined ? { enrolPassphraseFile: passphrase } : {}), ...(code !== undefined ? { enrolCode: code } : {}) };
}
