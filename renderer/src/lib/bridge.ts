/**
 * The renderer's one way to main (architecture §2, §4): `window.erx` when the Electron preload installed it,
 * otherwise the browser-mode HTTP bridge served by main/browser-bridge. Both speak the same `ErxBridge`
 * contract; only the transport differs.
 *
 * Browser mode: the bridge key arrives inside the served page as `<meta name="erx-bridge-key">` and goes with
 * every request as `Authorization: Bearer …`. Events come as one streamed, authenticated response of NDJSON,
 * read with fetch + ReadableStream (EventSource cannot send the header).
 *
 * Runs in the sandboxed page: DOM APIs only.
 */
import {
  appErrorSchema,
  appEventSchema,
  channels,
  type AppError,
  type AppEvent,
  type Channel,
  type ErxBridge,
  type IpcResult,
} from '../../../shared/ipc/contract';

declare global {
  interface Window {
    /** installed by the Electron preload (main/preload) */
    erx?: ErxBridge;
  }
}

export class BridgeError extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
    this.name = 'BridgeError';
  }
}

export type BridgeMethod = Exclude<keyof ErxBridge, 'onEvent'>;
export type BridgeRequest<M extends BridgeMethod> = Parameters<ErxBridge[M]>[0];
type BridgeResult<M extends BridgeMethod> = Awaited<ReturnType<ErxBridge[M]>>;
export type BridgeData<M extends BridgeMethod> = Extract<BridgeResult<M>, { ok: true }>['data'];

const BRIDGE_KEY_META = 'erx-bridge-key';

// ---------------------------------------------------------------------------------------------------------
// Choosing the bridge
// ---------------------------------------------------------------------------------------------------------

let httpBridge: ErxBridge | undefined;

/** window.erx in Electron; in browser mode one shared HTTP bridge (one event stream for the whole page). */
export function getBridge(): ErxBridge {
  if (window.erx) return window.erx;
  httpBridge ??= createHttpBridge({ key: readBridgeKey(document) });
  return httpBridge;
}

export function readBridgeKey(doc: Document): string | undefined {
  const content = doc.querySelector(`meta[name="${BRIDGE_KEY_META}"]`)?.getAttribute('content')?.trim();
  return content ? content : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// The HTTP bridge (browser mode)
// ---------------------------------------------------------------------------------------------------------

interface HttpBridgeOptions {
  /** the bridge key from the page; without it every call fails with an explanation */
  key: string | undefined;
  /** default: the page's fetch */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** default '' = the page's own origin */
  baseUrl?: string;
  /** reconnect delays of the event stream: doubling from initialMs up to maxMs */
  reconnect?: { initialMs: number; maxMs: number };
  /** no line (not even a heartbeat, sent every ~15 s) for this long: the stream is considered dead */
  staleAfterMs?: number;
}

export function createHttpBridge(options: HttpBridgeOptions): ErxBridge {
  const fetchFn = options.fetch ?? ((input: string, init: RequestInit) => window.fetch(input, init));
  const baseUrl = options.baseUrl ?? '';
  const key = options.key;

  async function post(method: string, req: unknown): Promise<IpcResult<Channel>> {
    if (!key) return { ok: false, error: keyMissingError() };
    let response: Response;
    try {
      response = await fetchFn(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(req ?? {}),
        cache: 'no-store',
        credentials: 'same-origin',
      });
    } catch (error) {
      return { ok: false, error: unreachableError(describeError(error)) };
    }
    if (response.status === 401) return { ok: false, error: unauthorizedError() };
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    // 200 carries the IpcResult; transport refusals (4xx) carry `{ ok: false, error }` with a German message.
    const result = parseIpcResult(body);
    if (result && (response.ok || !result.ok)) return result as IpcResult<Channel>;
    return {
      ok: false,
      error: appFailure('bridge-invalid-answer', 'Die App hat unerwartet geantwortet. Bitte die Seite neu laden.', {
        httpStatus: response.status,
        detail: `HTTP ${response.status} from /api/${method}`,
      }),
    };
  }

  const events = createEventStream({
    fetchFn,
    url: `${baseUrl}/api/events`,
    key,
    reconnect: options.reconnect ?? { initialMs: 500, maxMs: 15_000 },
    staleAfterMs: options.staleAfterMs ?? 45_000,
  });

  const methods: Record<string, unknown> = { onEvent: events.onEvent };
  for (const channel of channels) {
    const method = channel.slice('erx:'.length);
    methods[method] = (req: unknown) => post(method, req);
  }
  // One method per channel, generated from the contract; the mapped ErxBridge type is what they implement.
  return methods as unknown as ErxBridge;
}

// ---------------------------------------------------------------------------------------------------------
// The event stream: NDJSON over an authenticated fetch, reconnecting with backoff
// ---------------------------------------------------------------------------------------------------------

interface EventStreamOptions {
  fetchFn: (input: string, init: RequestInit) => Promise<Response>;
  url: string;
  key: string | undefined;
  reconnect: { initialMs: number; maxMs: number };
  staleAfterMs: number;
}

function createEventStream(options: EventStreamOptions): { onEvent: ErxBridge['onEvent'] } {
  const listeners = new Set<(event: AppEvent) => void>();
  /** the running connection loop; undefined while nobody listens */
  let stopCurrent: (() => void) | undefined;

  const deliver = (event: AppEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener must not starve the others.
      }
    }
  };

  function start(): void {
    if (!options.key) return;
    const key = options.key;
    let running = true;
    let connection: AbortController | undefined;
    let wait: ReturnType<typeof setTimeout> | undefined;
    let wakeUp: (() => void) | undefined;
    stopCurrent = () => {
      running = false;
      connection?.abort();
      if (wait !== undefined) clearTimeout(wait);
      wakeUp?.();
    };

    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        wakeUp = resolve;
        wait = setTimeout(resolve, ms);
      });

    void (async () => {
      let failures = 0;
      let connectedBefore = false;
      while (running) {
        connection = new AbortController();
        try {
          const response = await options.fetchFn(options.url, {
            method: 'GET',
            headers: { Authorization: `Bearer ${key}`, Accept: 'application/x-ndjson' },
            cache: 'no-store',
            credentials: 'same-origin',
            signal: connection.signal,
          });
          if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
          failures = 0;
          // Events may have been missed while disconnected: let the caches refetch (architecture §4).
          if (connectedBefore) deliver({ type: 'cases-changed' });
          connectedBefore = true;
          await readLines(response.body, connection, options.staleAfterMs, (line) => {
            const event = parseEventLine(line);
            if (event && running) deliver(event);
          });
        } catch {
          // fall through to the reconnect below
        }
        if (!running) return;
        const delay = Math.min(options.reconnect.maxMs, options.reconnect.initialMs * 2 ** failures);
        failures++;
        await sleep(delay);
      }
    })();
  }

  function onEvent(listener: (event: AppEvent) => void): () => void {
    listeners.add(listener);
    if (listeners.size === 1) start();
    return () => {
      if (!listeners.delete(listener)) return;
      if (listeners.size === 0) {
        stopCurrent?.();
        stopCurrent = undefined;
      }
    };
  }

  return { onEvent };
}

/** Reads a byte stream line by line; aborts the connection when nothing arrives for `staleAfterMs`. */
async function readLines(
  body: ReadableStream<Uint8Array>,
  connection: AbortController,
  staleAfterMs: number,
  onLine: (line: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const armWatchdog = (): void => {
    if (watchdog !== undefined) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      connection.abort();
      void reader.cancel().catch(() => undefined);
    }, staleAfterMs);
  };
  try {
    armWatchdog();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      armWatchdog();
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) onLine(line);
        newline = buffered.indexOf('\n');
      }
    }
  } finally {
    if (watchdog !== undefined) clearTimeout(watchdog);
  }
}

/** Heartbeats and anything unknown are dropped: only contract events reach the listeners. */
function parseEventLine(line: string): AppEvent | undefined {
  try {
    const parsed = appEventSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Results and errors
// ---------------------------------------------------------------------------------------------------------

type LooseResult = { ok: true; data: unknown } | { ok: false; error: AppError };

function parseIpcResult(value: unknown): LooseResult | undefined {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return undefined;
  if (value.ok === true && 'data' in value) return { ok: true, data: value.data };
  if (value.ok === false && 'error' in value) {
    const error = appErrorSchema.safeParse(value.error);
    return error.success ? { ok: false, error: error.data } : undefined;
  }
  return undefined;
}

function appFailure(
  code: string,
  message: string,
  extra: Partial<Pick<AppError, 'detail' | 'httpStatus' | 'system' | 'retry'>> = {},
): AppError {
  return { code, message, retry: 'never', system: 'app', ...extra, at: new Date().toISOString() };
}

const keyMissingError = (): AppError =>
  appFailure(
    'bridge-key-missing',
    'Die Seite ist nicht mit der App verbunden (kein Bridge-Schlüssel). Bitte die App mit „npm run start:web“ starten und die dort angezeigte Adresse öffnen.',
  );

const unauthorizedError = (): AppError =>
  appFailure('bridge-unauthorized', 'Die App hat die Anfrage abgelehnt (Bridge-Schlüssel ungültig, z. B. nach einem Neustart der App). Bitte die Seite neu laden.', {
    httpStatus: 401,
  });

const unreachableError = (detail: string): AppError =>
  appFailure('network', 'Die App ist nicht erreichbar. Läuft sie noch? Bitte die App starten und die Seite neu laden.', {
    system: 'network',
    retry: 'backoff',
    detail,
  });

const describeError = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
