/**
 * One instance per data folder in browser mode (issue 18, item 8): two processes on one folder would open the same
 * SQLite store and the same key files, and both would work off the operations owed to the Fachdienst
 * (docs/reliability.md) — each believing it is the only one. The Electron app has `app.requestSingleInstanceLock()`;
 * browser mode has this file.
 *
 * `<data>/instance.lock` is created exclusively (`wx`) with the holder's pid; once the bridge listens, its `app:`
 * address is added, so a second start can name it. A lock whose pid is no longer alive (a crash, `kill -9`) is
 * stale and taken over. A clean stop removes it.
 */
import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const INSTANCE_LOCK_FILE = 'instance.lock';

/** A lock just created may still be empty for a moment (create and write are two steps): not yet stale. */
const FRESH_UNREADABLE_MS = 5_000;
/** Two starts that both found the same stale lock: one wins `wx`, the other reads the winner's lock. */
const MAX_TAKEOVER_ATTEMPTS = 3;

const lockContentSchema = z.object({ pid: z.number().int().positive(), app: z.string().nullable(), startedAt: z.string() });

export interface InstanceLockHolder {
  /** null: the lock was just created and has no content yet */
  pid: number | null;
  /** the running instance's `app:` address; null while it is still starting */
  appUrl: string | null;
}

export interface InstanceLock {
  /** adds the `app:` address to the lock, for the message of a second start */
  announce(appUrl: string): void;
  /** removes the lock if it is still ours; idempotent */
  release(): void;
}

export type InstanceLockAttempt = { kind: 'acquired'; lock: InstanceLock } | { kind: 'held'; holder: InstanceLockHolder };

export interface InstanceLockOptions {
  pid?: number;
  isAlive?: (pid: number) => boolean;
  now?: () => Date;
}

export function acquireInstanceLock(dataDir: string, options: InstanceLockOptions = {}): InstanceLockAttempt {
  const file = join(dataDir, INSTANCE_LOCK_FILE);
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? isProcessAlive;
  const now = options.now ?? ((): Date => new Date());
  const content = (app: string | null, startedAt: string): string => `${JSON.stringify({ pid, app, startedAt })}\n`;
  const startedAt = now().toISOString();

  for (let attempt = 0; attempt < MAX_TAKEOVER_ATTEMPTS; attempt++) {
    try {
      writeFileSync(file, content(null, startedAt), { flag: 'wx', mode: 0o600 });
      return { kind: 'acquired', lock: ownLock(file, pid, (app) => content(app, startedAt)) };
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
    }
    const holder = readHolder(file, now);
    if (holder === 'gone') continue;
    if (holder !== 'stale' && (holder.pid === null || isAlive(holder.pid))) return { kind: 'held', holder };
    removeIfPresent(file);
  }
  // every attempt lost against another start: that one holds it now
  const holder = readHolder(file, now);
  return { kind: 'held', holder: typeof holder === 'string' ? { pid: null, appUrl: null } : holder };
}

/** The one German line of a second start (stderr; the running instance's `app:` address when it has one). */
export function alreadyRunningMessage(dataDir: string, holder: InstanceLockHolder): string {
  const who = holder.pid === null ? 'eine Instanz der App' : `eine Instanz der App (PID ${holder.pid})`;
  const where = holder.appUrl
    ? `sie ist unter app: ${holder.appUrl} erreichbar – bitte dort weiterarbeiten`
    : 'sie startet gerade und nennt ihre Adresse („app: …“) gleich in ihrer Ausgabe';
  return (
    `Fehler / error: Im Datenordner ${dataDir} läuft schon ${who}; ${where} oder mit --data einen anderen Ordner wählen ` +
    '(another instance already uses this data folder)'
  );
}

function ownLock(file: string, pid: number, content: (app: string | null) => string): InstanceLock {
  let released = false;
  return {
    announce(appUrl) {
      if (!released) writeFileSync(file, content(appUrl), { mode: 0o600 });
    },
    release() {
      if (released) return;
      released = true;
      const holder = readHolder(file, () => new Date());
      // taken over meanwhile (this process was thought dead): that lock is not ours to remove
      if (typeof holder !== 'string' && holder.pid === pid) removeIfPresent(file);
    },
  };
}

/** `gone`: removed meanwhile; `stale`: unreadable and older than a start needs to write it. */
function readHolder(file: string, now: () => Date): InstanceLockHolder | 'gone' | 'stale' {
  let text: string;
  let modifiedAt: number;
  try {
    modifiedAt = statSync(file).mtimeMs;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return 'gone';
    throw error;
  }
  const parsed = lockContentSchema.safeParse(parseJson(text));
  if (parsed.success) return { pid: parsed.data.pid, appUrl: parsed.data.app };
  return now().getTime() - modifiedAt < FRESH_UNREADABLE_MS ? { pid: null, appUrl: null } : 'stale';
}

/** Signal 0 tests for existence only; EPERM = it exists but belongs to someone else. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw error;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const codeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined);
