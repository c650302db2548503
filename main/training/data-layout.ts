/**
 * Where the app keeps its data (architecture §2): in training mode everything — the store (`erx.db` with its WAL),
 * its keys (`data.key` / `data-key.safe`, `store.key`) and the embedded simulator's state (`simulator/`) — lives
 * under `<data dir>/training/`, so training data can never be mistaken for, or mixed with, the data of a future
 * TI installation in the same folder.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export const TRAINING_DIR_NAME = 'training';

/** The folder holding the store, its keys and the embedded simulator's state. */
export function storeDirOf(dataDir: string, training: boolean): string {
  return training ? join(dataDir, TRAINING_DIR_NAME) : dataDir;
}

/**
 * What earlier versions, before the `training/` folder, kept directly in the data folder. The database comes last:
 * while it is still in the old place, an interrupted move is simply continued at the next start.
 */
export const LEGACY_TRAINING_ENTRIES = ['data.key', 'data-key.safe', 'store.key', 'simulator', 'erx.db-wal', 'erx.db-shm', 'erx.db'] as const;

/**
 * Moves the data of earlier versions (all of it was training data: they knew no other backend) into
 * `<data dir>/training/`, once. Runs only while `<data dir>/erx.db` exists and `training/erx.db` does not. A name
 * present in both places is a conflict that must not be guessed away (two different keys would make the database
 * unreadable): the start fails with a German message and nothing more is moved. Returns the names moved.
 */
export function moveLegacyDataIntoTraining(dataDir: string): string[] {
  const target = join(dataDir, TRAINING_DIR_NAME);
  if (!existsSync(join(dataDir, 'erx.db')) || existsSync(join(target, 'erx.db'))) return [];
  const present = LEGACY_TRAINING_ENTRIES.filter((name) => existsSync(join(dataDir, name)));
  const conflicts = present.filter((name) => existsSync(join(target, name)));
  if (conflicts.length > 0) {
    throw new Error(
      `Die Daten einer früheren Version (${dataDir}) können nicht nach „${TRAINING_DIR_NAME}“ verschoben werden: ` +
        `${conflicts.join(', ')} gibt es dort schon. Bitte nichts löschen und den Support informieren.`,
    );
  }
  mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const name of present) renameSync(join(dataDir, name), join(target, name));
  return present;
}
