/**
 * `npm start` always starts something: where no Electron runtime can be had — as on this
 * machine, which cannot download one — scripts/start-electron.mjs says so in one line and starts browser mode,
 * with browser mode's own data folder unless --data is given, naming the arguments browser mode does not know.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures';
import { requireBuild, startNode, stopAll } from './support/processes';

const START_SCRIPT = join(repoRoot, 'scripts/start-electron.mjs');
const APP_LINE = /^app: (http:\/\/127\.0\.0\.1:\d+\/)\s*$/;
const electronRuntimePresent = existsSync(join(repoRoot, 'node_modules/electron/path.txt'));
const temporaryDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

beforeAll(() => requireBuild());
afterEach(async () => {
  await stopAll();
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// A cold start of browser mode through the start script (bundle check, SQLite, embedded simulator) takes seconds on a
// quiet machine and far more on a loaded one; the start itself is bounded at 90 s, so the test must outlast it.
const START_TEST_TIMEOUT_MS = 120_000;

describe.skipIf(electronRuntimePresent)('npm start without an Electron runtime', () => {
  it('says so in one line, starts browser mode with its own data folder and names unknown arguments', async () => {
    const home = tempDir('erx-start-home-');
    const { process: started, match: appUrl } = await startNode(START_SCRIPT, ['--port', '0', '--smcb', '80276001011699902301', '--inspect'], APP_LINE, {
      env: { ...process.env, HOME: home },
      timeoutMs: 90_000,
    });
    const output = started.output();
    const notices = output.split('\n').filter((line) => /Electron-Laufzeit/.test(line));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/Browser-Modus/);
    expect(output).toMatch(/ignoriert.*--smcb 80276001011699902301 --inspect/);

    // the app answers on loopback, and its data went to browser mode's folder — never the Electron app's
    const page = await fetch(appUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(existsSync(join(home, '.erx-counter', 'browser-mode'))).toBe(true);
    expect(existsSync(join(home, '.config'))).toBe(false);

    // SIGTERM reaches browser mode through the start script; nothing is left running
    await started.kill('SIGTERM');
    await expect(fetch(appUrl)).rejects.toThrow();
  }, START_TEST_TIMEOUT_MS);

  it('uses the data folder given with --data', async () => {
    const home = tempDir('erx-start-home-');
    const data = tempDir('erx-start-data-');
    const { process: started } = await startNode(START_SCRIPT, ['--data', data, '--port', '0'], APP_LINE, {
      env: { ...process.env, HOME: home },
      timeoutMs: 90_000,
    });
    expect(existsSync(join(home, '.erx-counter'))).toBe(false);
    expect(existsSync(join(data, 'training'))).toBe(true);
    await started.kill('SIGTERM');
  }, START_TEST_TIMEOUT_MS);
});
