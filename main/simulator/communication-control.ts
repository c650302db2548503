/**
 * The control API of the patient's side of Communications (spec erezept-pharmacy §3.11), mounted at
 * `/_sim/communications/` by control.ts (which checks loopback and answers a ControlError as `{"error": …}`):
 *
 * - `POST /_sim/communications/dispreq` `{"taskId", "pharmacy", …wish}` — „the patient assigns prescription X to
 *   pharmacy P with wish Y“: the Task's patient posts a DispReq (patient-app.ts; wish fields there and in
 *   docs/simulator.md). 201 `{"id", "sent"}`. The Fachdienst's refusal → 400 `{"error", "fachdienst": {"status",
 *   "text", "diagnostics"?}}` (e.g. `Task has invalid status.` for a prescription already claimed); unknown Task → 404.
 * - `GET /_sim/communications/replies?kvnr=<KVNR>` — the replies that patient got, as the patient's app reads them
 *   (`received` is stamped): `{"replies": [{"id", "taskId", "sender", "sent", "received", "contentString",
 *   "payload", "availability", "supplyOptions", "resource"}]}`, oldest first; `payload` is the parsed JSON or null.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { parseKvnrFormat } from '../../shared/erezept/identifiers';
import { ControlError, parseOrRefuse, readJsonBody } from './control-error';
import type { SimulatorState } from './operations/context';
import { dispReqWishSchema, readReplies, sendDispReq } from './patient-app';

/** a wish with a verbatim payload of up to 20 000 characters */
const MAX_BODY = 64 * 1024;

const dispReqRequestSchema = dispReqWishSchema.extend({
  taskId: z.string().min(1).max(64),
  /** the recipient's Telematik-ID, taken as given: the Fachdienst's own rules decide (A_27767-01) */
  pharmacy: z.string().min(1, 'pharmacy: Telematik-ID der Apotheke erwartet').max(128),
});

export function communicationControlApp(state: SimulatorState): Hono {
  const app = new Hono();

  app.post('/dispreq', async (c) => {
    const { taskId, pharmacy, ...wish } = parseOrRefuse(dispReqRequestSchema, await readJsonBody(c, MAX_BODY));
    const outcome = await sendDispReq(state, taskId, pharmacy, wish);
    if (!outcome) throw new ControlError(404, `Rezept ${taskId.slice(0, 40)} gibt es im Simulator nicht`);
    if (!outcome.ok) {
      const { status, issues } = outcome.refusal;
      const [issue] = issues;
      return c.json(
        {
          error: `Der Fachdienst lehnt die Zuweisung ab: HTTP ${status} „${issue?.text ?? ''}“`,
          fachdienst: { status, text: issue?.text ?? '', ...(issue?.diagnostics !== undefined ? { diagnostics: issue.diagnostics } : {}) },
        },
        400,
      );
    }
    return c.json({ id: outcome.id, sent: outcome.sent }, 201);
  });

  app.get('/replies', (c) => {
    const kvnr = c.req.query('kvnr') ?? '';
    if (!parseKvnrFormat(kvnr).ok) throw new ControlError(400, 'kvnr: KVNR erwartet (Großbuchstabe + 9 Ziffern)');
    return c.json({ replies: readReplies(state, kvnr) });
  });

  app.all('/dispreq', () => {
    throw new ControlError(405, 'Methode wird hier nicht unterstützt (POST)');
  });
  app.all('/replies', () => {
    throw new ControlError(405, 'Methode wird hier nicht unterstützt (GET)');
  });

  return app;
}
