/**
 * The browser-mode bridge (architecture §2 "Browser mode"): the same dispatcher Electron IPC uses, served over
 * loopback HTTP to the same renderer build. Only the transport differs.
 *
 * Security model: the bridge key travels only inside the served page (a meta tag); every `/api/*` request must
 * carry `Authorization: Bearer <key>`. A foreign `Host` (DNS rebinding) or `Origin` is refused on every path.
 * The simulator's control API (`/_sim/…`) is never forwarded: trainer functions are dedicated IPC channels.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { AppError } from '../../shared/ipc/contract';
import type { Dispatcher } from '../ipc/handle';
import { contentSecurityPolicy } from '../security/csp';
import type { EventHub } from '../services/events';
import { createEventStreams } from './event-stream';
import {
  allowedAuthorities,
  createKeyCheck,
  isAllowedFetchSite,
  isAllowedHost,
  isAllowedOrigin,
  isUsableBridgeKey,
  newBridgeKey,
} from './guards';
import { formatBodyLimit, maxBodyBytes } from './body-limits';
import { readJsonBody } from './read-body';
import { contentTypeOf, injectBridgeKey, readStaticFile, resolveStaticPath, wantsPage } from './static-files';

export interface BridgeOptions {
  /** 0 = a free port */
  port: number;
  dispatcher: Dispatcher;
  events: EventHub;
  /** the built renderer (index.html + assets) */
  rendererDir: string;
  /** default: 32 random bytes hex per start */
  key?: string;
  /** heartbeat interval of the event stream; default 15 s */
  heartbeatMs?: number;
}

export interface RunningBridge {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  key: string;
  close(): Promise<void>;
}

/**
 * The page's CSP as a header (architecture §9.2): the same policy renderer/index.html carries as a meta tag (one
 * source, main/security/csp.ts), sent as a header because a header also covers responses that are not the page,
 * plus `frame-ancestors`, which only works as a header.
 */
export const PAGE_CSP = `${contentSecurityPolicy}; frame-ancestors 'none'`;

const BRIDGE_CALLER = { trusted: true, description: 'browser bridge (loopback, key checked)' } as const;

/** A bridge method name as the renderer spells it (`scanCode`); the dispatcher decides whether it exists. */
const methodNamePattern = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

export async function startBrowserBridge(options: BridgeOptions): Promise<RunningBridge> {
  const key = options.key ?? newBridgeKey();
  if (!isUsableBridgeKey(key)) throw new Error('bridge key must be 32–256 characters of [A-Za-z0-9_-]');
  const keyMatches = createKeyCheck(key);
  const streams = createEventStreams(options.events, options.heartbeatMs ?? 15_000);
  // Known only after listen() when port 0 asked for a free one; every request arrives after that.
  let authorities = allowedAuthorities(options.port);

  const app = new Hono();
  // A client that aborts mid-upload (or any unexpected throw) gets the same typed refusal as everything else:
  // no plain-text 500, no stack trace on stderr.
  app.onError((_error, c) => refuse(c, 500, 'internal', 'Interner Fehler der Bridge. Bitte die Seite neu laden.'));

  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('Content-Security-Policy', PAGE_CSP);
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    c.res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  });

  // DNS rebinding and cross-origin requests: refused on every path, static files included.
  app.use('*', async (c, next) => {
    const urlHost = new URL(c.req.url).host;
    if (!isAllowedHost(c.req.header('host'), authorities.hosts) || !isAllowedHost(urlHost, authorities.hosts)) {
      return refuse(c, 403, 'host', 'Zugriff verweigert: unbekannter Hostname.');
    }
    if (!isAllowedOrigin(c.req.header('origin'), authorities.origins)) {
      return refuse(c, 403, 'origin', 'Zugriff verweigert: fremde Herkunft (Origin).');
    }
    return next();
  });

  app.all('/_sim/*', (c) => refuse(c, 404, 'not-found', 'Nicht vorhanden.'));
  app.all('/_sim', (c) => refuse(c, 404, 'not-found', 'Nicht vorhanden.'));

  app.use('/api/*', async (c, next) => {
    if (!isAllowedFetchSite(c.req.header('sec-fetch-site'))) {
      return refuse(c, 403, 'origin', 'Zugriff verweigert: Anfrage von einer fremden Seite.');
    }
    if (!keyMatches(c.req.header('authorization'))) {
      return refuse(c, 401, 'unauthorized', 'Zugriff verweigert: Bridge-Schlüssel fehlt oder ist falsch. Bitte die Seite neu laden.');
    }
    c.header('Cache-Control', 'no-store');
    return next();
  });

  app.all('/api/events', (c) => {
    if (c.req.method !== 'GET') return methodNotAllowed(c, 'GET');
    return new Response(streams.open(c.req.raw.signal), {
      status: 200,
      headers: {
        'Content-Type': 'application/x-ndjson; charset=utf-8',
        'Cache-Control': 'no-store',
      },
    });
  });

  app.all('/api/:method', async (c) => {
    if (c.req.method !== 'POST') return methodNotAllowed(c, 'POST');
    const method = c.req.param('method');
    if (!methodNamePattern.test(method)) return refuse(c, 404, 'not-found', 'Unbekannte Funktion.');
    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      return refuse(c, 415, 'validation', 'Die Anfrage muss JSON sein (Content-Type: application/json).');
    }
    const maxBytes = maxBodyBytes(method);
    const body = await readJsonBody(c.req.raw, maxBytes);
    if (!body.ok) {
      if (body.reason === 'invalid-json') return refuse(c, 400, 'validation', 'Die Anfrage ist kein gültiges JSON.');
      // The rest of the oversized body is never read: the connection cannot be reused.
      c.header('Connection', 'close');
      return refuse(c, 413, 'validation', `Die Anfrage ist zu groß (höchstens ${formatBodyLimit(maxBytes)}).`);
    }
    // Always 200 for an IpcResult: failures of the call itself are data, not transport errors.
    return c.json(await options.dispatcher.dispatch(`erx:${method}`, body.value, BRIDGE_CALLER), 200);
  });

  app.all('/api/*', (c) => refuse(c, 404, 'not-found', 'Unbekannte Funktion.'));
  app.all('/api', (c) => refuse(c, 404, 'not-found', 'Unbekannte Funktion.'));

  app.get('*', async (c) => {
    const urlPath = new URL(c.req.url).pathname;
    if (urlPath === '/' || urlPath === '/index.html') return servePage(c);
    const filePath = resolveStaticPath(options.rendererDir, urlPath);
    if (!filePath) return c.text('Nicht gefunden.', 404);
    const content = await readStaticFile(options.rendererDir, filePath);
    if (content) {
      return c.body(new Uint8Array(content), 200, { 'Content-Type': contentTypeOf(filePath), 'Cache-Control': 'no-cache' });
    }
    if (wantsPage({ secFetchMode: c.req.header('sec-fetch-mode'), accept: c.req.header('accept') })) return servePage(c);
    return c.text('Nicht gefunden.', 404);
  });

  app.all('*', (c) => methodNotAllowed(c, 'GET, HEAD'));

  async function servePage(c: Context): Promise<Response> {
    const indexPath = resolveStaticPath(options.rendererDir, '/index.html');
    const html = indexPath ? await readStaticFile(options.rendererDir, indexPath) : undefined;
    const page = html ? injectBridgeKey(html.toString('utf8'), key) : undefined;
    if (!page) return c.text('Die Oberfläche wurde nicht gefunden. Bitte zuerst „npm run build“ ausführen.', 500);
    // The key lives in this body only: never cache it, never put it in a header or URL.
    return c.body(page, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  }

  const server = createAdaptorServer({ fetch: app.fetch, hostname: '127.0.0.1', overrideGlobalObjects: false }) as Server;
  const port = await listen(server, options.port);
  authorities = allowedAuthorities(port);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolveClose) => {
      streams.closeAll();
      server.close(() => resolveClose());
      server.closeAllConnections();
    });
    return closing;
  };

  return { url: `http://127.0.0.1:${port}/`, port, key, close };
}

/** Listens on loopback only; rejects (e.g. EADDRINUSE) instead of crashing the process. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolveListen, rejectListen) => {
    const onError = (error: Error): void => rejectListen(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

/** Transport-level refusals carry an AppError as well, so the page can show something German. */
function refuse(c: Context, status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 500, code: string, message: string): Response {
  const error: AppError = { code, message, retry: 'never', system: 'app', httpStatus: status, at: new Date().toISOString() };
  return c.json({ ok: false, error }, status);
}

function methodNotAllowed(c: Context, allow: string): Response {
  c.header('Allow', allow);
  return refuse(c, 405, 'method-not-allowed', 'Diese Anfrageart ist hier nicht erlaubt.');
}
