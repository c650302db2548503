import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findAppRoot, parseWebLines, startWebProcess } from './web-process';

const dir = mkdtempSync(join(tmpdir(), 'erx-web-process-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for out/node/web.mjs in a folder that looks like the app's root. */
function fakeApp(name: string, script: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'out', 'node'), { recursive: true });
  mkdirSync(join(root, 'main'));
  writeFileSync(join(root, 'package.json'), '{}');
  writeFileSync(join(root, 'out', 'node', 'web.mjs'), script);
  return root;
}

describe('parseWebLines', () => {
  it('waits for the app line and then reads simulator and tokens', () => {
    expect(parseWebLines('simulator: http://127.0.0.1:1/\ntoken: Task/1\n')).toBeUndefined();
    expect(
      parseWebLines(
        'simulator: http://127.0.0.1:1\ntoken: Task/1\ntoken: Task/2\napp: http://127.0.0.1:2/\n',
      ),
    ).toEqual({
      appUrl: 'http://127.0.0.1:2/',
      simulatorUrl: 'http://127.0.0.1:1',
      tokens: ['Task/1', 'Task/2'],
    });
    expect(parseWebLines('app: http://127.0.0.1:2/')).toEqual({ appUrl: 'http://127.0.0.1:2/', tokens: [] });
  });
});

describe('findAppRoot', () => {
  it('finds the package root above this module', () => {
    const root = findAppRoot();
    expect(root).toBe(join(__dirname, '..', '..'));
  });
});

describe('startWebProcess', () => {
  it('starts the script with the data folder, notes spawn and ready instants, and stops it', async () => {
    const root = fakeApp(
      'ok',
      "process.stdout.write('simulator: http://127.0.0.1:9\\n'); setTimeout(() => process.stdout.write('app: http://127.0.0.1:8/ ' + process.argv.slice(2).join(' ') + '\\n'), 50); setInterval(() => {}, 1000);",
    );
    const web = await startWebProcess({ dataDir: '/data/x', appRoot: root });
    expect(web.appUrl).toBe('http://127.0.0.1:8/ --port 0 --data /data/x');
    expect(web.simulatorUrl).toBe('http://127.0.0.1:9');
    expect(web.readyAt - web.spawnedAt).toBeGreaterThanOrEqual(40);
    expect(web.pid).toBeGreaterThan(0);
    await web.stop();
    await web.stop();
  });

  it('reports a start that fails with the app output, never the token lines', async () => {
    const root = fakeApp(
      'fails',
      "console.log('token: Task/1/$accept?ac=SECRET'); console.error('Fehler: kaputt'); process.exit(1);",
    );
    const start = startWebProcess({ dataDir: '/data/x', appRoot: root });
    await expect(start).rejects.toThrow(/Exit-Code 1[\s\S]*Fehler: kaputt/);
    await expect(start).rejects.not.toThrow(/SECRET/);
  });
});
