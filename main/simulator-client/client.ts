/**
 * The one client of the simulator's control API (`/_sim/…`, docs/simulator.md "Control API", served by
 * main/simulator/control.ts): the endpoint paths, what each request carries and what each answer looks like live
 * here once. Training (main/training/simulator-control.ts), the demo seeding and the training clock
 * (main/services/), the benchmarks (tools/bench/) and the QA kit (test/e2e/kit/simulator.ts) all go through it.
 *
 * It knows nothing of the simulator's code and nothing of the app's layers: requests go through a
 * `ControlChannel` — the app's own Transport (main/fachdienst/transport.ts, which fits structurally and brings its
 * timeouts and the hop for the connection indicator) or `fetchChannel` for tools and tests. Every answer is checked
 * before it is handed on; a refusal or an answer of the wrong shape is a `SimulatorControlError`, whose message
 * never carries an answer body (a created prescription carries its AccessCode). No answer at all is whatever the
 * channel throws (TransportError for the app's Transport, fetch's TypeError otherwise).
 */
import { z } from 'zod';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { trainerReplyCaps, type ScenarioSummary } from '../../shared/ipc/contract';

// ---------------------------------------------------------------------------------------------------------
// Channel
// ---------------------------------------------------------------------------------------------------------

export type ControlMethod = 'GET' | 'POST' | 'DELETE';

export interface ControlRequest<M extends ControlMethod = ControlMethod> {
  method: M;
  /** relative to the simulator's base URL, e.g. `_sim/clock` */
  path: string;
  /** query parameters, kept apart from the path (the app's Transport leaves them out of its error texts) */
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  /** the access token stands in for the IDP (A_23814: the connection indicator names that hop) */
  hop?: 'idp';
}

export interface ControlResponse {
  status: number;
  body: string;
}

/**
 * How requests reach the simulator; resolves with any HTTP answer, throws when none arrived. GET and POST are every
 * call the app makes — the app's Transport is such a channel.
 */
export interface ControlChannel {
  send(request: ControlRequest<'GET' | 'POST'>): Promise<ControlResponse>;
}

/** A channel that can also DELETE (disarming faults: tests and tools). */
export interface FullControlChannel extends ControlChannel {
  send(request: ControlRequest): Promise<ControlResponse>;
}

/** What `fetchChannel` calls: `fetch` itself, or a stand-in such as the simulator's Hono app (`app.request`). */
export type FetchLike = (url: URL, init: RequestInit) => Promise<Response> | Response;

/** A channel over `fetch` to `baseUrl` (tools, tests); paths resolve below it. */
export function fetchChannel(baseUrl: string, fetchImpl: FetchLike = (url, init) => fetch(url, init)): FullControlChannel {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  return {
    async send(request) {
      const init: RequestInit = { method: request.method, headers: request.headers };
      if (request.body !== undefined) init.body = request.body;
      const url = new URL(request.path, base);
      for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
      const response = await fetchImpl(url, init);
      return { status: response.status, body: await response.text() };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Endpoints, requests and answers
// ---------------------------------------------------------------------------------------------------------

/** The control API's paths, relative to the simulator's base URL. */
export const SimulatorControlPaths = {
  token: '_sim/token',
  prescriptions: '_sim/prescriptions',
  reset: '_sim/reset',
  clock: '_sim/clock',
  faults: '_sim/faults',
  scenarios: '_sim/scenarios',
  scenario: (name: string): string => `_sim/scenarios/${encodeURIComponent(name)}`,
  egkInsert: '_sim/egk/insert',
  egkRemove: '_sim/egk/remove',
  egkSettings: '_sim/egk/settings',
  communicationReplies: '_sim/communications/replies',
} as const;

/** `POST /_sim/token`: an institution signs in with its Telematik-ID, an insurant with the KVNR (spec §1.1). */
export interface TokenClaims {
  professionOID: string;
  telematikId?: string;
  kvnr?: string;
  /** lifetime in seconds (default 12 h) */
  expiresIn?: number;
}

/** `POST /_sim/prescriptions` (generated; docs/simulator.md "Prescriptions"): one patient per request. */
export interface PrescriptionRequest {
  flowType: '160' | '166' | '169' | '200' | '209';
  kvnr?: string;
  medication?: 'pzn' | 'freitext' | 'wirkstoff' | 'rezeptur';
  /** YYYY-MM-DD */
  authoredOn?: string;
  /** one part of a multiple prescription (MVO) series */
  mvo?: { part: number; of: number; start: string };
  /** several prescriptions for the same patient, printed on one Patientenausdruck */
  count?: number;
  /** Rechtsgrundlage (KBV Statuskennzeichen): '00' (default), '01' ASV, '04' Entlassmanagement, '07' TSS, '10' Ersatzverordnung, '11', '14', '17' */
  legalBasis?: '00' | '01' | '04' | '07' | '10' | '11' | '14' | '17';
}

/** `POST /_sim/clock`: `advance` by an ISO 8601 duration, `set` to an instant, or back to real time. */
export type ClockChange = { advance: string } | { set: string } | { reset: true };

export const faultOperations = ['accept', 'dispense', 'close', 'reject', 'abort', 'getByAc', 'getBySecret', 'any'] as const;
export type FaultOperation = (typeof faultOperations)[number];

/** `POST /_sim/faults`: the next `count` calls of `operation` fail (docs/simulator.md "Faults"). */
export interface FaultRequest {
  operation: FaultOperation;
  count?: number;
  status?: number;
  phase?: 'before-commit' | 'after-commit';
  /** cut the connection instead of answering (after-commit: the operation happened, the answer is lost) */
  drop?: boolean;
  delayMs?: number;
}

const accessCodeTask = z.object({ taskId: z.string(), accessCode: z.string(), kvnr: z.string(), token: z.string() });
/** One created Task: `token` is `Task/<id>/$accept?ac=<AccessCode>` (spec §2) — it carries the AccessCode, never log it. */
export type PrescriptionTask = z.infer<typeof accessCodeTask>;

const createdPrescriptionSchema = accessCodeTask.extend({
  /** what the Patientenausdruck's DataMatrix carries: `{"urls":[…]}` */
  dataMatrix: z.string(),
  /** every Task of the request when `count` > 1 */
  prescriptions: z.array(accessCodeTask).optional(),
});
export type CreatedPrescription = z.infer<typeof createdPrescriptionSchema>;

const armedFaultSchema = z.object({
  operation: z.enum(faultOperations),
  remaining: z.number().int(),
  /** absent: the call is only delayed */
  status: z.number().int().optional(),
  delayMs: z.number().int(),
  phase: z.enum(['before-commit', 'after-commit']),
  drop: z.boolean(),
});
/** A fault as `GET /_sim/faults` lists it: `remaining` counts down with every call it hits. */
export type ArmedFault = z.infer<typeof armedFaultSchema>;

/** Optional display text: anything but a non-empty string counts as absent (answers of older versions lack them). */
const optionalText = z
  .unknown()
  .transform((v) => (typeof v === 'string' && v.trim() !== '' ? v : undefined))
  .optional();

const scenarioTaskSchema = z.object({
  taskId: z.string(),
  kvnr: z.string(),
  token: z.string(),
  flowType: optionalText,
  patientName: optionalText,
  birthDate: optionalText,
  medication: optionalText,
  prescriber: optionalText,
  authoredOn: optionalText,
});

/**
 * `POST /_sim/scenarios/{name}` (main/simulator/scenarios/loader.ts): the loaded scenario — one entry per printout
 * (with all its Tasks when `count` > 1), the armed faults (FaultRule JSON, read leniently by the trainer), the steps.
 */
export const scenarioAnswerSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  now: z.string(),
  prescriptions: z.array(
    scenarioTaskSchema.extend({
      label: optionalText,
      acceptedBy: optionalText,
      dataMatrix: z.string(),
      prescriptions: z.array(scenarioTaskSchema).optional(),
    }),
  ),
  faults: z.array(z.unknown()),
  steps: z.array(z.string()),
});
export type ScenarioAnswer = z.output<typeof scenarioAnswerSchema>;

/**
 * `POST /_sim/egk/insert` (docs/simulator.md „The simulated eGK and card terminals“, spec erezept-pharmacy §3.9):
 * the patient's eGK into a workplace's card terminal (default AP1). `staleCard`: the chip's data are outdated
 * against the insurer's (another street), so the Fachdienst answers 458 (hcv mismatch).
 */
export interface EgkInsertRequest {
  kvnr: string;
  workplace?: string;
  staleCard?: boolean;
}

/** `POST /_sim/egk/settings`: the simulated Fachdienst's eGK switches; any subset. */
export interface EgkSettings {
  pn3Accepted?: boolean;
  hcvEnforced?: boolean;
  lockAfterMismatches?: number;
}

const egkInsertedSchema = z.object({
  inserted: z.object({ workplaceId: z.string(), handle: z.string(), from: z.enum(['prescription', 'defaults']) }),
});
/** Where the card went and whether its person came from the simulator's prescriptions or the defaults. */
export type InsertedEgk = z.infer<typeof egkInsertedSchema>['inserted'];
const egkRemovedSchema = z.object({ removed: z.boolean() });
const egkSettingsSchema = z.object({ pn3Accepted: z.boolean(), hcvEnforced: z.boolean(), lockAfterMismatches: z.number().int() });

/**
 * `GET /_sim/communications/replies?kvnr=` (main/simulator/communication-control.ts): one reply (profile Reply) the
 * patient got, as the patient's app reads it. Read leniently — the payload is whatever a pharmacy wrote (spec
 * erezept-pharmacy §3.11), so every field is text or absent and nothing here is interpreted; the trainer's mapping
 * decides what can be shown. `payload`, `supplyOptions` and `resource` are left out: `contentString` carries the
 * payload as sent.
 */
const patientReplySchema = z.object({
  id: optionalText,
  taskId: optionalText,
  /** the pharmacy's Telematik-ID */
  sender: optionalText,
  sent: optionalText,
  /** stamped at the patient's first read; absent (or empty) before */
  received: optionalText,
  contentString: optionalText,
  /** GEM_ERP_EX_AvailabilityState's code, e.g. "20" — unchecked */
  availability: optionalText,
});
export type PatientReplyAnswer = z.output<typeof patientReplySchema>;

/**
 * Items that are no object at all carry nothing readable and are left out; the others are kept as far as readable.
 * At most the newest `trainerReplyCaps.replies` (the answer is oldest first).
 */
const patientRepliesSchema = z.object({
  replies: z
    .array(z.unknown())
    .transform((items) =>
      items.slice(-trainerReplyCaps.replies).flatMap((item) => {
        const parsed = patientReplySchema.safeParse(item);
        return parsed.success ? [parsed.data] : [];
      }),
    ),
});

const tokenAnswerSchema = z.object({ access_token: z.string().min(1) });
const clockAnswerSchema = z.object({ now: z.string().refine((text) => !Number.isNaN(Date.parse(text))) });
const okAnswerSchema = z.object({ ok: z.literal(true) });
const scenarioListSchema = z.object({
  scenarios: z.array(z.object({ name: z.string(), title: z.string(), description: z.string() })),
});
const faultListSchema = z.object({ faults: z.array(armedFaultSchema) });
const faultAddedSchema = z.object({ fault: armedFaultSchema });
/** The control API's refusals: 400/403/404 with a German reason. */
const refusalSchema = z.object({ error: z.string() });

// ---------------------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------------------

/** The control API refused (`refused`: any answer but 2xx) or answered something this client cannot read. */
export class SimulatorControlError extends Error {
  constructor(
    readonly kind: 'refused' | 'unreadable',
    /** e.g. `POST /_sim/clock` */
    readonly endpoint: string,
    readonly status: number,
    /** the control API's own German reason (`{"error": …}`), at most 300 characters, when it gave one */
    readonly reason?: string,
  ) {
    super(
      kind === 'refused'
        ? `Simulator ${endpoint}: HTTP ${status}${reason ? ` – ${reason}` : ''}`
        : `Simulator ${endpoint}: Antwort nicht lesbar (HTTP ${status})`,
    );
    this.name = 'SimulatorControlError';
  }
}

const JSON_HEADERS = { Accept: 'application/json' } as const;

export class SimulatorControlClient<C extends ControlChannel = ControlChannel> {
  constructor(private readonly channel: C) {}

  /** `POST /_sim/token`: an access token with these claims (the IDP stand-in). */
  async accessToken(claims: TokenClaims): Promise<string> {
    const answer = await this.call('POST', SimulatorControlPaths.token, tokenAnswerSchema, { body: claims, hop: 'idp' });
    return answer.access_token;
  }

  /** A public pharmacy's access token (professionOID oid_oeffentliche_apotheke). */
  pharmacyToken(telematikId: string): Promise<string> {
    return this.accessToken({ professionOID: ProfessionOids.publicPharmacy, telematikId });
  }

  /** An insurant's access token, as the patient's app would sign in — only they may read MedicationDispense (spec §3.10). */
  insurantToken(kvnr: string): Promise<string> {
    return this.accessToken({ professionOID: ProfessionOids.insurant, kvnr });
  }

  /** `POST /_sim/prescriptions`: new prescriptions, ready for `$accept`. */
  createPrescription(request: PrescriptionRequest): Promise<CreatedPrescription> {
    return this.call('POST', SimulatorControlPaths.prescriptions, createdPrescriptionSchema, { body: request });
  }

  /** `POST /_sim/reset`: no Tasks, no clock offset, no faults (the PrescriptionID sequence stays). */
  async reset(): Promise<void> {
    await this.call('POST', SimulatorControlPaths.reset, okAnswerSchema);
  }

  /** `GET /_sim/clock`: the simulator's "now" — in training also the app's. */
  async now(): Promise<Date> {
    return new Date((await this.call('GET', SimulatorControlPaths.clock, clockAnswerSchema)).now);
  }

  /** `POST /_sim/clock`: moves or sets the simulated time; answers the new "now". */
  async changeClock(change: ClockChange): Promise<Date> {
    return new Date((await this.call('POST', SimulatorControlPaths.clock, clockAnswerSchema, { body: change })).now);
  }

  /** `GET /_sim/scenarios`: the deck. */
  async scenarios(): Promise<ScenarioSummary[]> {
    return (await this.call('GET', SimulatorControlPaths.scenarios, scenarioListSchema)).scenarios;
  }

  /**
   * `POST /_sim/scenarios/{name}`: resets the simulator and loads the scenario. `pharmacy`: the Telematik-ID the
   * scenario's Zuweisungen go to (the app's own; without it the simulator's training pharmacy). The answer carries
   * tokens and KVNRs (training data, still never logged).
   */
  loadScenario(name: string, pharmacy?: string): Promise<ScenarioAnswer> {
    return this.call('POST', SimulatorControlPaths.scenario(name), scenarioAnswerSchema, { body: pharmacy === undefined ? {} : { pharmacy } });
  }

  /** `POST /_sim/egk/insert`: the patient's eGK into the workplace's card terminal (a card there is pulled first). */
  async insertEgk(request: EgkInsertRequest): Promise<InsertedEgk> {
    return (await this.call('POST', SimulatorControlPaths.egkInsert, egkInsertedSchema, { body: request })).inserted;
  }

  /** `POST /_sim/egk/remove`: pulls the eGK at the workplace (default AP1); false when its terminal was empty. */
  async removeEgk(workplace?: string): Promise<boolean> {
    const body = workplace === undefined ? {} : { workplace };
    return (await this.call('POST', SimulatorControlPaths.egkRemove, egkRemovedSchema, { body })).removed;
  }

  /** `POST /_sim/egk/settings`: changes the given switches; answers all of them. */
  egkSettings(settings: EgkSettings): Promise<Required<EgkSettings>> {
    return this.call('POST', SimulatorControlPaths.egkSettings, egkSettingsSchema, { body: settings });
  }

  /**
   * `GET /_sim/communications/replies?kvnr=`: the replies patient `kvnr` got, oldest first — read as the patient's
   * app reads them, so the Fachdienst stamps `received` (spec §3.11: the pharmacy then sees them as read).
   */
  async patientReplies(kvnr: string): Promise<PatientReplyAnswer[]> {
    return (await this.call('GET', SimulatorControlPaths.communicationReplies, patientRepliesSchema, { query: { kvnr } })).replies;
  }

  /** `POST /_sim/faults`: arms a fault; answers it as armed. */
  async addFault(fault: FaultRequest): Promise<ArmedFault> {
    return (await this.call('POST', SimulatorControlPaths.faults, faultAddedSchema, { body: fault })).fault;
  }

  /** `GET /_sim/faults`: the faults still armed. */
  async armedFaults(): Promise<ArmedFault[]> {
    return (await this.call('GET', SimulatorControlPaths.faults, faultListSchema)).faults;
  }

  /** `DELETE /_sim/faults`: disarms every fault (needs a channel that can DELETE, e.g. `fetchChannel`). */
  async clearFaults(this: SimulatorControlClient<FullControlChannel>): Promise<void> {
    await this.exchange(this.channel, requestOf('DELETE', SimulatorControlPaths.faults), faultListSchema);
  }

  private call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    options: RequestOptions = {},
  ): Promise<T> {
    return this.exchange(this.channel, requestOf(method, path, options), schema);
  }

  private async exchange<M extends ControlMethod, T>(
    channel: { send(request: ControlRequest<M>): Promise<ControlResponse> },
    request: ControlRequest<M>,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const response = await channel.send(request);
    const endpoint = `${request.method} /${request.path}`;
    if (response.status < 200 || response.status >= 300) {
      throw new SimulatorControlError('refused', endpoint, response.status, reasonOf(response.body));
    }
    const parsed = schema.safeParse(jsonOrUndefined(response.body));
    if (!parsed.success) throw new SimulatorControlError('unreadable', endpoint, response.status);
    return parsed.data;
  }
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
  hop?: 'idp';
}

function requestOf<M extends ControlMethod>(method: M, path: string, options: RequestOptions = {}): ControlRequest<M> {
  const request: ControlRequest<M> = { method, path, headers: { ...JSON_HEADERS } };
  if (options.query !== undefined) request.query = { ...options.query };
  if (options.body !== undefined) {
    request.headers['Content-Type'] = 'application/json';
    request.body = JSON.stringify(options.body);
  }
  if (options.hop !== undefined) request.hop = options.hop;
  return request;
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function reasonOf(body: string): string | undefined {
  const parsed = refusalSchema.safeParse(jsonOrUndefined(body));
  return parsed.success ? parsed.data.error.slice(0, 300) : undefined;
}
