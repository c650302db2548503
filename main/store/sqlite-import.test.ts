/**
 * The parts of sqlite-import.ts that need no PostgreSQL: what the rule at start reads from a counter's own store, the
 * refusal's German text, the rename of an imported file. The import itself, against both engines, and the rule
 * through openCounterStore: test/integration/sqlite-import.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { AesGcmCipher } from './aes-gcm-cipher';
import { migrate, migrations } from './migrations';
import type { Store } from './repositories';
import {
  inspectLocalStore,
  LocalStoreNotImportedError,
  retireImportedStore,
  settleLocalStore,
} from './sqlite-import';
import { openStore } from './store';

const now = (): Date => new Date('2026-10-05T12:00:00Z');
const ID = '160.000.000.000.001.54' as PrescriptionId;

let dir: string;
let file: string;
const opened: Store[] = [];
const open = (): { store: Store; cipher: AesGcmCipher } => {
  const cipher = new AesGcmCipher(randomBytes(32));
  const store = openStore({ file, cipher, hmacKey: Buffer.alloc(32, 1), now });
  opened.push(store);
  return { store, cipher };
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'erx-sqlite-import-unit-'));
  file = join(dir, 'erx.db');
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('inspectLocalStore', () => {
  it('counts open cases and owed operations from plain columns, without a key', async () => {
    const { store } = open();
    await store.cases.save({
      prescriptionId: ID,
      flowType: '160',
      status: 'dispensed',
      acceptedAt: now().toISOString(),
      acceptedBy: 'AB',
      updatedAt: now().toISOString(),
      secret: 'b'.repeat(64) as Secret,
    });
    await store.cases.save({
      prescriptionId: '160.000.000.000.002.51' as PrescriptionId,
      flowType: '160',
      status: 'closed',
      acceptedAt: now().toISOString(),
      acceptedBy: 'AB',
      updatedAt: now().toISOString(),
    });
    await store.pendingOperations.create({
      prescriptionId: ID,
      operation: 'accept',
      accessCode: 'a'.repeat(64) as AccessCode,
      reason: 'offline',
      staff: 'AB',
      createdAt: now().toISOString(),
    });

    expect(inspectLocalStore(file)).toEqual({ openCases: 1, owedOperations: 1 });
  });

  it('reads a store of an older version (no owed operations yet) as having none', () => {
    const db = new Database(file);
    migrate(db, now, migrations.slice(0, 3));
    db.close();

    expect(inspectLocalStore(file)).toEqual({ openCases: 0, owedOperations: 0 });
  });
});

describe('retireImportedStore', () => {
  it('renames the file with its WAL and shared memory, colons of the time replaced; never over an existing file', () => {
    for (const name of ['erx.db', 'erx.db-wal', 'erx.db-shm']) writeFileSync(join(dir, name), name);

    expect(retireImportedStore(file, now())).toBe(join(dir, 'erx.db.imported-2026-10-05T12-00-00.000Z'));
    expect(readdirSync(dir).sort()).toEqual([
      'erx.db.imported-2026-10-05T12-00-00.000Z',
      'erx.db.imported-2026-10-05T12-00-00.000Z-shm',
      'erx.db.imported-2026-10-05T12-00-00.000Z-wal',
    ]);

    writeFileSync(file, 'again');
    expect(() => retireImportedStore(file, now())).toThrow('gibt es schon');
    expect(existsSync(file)).toBe(true);
  });
});

describe('settleLocalStore without the flag', () => {
  const settle = (target: Store): ReturnType<typeof settleLocalStore> =>
    settleLocalStore({ storeDir: dir, target, importLocalStore: false, openSqlite: () => open(), now });
  // any Store will do as target: without the flag nothing is written to it
  const target = (): Store =>
    openStore({
      file: ':memory:',
      cipher: new AesGcmCipher(randomBytes(32)),
      hmacKey: Buffer.alloc(32, 2),
      now,
    });

  it('reports no own store when there is none', async () => {
    const shared = target();
    opened.push(shared);
    expect(await settle(shared)).toEqual({ kind: 'none' });
  });

  it('refuses one owed operation in German, naming the flag', async () => {
    const { store } = open();
    await store.pendingOperations.create({
      prescriptionId: ID,
      operation: 'reject',
      reason: 'outcome-unknown',
      staff: 'AB',
      createdAt: now().toISOString(),
    });
    const shared = target();
    opened.push(shared);

    const failure = await settle(shared).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(LocalStoreNotImportedError);
    expect((failure as Error).message).toContain(
      `(${file}) mit einem ausstehenden Vorgang an den Fachdienst.`,
    );
    expect((failure as Error).message).toContain('--import-local-store');
    expect(existsSync(file)).toBe(true);
  });
});
