import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError, AppEvent, ErxBridge } from '../../../shared/ipc/contract';
import { createHttpBridge, getBridge, readBridgeKey } from './bridge';

const KEY = 'k'.repeat(64);

interface RecordedCall {
  url: string;
  init: RequestInit;
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A fake fetch answering from a queue; every call is recorded. */
function fakeFetch(...answers: Array<Response | Error | ((init: RequestInit) => Response | Promise<Response>)>) {
  const calls: RecordedCall[] = [];
  const fn = vi.fn(async (url: string, init: RequestInit): Promise<Response> => {
    calls.push({ url, init });
    const next = answers.shift();
    if (next === undefined) return new Promise<Response>(() => undefined); // hangs, like an idle server
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(init) : next;
  });
  return { fn, calls };
}

/** A streamed response the test can push lines into; it ends when the request is aborted. */
function controllableStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    respond: (init: RequestInit): Response => {
      init.signal?.addEventListener('abort', () => {
        try {
          controller.error(new DOMException('aborted', 'AbortError'));
        } catch {
          // already closed
        }
      });
      return new Response(stream, { status: 200, headers: { 'Content-Type': 'application/x-ndjson' } });
    },
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

const serverError: AppError = {
  code: 'fachdienst',
  message: 'Der Fachdienst hat das Rezept abgelehnt.',
  retry: 'never',
  system: 'fachdienst',
  at: '2025-03-01T10:00:00.000Z',
};

afterEach(() => {
  delete window.erx;
  vi.unstubAllGlobals();
  document.head.innerHTML = '';
});

describe('HTTP bridge calls', () => {
  it('posts the request as JSON with the bridge key and returns the IpcResult', async () => {
    const { fn, calls } = fakeFetch(json({ ok: true, data: { results: [] } }));
    const bridge = createHttpBridge({ key: KEY, fetch: fn });
    await expect(bridge.scanCode({ text: 'Task/abc' })).resolves.toEqual({ ok: true, data: { results: [] } });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('/api/scanCode');
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.headers).toMatchObject({ Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' });
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ text: 'Task/abc' });
  });

  it('passes a failed call through as data', async () => {
    const { fn } = fakeFetch(json({ ok: false, error: serverError }));
    const bridge = createHttpBridge({ key: KEY, fetch: fn });
    await expect(bridge.getAppInfo({})).resolves.toEqual({ ok: false, error: serverError });
  });

  it('turns an unreachable app into a German network error', async () => {
    const { fn } = fakeFetch(new TypeError('Failed to fetch'));
    const result = await createHttpBridge({ key: KEY, fetch: fn }).getAppInfo({});
    expect(result).toMatchObject({ ok: false, error: { code: 'network', system: 'network', retry: 'backoff' } });
    if (!result.ok) expect(result.error.message).toContain('nicht erreichbar');
  });

  it('explains a refused key (401)', async () => {
    const { fn } = fakeFetch(json({ ok: false, error: { ...serverError, code: 'unauthorized' } }, 401));
    const result = await createHttpBridge({ key: KEY, fetch: fn }).getAppInfo({});
    expect(result).toMatchObject({ ok: false, error: { code: 'bridge-unauthorized', httpStatus: 401, system: 'app' } });
    if (!result.ok) expect(result.error.message).toContain('Seite neu laden');
  });

  it('reports an answer that is not an IpcResult', async () => {
    const { fn } = fakeFetch(new Response('<html>proxy error</html>', { status: 502 }), json({ hello: 'world' }));
    const bridge = createHttpBridge({ key: KEY, fetch: fn });
    for (let i = 0; i < 2; i++) {
      const result = await bridge.getAppInfo({});
      expect(result).toMatchObject({ ok: false, error: { code: 'bridge-invalid-answer', system: 'app' } });
    }
  });

  it('shows the bridge’s own German refusal for other transport errors', async () => {
    const tooLarge: AppError = { ...serverError, code: 'validation', message: 'Die Anfrage ist zu groß (höchstens 1 MB).', system: 'app' };
    const { fn } = fakeFetch(json({ ok: false, error: tooLarge }, 413));
    await expect(createHttpBridge({ key: KEY, fetch: fn }).saveDraft({ prescriptionId: 'x', entries: [] })).resolves.toEqual({
      ok: false,
      error: tooLarge,
    });
  });

  it('does not call anything without a key and says how to open the app', async () => {
    const { fn } = fakeFetch();
    const result = await createHttpBridge({ key: undefined, fetch: fn }).getAppInfo({});
    expect(fn).not.toHaveBeenCalled();
    expect(result).toMatchObject({ ok: false, error: { code: 'bridge-key-missing' } });
    if (!result.ok) expect(result.error.message).toContain('npm run start:web');
  });
});

describe('getBridge', () => {
  it('prefers the preload’s window.erx', () => {
    const electronBridge = { onEvent: () => () => undefined } as unknown as ErxBridge;
    window.erx = electronBridge;
    expect(getBridge()).toBe(electronBridge);
  });

  it('otherwise builds the HTTP bridge with the key from the page', async () => {
    document.head.innerHTML = `<meta name="erx-bridge-key" content="${KEY}">`;
    expect(readBridgeKey(document)).toBe(KEY);
    const { fn, calls } = fakeFetch(json({ ok: true, data: { savedAt: 'now' } }));
    vi.stubGlobal('fetch', fn);
    const bridge = getBridge();
    expect(getBridge()).toBe(bridge);
    await expect(bridge.saveDraft({ prescriptionId: '160.000.000.000.001.05', entries: [] })).resolves.toEqual({ ok: true, data: { savedAt: 'now' } });
    expect(calls[0]?.init.headers).toMatchObject({ Authorization: `Bearer ${KEY}` });
  });

  it('reads no key from a page without the meta tag', () => {
    expect(readBridgeKey(document)).toBeUndefined();
  });
});

describe('event stream', () => {
  const fast = { reconnect: { initialMs: 1, maxMs: 5 }, staleAfterMs: 10_000 };
  // Backoff, reconnect and the silence watchdog run on fake time: vi.waitFor moves it while it waits.
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('streams events with the key, drops heartbeats and junk, and stops when the last listener leaves', async () => {
    const stream = controllableStream();
    const { fn, calls } = fakeFetch(stream.respond);
    const bridge = createHttpBridge({ key: KEY, fetch: fn, ...fast });
    const received: AppEvent[] = [];
    const unsubscribe = bridge.onEvent((event) => received.push(event));

    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.url).toBe('/api/events');
    expect(calls[0]?.init.headers).toMatchObject({ Authorization: `Bearer ${KEY}` });

    stream.push('{"type":"heartbeat"}\n{"type":"case-chan');
    stream.push('ged","prescriptionId":"160.000.000.000.001.05"}\nnot json\n{"type":"unknown"}\n');
    // the connection event of an older main (a bare state) does not match the contract any more: dropped
    stream.push('{"type":"connection","state":"offline"}\n');
    stream.push('{"type":"connection","status":{"state":"offline","since":"2026-10-05T08:25:00.000Z","pendingCount":1}}\n');
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received).toEqual([
      { type: 'case-changed', prescriptionId: '160.000.000.000.001.05' },
      { type: 'connection', status: { state: 'offline', since: '2026-10-05T08:25:00.000Z', pendingCount: 1 } },
    ]);

    unsubscribe();
    expect(calls[0]?.init.signal?.aborted).toBe(true);
    // longer than any reconnect delay: nobody listens, so nothing reconnects
    await vi.advanceTimersByTimeAsync(fast.reconnect.maxMs * 4);
    expect(calls).toHaveLength(1);
  });

  it('shares one stream between listeners', async () => {
    const stream = controllableStream();
    const { fn, calls } = fakeFetch(stream.respond);
    const bridge = createHttpBridge({ key: KEY, fetch: fn, ...fast });
    const a: AppEvent[] = [];
    const b: AppEvent[] = [];
    const stopA = bridge.onEvent((e) => a.push(e));
    const stopB = bridge.onEvent((e) => b.push(e));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    stream.push('{"type":"cases-changed"}\n');
    await vi.waitFor(() => expect(b).toHaveLength(1));
    expect(a).toHaveLength(1);
    stopA();
    expect(calls[0]?.init.signal?.aborted).toBe(false);
    stopB();
    expect(calls[0]?.init.signal?.aborted).toBe(true);
  });

  it('reconnects with backoff after failures and tells listeners to refetch after a gap', async () => {
    const first = controllableStream();
    const second = controllableStream();
    const { fn, calls } = fakeFetch(new TypeError('Failed to fetch'), json({}, 401), first.respond, second.respond);
    const bridge = createHttpBridge({ key: KEY, fetch: fn, ...fast });
    const received: AppEvent[] = [];
    const unsubscribe = bridge.onEvent((event) => received.push(event));

    await vi.waitFor(() => expect(calls).toHaveLength(3));
    first.push('{"type":"cases-changed"}\n');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    first.end(); // the server went away
    await vi.waitFor(() => expect(calls).toHaveLength(4));
    // missed events are unknown: a synthetic cases-changed lets react-query refetch
    await vi.waitFor(() => expect(received).toEqual([{ type: 'cases-changed' }, { type: 'cases-changed' }]));
    second.push('{"type":"pending-changed"}\n');
    await vi.waitFor(() => expect(received).toHaveLength(3));
    unsubscribe();
  });

  it('reconnects when the stream goes silent (no heartbeat)', async () => {
    const silent = controllableStream();
    const { fn, calls } = fakeFetch(silent.respond);
    const bridge = createHttpBridge({ key: KEY, fetch: fn, reconnect: { initialMs: 1, maxMs: 1 }, staleAfterMs: 15 });
    const unsubscribe = bridge.onEvent(() => undefined);
    await vi.waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(2));
    expect(calls[0]?.init.signal?.aborted).toBe(true);
    unsubscribe();
  });

  it('does not connect without a key', async () => {
    const { fn } = fakeFetch();
    const unsubscribe = createHttpBridge({ key: undefined, fetch: fn, ...fast }).onEvent(() => undefined);
    await vi.runAllTimersAsync();
    expect(fn).not.toHaveBeenCalled();
    unsubscribe();
  });
});
