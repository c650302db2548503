/**
 * The simulator as a Hono app: the pharmacy-facing Fachdienst endpoints (spec §3: Task operations, Communications
 * §3.11) plus the control API (`/_sim/…`). Endpoints of other roles that the simulator does not imitate still get
 * the FD's role check (unsimulated-endpoints.ts). Testable in-process with `app.request()`; server.ts serves it on
 * 127.0.0.1.
 *
 * Pipeline of every Fachdienst request, in the FD's order (VauRequestHandler, spec §3 "Common"):
 * body size (400) → BOM (400, A_28427) → handler lookup (405) → access token (401) → role (403, "endpoint is
 * forbidden for professionOID …") → response format (406) → [injected fault] → the operation, serialised per
 * Task → response in the negotiated format (errors as OperationOutcome, spec §8).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ArticleTable } from '../../shared/erezept/catalog/demo-catalog';
import { flowTypeOf, isPharmacyFlowType, parsePrescriptionId } from '../../shared/erezept/identifiers';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { bearerToken, PHARMACY_OIDS, type AccessClaims, type TokenService } from './auth';
import type { SimClock } from './clock';
import { controlApp, loopbackRefusal } from './control';
import { egkProofKey } from './egk/proof-key';
import { FaultInjector, sleep, type FaultRule, type FaultTarget } from './faults';
import {
  BOM_TEXT,
  CONTENT_TYPES,
  defaultFormat,
  hasBom,
  MAX_BODY_BYTES,
  negotiateFormat,
  serialize,
  type FhirFormat,
} from './format';
import type { IdSource } from './ids';
import { FachdienstError, operationOutcome } from './operation-outcome';
import { abortTask } from './operations/abort';
import { acceptTask } from './operations/accept';
import { closeTask } from './operations/close';
import { postCommunication } from './operations/communication/post';
import { deleteCommunication, getCommunication, listCommunications } from './operations/communication/read';
import type { OperationRequest, OperationResult, SimulatorState } from './operations/context';
import { dispenseTask } from './operations/dispense';
import { getTask, listTasks } from './operations/get-task';
import { listMedicationDispenses } from './operations/medication-dispense';
import { getMetadata } from './operations/metadata';
import { rejectTask } from './operations/reject';
import { postSubscription } from './operations/subscription';
import type { TestPki } from './pki';
import { cryptoSources, seededSources } from './random-sources';
import type { TaskRepository } from './repository';
import { SubscriptionHub } from './subscriptions';
import { parseScenarios, sampleScenarios, type Scenario } from './scenarios';
import { TaskLocks } from './task-locks';
import { unsimulatedEndpoint } from './unsimulated-endpoints';
import { withIdpTokens } from './ti/idp-tokens';
import { patientFromPrescriptions } from './ti/konnektor/egk-patient-lookup';
import {
  createKonnektorSimulation,
  konnektorOfTiSimulation,
  mountKonnektorSimulation,
  mountTiSimulation,
  resetTiSimulation,
  tiControlApp,
  type StandaloneCards,
  type TiSimulation,
} from './ti/ti-simulation';

export interface SimulatorAppDeps {
  repository: TaskRepository;
  clock: SimClock;
  tokens: TokenService;
  pki: TestPki;
  catalog: ArticleTable;
  ids?: IdSource;
  /** random source of the prescription generator's fictional data */
  random?: () => number;
  /** deterministic runs: ids and fictional data from this seed (overrides `ids` and `random`), random-sources.ts */
  seed?: number;
  /** what `/_sim/scenarios` offers (default: the built-in samples); checked here, a bad one throws */
  scenarios?: readonly Scenario[];
  faults?: FaultInjector;
  /** the listening port once known: the control API then requires exactly this port in Host */
  port?: () => number | undefined;
  /** one line per request (method, path without query, status) — never secrets, which travel in the query */
  log?: (line: string) => void;
  /**
   * `--ti`: VAU, IDP and Konnektor beside the Fachdienst (spec ti-transport §4). Pharmacies then reach the FHIR
   * endpoints only through the VAU, as in production; insurants, doctors and `/_sim/…` stay plain.
   */
  ti?: TiSimulation;
  /** without `ti`: the Konnektor's SMC-Bs (ti-simulation.ts StandaloneCards; default the test material when present) */
  konnektorCards?: StandaloneCards;
  /** the subscriptions for new Communications; server.ts shares it with the WebSocket `/subscription` (default: own) */
  subscriptions?: SubscriptionHub;
}

type Handler = (state: SimulatorState, request: OperationRequest) => Promise<OperationResult>;

interface FhirRoute {
  handler: Handler;
  /** who may call it (A_19166-02, A_24279, A_19230-01, …; FD ErpProcessingContext) */
  allowed: (oid: string, taskId: string | undefined) => boolean;
  fault: (request: OperationRequest) => FaultTarget;
  /** serialise per Task (read-modify-write) */
  locked: boolean;
}

const oneOf =
  (...oids: string[]) =>
  (oid: string): boolean =>
    oids.includes(oid);

/** $accept: allowed roles depend on the flow type in the id; a malformed id gives 403 here (spec §3). */
function mayAccept(oid: string, taskId: string | undefined): boolean {
  const parsed = taskId === undefined ? undefined : parsePrescriptionId(taskId);
  if (!parsed?.ok) return false;
  const flowType = flowTypeOf(parsed.data);
  if (flowType === '162') return oid === ProfessionOids.costBearer;
  return isPharmacyFlowType(flowType) && PHARMACY_OIDS.includes(oid);
}

const pharmacyOrCostBearer = oneOf(...PHARMACY_OIDS, ProfessionOids.costBearer);

const TASK_OPERATIONS: Record<string, FhirRoute> = {
  $accept: { handler: acceptTask, allowed: mayAccept, fault: () => 'accept', locked: true },
  $dispense: { handler: dispenseTask, allowed: oneOf(...PHARMACY_OIDS), fault: () => 'dispense', locked: true },
  $close: { handler: closeTask, allowed: pharmacyOrCostBearer, fault: () => 'close', locked: true },
  $reject: { handler: rejectTask, allowed: pharmacyOrCostBearer, fault: () => 'reject', locked: true },
  $abort: {
    handler: abortTask,
    allowed: oneOf(
      ProfessionOids.insurant,
      ProfessionOids.doctorPractice,
      ProfessionOids.dentistPractice,
      ProfessionOids.psychotherapistPractice,
      ProfessionOids.hospital,
      ...PHARMACY_OIDS,
    ),
    fault: () => 'abort',
    locked: true,
  },
};

const GET_TASK: FhirRoute = {
  handler: getTask,
  allowed: oneOf(ProfessionOids.insurant, ...PHARMACY_OIDS, ProfessionOids.costBearer),
  fault: (request) => (request.query('secret') !== undefined ? 'getBySecret' : 'getByAc'),
  locked: true,
};
const LIST_TASKS: FhirRoute = {
  handler: listTasks,
  allowed: oneOf(ProfessionOids.insurant, ...PHARMACY_OIDS),
  fault: () => 'other',
  locked: false,
};
const LIST_MEDICATION_DISPENSES: FhirRoute = {
  handler: listMedicationDispenses,
  // A_19405-02: insurants only — pharmacies cannot read back what they submitted (spec §3.10)
  allowed: oneOf(ProfessionOids.insurant),
  fault: () => 'other',
  locked: false,
};

const METADATA: FhirRoute = {
  handler: getMetadata,
  // FD MetaDataHandler is an unconstrained handler: every authenticated role may read it.
  allowed: () => true,
  fault: () => 'other',
  locked: false,
};

/**
 * Communications (spec §3.11, A_19446-02): insurants, pharmacies and cost bearers. Not serialised per Task: the
 * handlers do not wait between reading and writing, so no other request can come in between.
 */
const communicationRoute = (handler: Handler): FhirRoute => ({
  handler,
  allowed: oneOf(ProfessionOids.insurant, ...PHARMACY_OIDS, ProfessionOids.costBearer),
  fault: () => 'other',
  locked: false,
});
const COMMUNICATION_ROUTES: Record<string, FhirRoute> = {
  'GET /Communication': communicationRoute(listCommunications),
  'POST /Communication': communicationRoute(postCommunication),
  'GET /Communication/{id}': communicationRoute(getCommunication),
  'DELETE /Communication/{id}': communicationRoute(deleteCommunication),
};

/** A_22362-01: pharmacies and cost bearers register for the ping on new Communications. */
const POST_SUBSCRIPTION: FhirRoute = {
  handler: postSubscription,
  allowed: oneOf(...PHARMACY_OIDS, ProfessionOids.costBearer),
  fault: () => 'other',
  locked: false,
};

const NO_HANDLER = 'no matching handler found.';

/**
 * An FD endpoint without a handler here (unsimulated-endpoints.ts): the FD's role check first (a pharmacy gets the
 * 403 of every forbidden call), then 405 for the roles that may call it.
 */
function unsimulatedRoute(c: Context): FhirRoute | undefined {
  const endpoint = unsimulatedEndpoint(c.req.method, c.req.path);
  if (!endpoint) return undefined;
  return {
    handler: () => Promise.reject(new FachdienstError(405, NO_HANDLER, { diagnostics: `not simulated: ${endpoint.name}` })),
    allowed: (oid) => endpoint.allowedOids.includes(oid),
    fault: () => 'other',
    locked: false,
  };
}

export function createSimulatorApp(deps: SimulatorAppDeps): Hono {
  const sources = deps.seed !== undefined ? seededSources(deps.seed) : cryptoSources(deps.random, deps.ids);
  const scenarios = parseScenarios(deps.scenarios ?? sampleScenarios);
  const state: SimulatorState = {
    repository: deps.repository,
    clock: deps.clock,
    ids: sources.ids,
    pki: deps.pki,
    subscriptions: deps.subscriptions ?? new SubscriptionHub(),
  };
  const faults = deps.faults ?? new FaultInjector();
  const locks = new TaskLocks();
  const log = deps.log ?? ((): void => undefined);
  const { ti } = deps;
  // With the simulated TI the Fachdienst also accepts the simulated IDP's tokens (spec ti-transport §4.1 step 6).
  const tokens = ti ? withIdpTokens(deps.tokens, ti.material.idpSignature.certificate.publicKey) : deps.tokens;
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    stampDate(c, deps.clock.now());
    log(`${c.req.method} ${c.req.path} → ${c.res.status}`);
  });

  // The Konnektor with its SMC-Bs and eGK terminals, also without --ti (training reads eGKs, spec erezept-pharmacy
  // §3.9); its PNs under the key the Fachdienst checks them with. Before the control API (its catch-all).
  mountKonnektorSimulation(app, ti ? konnektorOfTiSimulation(ti) : createKonnektorSimulation(() => deps.clock.now(), deps.konnektorCards), {
    now: () => deps.clock.now(),
    origin: () => `http://127.0.0.1${deps.port?.() === undefined ? '' : `:${deps.port()}`}`,
    egkProofKey: () => egkProofKey(state.repository),
    knownPatient: (kvnr) => patientFromPrescriptions(state.repository, kvnr),
    controlRefusal: (c) => loopbackRefusal(c, deps.port?.()),
  });

  app.route(
    '/_sim',
    controlApp({
      state,
      tokens: deps.tokens,
      catalog: deps.catalog,
      faults,
      sources,
      scenarios,
      port: deps.port ?? ((): undefined => undefined),
      ...(ti ? { ti: { control: tiControlApp(ti), reset: () => resetTiSimulation(ti) } } : {}),
    }),
  );

  if (ti) {
    mountTiSimulation(app, ti, {
      now: () => deps.clock.now(),
      dispatch: (request, env) => Promise.resolve(app.fetch(request, env)),
    });
  }

  const serve = (c: Context, route: FhirRoute | undefined, taskId: string | undefined): Promise<Response> =>
    handleFhirRequest(c, route, taskId, { state, tokens, faults, locks, vauOnlyForPharmacies: ti !== undefined });

  app.all('/Task', (c) => serve(c, c.req.method === 'GET' ? LIST_TASKS : undefined, undefined));
  app.all('/Task/:id', (c) => serve(c, c.req.method === 'GET' ? GET_TASK : unsimulatedRoute(c), c.req.param('id')));
  app.all('/Task/:id/:operation', (c) => {
    const route = c.req.method === 'POST' ? TASK_OPERATIONS[c.req.param('operation')] : undefined;
    return serve(c, route ?? unsimulatedRoute(c), c.req.param('id'));
  });
  app.all('/Communication', (c) => serve(c, COMMUNICATION_ROUTES[`${c.req.method} /Communication`], undefined));
  app.all('/Subscription', (c) => serve(c, c.req.method === 'POST' ? POST_SUBSCRIPTION : undefined, undefined));
  app.all('/Communication/:id', (c) =>
    serve(c, COMMUNICATION_ROUTES[`${c.req.method} /Communication/{id}`], c.req.param('id')),
  );
  app.all('/metadata', (c) => serve(c, c.req.method === 'GET' ? METADATA : undefined, undefined));
  app.all('/MedicationDispense', (c) =>
    serve(c, c.req.method === 'GET' ? LIST_MEDICATION_DISPENSES : undefined, undefined),
  );
  // Everything else: an FD endpoint the simulator does not imitate (its role check, then 405), or none at all
  // (A_19030: 405).
  app.all('*', (c) => serve(c, unsimulatedRoute(c), undefined));

  app.onError((error, c) => {
    console.error(`[simulator] ${c.req.method} ${c.req.path} failed: ${error instanceof Error ? error.message : String(error)}`);
    return fhirError(new FachdienstError(500, 'Internal server error.'), bestEffortFormat(c, undefined));
  });

  return app;
}

interface PipelineDeps {
  state: SimulatorState;
  tokens: TokenService;
  faults: FaultInjector;
  locks: TaskLocks;
  /** `--ti`: a pharmacy's request outside the VAU is refused (403) */
  vauOnlyForPharmacies: boolean;
}

async function handleFhirRequest(
  c: Context,
  route: FhirRoute | undefined,
  taskId: string | undefined,
  deps: PipelineDeps,
): Promise<Response> {
  let format: FhirFormat = bestEffortFormat(c, undefined);
  try {
    const body = await readBody(c);
    if (!route) throw new FachdienstError(405, NO_HANDLER);
    const caller: AccessClaims = await deps.tokens.verify(bearerToken(c.req.header('authorization')), deps.state.clock.now());
    format = bestEffortFormat(c, caller.professionOID);
    if (deps.vauOnlyForPharmacies && PHARMACY_OIDS.includes(caller.professionOID) && !cameThroughVau(c)) {
      // The production Fachdienst speaks to pharmacies only through the VAU (spec ti-transport §1.1).
      throw new FachdienstError(403, 'Leistungserbringer müssen den Fachdienst über die VAU aufrufen (POST /VAU/{pseudonym})');
    }
    if (!route.allowed(caller.professionOID, taskId)) {
      throw new FachdienstError(403, `endpoint is forbidden for professionOID ${caller.professionOID}`);
    }
    format = negotiateFormat(c.req.query('_format'), c.req.header('accept'), caller.professionOID);

    const request: OperationRequest = {
      taskId: taskId ?? '',
      caller,
      query: (name) => c.req.query(name),
      header: (name) => c.req.header(name),
      body,
      contentType: c.req.header('content-type'),
      baseUrl: new URL(c.req.url).origin,
    };
    const fault = deps.faults.take(route.fault(request));
    if (fault?.phase === 'before-commit') {
      const faulted = await applyFault(c, fault, format);
      if (faulted) return faulted;
    }
    const run = (): Promise<OperationResult> => route.handler(deps.state, request);
    let outcome: Response;
    try {
      const result = route.locked && taskId !== undefined ? await deps.locks.run(taskId, run) : await run();
      outcome = fhirResult(result, format);
    } catch (error) {
      if (!(error instanceof FachdienstError)) throw error;
      outcome = fhirError(error, format);
    }
    if (fault?.phase === 'after-commit') {
      const faulted = await applyFault(c, fault, format);
      if (faulted) return faulted;
    }
    return outcome;
  } catch (error) {
    if (error instanceof FachdienstError) return fhirError(error, format);
    throw error;
  }
}

/**
 * Every answer carries `Date` (RFC 7231 IMF-fixdate, whole seconds) in the simulator's own time — the clock a
 * trainer or test moved — as a real Fachdienst sends its own; the app measures the clock offset from it
 * (main/fachdienst/fachdienst-clock.ts). Node would otherwise add the machine's time.
 */
function stampDate(c: Context, now: Date): void {
  const date = now.toUTCString();
  try {
    c.res.headers.set('Date', date);
  } catch {
    // an immutable Response: copy it with the header
    const copy = new Response(c.res.body, c.res);
    copy.headers.set('Date', date);
    c.res = copy;
  }
}

/** The format for a response before (or without) a successful negotiation: never throws. */
function bestEffortFormat(c: Context, professionOID: string | undefined): FhirFormat {
  try {
    return negotiateFormat(c.req.query('_format'), c.req.header('accept'), professionOID);
  } catch {
    return defaultFormat(professionOID);
  }
}

const NO_BODY = new Uint8Array();

async function readBody(c: Context): Promise<Uint8Array> {
  // Most calls ($accept, $close after $dispense, GETs) carry no body. Over HTTP/1.1 a body is always announced
  // by Content-Length or Transfer-Encoding, so then no body stream needs to be set up. (In-process requests
  // through app.request() have no Node request and are read as usual.)
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  if (incoming?.headers) {
    const { 'content-length': length, 'transfer-encoding': encoding } = incoming.headers;
    if ((length === undefined || length === '0') && encoding === undefined) return NO_BODY;
  }
  const declared = Number(c.req.header('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
  if (hasBom(bytes)) throw new FachdienstError(400, BOM_TEXT);
  return bytes;
}

const tooLarge = (): FachdienstError => new FachdienstError(400, 'Request too large: the limit is 1 MB.');

function fhirResult(result: OperationResult, format: FhirFormat): Response {
  if (!result.resource) return new Response(null, { status: result.status, headers: result.headers });
  return new Response(serialize(result.resource, format), {
    status: result.status,
    headers: { 'Content-Type': CONTENT_TYPES[format], ...result.headers },
  });
}

function fhirError(error: FachdienstError, format: FhirFormat): Response {
  return new Response(serialize(operationOutcome(error.status, error.issues), format), {
    status: error.status,
    headers: { 'Content-Type': CONTENT_TYPES[format], ...error.options.headers },
  });
}

/** The injected answer, or undefined when the rule only delays. */
async function applyFault(c: Context, fault: FaultRule, format: FhirFormat): Promise<Response | undefined> {
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.drop) return dropConnection(c);
  if (fault.status === undefined) return undefined;
  const text = fault.status === 500 ? 'Internal server error.' : `Simulierter Fehler (HTTP ${fault.status}).`;
  return fhirError(new FachdienstError(fault.status, text), format);
}

interface NodeBindings {
  incoming?: { socket?: { destroy(): void }; headers?: Record<string, string | string[] | undefined> };
}

/** Cuts the TCP connection without an answer (a lost response). In-process (app.request) there is no socket. */
/** Set only by the simulated VAU when it hands a decrypted request to this app (ti/vau/vau-app.ts). */
function cameThroughVau(c: Context): boolean {
  return (c.env as { viaVau?: unknown } | undefined)?.viaVau === true;
}

function dropConnection(c: Context): Response {
  const env = c.env as NodeBindings | undefined;
  env?.incoming?.socket?.destroy();
  return new Response(null, { status: 503, headers: { 'X-Simulator-Fault': 'dropped' } });
}
