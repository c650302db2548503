/**
 * The control API under `/_sim/` (architecture §6, docs/simulator.md): issue access tokens (the IDP stand-in),
 * create prescriptions, reset, set the clock, inject faults. JSON in and out; bad input ⇒ 400 `{"error": …}`.
 *
 * Only for this machine: the Host header must name a loopback address (and the listening port once known),
 * which defeats DNS rebinding; a request with a foreign Origin (a web page's cross-site POST) is refused.
 * The app's browser bridge never forwards these paths.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ArticleCatalog } from '../../shared/erezept/catalog/article-catalog';
import { parseKvnrFormat, parseTelematikId } from '../../shared/erezept/identifiers';
import { ProfessionOids, type TokenService } from './auth';
import { parseDuration } from './clock';
import { faultRequestSchema, type FaultInjector } from './faults';
import type { SimulatorState } from './operations/context';
import { createPrescriptions, prescriptionRequestSchema } from './prescriptions';

export interface ControlDeps {
  state: SimulatorState;
  tokens: TokenService;
  catalog: ArticleCatalog;
  faults: FaultInjector;
  random: () => number;
  /** the listening port once known; then Host must carry exactly this port */
  port: () => number | undefined;
}

/** Default lifetime of issued access tokens; the client renews after a 401 (spec §10.1: the IDP's are shorter). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 12 * 3600;
const MAX_BODY = 64 * 1024;

const tokenRequestSchema = z
  .object({
    professionOID: z.string().regex(/^[0-9]+(\.[0-9]+)+$/, 'professionOID: OID erwartet'),
    telematikId: z.string().optional(),
    kvnr: z.string().optional(),
    expiresIn: z.number().int().min(1).max(30 * 86_400).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.professionOID === ProfessionOids.insurant) {
      if (value.kvnr === undefined || !parseKvnrFormat(value.kvnr).ok) {
        ctx.addIssue({ code: 'custom', message: 'Versicherte brauchen eine KVNR (Großbuchstabe + 9 Ziffern)', path: ['kvnr'] });
      }
    } else if (value.telematikId === undefined || !parseTelematikId(value.telematikId).ok) {
      ctx.addIssue({ code: 'custom', message: 'Institutionen brauchen eine gültige Telematik-ID (z. B. 3-…)', path: ['telematikId'] });
    }
  });

const clockRequestSchema = z.union([
  z.object({ set: z.string() }).strict(),
  z.object({ advance: z.string() }).strict(),
  z.object({ reset: z.literal(true) }).strict(),
]);

class ControlError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405,
    message: string,
  ) {
    super(message);
  }
}

export function controlApp(deps: ControlDeps): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const refusal = loopbackRefusal(c, deps.port());
    if (refusal) return c.json({ error: refusal }, 403);
    await next();
  });

  app.onError((error, c) => {
    if (error instanceof ControlError) return c.json({ error: error.message }, error.status);
    console.error(`[simulator] control API failed: ${error instanceof Error ? error.message : String(error)}`);
    return c.json({ error: 'interner Fehler des Simulators' }, 500);
  });

  app.get('/health', (c) => c.json({ ok: true }));

  app.post('/token', async (c) => {
    const request = parse(tokenRequestSchema, await jsonBody(c));
    const now = deps.state.clock.now();
    const lifetime = request.expiresIn ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    const idNummer = request.professionOID === ProfessionOids.insurant ? request.kvnr! : request.telematikId!;
    const token = await deps.tokens.issue({ professionOID: request.professionOID, idNummer }, now, lifetime);
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: lifetime });
  });

  app.post('/prescriptions', async (c) => {
    const request = parse(prescriptionRequestSchema, await jsonBody(c));
    const created = await createPrescriptions({ state: deps.state, catalog: deps.catalog, random: deps.random }, request);
    const first = created[0]!;
    return c.json(
      {
        taskId: first.taskId,
        accessCode: first.accessCode,
        kvnr: first.kvnr,
        token: first.token,
        // What the patient's printout carries: one DataMatrix with up to 3 tokens (spec §2, A_19553-01).
        dataMatrix: JSON.stringify({ urls: created.map((p) => p.token) }),
        ...(created.length > 1 ? { prescriptions: created } : {}),
      },
      201,
    );
  });

  app.post('/reset', async (c) => {
    await jsonBody(c);
    deps.state.repository.reset();
    deps.faults.clear();
    return c.json({ ok: true });
  });

  app.get('/clock', (c) => c.json(clockState(deps)));
  app.post('/clock', async (c) => {
    const request = parse(clockRequestSchema, await jsonBody(c));
    const clock = deps.state.clock;
    if ('set' in request) {
      const instant = new Date(request.set);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(request.set) || Number.isNaN(instant.getTime())) {
        throw new ControlError(400, 'set: Zeitpunkt im ISO-8601-Format erwartet, z. B. 2026-10-05T09:00:00+02:00');
      }
      clock.set(instant);
    } else if ('advance' in request) {
      const ms = parseDuration(request.advance);
      if (ms === undefined) throw new ControlError(400, 'advance: ISO-8601-Dauer in W/D/H/M/S erwartet, z. B. P1D oder PT2H');
      clock.advance(ms);
    } else {
      clock.reset();
    }
    return c.json(clockState(deps));
  });

  app.get('/faults', (c) => c.json({ faults: deps.faults.list() }));
  app.post('/faults', async (c) => {
    const request = parse(faultRequestSchema, await jsonBody(c));
    const rule = deps.faults.add(request);
    return c.json({ fault: rule, faults: deps.faults.list() }, 201);
  });
  app.delete('/faults', (c) => {
    deps.faults.clear();
    return c.json({ faults: [] });
  });

  app.all('*', (c) => {
    const known = ['/_sim/health', '/_sim/token', '/_sim/prescriptions', '/_sim/reset', '/_sim/clock', '/_sim/faults'];
    return known.includes(c.req.path)
      ? c.json({ error: `Methode ${c.req.method} wird hier nicht unterstützt` }, 405)
      : c.json({ error: 'unbekannter Endpunkt der Steuer-API' }, 404);
  });

  return app;
}

function clockState(deps: ControlDeps): { now: string } {
  return { now: deps.state.clock.now().toISOString() };
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(?::([0-9]{1,5}))?$/i;

/** Why this request may not use the control API, or undefined when it may. */
export function loopbackRefusal(c: Context, port: number | undefined): string | undefined {
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  const m = LOOPBACK_HOST.exec(host);
  if (!m || (port !== undefined && m[2] !== String(port))) {
    return 'Die Steuer-API ist nur über 127.0.0.1:<port> oder localhost:<port> erreichbar.';
  }
  const origin = c.req.header('origin');
  // A browser page (even a sandboxed one, Origin "null") must never drive the control API.
  if (origin !== undefined) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return 'Ungültiger Origin.';
    }
    const o = LOOPBACK_HOST.exec(originHost);
    if (!o || (port !== undefined && o[2] !== String(port))) return 'Fremder Origin: die Steuer-API nimmt keine Anfragen von Webseiten an.';
  }
  return undefined;
}

async function jsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header('content-type');
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  if (text.length > MAX_BODY) throw new ControlError(400, 'Anfrage zu groß');
  if (text.trim() === '') return {};
  if (contentType !== undefined && !/^application\/json\b/i.test(contentType.trim())) {
    throw new ControlError(400, 'Content-Type application/json erwartet');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'Kein gültiges JSON');
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new ControlError(400, `${where}${issue?.message ?? 'ungültige Anfrage'}`);
  }
  return result.data;
}
