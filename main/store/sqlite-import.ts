/**
 * Moving one counter's own SQLite store into the pharmacy's shared store (issue 18 item 1, docs/multi-counter.md §2):
 * a one-time import in ONE unit of work of the target — every case (Secret, AccessCode, QES, prescription, XML, error,
 * status, times), draft, submission, receipt, owed operation, message (tombstones too), the audit trail and the
 * pharmacy's settings, or nothing.
 *
 * - Re-encrypted, never copied: every value is read through the SQLite store's repositories (decrypted with the
 *   counter's own key) and written through the target's (encrypted with the pharmacy key, §5). A separate read-only
 *   handle on the file only enumerates what the repositories cannot list (ids, setting keys) — plain columns.
 * - Submissions and owed operations get new ids in the target, inserted in their old order (so `ORDER BY id` answers
 *   the same); `pending_operations.submission_id` is remapped.
 * - The audit entries are appended through the target's `audit.append` in their order: they are re-chained onto the
 *   pharmacy's one chain (§6), which verifies afterwards. Re-chaining would hide a broken source chain, so the source
 *   is verified first and one closing entry `import-local-store` records the import with result `failed` when it was
 *   broken (the renamed file keeps the original chain for support).
 * - A case whose PrescriptionID the target already holds (another counter's) refuses the whole import.
 * - Settings: this workplace's own keys (LOCAL_SETTING_KEYS) go to its local settings file when the caller gives it
 *   one, the pharmacy's to the target; a key the target or the file already has keeps its value there (another
 *   counter, or an earlier start on the shared store, set it since).
 *
 * At start (`settleLocalStore`, called by counter-store.ts for the shared store): a local `erx.db` with open cases or
 * owed operations refuses the start unless `--import-local-store` asks for the import. After a successful import the
 * file is renamed `erx.db.imported-<time>`, so it is never imported twice and never used again; the key files stay.
 * The commit and the rename cannot be one step: the import writes an id into the SQLite store before it starts and a
 * marker with that id into the target in its unit of work, so a start after a crash in between only renames.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { AuditVerification } from './audit';
import type { CiphertextAwareCipher } from './cipher';
import { PLAINTEXT_ENCRYPTED_MARKER } from './legacy-plaintext';
import { LOCAL_SETTING_KEYS } from './local-settings';
import type { SettingsStore, Store } from './repositories';
import type { SubmissionRecord } from './submissions';

/** The counter's SQLite store to import. */
export interface SqliteSource {
  /** opened with the counter's own key (counter-store.ts, as for the SQLite engine) */
  store: Store;
  /** its file: read through a separate read-only handle for ids and setting keys only */
  file: string;
  /** its Cipher: tells a secret setting (Cipher output, SettingsStore.setSecret) from a plain one */
  cipher: CiphertextAwareCipher;
  /** better-sqlite3 built for Electron (as openStore) */
  nativeBinding?: string;
}

export interface SqliteImportOptions {
  sqlite: SqliteSource;
  /** the shared store (any engine: the import only uses the Store seam) */
  target: Store;
  /** this workplace's settings file (local-settings.ts); absent = the workplace keys stay in the SQLite file */
  localSettings?: SettingsStore;
  now: () => Date;
}

export interface SqliteImportSummary {
  /** recorded in both stores, so a start after a crash before the rename knows the import was committed */
  importId: string;
  cases: number;
  drafts: number;
  receipts: number;
  submissions: number;
  pendingOperations: number;
  messages: number;
  /** Communication ids the target already held (the same Fachdienst message, fetched by another counter): kept there */
  messagesAlreadyShared: string[];
  /** appended to the target's chain, without the closing `import-local-store` entry */
  auditEntries: number;
  /** the counter's own chain before it was re-chained */
  sourceAudit: AuditVerification;
  /** pharmacy settings written to the target */
  settings: string[];
  /** pharmacy settings the target already had: its values stay */
  settingsKept: string[];
  /** workplace settings written to the local settings file */
  localSettings: string[];
  /** workplace settings not taken over (no file given, or the file had them) */
  localSettingsLeft: string[];
}

/** The German refusal when the target already holds some of the prescriptions; nothing was imported. */
export class ImportConflictError extends Error {
  constructor(readonly prescriptionIds: readonly string[]) {
    super(
      `Die eigene Datenbank dieses Arbeitsplatzes wurde nicht übernommen – es wurde nichts geändert: Die gemeinsame Datenbank enthält bereits ${
        prescriptionIds.length === 1 ? 'das Rezept' : `${prescriptionIds.length} Rezepte`
      } ${listed(prescriptionIds)} (an einer anderen Kasse angenommen). Bitte klären, welcher Stand gilt, und den Support informieren; die eigene Datenbank bleibt unverändert.`,
    );
    this.name = 'ImportConflictError';
  }
}

/** The German refusal at start: a local store with open work, and no `--import-local-store`. */
export class LocalStoreNotImportedError extends Error {
  constructor(
    readonly file: string,
    readonly openCases: number,
    readonly owedOperations: number,
  ) {
    // after „mit“: dative
    const counted = (n: number, one: string, many: string): string => (n === 1 ? one : `${n} ${many}`);
    const open = [
      openCases > 0 ? counted(openCases, 'einem offenen Rezept', 'offenen Rezepten') : undefined,
      owedOperations > 0
        ? `${counted(owedOperations, 'einem ausstehenden Vorgang', 'ausstehenden Vorgängen')} an den Fachdienst`
        : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(' und ');
    super(
      `Dieser Arbeitsplatz hat noch eine eigene Datenbank (${file}) mit ${open}. Mit der gemeinsamen Datenbank wären sie hier nicht mehr zu sehen und würden nicht fertig bearbeitet. ` +
        `Bitte einmal mit --import-local-store starten: Dann werden alle Rezepte, Abgaben, Quittungen, ausstehenden Vorgänge, Nachrichten, das Protokoll und die Einstellungen der Apotheke in einem Schritt in die gemeinsame Datenbank übernommen (mit dem Schlüssel der Apotheke neu verschlüsselt) und die eigene Datei in „erx.db.imported-…“ umbenannt. ` +
        `Oder die offenen Rezepte zuerst mit der eigenen Datenbank (ohne --store) fertig bearbeiten.`,
    );
    this.name = 'LocalStoreNotImportedError';
  }
}

/** SQLite setting: the id of this store's import, written before the import (see SqliteImportSummary.importId). */
export const IMPORT_ID_KEY = 'store.importId';
/** Target setting per committed import: `store.importedLocalStore.<importId>`. */
export const importedMarkerKey = (importId: string): string => `store.importedLocalStore.${importId}`;
/** SQLite-engine bookkeeping, meaningless in another store. */
const ENGINE_SETTING_KEYS: ReadonlySet<string> = new Set([PLAINTEXT_ENCRYPTED_MARKER, IMPORT_ID_KEY]);
/** Who the closing audit entry names: nobody is signed in while a counter starts. */
export const IMPORT_STAFF = 'System';
export const IMPORT_OPERATION = 'import-local-store';
/** Submissions read per step (their lists are loaded per prescription within a step). */
const SUBMISSION_BATCH = 500;
/** PrescriptionIDs a message names at most (the error object carries all). */
const LISTED_IDS = 20;

const OPEN_CASE_STATUSES = ['accepted', 'dispensed'] as const;

/** Imports everything of `sqlite` into `target` in one unit of work; refuses with ImportConflictError. */
export async function importSqliteStore(options: SqliteImportOptions): Promise<SqliteImportSummary> {
  const { sqlite, target } = options;
  const importId = await importIdOf(sqlite.store);
  const db = new Database(sqlite.file, {
    readonly: true,
    fileMustExist: true,
    ...(sqlite.nativeBinding ? { nativeBinding: sqlite.nativeBinding } : {}),
  });
  try {
    const ids = db
      .prepare<[], { prescription_id: PrescriptionId }>(
        'SELECT prescription_id FROM cases ORDER BY accepted_at, prescription_id',
      )
      .all()
      .map((r) => r.prescription_id);
    // Workplace settings first, outside the target's unit of work: they are this workplace's own values, harmless
    // if the import then fails, and never lost if the start ends between the commit and the rename.
    const settingKeys = db
      .prepare<[], { key: string }>('SELECT key FROM settings ORDER BY key')
      .all()
      .map((r) => r.key)
      .filter((key) => !ENGINE_SETTING_KEYS.has(key));
    const local = await copyLocalSettings(sqlite, settingKeys, options.localSettings);

    return await target.transaction(async () => {
      const conflicts: string[] = [];
      for (const id of ids) if ((await target.cases.get(id)) !== undefined) conflicts.push(id);
      if (conflicts.length > 0) throw new ImportConflictError(conflicts);

      const counts = await copyCases(sqlite.store, target, ids);
      const submissionIds = await copySubmissions(db, sqlite.store, target);
      const pendingOperations = await copyPendingOperations(db, sqlite.store, target, submissionIds);
      const messages = await copyMessages(db, sqlite.store, target);
      const audit = await copyAudit(sqlite.store, target, options.now);
      const settings = await copySharedSettings(sqlite, target, settingKeys);
      await target.settings.set(importedMarkerKey(importId), {
        importedAt: options.now().toISOString(),
        cases: ids.length,
      });
      return {
        importId,
        cases: ids.length,
        ...counts,
        submissions: submissionIds.size,
        pendingOperations,
        ...messages,
        ...audit,
        ...settings,
        ...local,
      };
    });
  } finally {
    db.close();
  }
}

/** The store's import id, created before the first attempt (a setting of the SQLite store itself). */
async function importIdOf(store: Store): Promise<string> {
  const known = store.settings.get(IMPORT_ID_KEY);
  if (typeof known === 'string') return known;
  const id = randomUUID();
  await store.settings.set(IMPORT_ID_KEY, id);
  return id;
}

async function copyCases(
  source: Store,
  target: Store,
  ids: readonly PrescriptionId[],
): Promise<{ drafts: number; receipts: number }> {
  let drafts = 0;
  let receipts = 0;
  for (const id of ids) {
    const record = await source.cases.get(id);
    if (record === undefined) continue;
    await target.cases.save(record);
    const draft = await source.drafts.get(id);
    if (draft) {
      await target.drafts.save(draft);
      drafts++;
    }
    const receipt = await source.receipts.get(id);
    if (receipt) {
      await target.receipts.save(receipt);
      receipts++;
    }
  }
  return { drafts, receipts };
}

/**
 * Every submission in its old order (createPending, then complete with the recorded outcome); answers old id → new
 * id. The lists are read per prescription, a batch of ids at a time, so a large store is not held in memory at once.
 */
async function copySubmissions(
  db: Database.Database,
  source: Store,
  target: Store,
): Promise<Map<number, number>> {
  const rows = db
    .prepare<[], { id: number; prescription_id: PrescriptionId }>(
      'SELECT id, prescription_id FROM submissions ORDER BY id',
    )
    .all();
  const newIds = new Map<number, number>();
  for (let start = 0; start < rows.length; start += SUBMISSION_BATCH) {
    const lists = new Map<string, Map<number, SubmissionRecord>>();
    for (const row of rows.slice(start, start + SUBMISSION_BATCH)) {
      let byId = lists.get(row.prescription_id);
      if (byId === undefined) {
        byId = new Map((await source.submissions.listFor(row.prescription_id)).map((s) => [s.id, s]));
        lists.set(row.prescription_id, byId);
      }
      const record = byId.get(row.id);
      if (record === undefined) continue;
      const id = await target.submissions.createPending({
        prescriptionId: record.prescriptionId,
        operation: record.operation,
        staff: record.staff,
        createdAt: record.createdAt,
        entries: record.entries,
        withBody: record.withBody,
      });
      if (record.state !== 'pending') {
        // SubmissionRepository.complete always records the time; a finished row without one cannot be written as is
        if (record.completedAt === undefined)
          throw new Error(
            `Abgabe ${record.id} zu ${record.prescriptionId} ist abgeschlossen, aber ohne Zeitpunkt: die Datenbank ist uneinheitlich.`,
          );
        await target.submissions.complete(id, {
          state: record.state,
          completedAt: record.completedAt,
          ...(record.httpStatus !== undefined ? { httpStatus: record.httpStatus } : {}),
          ...(record.errorMessage !== undefined ? { errorMessage: record.errorMessage } : {}),
        });
      }
      newIds.set(record.id, id);
    }
  }
  return newIds;
}

async function copyPendingOperations(
  db: Database.Database,
  source: Store,
  target: Store,
  submissionIds: ReadonlyMap<number, number>,
): Promise<number> {
  const ids = db
    .prepare<[], { id: number }>('SELECT id FROM pending_operations ORDER BY id')
    .all()
    .map((r) => r.id);
  let copied = 0;
  for (const oldId of ids) {
    const record = await source.pendingOperations.get(oldId);
    if (record === undefined) continue;
    const { id: _old, submissionId, ...rest } = record;
    let mapped: number | undefined;
    if (submissionId !== undefined) {
      mapped = submissionIds.get(submissionId);
      // the SQLite schema enforces the reference (foreign key), so a miss means the file is damaged
      if (mapped === undefined)
        throw new Error(
          `Ausstehender Vorgang ${oldId} verweist auf die fehlende Abgabe ${submissionId}: die Datenbank ist uneinheitlich.`,
        );
    }
    await target.pendingOperations.restore({
      ...rest,
      ...(mapped !== undefined ? { submissionId: mapped } : {}),
    });
    copied++;
  }
  return copied;
}

async function copyMessages(
  db: Database.Database,
  source: Store,
  target: Store,
): Promise<{ messages: number; messagesAlreadyShared: string[] }> {
  const ids = db
    .prepare<[], { communication_id: string }>('SELECT communication_id FROM messages ORDER BY rowid')
    .all()
    .map((r) => r.communication_id);
  let messages = 0;
  const messagesAlreadyShared: string[] = [];
  for (const id of ids) {
    const record = await source.messages.get(id);
    if (record === undefined) continue;
    if (await target.messages.restore(record)) messages++;
    else messagesAlreadyShared.push(id);
  }
  return { messages, messagesAlreadyShared };
}

async function copyAudit(
  source: Store,
  target: Store,
  now: () => Date,
): Promise<{ auditEntries: number; sourceAudit: AuditVerification }> {
  const sourceAudit = await source.audit.verify();
  const entries = await source.audit.list();
  for (const entry of entries) await target.audit.append(entry);
  await target.audit.append({
    at: now().toISOString(),
    staff: IMPORT_STAFF,
    operation: IMPORT_OPERATION,
    result: sourceAudit.ok ? 'ok' : 'failed',
  });
  return { auditEntries: entries.length, sourceAudit };
}

async function copySharedSettings(
  sqlite: SqliteSource,
  target: Store,
  keys: readonly string[],
): Promise<{ settings: string[]; settingsKept: string[] }> {
  const settings: string[] = [];
  const settingsKept: string[] = [];
  for (const key of keys) {
    if (LOCAL_SETTING_KEYS.has(key)) continue;
    if (target.settings.get(key) !== undefined) {
      settingsKept.push(key);
      continue;
    }
    await copySetting(sqlite, key, target.settings);
    settings.push(key);
  }
  return { settings, settingsKept };
}

async function copyLocalSettings(
  sqlite: SqliteSource,
  keys: readonly string[],
  local: SettingsStore | undefined,
): Promise<{ localSettings: string[]; localSettingsLeft: string[] }> {
  const localSettings: string[] = [];
  const localSettingsLeft: string[] = [];
  for (const key of keys) {
    if (!LOCAL_SETTING_KEYS.has(key)) continue;
    if (local === undefined || local.get(key) !== undefined) {
      localSettingsLeft.push(key);
      continue;
    }
    await copySetting(sqlite, key, local);
    localSettings.push(key);
  }
  return { localSettings, localSettingsLeft };
}

/** A secret setting is decrypted and written through `setSecret` (the target's key); a plain one as it is. */
async function copySetting(sqlite: SqliteSource, key: string, to: SettingsStore): Promise<void> {
  const stored = sqlite.store.settings.get(key);
  if (typeof stored === 'string' && sqlite.cipher.isCiphertext(stored))
    await to.setSecret(key, sqlite.store.settings.getSecret(key));
  else await to.set(key, stored);
}

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, LISTED_IDS).join(', ');
  return ids.length > LISTED_IDS ? `${shown} und ${ids.length - LISTED_IDS} weitere` : shown;
}

// ——— at start ———

/** What a counter's own store holds that the shared store would miss (plain columns; no key needed). */
export interface LocalStoreState {
  /** set once an import was attempted */
  importId?: string;
  /** cases accepted or dispensed, not closed */
  openCases: number;
  /** operations owed to the Fachdienst */
  owedOperations: number;
}

/** Reads the counts through a read-only handle; a table an older schema lacks counts 0. */
export function inspectLocalStore(file: string, nativeBinding?: string): LocalStoreState {
  const db = new Database(file, {
    readonly: true,
    fileMustExist: true,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  try {
    const count = (sql: string, ...params: string[]): number => {
      try {
        return db.prepare<string[], { n: number }>(sql).get(...params)?.n ?? 0;
      } catch {
        return 0; // table not there yet (older schema): nothing of that kind
      }
    };
    let importId: string | undefined;
    try {
      const row = db
        .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
        .get(IMPORT_ID_KEY);
      const value: unknown = row ? JSON.parse(row.value) : undefined;
      if (typeof value === 'string') importId = value;
    } catch {
      // no settings table: never imported
    }
    return {
      ...(importId !== undefined ? { importId } : {}),
      openCases: count(
        `SELECT COUNT(*) AS n FROM cases WHERE status IN (${OPEN_CASE_STATUSES.map(() => '?').join(', ')})`,
        ...OPEN_CASE_STATUSES,
      ),
      owedOperations: count(`SELECT COUNT(*) AS n FROM pending_operations WHERE state = 'pending'`),
    };
  } finally {
    db.close();
  }
}

/**
 * Renames an imported (closed) store file with its WAL and shared-memory files to `<file>.imported-<time>`, so the
 * old data stay readable for support but are neither imported again nor opened by the app. The time is ISO 8601
 * with `-` for `:` (Windows file names). WAL and -shm go first: a crash in between leaves the database file, which
 * the next start renames (its import is recorded), never a stale WAL beside a new database.
 */
export function retireImportedStore(file: string, now: Date): string {
  const renamed = `${file}.imported-${now.toISOString().replaceAll(':', '-')}`;
  if (existsSync(renamed))
    throw new Error(`Die übernommene Datenbank kann nicht umbenannt werden: ${renamed} gibt es schon.`);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${renamed}${suffix}`);
  }
  renameSync(file, renamed);
  return renamed;
}

export type LocalStoreOutcome =
  /** no own store in this folder */
  | { kind: 'none' }
  /** nothing open in it and no import asked for: left as it is */
  | { kind: 'left'; file: string }
  | { kind: 'imported'; summary: SqliteImportSummary; renamedTo: string }
  /** imported by an earlier start that ended before the rename: renamed now */
  | { kind: 'renamed'; renamedTo: string };

export interface SettleLocalStoreOptions {
  /** `<data dir>` (or its training folder): the own store is `<storeDir>/erx.db` */
  storeDir: string;
  target: Store;
  /** `--import-local-store` */
  importLocalStore: boolean;
  /** opens the own store with this folder's existing key, exactly as the SQLite engine does (counter-store.ts) */
  openSqlite: () => { store: Store; cipher: CiphertextAwareCipher };
  localSettings?: SettingsStore;
  nativeBinding?: string;
  now: () => Date;
}

/**
 * The rule when a counter starts on the shared store with its own `erx.db` beside it (§2): refuse while it holds
 * open cases or owed operations and no import was asked for; import when asked for; otherwise start without it.
 */
export async function settleLocalStore(options: SettleLocalStoreOptions): Promise<LocalStoreOutcome> {
  const file = join(options.storeDir, 'erx.db');
  if (!existsSync(file)) return { kind: 'none' };
  const state = inspectLocalStore(file, options.nativeBinding);
  if (
    state.importId !== undefined &&
    options.target.settings.get(importedMarkerKey(state.importId)) !== undefined
  ) {
    return { kind: 'renamed', renamedTo: retireImportedStore(file, options.now()) };
  }
  if (!options.importLocalStore) {
    if (state.openCases > 0 || state.owedOperations > 0)
      throw new LocalStoreNotImportedError(file, state.openCases, state.owedOperations);
    // Nothing open: the shared store misses no work of this counter, only its history. The file stays untouched —
    // the counter starts without it, and a later start with --import-local-store can still bring the history in.
    return { kind: 'left', file };
  }
  const { store, cipher } = options.openSqlite();
  let summary: SqliteImportSummary;
  try {
    summary = await importSqliteStore({
      sqlite: {
        store,
        file,
        cipher,
        ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      },
      target: options.target,
      ...(options.localSettings ? { localSettings: options.localSettings } : {}),
      now: options.now,
    });
  } finally {
    await store.close();
  }
  return { kind: 'imported', summary, renamedTo: retireImportedStore(file, options.now()) };
}
