/**
 * The simulator's control API (`/_sim/…`, docs/simulator.md "Control API") as the trainer panel needs it:
 * the scenario deck, loading a scenario, reset, an insurant's access token for the patient's view and the replies
 * the patient's app received — through the one control client (main/simulator-client/client.ts) over the app's
 * Transport, to the same base URL as the Fachdienst calls. The browser bridge never forwards `/_sim/…` (architecture §2), so these calls exist only behind
 * the trainer's IPC channels, which refuse outside training.
 *
 * Errors become AppFailures with German messages; no answer body is copied into them as a whole (the scenario
 * answer carries AccessCodes).
 */
import type { ScenarioSummary } from '../../shared/ipc/contract';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { failure, type AppFailure } from '../errors';
import { TransportError, type Transport, type TransportRequest, type TransportResponse } from '../fachdienst/transport';
import { SimulatorControlClient, SimulatorControlError, type PatientReplyAnswer, type ScenarioAnswer } from '../simulator-client/client';

/** professionOID of the insurant (spec §1.1): only the insurant may read MedicationDispense (spec §3.10). */
export const INSURANT_PROFESSION_OID = ProfessionOids.insurant;

export class SimulatorControl {
  private readonly client: SimulatorControlClient;

  constructor(
    transport: Transport,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.client = new SimulatorControlClient(transport);
  }

  /** `GET /_sim/scenarios`: the deck. */
  listScenarios(): Promise<ScenarioSummary[]> {
    return this.run(() => this.client.scenarios(), 'die Szenarioliste');
  }

  /**
   * `POST /_sim/scenarios/{name}`: resets the simulator and loads the scenario (with tokens and KVNRs — training
   * data, but still never logged). 404 = the deck has no such scenario.
   */
  loadScenario(name: string, pharmacy?: string): Promise<ScenarioAnswer> {
    return this.run(() => this.client.loadScenario(name, pharmacy), `das Szenario „${name}“`, {
      404: () => failure('not-found', `Das Szenario „${name}“ gibt es im Simulator nicht.`, { at: this.now(), httpStatus: 404 }),
    });
  }

  /** `POST /_sim/reset`: no Tasks, no clock offset, no faults (the PrescriptionID sequence stays). */
  reset(): Promise<void> {
    return this.run(() => this.client.reset(), 'das Zurücksetzen');
  }

  /** `POST /_sim/clock {"advance": …}`: moves the simulated time (W/D/H/M/S durations); answers the new "now". */
  async advanceClock(duration: string): Promise<string> {
    const now = await this.run(() => this.client.changeClock({ advance: duration }), 'das Vorstellen der Uhr');
    return now.toISOString();
  }

  /**
   * `POST /_sim/egk/insert`: the patient's eGK into the card terminal of the simulator's default workplace (AP1, the
   * workplace the app reads in training — spec erezept-pharmacy §3.9); `staleCard` makes the hcv mismatch (458).
   */
  async insertEgk(kvnr: string, staleCard: boolean): Promise<void> {
    await this.run(() => this.client.insertEgk({ kvnr, ...(staleCard ? { staleCard: true } : {}) }), 'das Stecken der Gesundheitskarte');
  }

  /** `POST /_sim/token` for the insurant with this KVNR — the IDP stand-in, as the patient's app would sign in. */
  insurantToken(kvnr: string): Promise<string> {
    return this.run(() => this.client.insurantToken(kvnr), 'die Anmeldung des Versicherten');
  }

  /**
   * `GET /_sim/communications/replies?kvnr=`: the pharmacies' replies this patient got (spec §3.11), read as the
   * patient's app reads them — so they count as read (`received`) from now on, as in production.
   */
  patientReplies(kvnr: string): Promise<PatientReplyAnswer[]> {
    return this.run(() => this.client.patientReplies(kvnr), 'das Lesen der Nachrichten an den Patienten');
  }

  /** The client's failures in German for the trainer: no answer, a refusal (with the API's reason), unreadable. */
  private async run<T>(call: () => Promise<T>, what: string, byStatus: Partial<Record<number, () => AppFailure>> = {}): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof TransportError) throw noAnswer(error, what, this.now());
      if (error instanceof SimulatorControlError) {
        if (error.kind === 'unreadable') throw unreadable(what, this.now());
        throw byStatus[error.status]?.() ?? controlRefused(error, what, this.now());
      }
      throw error;
    }
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
    if (error instanceof TransportError) throw noAnswer(error, what, now());
    throw error;
  }
}

const noAnswer = (error: TransportError, what: string, at: Date): AppFailure =>
  failure(
    error.kind === 'timeout' ? 'timeout' : 'network',
    `Der Simulator antwortet nicht (${what}): ${error.kind === 'timeout' ? 'Zeitüberschreitung' : 'keine Verbindung'}. Läuft er noch?`,
    { detail: error.technical, retry: 'backoff', system: 'network', at },
  );

/** The control API answers 400/403/404 with `{"error": "<German text>"}`; other answers are named by status. */
const controlRefused = (error: SimulatorControlError, what: string, at: Date): AppFailure =>
  failure('simulator', `Der Simulator hat ${what} abgelehnt (HTTP ${error.status})${error.reason ? `: ${error.reason}` : '.'}`, {
    httpStatus: error.status,
    system: 'fachdienst',
    retry: error.status >= 500 ? 'backoff' : 'never',
    at,
  });

const unreadable = (what: string, at: Date): AppFailure =>
  failure('simulator', `Die Antwort des Simulators auf ${what} ist nicht lesbar.`, { system: 'fachdienst', at });
