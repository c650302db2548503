/**
 * The simulated Konnektor's switches for the simulator's control API (mounted under `/_sim/konnektor`; the
 * loopback `Host`/`Origin` check is the mounting control API's job). JSON in and out; bodies checked with zod;
 * a refusal is 400 `{"error": "<German text>"}` like the rest of the control API.
 *
 * - `GET /`          → what is loaded, inserted (with handle) and unlocked, and whether the Konnektor is down
 * - `POST /cards`    `{"iccsns": ["8027…", …]}` → exactly these cards are inserted (empty list: none)
 * - `POST /pin`      `{"iccsn": "8027…", "verified": false}` → PIN.SMC status of that SMC-B
 * - `POST /down`     `{"down": true}` → every Konnektor request answers 503
 * - `POST /reinsert` (no body or `{}`) → every inserted card gets a new handle (volatile handles, §3.3)
 * - `POST /reset`    (no body or `{}`) → start configuration, as after a Konnektor restart
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { ControlError, parseOrRefuse } from '../../control-error';
import { UnknownCardError, type KonnektorState } from './konnektor-state';

const iccsn = z.string().regex(/^\d{20}$/, 'ICCSN: 20 Ziffern erwartet');
const cardsSchema = z.object({ iccsns: z.array(iccsn).max(32) }).strict();
const pinSchema = z.object({ iccsn, verified: z.boolean() }).strict();
const downSchema = z.object({ down: z.boolean() }).strict();
const emptySchema = z.object({}).strict();

export function konnektorControl(state: KonnektorState): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof ControlError) return c.json({ error: error.message }, error.status);
    if (error instanceof UnknownCardError) return c.json({ error: error.message }, 400);
    throw error;
  });

  app.get('/', (c) => c.json(state.snapshot()));
  app.post('/cards', async (c) => {
    state.setInserted(parseOrRefuse(cardsSchema, await jsonBody(c)).iccsns);
    return c.json(state.snapshot());
  });
  app.post('/pin', async (c) => {
    const body = parseOrRefuse(pinSchema, await jsonBody(c));
    state.setPinVerified(body.iccsn, body.verified);
    return c.json(state.snapshot());
  });
  app.post('/down', async (c) => {
    state.down = parseOrRefuse(downSchema, await jsonBody(c)).down;
    return c.json(state.snapshot());
  });
  app.post('/reinsert', async (c) => {
    parseOrRefuse(emptySchema, await jsonBody(c, {}));
    state.reinsert();
    return c.json(state.snapshot());
  });
  app.post('/reset', async (c) => {
    parseOrRefuse(emptySchema, await jsonBody(c, {}));
    state.reset();
    return c.json(state.snapshot());
  });
  return app;
}

/** The JSON body; an empty body counts as `empty` when given (reinsert, reset), otherwise it is refused. */
async function jsonBody(c: Context, empty?: unknown): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '' && empty !== undefined) return empty;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'Anfrage ist kein gültiges JSON');
  }
}
