/**
 * The control API of the eGK path, mounted at `/_sim/egk/` by control.ts (which also checks loopback and turns a
 * ControlError into `{"error": …}`):
 * - `GET|POST /_sim/egk/settings` — the switches of egk-settings.ts (`pn3Accepted`, `hcvEnforced`,
 *   `lockAfterMismatches`); POST takes any subset and answers all of them. `/_sim/reset` restores the defaults.
 * - `POST /_sim/egk/popp-token` `{"kvnr", "telematikId"}` — a PoPP token (popp.ts) as the PoPP service would hand it
 *   to that pharmacy after reading that patient's eGK, issued now on the simulator clock. For tests and the app's
 *   simulated PoPP client.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { parseKvnrFormat, parseTelematikId } from '../../../shared/erezept/identifiers';
import type { SimClock } from '../clock';
import { ControlError, parseOrRefuse, readJsonBody } from '../control-error';
import { egkSettingsChangeSchema, readEgkSettings, updateEgkSettings, type SettingsStore } from './egk-settings';
import { issuePoppToken } from './popp';

/** the settings or a token request are a few dozen bytes */
const MAX_BODY = 4096;

const poppTokenRequestSchema = z
  .object({
    kvnr: z.string().refine((v) => parseKvnrFormat(v).ok, 'KVNR erwartet (Großbuchstabe + 9 Ziffern)'),
    telematikId: z.string().refine((v) => parseTelematikId(v).ok, 'gültige Telematik-ID erwartet (z. B. 3-…)'),
  })
  .strict();

export function egkControlApp(state: { repository: SettingsStore; clock: SimClock }): Hono {
  const app = new Hono();

  app.get('/settings', (c) => c.json(readEgkSettings(state.repository)));
  app.post('/settings', async (c) => {
    const change = parseOrRefuse(egkSettingsChangeSchema, await readJsonBody(c, MAX_BODY));
    return c.json(updateEgkSettings(state.repository, change));
  });

  app.post('/popp-token', async (c) => {
    const request = parseOrRefuse(poppTokenRequestSchema, await readJsonBody(c, MAX_BODY));
    const token = issuePoppToken(state.repository, { actorId: request.telematikId, patientId: request.kvnr }, state.clock.now());
    return c.json({ token });
  });

  app.all('/settings', () => {
    throw new ControlError(405, 'Methode wird hier nicht unterstützt (GET oder POST)');
  });
  app.all('/popp-token', () => {
    throw new ControlError(405, 'Methode wird hier nicht unterstützt (POST)');
  });

  return app;
}

