/**
 * The simulator's control API (`/_sim/…`, docs/simulator.md "Control API") as the trainer panel needs it:
 * the scenario deck, loading a scenario, reset, and an insurant's access token for the patient's view. Sent over
 * the app's Transport to the same base URL as the Fachdienst calls — the browser bridge never forwards `/_sim/…`
 * (architecture §2), so these calls exist only behind the trainer's IPC channels, which refuse outside training.
 *
 * Errors become AppFailures with German messages; no answer body is copied into them as a whole (the scenario
 * answer carries AccessCodes).
 */
import { z } from 'zod';
import type { ScenarioSummary } from '../../shared/ipc/contract';
import { failure, type AppFailure } from '../errors';
import { TransportError, type Transport, type TransportRequest, type TransportResponse } from '../fachdienst/transport';

/** professionOID of the insurant (spec §1.1): only the insurant may read MedicationDispense (spec §3.10). */
export const INSURANT_PROFESSION_OID = '1.2.276.0.76.4.49';

const scenarioListSchema = z.object({
  scenarios: z.array(z.object({ name: z.string(), title: z.string(), description: z.string() })),
});
const clockSchema = z.object({ now: z.string() });
const tokenSchema = z.object({ access_token: z.string().min(1) });
const controlErrorSchema = z.object({ error: z.string() });

const JSON_HEADERS = { Accept: 'application/json' } as const;

export class SimulatorControl {
  constructor(
    private readonly transport: Transport,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `GET /_sim/scenarios`: the deck. */
  async listScenarios(): Promise<ScenarioSummary[]> {
    const response = await this.send({ method: 'GET', path: '_sim/scenarios', headers: JSON_HEADERS }, 'die Szenarioliste');
    return this.parse(response, scenarioListSchema, 'die Szenarioliste').scenarios;
  }

  /**
   * `POST /_sim/scenarios/{name}`: resets the simulator and loads the scenario; the raw answer (with tokens and
   * KVNRs — training data, but still never logged). 404 = the deck has no such scenario.
   */
  async loadScenario(name: string): Promise<unknown> {
    const response = await this.send(
      { method: 'POST', path: `_sim/scenarios/${encodeURIComponent(name)}`, headers: JSON_HEADERS },
      `das Szenario „${name}“`,
      { 404: () => failure('not-found', `Das Szenario „${name}“ gibt es im Simulator nicht.`, { at: this.now(), httpStatus: 404 }) },
    );
    return this.json(response, `das Szenario „${name}“`);
  }

  /** `POST /_sim/reset`: no Tasks, no clock offset, no faults (the PrescriptionID sequence stays). */
  async reset(): Promise<void> {
    await this.send({ method: 'POST', path: '_sim/reset', headers: JSON_HEADERS }, 'das Zurücksetzen');
  }

  /** `POST /_sim/clock {"advance": …}`: moves the simulated time (W/D/H/M/S durations); answers the new "now". */
  async advanceClock(duration: string): Promise<string> {
    const response = await this.send(
      {
        method: 'POST',
        path: '_sim/clock',
        headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
        body: JSON.stringify({ advance: duration }),
      },
      'das Vorstellen der Uhr',
    );
    return this.parse(response, clockSchema, 'das Vorstellen der Uhr').now;
  }

  /** `POST /_sim/token` for the insurant with this KVNR — the IDP stand-in, as the patient's app would sign in. */
  async insurantToken(kvnr: string): Promise<string> {
    const response = await this.send(
      {
        method: 'POST',
        path: '_sim/token',
        hop: 'idp',
        headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
        body: JSON.stringify({ professionOID: INSURANT_PROFESSION_OID, kvnr }),
      },
      'die Anmeldung des Versicherten',
    );
    return this.parse(response, tokenSchema, 'die Anmeldung des Versicherten').access_token;
  }

  private async send(
    request: TransportRequest,
    what: string,
    byStatus: Partial<Record<number, () => AppFailure>> = {},
  ): Promise<TransportResponse> {
    const response = await sendOrFail(this.transport, request, what, this.now);
    if (response.status >= 200 && response.status < 300) return response;
    throw byStatus[response.status]?.() ?? controlRefused(response, what, this.now());
  }

  private json(response: TransportResponse, what: string): unknown {
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw unreadable(what, this.now());
    }
  }

  private parse<T>(response: TransportResponse, schema: z.ZodType<T>, what: string): T {
    const parsed = schema.safeParse(this.json(response, what));
    if (!parsed.success) throw unreadable(what, this.now());
    return parsed.data;
  }
}

/** Sends; no answer at all (timeout, refused connection) becomes a German `network` failure. */
export async function sendOrFail(
  transport: Transport,
  request: TransportRequest,
  what: string,
  now: () => Date,
): Promise<TransportResponse> {
  try {
    return await transport.send(request);
  } catch (error) {
    if (error instanceof TransportError) {
      throw failure(
        error.kind === 'timeout' ? 'timeout' : 'network',
        `Der Simulator antwortet nicht (${what}): ${error.kind === 'timeout' ? 'Zeitüberschreitung' : 'keine Verbindung'}. Läuft er noch?`,
        { detail: error.technical, retry: 'backoff', system: 'network', at: now() },
      );
    }
    throw error;
  }
}

/** The control API answers 400/403/404 with `{"error": "<German text>"}`; other answers are named by status. */
function controlRefused(response: TransportResponse, what: string, at: Date): AppFailure {
  let reason: string | undefined;
  try {
    const parsed = controlErrorSchema.safeParse(JSON.parse(response.body));
    if (parsed.success) reason = parsed.data.error.slice(0, 300);
  } catch {
    // not JSON: the status says enough
  }
  return failure(
    'simulator',
    `Der Simulator hat ${what} abgelehnt (HTTP ${response.status})${reason ? `: ${reason}` : '.'}`,
    { httpStatus: response.status, system: 'fachdienst', retry: response.status >= 500 ? 'backoff' : 'never', at },
  );
}

const unreadable = (what: string, at: Date): AppFailure =>
  failure('simulator', `Die Antwort des Simulators auf ${what} ist nicht lesbar.`, { system: 'fachdienst', at });
