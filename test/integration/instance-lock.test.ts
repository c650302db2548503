/**
 * One instance per data folder (issue 18, item 8): browser mode started twice on one folder — the real start
 * sequence (runBrowserMode + createCore, embedded simulator). The second start names the first one's `app:` address
 * in one German line and exits non-zero before it opens the store; after a clean stop, or when the holder's process
 * is gone (a crash), the folder starts again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTANCE_LOCK_FILE } from '../../main/browser-bridge/instance-lock';
import { EXIT_ALREADY_RUNNING, runBrowserMode, type BrowserModeDeps, type RunningBrowserMode } from '../../main/browser-bridge/web-main';
import { createCore } from '../../main/core';

let root: string;
let rendererDir: string;
let dataDir: string;
const running: RunningBrowserMode[] = [];

function start() {
  const out: string[] = [];
  const err: string[] = [];
  const exits: number[] = [];
  const coreStarts: string[] = [];
  const deps: BrowserModeDeps = {
    createCore: async (options) => {
      coreStarts.push(options.dataDir);
      return createCore(options);
    },
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    exit: (code) => exits.push(code),
    onShutdownSignal: () => undefined,
    env: { homeDir: root, cwd: root },
  };
  const started = runBrowserMode(['--port', '0', '--data', dataDir, '--renderer', rendererDir], deps).then((instance) => {
    if (instance) running.push(instance);
    return instance;
  });
  return { started, out, err, exits, coreStarts };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'erx-instance-lock-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body><div id="root"></div></body></html>');
  dataDir = join(root, 'data');
});

afterAll(async () => {
  for (const instance of running.splice(0)) await instance.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('browser mode: one instance per data folder', () => {
  it('a second start on the same folder names the running app address and exits non-zero without opening the store', async () => {
    const first = start();
    const instance = await first.started;
    if (!instance) throw new Error(`the first start failed: ${first.err.join('\n')}`);
    expect(first.out.at(-1)).toBe(`app: ${instance.bridge.url}`);

    const second = start();
    expect(await second.started).toBeUndefined();
    expect(second.exits).toEqual([EXIT_ALREADY_RUNNING]);
    expect(EXIT_ALREADY_RUNNING).not.toBe(0);
    expect(second.err).toHaveLength(1);
    expect(second.err[0]).toMatch(/^Fehler \/ error: Im Datenordner .* läuft schon eine Instanz der App \(PID \d+\); sie ist unter app: http:\/\/127\.0\.0\.1:\d+\/ erreichbar/);
    expect(second.err[0]).toContain(`app: ${instance.bridge.url}`);
    expect(second.out).toEqual([]);
    expect(second.coreStarts).toEqual([]);

    // the first one is untouched
    expect((await fetch(instance.bridge.url)).status).toBe(200);

    await instance.close();
    running.splice(running.indexOf(instance), 1);
    expect(existsSync(join(dataDir, INSTANCE_LOCK_FILE))).toBe(false);
  }, 60_000);

  it('a lock left by a process that is gone (a crash) is taken over', async () => {
    // a pid that surely ended: a child that has exited and been reaped
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    expect(deadPid).toBeGreaterThan(0);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, INSTANCE_LOCK_FILE), JSON.stringify({ pid: deadPid, app: 'http://127.0.0.1:1/', startedAt: '2026-10-05T08:00:00.000Z' }));

    const again = start();
    const instance = await again.started;
    if (!instance) throw new Error(`the start after a crash failed: ${again.err.join('\n')}`);
    expect(again.exits).toEqual([]);
    expect(again.coreStarts).toEqual([dataDir]);
  }, 60_000);
});
