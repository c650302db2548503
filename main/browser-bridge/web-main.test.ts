import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channels, type Channel } from '../../shared/ipc/contract';
import type { HandlerTable } from '../ipc/types';
import { EventHub } from '../services/events';
import { INSTANCE_LOCK_FILE } from './instance-lock';
import { EXIT_ALREADY_RUNNING, runBrowserMode, type BrowserModeCore, type BrowserModeDeps } from './web-main';

let base: string;
let rendererDir: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'erx-web-'));
  rendererDir = join(base, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<html><head></head><body></body></html>');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));


function fakeCore(overrides: Partial<BrowserModeCore> = {}): BrowserModeCore {
  const handlers: Partial<Record<Channel, () => Promise<unknown>>> = {};
  for (const channel of channels) handlers[channel] = async () => ({ channel });
  return {
    handlers: handlers as HandlerTable,
    events: new EventHub(),
    backend: { kind: 'embedded', url: 'http://127.0.0.1:40000/' },
    seededTokens: ['Task/160.000.000.000.001.05/$accept?ac=' + 'a'.repeat(64), 'Task/160.000.000.000.002.02/$accept?ac=' + 'b'.repeat(64)],
    close: vi.fn(async () => undefined),
    ...overrides,
  };
}

function harness(core: BrowserModeCore = fakeCore()) {
  const out: string[] = [];
  const err: string[] = [];
  const exits: number[] = [];
  let signalHandler: ((signal: string) => void) | undefined;
  const createCore = vi.fn(async () => core);
  const deps: BrowserModeDeps = {
    createCore,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    exit: (code) => exits.push(code),
    onShutdownSignal: (handler) => {
      signalHandler = handler;
    },
    env: { homeDir: base, cwd: base },
  };
  return { deps, out, err, exits, createCore, core, signal: (s: string) => signalHandler?.(s) };
}

describe('runBrowserMode', () => {
  it('prints exactly the app, simulator and token lines and serves the app', async () => {
    const h = harness();
    const running = await runBrowserMode(['--port', '0', '--renderer', rendererDir, '--data', 'd'], h.deps);
    expect(running).toBeDefined();
    if (!running) return;
    try {
      expect(h.createCore).toHaveBeenCalledWith({ dataDir: join(base, 'd'), fachdienstUrl: undefined, network: {} });
      // the app line comes last: it is the readiness signal QA scripts wait for
      expect(h.out).toEqual([
        'simulator: http://127.0.0.1:40000',
        ...h.core.seededTokens.map((t) => `token: ${t}`),
        `app: http://127.0.0.1:${running.bridge.port}/`,
      ]);
      const page = await fetch(`http://127.0.0.1:${running.bridge.port}/`);
      expect(await page.text()).toContain(running.bridge.key);
      expect(h.exits).toEqual([]);
    } finally {
      await running.close();
    }
  });

  it('prints only the app line with an external simulator', async () => {
    const h = harness(fakeCore({ backend: { kind: 'simulator', url: 'http://127.0.0.1:9000' }, seededTokens: [] }));
    const running = await runBrowserMode(['--port', '0', '--renderer', rendererDir, '--fachdienst', 'http://127.0.0.1:9000'], h.deps);
    try {
      expect(h.createCore).toHaveBeenCalledWith(expect.objectContaining({ fachdienstUrl: 'http://127.0.0.1:9000' }));
      expect(h.out).toEqual([`app: http://127.0.0.1:${running?.bridge.port}/`]);
    } finally {
      await running?.close();
    }
  });

  it('--import-articles: prints what was imported before the app line; a refused file exits 1 with every problem', async () => {
    const external = { backend: { kind: 'simulator', url: 'http://127.0.0.1:9000' }, seededTokens: [] };
    const h = harness(fakeCore({ ...external, articlesNote: '3 importiert (Quelle Test, Stand 2026-12-01)' }));
    const args = ['--port', '0', '--renderer', rendererDir, '--fachdienst', 'http://127.0.0.1:9000', '--import-articles', 'a.csv'];
    const running = await runBrowserMode(args, h.deps);
    try {
      expect(h.createCore).toHaveBeenCalledWith(expect.objectContaining({ importArticles: join(base, 'a.csv') }));
      expect(h.out).toEqual(['articles: 3 importiert (Quelle Test, Stand 2026-12-01)', `app: http://127.0.0.1:${running?.bridge.port}/`]);
    } finally {
      await running?.close();
    }

    // the core refuses the file (main/services/article-master.ts importArticlesFromFile): nothing is served
    const refused = harness();
    refused.createCore.mockRejectedValueOnce(new Error('Artikelstamm a.csv nicht eingelesen, es wurde nichts geändert:\nZeile 3, Feld „pzn“: Prüfziffer falsch.'));
    expect(await runBrowserMode([...args], refused.deps)).toBeUndefined();
    expect(refused.exits).toEqual([1]);
    expect(refused.err.join('\n')).toContain('Zeile 3, Feld „pzn“: Prüfziffer falsch.');
    expect(refused.out).toEqual([]);
  });

  it('exits 2 on bad arguments without starting anything', async () => {
    const h = harness();
    expect(await runBrowserMode(['--port', 'many'], h.deps)).toBeUndefined();
    expect(h.exits).toEqual([2]);
    expect(h.err.join('\n')).toContain('--port');
    expect(h.out).toEqual([]);
    expect(h.createCore).not.toHaveBeenCalled();
  });

  it('exits 1 with a clear message when the port is taken, closing the core again', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const h = harness();
      expect(await runBrowserMode(['--port', String(port), '--renderer', rendererDir], h.deps)).toBeUndefined();
      expect(h.exits).toEqual([1]);
      expect(h.err.join('\n')).toContain(`Port ${port}`);
      expect(h.err.join('\n')).toContain('belegt');
      expect(h.out).toEqual([]);
      expect(h.core.close).toHaveBeenCalledTimes(1);
      // the data folder is free again for the next start
      expect(existsSync(join(base, '.erx-counter', 'browser-mode', INSTANCE_LOCK_FILE))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('one instance per data folder: a second start names the running one\'s app address and exits before the core (issue 18)', async () => {
    const first = harness();
    const running = await runBrowserMode(['--port', '0', '--renderer', rendererDir, '--data', 'd'], first.deps);
    if (!running) throw new Error('the first start failed');
    try {
      const second = harness();
      expect(await runBrowserMode(['--port', '0', '--renderer', rendererDir, '--data', 'd'], second.deps)).toBeUndefined();
      expect(second.exits).toEqual([EXIT_ALREADY_RUNNING]);
      expect(second.err).toEqual([expect.stringContaining(`läuft schon eine Instanz der App (PID ${process.pid}); sie ist unter app: ${running.bridge.url} erreichbar`)]);
      expect(second.out).toEqual([]);
      expect(second.createCore).not.toHaveBeenCalled();
    } finally {
      await running.close();
    }
    expect(existsSync(join(base, 'd', INSTANCE_LOCK_FILE))).toBe(false);
    const third = harness();
    const again = await runBrowserMode(['--port', '0', '--renderer', rendererDir, '--data', 'd'], third.deps);
    expect(third.exits).toEqual([]);
    await again?.close();
  });

  it('exits 1 when there is no built renderer', async () => {
    const h = harness();
    await runBrowserMode(['--port', '0', '--renderer', join(base, 'missing')], h.deps);
    expect(h.exits).toEqual([1]);
    expect(h.err.join('\n')).toContain('npm run build');
    expect(h.createCore).not.toHaveBeenCalled();
  });

  it('closes bridge and core on SIGTERM and exits 0', async () => {
    const h = harness();
    const running = await runBrowserMode(['--port', '0', '--renderer', rendererDir], h.deps);
    expect(running).toBeDefined();
    h.signal('SIGTERM');
    await vi.waitFor(() => expect(h.exits).toEqual([0]));
    expect(h.core.close).toHaveBeenCalledTimes(1);
    await expect(fetch(`http://127.0.0.1:${running?.bridge.port}/`)).rejects.toThrow();
  });
});
