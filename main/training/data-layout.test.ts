import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveLegacyDataIntoTraining, storeDirOf } from './data-layout';

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'erx-layout-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const write = (relative: string, content = relative): void => {
  mkdirSync(join(dataDir, relative, '..'), { recursive: true });
  writeFileSync(join(dataDir, relative), content);
};
const read = (relative: string): string => readFileSync(join(dataDir, relative), 'utf8');

describe('storeDirOf', () => {
  it('is <data dir>/training in training mode, the data dir itself otherwise', () => {
    expect(storeDirOf('/data', true)).toBe(join('/data', 'training'));
    expect(storeDirOf('/data', false)).toBe('/data');
  });
});

describe('moveLegacyDataIntoTraining (training data under <data dir>/training/)', () => {
  it('moves the store, its WAL, the keys and the simulator of an earlier version, once, and leaves other files alone', () => {
    for (const name of ['erx.db', 'erx.db-wal', 'erx.db-shm', 'data.key', 'data-key.safe', 'store.key', 'simulator/simulator.db', 'simulator/pki/ca.pem']) write(name);
    write('Preferences', 'chromium');

    expect(moveLegacyDataIntoTraining(dataDir).sort()).toEqual(['data-key.safe', 'data.key', 'erx.db', 'erx.db-shm', 'erx.db-wal', 'simulator', 'store.key']);
    for (const name of ['erx.db', 'erx.db-wal', 'erx.db-shm', 'data.key', 'data-key.safe', 'store.key', 'simulator/simulator.db', 'simulator/pki/ca.pem']) {
      expect(read(join('training', name)), name).toBe(name);
      expect(existsSync(join(dataDir, name)), name).toBe(false);
    }
    expect(read('Preferences')).toBe('chromium');
    expect(moveLegacyDataIntoTraining(dataDir)).toEqual([]);
  });

  it('does nothing on a first start or once the training store exists', () => {
    expect(moveLegacyDataIntoTraining(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'training'))).toBe(false);
    write('training/erx.db', 'new');
    write('erx.db', 'old');
    expect(moveLegacyDataIntoTraining(dataDir)).toEqual([]);
    expect(read('erx.db')).toBe('old');
    expect(read('training/erx.db')).toBe('new');
  });

  it('continues an interrupted move at the next start (the database moves last)', () => {
    write('erx.db');
    write('store.key');
    write('training/data.key', 'data.key'); // moved before the interruption
    expect(moveLegacyDataIntoTraining(dataDir).sort()).toEqual(['erx.db', 'store.key']);
    expect(read('training/data.key')).toBe('data.key');
    expect(read('training/erx.db')).toBe('erx.db');
  });

  it('refuses to guess when a name exists in both places, and moves nothing', () => {
    write('erx.db');
    write('data.key', 'old key');
    write('training/data.key', 'other key');
    expect(() => moveLegacyDataIntoTraining(dataDir)).toThrow(/data\.key gibt es dort schon/);
    expect(read('data.key')).toBe('old key');
    expect(read('training/data.key')).toBe('other key');
    expect(existsSync(join(dataDir, 'training', 'erx.db'))).toBe(false);
  });
});
