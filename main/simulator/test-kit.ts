/**
 * For the simulator's own tests: an in-process simulator (memory state, a settable base clock) and helpers
 * that speak its HTTP API through `app.request()`. Not used by the product.
 */
import type { Hono } from 'hono';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import { KbvCodeSystems } from '../../shared/fhir/kbv/kbv-urls';
import { CodeSystems, Extensions, NamingSystems, PACKAGE_UNIT_CODE, ProfessionOids, Profiles, versioned } from '../../shared/fhir/profiles';
import { createSimulatorApp } from './app';
import { loadOrCreateTokenService, type TokenService } from './auth';
import { createClock, type SimClock } from './clock';
import { loadOrCreateTestPki, type TestPki } from './pki';
import { MemoryTaskRepository, type TaskRepository } from './repository';
import { SqliteTaskRepository } from './sqlite-repository';
import type { Scenario } from './scenarios';
import { SubscriptionHub } from './subscriptions';
import type { StandaloneCards, TiSimulation } from './ti/ti-simulation';

export const PHARMACY_A = '3-SMC-B-Testkarte-883110000095957';
export const PHARMACY_B = '3-01.2.2023001.16.101';
export const LOOPBACK = { host: '127.0.0.1:8080' };

export interface TestSimulator {
  app: Hono;
  repository: TaskRepository;
  clock: SimClock;
  pki: TestPki;
  tokens: TokenService;
  /** the subscriptions for new Communications (a test binds a listener instead of a WebSocket) */
  subscriptions: SubscriptionHub;
  /** moves the base time (the clock offset stays) */
  setBaseTime(instant: Date): void;
  token(professionOID: string, idNummer: string): Promise<string>;
  pharmacyToken(telematikId?: string): Promise<string>;
  insurantToken(kvnr: string): Promise<string>;
  createPrescription(body?: Record<string, unknown>): Promise<CreatedResponse>;
  /** a control API call (`/_sim` + path) with a loopback Host; JSON in and out */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  /** a FHIR request with a bearer token; JSON unless `accept` says otherwise */
  fhir(method: string, path: string, token: string, init?: FhirInit): Promise<Response>;
  /** $accept by pharmacy A (or the given one): returns the Secret */
  accept(created: CreatedResponse, telematikId?: string): Promise<string>;
}

export interface FhirInit {
  body?: string | Uint8Array;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
}

export interface CreatedResponse {
  taskId: string;
  accessCode: string;
  kvnr: string;
  token: string;
  dataMatrix: string;
  prescriptions?: { taskId: string; accessCode: string; kvnr: string; token: string }[];
}

let sharedPki: Promise<TestPki> | undefined;
let sharedTokens: Promise<TokenService> | undefined;

export interface TestSimulatorOptions {
  /** deterministic ids (SimulatorOptions.seed); without, the kit's fixed fictional-data generator is used */
  seed?: number;
  scenarios?: readonly Scenario[];
  /** SQLite file for the state (the product's persistent mode); default: memory */
  sqliteFile?: string;
  /** `--ti`: VAU, IDP and Konnektor beside the Fachdienst */
  ti?: TiSimulation;
  /** without `ti`: where the Konnektor's SMC-Bs come from (ti/ti-simulation.ts StandaloneCards) */
  konnektorCards?: StandaloneCards;
}

export async function createTestSimulator(
  start = new Date('2026-10-05T08:00:00Z'),
  options: TestSimulatorOptions = {},
): Promise<TestSimulator> {
  // Key generation is the slow part; tests share one PKI and one JWT key per worker.
  sharedPki ??= loadOrCreateTestPki(undefined, start);
  sharedTokens ??= loadOrCreateTokenService(undefined);
  const [pki, tokens] = await Promise.all([sharedPki, sharedTokens]);
  let base = start;
  const repository = options.sqliteFile !== undefined ? new SqliteTaskRepository(options.sqliteFile) : new MemoryTaskRepository();
  const clock = createClock(() => base, repository);
  let seed = 42;
  // deterministic fictional data
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return (seed - 1) / 2147483646;
  };
  const subscriptions = new SubscriptionHub();
  const app = createSimulatorApp({
    repository,
    clock,
    tokens,
    pki,
    subscriptions,
    catalog: demoCatalog,
    random,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.scenarios ? { scenarios: options.scenarios } : {}),
    ...(options.ti ? { ti: options.ti } : {}),
    ...(options.konnektorCards ? { konnektorCards: options.konnektorCards } : {}),
  });

  const token = (professionOID: string, idNummer: string): Promise<string> =>
    tokens.issue({ professionOID, idNummer }, clock.now(), 3600);

  const fhir = async (method: string, path: string, bearer: string, init: FhirInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${bearer}`,
      accept: init.accept ?? 'application/fhir+json',
      ...init.headers,
    };
    if (init.contentType) headers['content-type'] = init.contentType;
    // a copy on a plain ArrayBuffer: what BodyInit accepts under the DOM typings too
    const body = typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body);
    return app.request(path, { method, headers, body });
  };

  const sim: TestSimulator = {
    app,
    repository,
    clock,
    pki,
    tokens,
    subscriptions,
    setBaseTime: (instant) => {
      base = instant;
    },
    token,
    pharmacyToken: (telematikId = PHARMACY_A) => token(ProfessionOids.publicPharmacy, telematikId),
    insurantToken: (kvnr) => token(ProfessionOids.insurant, kvnr),
    async createPrescription(body = { flowType: '160' }) {
      const response = await app.request('/_sim/prescriptions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...LOOPBACK },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`prescriptions → ${response.status}: ${await response.text()}`);
      return (await response.json()) as CreatedResponse;
    },
    async control(method, path, body) {
      const response = await app.request(`/_sim${path}`, {
        method,
        headers: { ...LOOPBACK, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    },
    fhir,
    async accept(created, telematikId = PHARMACY_A) {
      const response = await fhir('POST', `/Task/${created.taskId}/$accept?ac=${created.accessCode}`, await sim.pharmacyToken(telematikId));
      if (response.status !== 200) throw new Error(`$accept → ${response.status}: ${await response.text()}`);
      const bundle = (await response.json()) as FhirResourceJson;
      return secretOf(bundle);
    },
  };
  return sim;
}

/** The Secret identifier of the Task in an $accept / GET bundle. */
export function secretOf(bundle: FhirResourceJson): string {
  const task = taskOf(bundle);
  const identifiers = task['identifier'] as { system: string; value: string }[];
  const secret = identifiers.find((i) => i.system === NamingSystems.secret)?.value;
  if (!secret) throw new Error('no Secret in bundle');
  return secret;
}

export function taskOf(bundle: FhirResourceJson): FhirResourceJson {
  const entries = bundle['entry'] as { resource: FhirResourceJson }[];
  const task = entries.find((e) => e.resource.resourceType === 'Task')?.resource;
  if (!task) throw new Error('no Task in bundle');
  return task;
}

/** details.text of every issue of an OperationOutcome (JSON). */
export async function outcomeTexts(response: Response): Promise<string[]> {
  const body = (await response.json()) as { resourceType: string; issue: { details: { text: string } }[] };
  if (body.resourceType !== 'OperationOutcome') throw new Error(`not an OperationOutcome: ${body.resourceType}`);
  return body.issue.map((i) => i.details.text);
}

/** A $dispense / $close body (1.6) for the given Task with one item per PZN. */
export function dispenseParameters(
  operation: 'dispense' | 'close',
  ctx: { prescriptionId: string; kvnr: string; telematikId: string; whenHandedOver: string },
  items: { pzn: string; name: string; medicationId?: string }[] = [{ pzn: '06313728', name: 'Sumatriptan-1a Pharma 100 mg Tabletten' }],
): FhirResourceJson {
  const profile = operation === 'dispense' ? Profiles.dispenseInput : Profiles.closeInput;
  return {
    resourceType: 'Parameters',
    meta: { profile: [versioned(profile)] },
    parameter: items.map((item, index) => {
      const medicationId = item.medicationId ?? `med-${index + 1}`;
      return {
        name: 'rxDispensation',
        part: [
          {
            name: 'medicationDispense',
            resource: {
              resourceType: 'MedicationDispense',
              id: `md-${index + 1}`,
              meta: { profile: [versioned(Profiles.medicationDispense)] },
              identifier: [{ system: NamingSystems.prescriptionId, value: ctx.prescriptionId }],
              status: 'completed',
              medicationReference: { reference: `urn:uuid:${medicationId}` },
              subject: { identifier: { system: NamingSystems.kvnr, value: ctx.kvnr } },
              performer: [{ actor: { identifier: { system: NamingSystems.telematikId, value: ctx.telematikId } } }],
              quantity: { value: 1, system: CodeSystems.ucum, code: PACKAGE_UNIT_CODE },
              whenHandedOver: ctx.whenHandedOver,
            },
          },
          {
            name: 'medication',
            resource: {
              resourceType: 'Medication',
              id: medicationId,
              meta: { profile: [versioned(Profiles.medication)] },
              extension: [
                { url: Extensions.drugCategory, valueCoding: { system: CodeSystems.drugCategory, code: '00' } },
                { url: Extensions.isVaccine, valueBoolean: false },
              ],
              code: { coding: [{ system: CodeSystems.pzn, code: item.pzn }], text: item.name },
              form: { coding: [{ system: KbvCodeSystems.darreichungsform, code: 'TAB' }] },
              ingredient: [
                { itemCodeableConcept: { text: 'Sumatriptan' }, strength: { numerator: { value: 100, unit: 'mg' }, denominator: { value: 1 } } },
              ],
            },
          },
        ],
      };
    }),
  };
}
