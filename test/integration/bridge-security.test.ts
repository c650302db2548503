/**
 * The browser-mode bridge over real HTTP on a free loopback port (architecture §2 "Browser mode"): key,
 * DNS-rebinding and Origin checks, static file confinement, the event stream. Requests go through
 * node:http so that forged Host headers reach the server unchanged.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { articleLimits, channels, type AppEvent, type Channel } from '../../shared/ipc/contract';
import { MAX_IMPORT_BODY_BYTES, MAX_JSON_BODY_BYTES } from '../../main/browser-bridge/body-limits';
import { startBrowserBridge, type RunningBridge } from '../../main/browser-bridge/server';
import { createDispatcher } from '../../main/ipc/handle';
import type { HandlerTable } from '../../main/ipc/types';
import { EventHub } from '../../main/services/events';

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const SECRET_OUTSIDE_RENDERER = 'TOP-SECRET-PACKAGE-CONTENT';

let root: string;
let bridge: RunningBridge;
let events: EventHub;
let handlerCalls: Channel[];
let subscriptions: { active: number };

/** A fake for every channel: records the call and answers with something recognisable. */
function fakeHandlers(): HandlerTable {
  const table: Partial<Record<Channel, (req: unknown) => Promise<unknown>>> = {};
  for (const channel of channels) {
    table[channel] = async (req: unknown) => {
      handlerCalls.push(channel);
      return { answeredBy: channel, req };
    };
  }
  return table as HandlerTable;
}

/** Counts live subscriptions so the test sees streams being cleaned up. */
class CountingHub extends EventHub {
  override subscribe(listener: (event: AppEvent) => void): () => void {
    subscriptions.active++;
    const unsubscribe = super.subscribe(listener);
    return () => {
      subscriptions.active--;
      return unsubscribe();
    };
  }
}

function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: bridge.port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${bridge.port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const auth = (): Record<string, string> => ({ authorization: `Bearer ${bridge.key}` });
const jsonCall = (method: string, payload: unknown, headers: Record<string, string> = auth()): Promise<HttpAnswer> =>
  send(`/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'erx-bridge-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>eRx Counter</title></head><body><div id="root"></div><script type="module" src="/assets/app.js"></script></body></html>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(rendererDir, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(rendererDir, '.env'), SECRET_OUTSIDE_RENDERER);
  writeFileSync(join(root, 'package.json'), SECRET_OUTSIDE_RENDERER);
  subscriptions = { active: 0 };
  events = new CountingHub();
  handlerCalls = [];
  bridge = await startBrowserBridge({
    port: 0,
    dispatcher: createDispatcher(fakeHandlers()),
    events,
    rendererDir,
  });
});

afterAll(async () => {
  await bridge?.close();
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  handlerCalls = [];
});

describe('API calls', () => {
  it('answers a call with the correct key with the dispatcher result', async () => {
    const answer = await jsonCall('scanCode', { text: 'Task/abc' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ ok: true, data: { answeredBy: 'erx:scanCode', req: { text: 'Task/abc' } } });
    expect(handlerCalls).toEqual(['erx:scanCode']);
  });

  it('returns an IpcResult with HTTP 200 for an invalid payload or an unknown method', async () => {
    const invalid = await jsonCall('scanCode', { text: 42 });
    expect(invalid.status).toBe(200);
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'validation', findings: [{ path: 'text' }] } });
    const unknown = await jsonCall('formatDisk', {});
    expect(unknown.status).toBe(200);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(handlerCalls).toEqual([]);
  });

  it('refuses a missing, wrong or malformed key with 401 and never reaches a handler', async () => {
    const refusedHeaders: Record<string, string>[] = [
      {},
      { authorization: 'Bearer ' + '0'.repeat(64) },
      { authorization: `Bearer ${bridge.key}x` },
      { authorization: `Basic ${bridge.key}` },
      { authorization: bridge.key },
    ];
    for (const headers of refusedHeaders) {
      const answer = await jsonCall('getAppInfo', {}, headers);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(handlerCalls).toEqual([]);
  });

  it('accepts only POST for calls', async () => {
    const answer = await send('/api/getAppInfo', { headers: auth() });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect((await send('/api/getAppInfo', { method: 'PUT', headers: auth() })).status).toBe(405);
    expect(handlerCalls).toEqual([]);
  });

  it('refuses non-JSON content types, broken JSON and bodies over 1 MB', async () => {
    const textBody = await send('/api/getAppInfo', { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' });
    expect(textBody.status).toBe(415);
    const broken = await send('/api/getAppInfo', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"a":' });
    expect(broken.status).toBe(400);
    const huge = await jsonCall('scanCode', { text: 'x'.repeat(1024 * 1024 + 10) });
    expect(huge.status).toBe(413);
    expect(handlerCalls).toEqual([]);
  });

  it('carries an article master file of 64 MiB to importArticles only, and nothing beyond its limit (issue 19)', async () => {
    // a CSV-like text of exactly the contract's maximum, with quotes and line breaks that JSON encodes as two characters
    const line = '"04711";"Ibuprofen 400 mg";"20 St"\n';
    const text = line.repeat(Math.floor(articleLimits.importTextChars / line.length)).padEnd(articleLimits.importTextChars, 'x');
    const answer = await jsonCall('importArticles', { fileName: 'artikelstamm.csv', text });
    expect(answer.status).toBe(200);
    expect(handlerCalls).toEqual(['erx:importArticles']);
    // the same body to another method is over its 1 MB
    const refused = await send('/api/scanCode', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json', 'content-length': String(MAX_JSON_BODY_BYTES + 1) }, body: '{}' });
    expect(refused.status).toBe(413);
    // a declared length over the import's limit is refused before a byte of it is read
    const tooLarge = await send('/api/importArticles', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'content-length': String(MAX_IMPORT_BODY_BYTES + 1) },
      body: '{}',
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ ok: false, error: { code: 'validation', message: 'Die Anfrage ist zu groß (höchstens 129 MB).' } });
    expect(handlerCalls).toEqual(['erx:importArticles']);
  });

  it('refuses a chunked body that grows beyond 1 MB without a Content-Length', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: bridge.port,
          path: '/api/scanCode',
          method: 'POST',
          headers: { host: `127.0.0.1:${bridge.port}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...auth() },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"text":"');
      for (let i = 0; i < 20; i++) req.write('y'.repeat(64 * 1024));
      req.end('"}');
    });
    expect(answer).toBe(413);
  });

  it('never forwards the simulator control API', async () => {
    for (const method of ['GET', 'POST']) {
      const answer = await send('/_sim/reset', { method, headers: { ...auth(), 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      expect(answer.status).toBe(404);
    }
    expect((await send('/_sim', { headers: auth() })).status).toBe(404);
  });
});

describe('DNS rebinding and foreign origins', () => {
  it('refuses a foreign Host with 403 on the API, the page and static assets', async () => {
    const evilHost = { host: `evil.example:${bridge.port}` };
    expect((await jsonCall('getAppInfo', {}, { ...auth(), ...evilHost })).status).toBe(403);
    const page = await send('/', { headers: evilHost });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain(bridge.key);
    expect((await send('/assets/app.js', { headers: evilHost })).status).toBe(403);
    expect((await send('/api/events', { headers: { ...auth(), ...evilHost } })).status).toBe(403);
    expect(handlerCalls).toEqual([]);
  });

  it('refuses the right host name on another port and a missing port', async () => {
    expect((await send('/', { headers: { host: `127.0.0.1:${bridge.port + 1}` } })).status).toBe(403);
    expect((await send('/', { headers: { host: '127.0.0.1' } })).status).toBe(403);
  });

  it('accepts localhost:<port> as well as 127.0.0.1:<port>', async () => {
    expect((await send('/', { headers: { host: `localhost:${bridge.port}` } })).status).toBe(200);
    expect((await jsonCall('getAppInfo', {}, { ...auth(), host: `LOCALHOST:${bridge.port}` })).status).toBe(200);
  });

  it('refuses a foreign Origin with 403, also with the right key', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${bridge.port}`, 'null', `https://127.0.0.1:${bridge.port}`]) {
      const answer = await jsonCall('getAppInfo', {}, { ...auth(), origin });
      expect(answer.status).toBe(403);
    }
    expect((await send('/', { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect(handlerCalls).toEqual([]);
  });

  it('accepts our own Origin', async () => {
    const answer = await jsonCall('getAppInfo', {}, { ...auth(), origin: `http://127.0.0.1:${bridge.port}` });
    expect(answer.status).toBe(200);
  });

  it('refuses cross-site fetch metadata on the API', async () => {
    const answer = await jsonCall('getAppInfo', {}, { ...auth(), 'sec-fetch-site': 'cross-site' });
    expect(answer.status).toBe(403);
  });
});

describe('the page and static files', () => {
  it('delivers the key inside the page only, uncached, with the security headers', async () => {
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain(`<meta name="erx-bridge-key" content="${bridge.key}">\n</head>`);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(JSON.stringify(page.headers)).not.toContain(bridge.key);
  });

  it('serves single-page routes and /index.html with the same page', async () => {
    const navigation = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' };
    expect((await send('/cases/160.000.000.000.123.76', { headers: navigation })).body).toContain(bridge.key);
    expect((await send('/index.html')).body).toContain(bridge.key);
    // a missing script must not be answered with HTML
    expect((await send('/assets/missing.js', { headers: { accept: '*/*' } })).status).toBe(404);
  });

  it('serves assets with their content type and nosniff', async () => {
    const js = await send('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log("app");');
    expect((await send('/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await send('/assets/missing.js')).status).toBe(404);
  });

  it('never serves anything outside the renderer folder, nor dot-files', async () => {
    for (const path of [
      '/../package.json',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/..%5cpackage.json',
      '/.env',
      '/%2eenv',
    ]) {
      const asAsset = await send(path);
      expect(asAsset.status, path).toBe(404);
      expect(asAsset.body, path).not.toContain(SECRET_OUTSIDE_RENDERER);
      // a navigation to a path that is no file may get the app page — never the file
      const asNavigation = await send(path, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } });
      expect(asNavigation.body, path).not.toContain(SECRET_OUTSIDE_RENDERER);
    }
  });

  it('does not list folders', async () => {
    for (const headers of [{}, { accept: 'text/html' }] as Record<string, string>[]) {
      expect((await send('/assets/', { headers })).body).not.toContain('style.css');
    }
  });

  it('leaks the key nowhere but the page', async () => {
    const answers = [
      await jsonCall('getAppInfo', {}),
      await jsonCall('scanCode', { text: 1 }),
      await jsonCall('nope', {}),
      await jsonCall('getAppInfo', {}, {}),
      await send('/api/getAppInfo', { headers: auth() }),
      await send('/assets/app.js'),
      await send('/_sim/reset'),
    ];
    for (const answer of answers) {
      expect(answer.body).not.toContain(bridge.key);
      expect(JSON.stringify(answer.headers)).not.toContain(bridge.key);
    }
  });
});

describe('event stream', () => {
  it('requires the key', async () => {
    expect((await send('/api/events')).status).toBe(401);
    expect((await send('/api/events', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await send('/api/events', { method: 'POST', headers: auth() })).status).toBe(405);
  });

  it('delivers an emitted event as one NDJSON line and unsubscribes when the client leaves', async () => {
    const before = subscriptions.active;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${bridge.port}/api/events`, { headers: auth(), signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(subscriptions.active).toBe(before + 1);

    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const nextLines = async (): Promise<string[]> => {
      while (!buffered.includes('\n')) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffered += decoder.decode(value, { stream: true });
      }
      const complete = buffered.slice(0, buffered.lastIndexOf('\n'));
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      return complete.split('\n');
    };

    expect(await nextLines()).toEqual(['{"type":"heartbeat"}']);
    events.emit({ type: 'case-changed', prescriptionId: '160.000.000.000.123.76' });
    expect((await nextLines()).map((line) => JSON.parse(line) as unknown)).toEqual([
      { type: 'case-changed', prescriptionId: '160.000.000.000.123.76' },
    ]);

    controller.abort();
    await vi.waitFor(() => expect(subscriptions.active).toBe(before));
  });
});

describe('start and close', () => {
  it('reports a port in use instead of crashing, and frees its port on close', async () => {
    const first = await startBrowserBridge({
      port: 0,
      dispatcher: createDispatcher(fakeHandlers()),
      events: new EventHub(),
      rendererDir: join(root, 'renderer'),
    });
    await expect(
      startBrowserBridge({ port: first.port, dispatcher: createDispatcher(fakeHandlers()), events: new EventHub(), rendererDir: root }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(first.url).toBe(`http://127.0.0.1:${first.port}/`);
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    await first.close();
    const again = await startBrowserBridge({
      port: first.port,
      dispatcher: createDispatcher(fakeHandlers()),
      events: new EventHub(),
      rendererDir: root,
    });
    expect(again.key).not.toBe(first.key);
    await again.close();
  });

  it('closes promptly while an event stream is open', async () => {
    const hub = new EventHub();
    const other = await startBrowserBridge({ port: 0, dispatcher: createDispatcher(fakeHandlers()), events: hub, rendererDir: root });
    const response = await fetch(`http://127.0.0.1:${other.port}/api/events`, { headers: { authorization: `Bearer ${other.key}` } });
    expect(response.status).toBe(200);
    await other.close();
    const reader = response.body!.getReader();
    // the stream ends (or errors) instead of hanging
    await expect(
      (async () => {
        for (;;) {
          const { done } = await reader.read();
          if (done) return 'ended';
        }
      })().catch(() => 'ended'),
    ).resolves.toBe('ended');
  });
});
