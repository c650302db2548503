import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, alreadyRunningMessage, INSTANCE_LOCK_FILE } from './instance-lock';

let dir: string;
let lockFile: string;
const alive = new Set<number>();
const isAlive = (pid: number): boolean => alive.has(pid);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'erx-lock-'));
  lockFile = join(dir, INSTANCE_LOCK_FILE);
  alive.clear();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const contentOf = (): unknown => JSON.parse(readFileSync(lockFile, 'utf8'));

describe('acquireInstanceLock', () => {
  it('a fresh folder: the lock is taken with the pid, the app address added once known, removed on a clean stop', () => {
    const attempt = acquireInstanceLock(dir, { pid: 4100, isAlive, now: () => new Date('2026-10-05T08:00:00Z') });
    if (attempt.kind !== 'acquired') throw new Error('expected the lock');
    expect(contentOf()).toEqual({ pid: 4100, app: null, startedAt: '2026-10-05T08:00:00.000Z' });
    attempt.lock.announce('http://127.0.0.1:5180/');
    expect(contentOf()).toEqual({ pid: 4100, app: 'http://127.0.0.1:5180/', startedAt: '2026-10-05T08:00:00.000Z' });
    attempt.lock.release();
    expect(existsSync(lockFile)).toBe(false);
    // idempotent
    attempt.lock.release();
  });

  it('held by a live process: refused, naming its pid and app address', () => {
    alive.add(4100);
    const first = acquireInstanceLock(dir, { pid: 4100, isAlive });
    if (first.kind !== 'acquired') throw new Error('expected the lock');
    first.lock.announce('http://127.0.0.1:5180/');
    const second = acquireInstanceLock(dir, { pid: 4200, isAlive });
    expect(second).toEqual({ kind: 'held', holder: { pid: 4100, appUrl: 'http://127.0.0.1:5180/' } });
    expect(contentOf()).toMatchObject({ pid: 4100 });
  });

  it('stale (its process is gone): taken over; the old holder\'s stop does not remove the new lock', () => {
    const crashed = acquireInstanceLock(dir, { pid: 4100, isAlive });
    if (crashed.kind !== 'acquired') throw new Error('expected the lock');
    const next = acquireInstanceLock(dir, { pid: 4200, isAlive });
    expect(next.kind).toBe('acquired');
    expect(contentOf()).toMatchObject({ pid: 4200, app: null });
    crashed.lock.release();
    expect(contentOf()).toMatchObject({ pid: 4200 });
  });

  it('a lock without content is a start in progress for a few seconds, then stale', () => {
    writeFileSync(lockFile, '');
    expect(acquireInstanceLock(dir, { pid: 4200, isAlive })).toEqual({ kind: 'held', holder: { pid: null, appUrl: null } });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile, old, old);
    expect(acquireInstanceLock(dir, { pid: 4200, isAlive }).kind).toBe('acquired');
  });

  it('the German line names the running instance\'s app address, or says that it is still starting', () => {
    expect(alreadyRunningMessage('/data/erx', { pid: 4100, appUrl: 'http://127.0.0.1:5180/' })).toBe(
      'Fehler / error: Im Datenordner /data/erx läuft schon eine Instanz der App (PID 4100); sie ist unter app: http://127.0.0.1:5180/ erreichbar – ' +
        'bitte dort weiterarbeiten oder mit --data einen anderen Ordner wählen (another instance already uses this data folder)',
    );
    expect(alreadyRunningMessage('/data/erx', { pid: null, appUrl: null })).toMatch(/läuft schon eine Instanz der App; sie startet gerade/);
  });
});
