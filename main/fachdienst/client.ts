/**
 * The pharmacy-facing operations of the E-Rezept-Fachdienst (spec §3) over a Transport. Every request asks
 * for JSON (the real Fachdienst answers institutions in XML unless asked, spec §3) and every failure
 * becomes an AppFailure with a typed AppError (spec §8, architecture §9.6).
 */
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import {
  fachdienstErrorFromResponse,
  fachdienstUnreachableError,
  redactSecrets,
  type FachdienstOperation,
} from '../../shared/fhir/operation-outcome';
import { AppFailure, failure, HopFailure } from '../errors';
import type { AccessTokenProvider } from './access-token';
import { FachdienstClock } from './fachdienst-clock';
import { MAX_SUBSCRIPTION_ANSWER_CHARS, readSubscriptionAnswer, subscriptionRequest, type CommunicationSubscription } from './subscription-answer';
import { TransportError, type HttpMethod, type Transport, type TransportResponse } from './transport';

export const FHIR_JSON = 'application/fhir+json';
const FHIR_JSON_UTF8 = 'application/fhir+json; charset=UTF-8';

/**
 * Asked by the retry loop before it repeats a $dispense whose answer did not prove the outcome (timeout, 5xx):
 * `repeat` = a read showed the list did not arrive; `arrived` = it did (the loop ends as a success, nothing is
 * sent again); `unknown` = the read failed (the loop ends with the last failure). Never sent twice blindly:
 * every $dispense notifies the patient.
 */
export type DispenseRepeatCheck = 'repeat' | 'arrived' | 'unknown';

export interface DispenseOptions {
  /** without it a failed $dispense is not repeated automatically at all (retrying-fachdienst.ts) */
  beforeRepeat?: () => Promise<DispenseRepeatCheck>;
}

/** The operations the workflow needs; FachdienstClient implements them, tests fake them. */
export interface FachdienstApi {
  /** POST Task/<id>/$accept?ac= → the accept Bundle (Task with Secret + QES Binary), spec §3.2 */
  accept(id: PrescriptionId, accessCode: AccessCode): Promise<unknown>;
  /**
   * POST Task/<id>/$dispense?secret= with the complete list → 204, spec §3.4. `options` matter only to a
   * decorator that repeats calls (RetryingFachdienst); a single call ignores them.
   */
  dispense(id: PrescriptionId, secret: Secret, parameters: FhirResourceJson, options?: DispenseOptions): Promise<void>;
  /** POST Task/<id>/$close?secret= (body optional) → the receipt Bundle, spec §3.5 */
  close(id: PrescriptionId, secret: Secret, parameters?: FhirResourceJson): Promise<unknown>;
  /** GET Task/<id>?secret= → Task (+ receipt when completed), spec §3.6 */
  getBySecret(id: PrescriptionId, secret: Secret): Promise<unknown>;
  /** GET Task/<id>?ac= → Task with Secret + QES (secret recovery, UC 4.17), spec §3.3 */
  getByAccessCode(id: PrescriptionId, accessCode: AccessCode): Promise<unknown>;
  /** POST Task/<id>/$reject?secret= → 204; the Task is ready again for other pharmacies, spec §3.7 */
  reject(id: PrescriptionId, secret: Secret): Promise<void>;
  /** POST Task/<id>/$abort?secret= → 204; the Task is cancelled (deleted), spec §3.8 */
  abort(id: PrescriptionId, secret: Secret): Promise<void>;
  /**
   * GET Task with the proof of the patient's presence (spec §3.9): VSDM `?kvnr&hcv&pnw` or a PoPP token; `page` =
   * the query of the previous answer's `next` link. 200 and 202 (a proof with result 3 accepted) both list.
   */
  listByEgk?(proof: EgkPresenceProof, page?: string): Promise<{ status: number; body: unknown }>;
  /**
   * GET Communication (spec §3.11): the messages this pharmacy sent or received, newest first (`_sort=-sent`);
   * `unreadOnly` adds `received=NULL` — those the Fachdienst has not yet handed to their recipient, which includes
   * this pharmacy's own replies the patient has not fetched. The Fachdienst stamps `received` on the messages
   * addressed to the pharmacy with this very call, so a message is „unread“ only once. `page` = the query of the
   * previous answer's `next` link (shared/fhir/communication keeps it on `Communication`). Read the body with
   * `readCommunications`. Optional like listByEgk, so fakes of the other operations stay as they are.
   */
  listCommunications?(query?: CommunicationQuery): Promise<{ status: number; body: unknown }>;
  /**
   * POST Communication with a Reply built by `buildReply` → 201 (spec §3.11). `id` = the Communication.id the
   * Fachdienst gave it (from the body, else the Location header); '' when the answer named none — the message was
   * created all the same, so it must not be sent again. Not idempotent: never repeated automatically.
   */
  sendCommunication?(resource: FhirResourceJson): Promise<{ id: string; body: unknown }>;
  /** DELETE Communication/<id> → 204: a message this pharmacy sent disappears from the patient's app (spec §3.11). */
  deleteCommunication?(id: string): Promise<void>;
  /**
   * POST Subscription (spec §3.11, A_22363): registers this pharmacy (`telematikId` = its own, else 403 „ID
   * mismatch“) for the ping on new Zuweisungen, criteria `Communication?received=null&recipient=<telematikId>`.
   * Answers the Subscription's id, its end and the WebSocket's bearer token (read strictly, subscription-answer.ts).
   * Over the TI through the VAU like every call (`X-erp-resource: Subscription`).
   */
  subscribeCommunications?(telematikId: string): Promise<CommunicationSubscription>;
  /**
   * The Fachdienst's clock minus the app's in ms, from the `Date` header of the latest answer (fachdienst-clock.ts);
   * undefined before any answer carried one. Optional: a fake without it counts as offset 0.
   */
  clockOffsetMs?(): number | undefined;
}

export interface CommunicationQuery {
  /** only what no recipient has fetched yet (`received=NULL`) */
  unreadOnly?: boolean;
  /** the query of the previous answer's `next` link; replaces every other parameter */
  page?: string;
}

/** What proves the patient and their eGK were here (spec §3.9). */
export type EgkPresenceProof =
  | { kind: 'vsdm'; kvnr: string; hcv: string; pnw: string }
  | { kind: 'popp'; token: string };

export interface FachdienstClientOptions {
  transport: Transport;
  tokens: AccessTokenProvider;
  now: () => Date;
  /** `<product>/<version>` for the User-Agent header (A_20015-01) */
  userAgent?: string;
}

interface Call {
  operation: FachdienstOperation;
  method: HttpMethod;
  path: string;
  query: Record<string, string>;
  body?: FhirResourceJson;
  headers?: Record<string, string>;
}

export class FachdienstClient implements FachdienstApi {
  private readonly clock = new FachdienstClock();

  constructor(private readonly options: FachdienstClientOptions) {}

  clockOffsetMs(): number | undefined {
    return this.clock.offsetMs();
  }

  async accept(id: PrescriptionId, accessCode: AccessCode): Promise<unknown> {
    const response = await this.call({ operation: 'accept', method: 'POST', path: `${taskPath(id)}/$accept`, query: { ac: accessCode } });
    return this.json('accept', response);
  }

  async dispense(id: PrescriptionId, secret: Secret, parameters: FhirResourceJson): Promise<void> {
    await this.call({ operation: 'dispense', method: 'POST', path: `${taskPath(id)}/$dispense`, query: { secret }, body: parameters });
  }

  async close(id: PrescriptionId, secret: Secret, parameters?: FhirResourceJson): Promise<unknown> {
    const response = await this.call({ operation: 'close', method: 'POST', path: `${taskPath(id)}/$close`, query: { secret }, body: parameters });
    return this.json('close', response);
  }

  async getBySecret(id: PrescriptionId, secret: Secret): Promise<unknown> {
    const response = await this.call({ operation: 'getBySecret', method: 'GET', path: taskPath(id), query: { secret } });
    return this.json('getBySecret', response);
  }

  async getByAccessCode(id: PrescriptionId, accessCode: AccessCode): Promise<unknown> {
    const response = await this.call({ operation: 'getByAc', method: 'GET', path: taskPath(id), query: { ac: accessCode } });
    return this.json('getByAc', response);
  }

  async reject(id: PrescriptionId, secret: Secret): Promise<void> {
    await this.call({ operation: 'reject', method: 'POST', path: `${taskPath(id)}/$reject`, query: { secret } });
  }

  async abort(id: PrescriptionId, secret: Secret): Promise<void> {
    await this.call({ operation: 'abort', method: 'POST', path: `${taskPath(id)}/$abort`, query: { secret } });
  }

  async listByEgk(proof: EgkPresenceProof, page?: string): Promise<{ status: number; body: unknown }> {
    // a next page repeats the Fachdienst's own query (shared/fhir/fachdienst-responses.ts keeps it on /Task)
    const query = page !== undefined ? Object.fromEntries(new URLSearchParams(page)) : proof.kind === 'vsdm' ? { kvnr: proof.kvnr, hcv: proof.hcv, pnw: proof.pnw } : {};
    const headers = proof.kind === 'popp' ? { 'X-PoPP-Token': proof.token } : undefined;
    const response = await this.call({ operation: 'listByEgk', method: 'GET', path: 'Task', query, ...(headers ? { headers } : {}) });
    return { status: response.status, body: this.json('listByEgk', response) };
  }

  async listCommunications(query: CommunicationQuery = {}): Promise<{ status: number; body: unknown }> {
    // a next page repeats the Fachdienst's own query; the first page asks newest first (api-erp erp_communication)
    const params =
      query.page !== undefined
        ? Object.fromEntries(new URLSearchParams(query.page))
        : { ...(query.unreadOnly ? { received: 'NULL' } : {}), _sort: '-sent' };
    const response = await this.call({ operation: 'listCommunications', method: 'GET', path: 'Communication', query: params });
    return { status: response.status, body: this.json('listCommunications', response) };
  }

  async sendCommunication(resource: FhirResourceJson): Promise<{ id: string; body: unknown }> {
    const response = await this.call({ operation: 'sendCommunication', method: 'POST', path: 'Communication', query: {}, body: resource });
    // Any 2xx proves the message was created (spec §8), so an unreadable body is no failure: only the id is unknown.
    const body = parseBody(response);
    const bodyId = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['id'] : undefined;
    // Location: `<base>/Communication/<id>` (the Fachdienst writes its own base, prescriptionserver.telematik)
    const locationId = /\/Communication\/([^/?#]+)(?:[?#].*)?$/.exec(response.headers['location'] ?? '')?.[1];
    const id = [bodyId, locationId].find((candidate): candidate is string => typeof candidate === 'string' && FHIR_ID.test(candidate));
    return { id: id ?? '', body: typeof body === 'object' && body !== null ? body : undefined };
  }

  async deleteCommunication(id: string): Promise<void> {
    // Checked before anything is sent: an id from elsewhere must never become another path (`Communication/` alone
    // would address the whole list).
    if (!FHIR_ID.test(id)) {
      throw failure('validation', 'Diese Nachricht hat keine gültige Kennung und kann nicht gelöscht werden. Es wurde nichts an den E-Rezept-Fachdienst gesendet.', {
        detail: 'DELETE Communication: ungültige Id',
        at: this.options.now(),
      });
    }
    await this.call({ operation: 'deleteCommunication', method: 'DELETE', path: `Communication/${id}`, query: {} });
  }

  async subscribeCommunications(telematikId: string): Promise<CommunicationSubscription> {
    const request = subscriptionRequest(telematikId);
    if (!request) {
      throw failure('validation', 'Die Telematik-ID der Apotheke ist ungültig; die Anmeldung für Benachrichtigungen über neue Zuweisungen wurde nicht gesendet.', {
        detail: 'POST Subscription: ungültige Telematik-ID',
        at: this.options.now(),
      });
    }
    const response = await this.call({ operation: 'subscribeCommunications', method: 'POST', path: 'Subscription', query: {}, body: request });
    const read =
      response.body.length > MAX_SUBSCRIPTION_ANSWER_CHARS
        ? { ok: false as const, reason: `Subscription answer of ${response.body.length} characters` }
        : readSubscriptionAnswer(parseBody(response));
    if (read.ok) return read.subscription;
    throw failure('fachdienst', 'Die Antwort des E-Rezept-Fachdienstes auf die Anmeldung für Benachrichtigungen war nicht lesbar. Neue Zuweisungen werden weiter regelmäßig abgerufen.', {
      // the reason names fields only, never a header value (one of them is the token)
      detail: `POST Subscription → HTTP ${response.status}: ${read.reason}`,
      retry: 'never',
      httpStatus: response.status,
      system: 'fachdienst',
      at: this.options.now(),
    });
  }

  private async call(call: Call): Promise<TransportResponse> {
    let response = await this.send(call, await this.token(call.operation));
    if (response.status === 401) {
      // The token may have expired early (e.g. the simulator restarted with new keys). The Fachdienst checks
      // authentication before anything else, so nothing was done and one retry with a fresh token is safe.
      this.options.tokens.invalidate();
      response = await this.send(call, await this.token(call.operation));
    }
    if (response.status < 200 || response.status >= 300) {
      throw new AppFailure(fachdienstErrorFromResponse(call.operation, response.status, parseBody(response), this.options.now()));
    }
    return response;
  }

  private async send(call: Call, token: string): Promise<TransportResponse> {
    const headers: Record<string, string> = {
      Accept: FHIR_JSON,
      Authorization: `Bearer ${token}`,
      'User-Agent': this.options.userAgent ?? 'eRxCounter/0.1.0',
    };
    if (call.body) headers['Content-Type'] = FHIR_JSON_UTF8;
    Object.assign(headers, call.headers);
    try {
      const response = await this.options.transport.send({
        method: call.method,
        path: call.path,
        query: call.query,
        headers,
        body: call.body ? JSON.stringify(call.body) : undefined,
      });
      // Every answer, also an error, tells the Fachdienst's time.
      this.clock.observe(response.headers['date'], this.options.now());
      return response;
    } catch (e) {
      if (e instanceof TransportError) {
        throw new AppFailure(fachdienstUnreachableError(call.operation, e.kind, this.options.now(), e.technical));
      }
      const hop = tiHopFailure(e, call.operation, this.options.now());
      if (hop) throw hop;
      throw e;
    }
  }

  private async token(operation: FachdienstOperation): Promise<string> {
    try {
      return await this.options.tokens.getToken();
    } catch (e) {
      const hop = tiHopFailure(e, operation, this.options.now());
      if (hop) throw hop;
      // Nothing was sent to the Fachdienst yet, so the operation can simply be repeated.
      const technical = e instanceof TransportError ? `${e.kind}: ${e.technical}` : e instanceof Error ? e.message : 'unbekannt';
      throw failure(
        e instanceof TransportError ? e.kind : 'fachdienst',
        'Die Anmeldung am E-Rezept-Fachdienst ist fehlgeschlagen, es wurde nichts gesendet. Bitte die Verbindung prüfen und später erneut versuchen.',
        {
          detail: redactSecrets(`Access-Token für ${operation}: ${technical}`),
          retry: 'backoff',
          system: e instanceof TransportError ? 'network' : 'fachdienst',
          at: this.options.now(),
        },
      );
    }
  }

  /** A 2xx answer must carry FHIR JSON; otherwise what happened is unknown (e.g. an XML answer). */
  private json(operation: FachdienstOperation, response: TransportResponse): unknown {
    const parsed = parseBody(response);
    if (typeof parsed === 'object' && parsed !== null) return parsed;
    const unknownOutcome = operation === 'accept' || operation === 'close';
    throw failure(
      'fachdienst',
      unknownOutcome
        ? 'Die Antwort des E-Rezept-Fachdienstes war nicht lesbar; ob der Vorgang ausgeführt wurde, ist unklar. Bitte erneut versuchen – die App gleicht den Stand ab.'
        : 'Die Antwort des E-Rezept-Fachdienstes war nicht lesbar. Bitte erneut versuchen; besteht der Fehler weiter, den Support informieren.',
      {
        detail: `HTTP ${response.status}, Content-Type ${response.headers['content-type'] ?? '–'}, ${response.body.length} Zeichen`,
        retry: unknownOutcome ? 'reconcile' : 'never',
        httpStatus: response.status,
        system: 'fachdienst',
        at: this.options.now(),
      },
    );
  }
}

/**
 * A FHIR id (the Fachdienst's Communication ids are UUIDs): letters, digits, '-' and '.', at most 64 — but not dots
 * alone, which would be a path segment of their own (`.`, `..`).
 */
const FHIR_ID = /^(?!\.+$)[A-Za-z0-9\-.]{1,64}$/;

/** The PrescriptionID is a validated branded value; encode it anyway so no path can be smuggled in. */
const taskPath = (id: PrescriptionId): string => `Task/${encodeURIComponent(id)}`;

function parseBody(response: TransportResponse): unknown {
  if (response.body.length === 0) return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return response.body;
  }
}

/**
 * A failure on a hop of the TI chain before anything reached the Fachdienst — Konnektor, SMC-B, IDP, or a VAU
 * certificate that is not trusted (`HopFailure`, main/errors.ts). Its German message says which system failed and
 * what to do (A_23814); it is kept as it is. An SMC-B that needs the PIN waits for the pharmacist, so it is not
 * repeated automatically.
 */
function tiHopFailure(e: unknown, operation: FachdienstOperation, at: Date): AppFailure | undefined {
  if (!(e instanceof HopFailure)) return undefined;
  return failure(`ti-${e.hop}`, `${e.message} Es wurde nichts an den E-Rezept-Fachdienst gesendet.`, {
    detail: redactSecrets(`${operation}: ${e.hop}: ${e.technical}`),
    retry: e.hop === 'smcb' ? 'never' : 'backoff',
    // not `network`: nothing reached the Fachdienst, so there is nothing to reconcile (docs/reliability.md)
    system: 'ti',
    at,
  });
}
