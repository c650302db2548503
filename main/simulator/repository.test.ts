import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommunicationRecord } from './communication-record';
import { MemoryTaskRepository, type TaskRepository } from './repository';
import { SqliteTaskRepository } from './sqlite-repository';
import type { TaskRecord } from './task-record';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function task(id: string, status: TaskRecord['status'] = 'ready'): TaskRecord {
  return {
    id,
    flowType: '160',
    status,
    accessCode: 'a'.repeat(64),
    secret: null,
    owner: null,
    kvnr: 'X110411675',
    authoredOn: '2026-10-05T08:00:00.000Z',
    lastModified: '2026-10-05T08:00:00.000Z',
    lastStatusChange: '2026-10-05T08:00:00.000Z',
    acceptDate: '2026-11-02',
    expiryDate: '2027-01-05',
    mvo: null,
    prescription: null,
    lastMedicationDispense: null,
    dispenses: [],
    receipt: null,
  };
}

function communication(id: string, sender: string, recipient: string, taskId = '160.000.000.000.001.54'): CommunicationRecord {
  return {
    id,
    messageType: 'DispReq',
    taskId,
    sender,
    recipient,
    sent: '2026-10-05T08:00:00.000Z',
    received: null,
    resource: { resourceType: 'Communication', id },
  };
}

function sqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-repo-'));
  dirs.push(dir);
  return join(dir, 'simulator.db');
}

describe.each([
  ['memory', (): TaskRepository => new MemoryTaskRepository()],
  ['sqlite', (): TaskRepository => new SqliteTaskRepository(sqliteFile())],
])('%s repository', (_name, make) => {
  it('stores copies: a change counts only after put()', () => {
    const repo = make();
    repo.put(task('160.000.000.000.001.54'));
    const loaded = repo.get('160.000.000.000.001.54')!;
    loaded.status = 'in-progress';
    expect(repo.get('160.000.000.000.001.54')!.status).toBe('ready');
    repo.put(loaded);
    expect(repo.get('160.000.000.000.001.54')!.status).toBe('in-progress');
    expect(repo.get('160.000.000.000.002.51')).toBeUndefined();
    repo.close();
  });

  it('lists in creation order and hands out increasing sequence numbers that survive reset', () => {
    const repo = make();
    repo.put(task('b'));
    repo.put(task('a'));
    repo.put(task('b', 'completed'));
    expect(repo.list().map((t) => `${t.id}:${t.status}`)).toEqual(['b:completed', 'a:ready']);
    expect(repo.nextSequence()).toBe(1n);
    expect(repo.nextSequence()).toBe(2n);
    repo.setSetting('clock.offsetMs', '5');
    repo.reset();
    expect(repo.list()).toEqual([]);
    expect(repo.getSetting('clock.offsetMs')).toBeUndefined();
    expect(repo.nextSequence()).toBe(3n);
    repo.close();
  });

  it('lists the Tasks of one insurant (the insurant reads, spec §3.10) in creation order', () => {
    const repo = make();
    repo.put({ ...task('c'), kvnr: 'K220635158' });
    repo.put(task('a'));
    repo.put({ ...task('b'), kvnr: 'K220635158' });
    repo.put({ ...task('c', 'completed'), kvnr: 'K220635158' });
    expect(repo.listForKvnr('K220635158').map((t) => `${t.id}:${t.status}`)).toEqual(['c:completed', 'b:ready']);
    expect(repo.listForKvnr('X110411675').map((t) => t.id)).toEqual(['a']);
    expect(repo.listForKvnr('A123456780')).toEqual([]);
    repo.close();
  });

  it('keeps Communications: by participant in order of arrival, replaced by id, deleted one by one or per Task, gone on reset', () => {
    const repo = make();
    const pharmacy = '3-SMC-B-Testkarte-883110000095957';
    repo.putCommunication(communication('c1', 'X110411675', pharmacy));
    repo.putCommunication(communication('c2', pharmacy, 'X110411675'));
    repo.putCommunication(communication('c3', 'K220635158', '3-other', '160.000.000.000.002.51'));
    repo.putCommunication({ ...communication('c1', 'X110411675', pharmacy), received: '2026-10-05T09:00:00.000Z' });
    expect(repo.listCommunications(pharmacy).map((c) => `${c.id}:${c.received ?? '-'}`)).toEqual([
      'c1:2026-10-05T09:00:00.000Z',
      'c2:-',
    ]);
    expect(repo.getCommunication('c3')?.recipient).toBe('3-other');
    expect(repo.deleteCommunication('c2')).toBe(true);
    expect(repo.deleteCommunication('c2')).toBe(false);
    repo.deleteCommunicationsOfTask('160.000.000.000.001.54');
    expect(repo.getCommunication('c1')).toBeUndefined();
    expect(repo.listCommunications('K220635158').map((c) => c.id)).toEqual(['c3']);
    repo.reset();
    expect(repo.getCommunication('c3')).toBeUndefined();
    repo.close();
  });
});

it('SQLite keeps Communications across a reopen', () => {
  const file = sqliteFile();
  const first = new SqliteTaskRepository(file);
  first.putCommunication(communication('c1', 'X110411675', '3-a'));
  first.close();
  const second = new SqliteTaskRepository(file);
  expect(second.listCommunications('3-a')).toEqual([communication('c1', 'X110411675', '3-a')]);
  second.close();
});

it('SQLite writes the signed prescription once, beside the Task, and still reads rows that carry it inline', () => {
  const file = sqliteFile();
  const repo = new SqliteTaskRepository(file);
  const prescription = { binaryId: 'bin-1', cms: 'Q01TLURBVEE='.repeat(1000), messageDigest: 'ZGlnZXN0' };
  repo.put({ ...task('160.000.000.000.001.54'), prescription });
  repo.put({ ...repo.get('160.000.000.000.001.54')!, status: 'in-progress' });
  expect(repo.get('160.000.000.000.001.54')).toMatchObject({ status: 'in-progress', prescription });
  repo.close();
  const raw = new Database(file);
  const row = raw.prepare<[], { data: string }>('SELECT data FROM tasks').get()!;
  expect(row.data).not.toContain('Q01TLURBVEE=');
  expect(raw.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM prescriptions').get()!.n).toBe(1);
  // a row as an older simulator wrote it: the CMS inside the Task JSON
  const old = { ...task('160.000.000.000.002.51'), prescription: { binaryId: 'bin-old', cms: 'T0xE', messageDigest: 'ZA==' } };
  raw.prepare("INSERT INTO tasks (id, seq, status, kvnr, data) VALUES (?, 99, 'ready', 'X110411675', ?)").run(old.id, JSON.stringify(old));
  raw.close();
  const reopened = new SqliteTaskRepository(file);
  expect(reopened.get(old.id)?.prescription?.cms).toBe('T0xE');
  expect(reopened.list().map((t) => t.prescription?.cms.length)).toEqual([prescription.cms.length, 4]);
  reopened.close();
});

it('SQLite stores dispense set and receipt beside the Task and reads them back after a reopen', () => {
  const file = sqliteFile();
  const repo = new SqliteTaskRepository(file);
  const dispenses = [{ medicationDispense: { resourceType: 'MedicationDispense', id: 'a' }, medication: { resourceType: 'Medication', id: 'm' } }];
  const receipt = { resourceType: 'Bundle', id: 'r' };
  repo.put({ ...task('160.000.000.000.001.54', 'in-progress'), dispenses });
  repo.put({ ...repo.get('160.000.000.000.001.54')!, status: 'completed', receipt });
  repo.put({ ...task('160.000.000.000.002.51', 'in-progress'), dispenses });
  repo.put({ ...repo.get('160.000.000.000.002.51')!, status: 'ready', dispenses: [] });
  repo.close();
  const reopened = new SqliteTaskRepository(file);
  expect(reopened.get('160.000.000.000.001.54')).toMatchObject({ status: 'completed', dispenses, receipt });
  expect(reopened.get('160.000.000.000.002.51')).toMatchObject({ status: 'ready', dispenses: [], receipt: null });
  reopened.close();
});

it('SQLite hands out Tasks whose nested parts cannot be changed in place (operations replace them)', () => {
  const repo = new SqliteTaskRepository(sqliteFile());
  repo.put({ ...task('160.000.000.000.001.54'), dispenses: [{ medicationDispense: { resourceType: 'MedicationDispense' }, medication: null }] });
  const loaded = repo.get('160.000.000.000.001.54')!;
  loaded.status = 'in-progress'; // the top level is the caller's copy
  expect(() => loaded.dispenses.push({ medicationDispense: { resourceType: 'MedicationDispense' }, medication: null })).toThrow(TypeError);
  expect(repo.get('160.000.000.000.001.54')!.status).toBe('ready');
  repo.close();
});

it('SQLite keeps tasks, sequence and settings across a reopen', () => {
  const file = sqliteFile();
  const first = new SqliteTaskRepository(file);
  first.put(task('160.000.000.000.001.54', 'in-progress'));
  first.nextSequence();
  first.setSetting('clock.offsetMs', '42');
  first.close();
  const second = new SqliteTaskRepository(file);
  expect(second.get('160.000.000.000.001.54')?.status).toBe('in-progress');
  expect(second.nextSequence()).toBe(2n);
  expect(second.getSetting('clock.offsetMs')).toBe('42');
  second.close();
});
