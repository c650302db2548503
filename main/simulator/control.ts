/**
 * The control API under `/_sim/` (architecture §6, docs/simulator.md): issue access tokens (the IDP stand-in),
 * create prescriptions, reset, set the clock, inject faults. JSON in and out; bad input ⇒ 400 `{"error": …}`.
 *
 * Only for this machine: the Host header must name a loopback address (and the listening port once known),
 * which defeats DNS rebinding; a request with a foreign Origin (a web page's cross-site POST) is refused.
 * The app's browser bridge never forwards these paths.
 *
 * Scenarios (scenarios/format.ts): `GET /_sim/scenarios` lists them, `POST /_sim/scenarios/{name}` resets the
 * simulator and loads one. The patient's side of Communications: `/_sim/communications/` (communication-control.ts).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ArticleTable } from '../../shared/erezept/catalog/demo-catalog';
import { parseKvnrFormat, parseTelematikId } from '../../shared/erezept/identifiers';
import { ProfessionOids } from '../../shared/fhir/profiles';
import type { TokenService } from './auth';
import { applyClockChange } from './clock';
import { communicationControlApp } from './communication-control';
import { ControlError, parseOrRefuse, readJsonBody } from './control-error';
import { egkControlApp } from './egk/egk-control';
import { faultRequestSchema, type FaultInjector } from './faults';
import type { SimulatorState } from './operations/context';
import { createFromBody, parsePrescriptionBody } from './prescription-request';
import { prescriptionResponse } from './prescriptions';
import type { RandomSources } from './random-sources';
import { loadScenario, scenarioSummary, type ParsedScenario } from './scenarios';

export interface ControlDeps {
  state: SimulatorState;
  tokens: TokenService;
  catalog: ArticleTable;
  faults: FaultInjector;
  /** random data and ids; re-seeded on reset and scenario load when deterministic */
  sources: RandomSources;
  /** what `/_sim/scenarios` offers (checked) */
  scenarios: readonly ParsedScenario[];
  /** the listening port once known; then Host must carry exactly this port */
  port: () => number | undefined;
  /** `--ti`: the simulated TI's switches under `/_sim/ti/` and what `/_sim/reset` must also reset */
  ti?: { control: Hono; reset: () => void };
}

/** Default lifetime of issued access tokens; the client renews after a 401 (spec §10.1: the IDP's are shorter). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 12 * 3600;
/** Large enough for a KBV bundle of up to 1 MB (the Fachdienst's limit) as a JSON string. */
const MAX_BODY = 2 * 1024 * 1024;

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

/** `POST /_sim/scenarios/{name}`: empty, or the pharmacy the scenario's Zuweisungen go to (the app's Telematik-ID). */
const scenarioLoadSchema = z
  .object({ pharmacy: z.string().min(1, 'pharmacy: Telematik-ID erwartet').max(128).optional() })
  .strict();

const clockRequestSchema = z.union([
  z.object({ set: z.string() }).strict(),
  z.object({ advance: z.string() }).strict(),
  z.object({ reset: z.literal(true) }).strict(),
]);

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
    const request = parse(tokenRequestSchema, await readJsonBody(c, MAX_BODY));
    const now = deps.state.clock.now();
    const lifetime = request.expiresIn ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    const idNummer = request.professionOID === ProfessionOids.insurant ? request.kvnr! : request.telematikId!;
    const token = await deps.tokens.issue({ professionOID: request.professionOID, idNummer }, now, lifetime);
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: lifetime });
  });

  app.post('/prescriptions', async (c) => {
    const body = parsePrescriptionBody(await readJsonBody(c, MAX_BODY));
    const created = await createFromBody({ state: deps.state, catalog: deps.catalog, random: deps.sources.random }, body);
    return c.json(prescriptionResponse(created), 201);
  });

  app.post('/reset', async (c) => {
    await readJsonBody(c, MAX_BODY);
    deps.state.repository.reset();
    deps.state.clock.reset();
    deps.faults.clear();
    deps.ti?.reset();
    deps.sources.reseed('reset');
    return c.json({ ok: true });
  });

  app.get('/scenarios', (c) => c.json({ scenarios: deps.scenarios.map(scenarioSummary) }));
  app.post('/scenarios/:name', async (c) => {
    const options = parse(scenarioLoadSchema, await readJsonBody(c, MAX_BODY));
    const scenario = deps.scenarios.find((s) => s.name === c.req.param('name'));
    if (!scenario) throw new ControlError(404, `unbekanntes Szenario „${c.req.param('name')}“`);
    const loaded = await loadScenario(
      { state: deps.state, catalog: deps.catalog, faults: deps.faults, sources: deps.sources },
      scenario,
      options,
    );
    return c.json(loaded);
  });

  app.get('/clock', (c) => c.json(clockState(deps)));
  app.post('/clock', async (c) => {
    applyClockChange(deps.state.clock, parse(clockRequestSchema, await readJsonBody(c, MAX_BODY)));
    return c.json(clockState(deps));
  });

  app.get('/faults', (c) => c.json({ faults: deps.faults.list() }));
  app.post('/faults', async (c) => {
    const request = parse(faultRequestSchema, await readJsonBody(c, MAX_BODY));
    const rule = deps.faults.add(request);
    return c.json({ fault: rule, faults: deps.faults.list() }, 201);
  });
  app.delete('/faults', (c) => {
    deps.faults.clear();
    return c.json({ faults: [] });
  });

  // eGK path of GET /Task: switches and PoPP tokens (egk/egk-control.ts, spec erezept-pharmacy §3.9)
  app.route('/egk', egkControlApp(deps.state));
  // the patient's app: Zuweisungen and the replies it got (spec erezept-pharmacy §3.11)
  app.route('/communications', communicationControlApp(deps.state));
  if (deps.ti) app.route('/ti', deps.ti.control);

  app.all('*', (c) => {
    const known = ['/_sim/health', '/_sim/token', '/_sim/prescriptions', '/_sim/reset', '/_sim/clock', '/_sim/faults', '/_sim/scenarios'];
    return known.includes(c.req.path) || /^\/_sim\/scenarios\/[^/]+$/.test(c.req.path)
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


function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return parseOrRefuse(schema, value);
}
