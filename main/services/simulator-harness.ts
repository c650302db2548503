/**
 * The services' tests against the Fachdienst simulator (architecture §6, §8): the simulator's Hono app is the
 * `fetch` of the real HttpTransport, so the workflow sends exactly the requests the app sends — through
 * FachdienstClient, SimulatorTokenProvider and, when asked for, RetryingFachdienst — in-process, without a port
 * or a network. The simulator follows the test's clock. Faults are the simulator's own (`POST /_sim/faults`);
 * what an in-process call cannot do — lose its answer on the wire — a thin transport in between does
 * (`AnswerLosingTransport`): the simulator marks a dropped answer, that transport turns it into the
 * TransportError a cut connection or a timeout gives the client.
 */
import type { ArticleCatalog } from '../../shared/erezept/catalog/article-catalog';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { AccessCode, PrescriptionId } from '../../shared/erezept/identifiers';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import type { AppEvent } from '../../shared/ipc/contract';
import { SimulatorTokenProvider } from '../fachdienst/access-token';
import { FachdienstClient } from '../fachdienst/client';
import { HttpTransport } from '../fachdienst/http-transport';
import { RetryingFachdienst } from '../fachdienst/retrying-fachdienst';
import type { RetryPolicy } from '../fachdienst/retry-policy';
import { TransportError, type Transport, type TransportRequest, type TransportResponse } from '../fachdienst/transport';
// A test helper, never loaded by the product (eslint.config.js exempts test support from the layer zones).
import { createTestSimulator, PHARMACY_A, type TestSimulator } from '../simulator/test-kit';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import type { WorkflowCodecs } from './codecs';
import { defaultCodecs } from './default-codecs';
import { EventHub } from './events';
import { SettingsService } from './settings';
import { FakeClock } from './testing';
import { WorkflowService } from './workflow';

/** The Fachdienst operations as the simulator's fault injection names them (faults.ts). */
export type FachdienstOp = 'accept' | 'dispense' | 'close' | 'reject' | 'abort' | 'getByAc' | 'getBySecret';

/** One request the app sent to the Fachdienst (the token requests to the IDP stand-in are not counted). */
export interface FachdienstCall {
  op: FachdienstOp;
  id: string;
  /** the Parameters of a $dispense / $close */
  body?: FhirResourceJson;
}

/**
 * What the simulator does with the next call of an operation instead of answering normally: an HTTP status, or
 * no answer (`timeout`, `network`), before anything happens; or it carries the call out and then the answer is
 * lost (`after-timeout`; `after-network`: the connection was cut) or is an error status (`after-500`, `after-502`
 * …: stored, then the Fachdienst or a gateway in front of it failed).
 */
export type SimFault = number | 'timeout' | 'network' | 'after-timeout' | 'after-network' | `after-${number}`;

export type SimTask = NonNullable<ReturnType<TestSimulator['repository']['get']>>;

/** A prescription the simulator issued, ready to be scanned. */
export interface Prescribed {
  id: PrescriptionId;
  accessCode: AccessCode;
  kvnr: string;
  /** the E-Rezept-Token (spec §2) */
  token: string;
}

export interface PrescriptionOptions {
  flowType?: '160' | '166' | '169' | '200' | '209';
  kvnr?: string;
  medication?: 'pzn' | 'freitext' | 'wirkstoff' | 'rezeptur';
  /** the signing day; acceptDate and expiryDate follow from it (spec §1.2) */
  authoredOn?: string;
}

/** The signing day of the harness's prescriptions: Belieferungsfrist 2026-10-29, Einlösefrist 2027-01-01. */
export const DEFAULT_AUTHORED_ON = '2026-10-01';

const SIMULATOR_BASE_URL = 'http://127.0.0.1:8080/';

/**
 * A test's look at the moment before a Fachdienst call. The store answers asynchronously now (docs/multi-counter.md
 * §1), so a hook may return a Promise; the call is sent only after it settled.
 */
type FachdienstHook = () => void | Promise<void>;

/**
 * Between the client and the HttpTransport: records the Fachdienst calls, runs a test's hook before one is sent,
 * and turns the simulator's "answer dropped" marker into the TransportError the client would see.
 */
class AnswerLosingTransport implements Transport {
  readonly calls: FachdienstCall[] = [];
  readonly hooks: Partial<Record<FachdienstOp, FachdienstHook>> = {};
  /** how each armed drop looks to the client, per operation in the order they were armed */
  readonly dropKinds: Partial<Record<FachdienstOp, Array<'timeout' | 'network'>>> = {};
  sendsDate = true;

  constructor(private readonly inner: Transport) {}

  async send(request: TransportRequest): Promise<TransportResponse> {
    const call = fachdienstCall(request);
    if (call) {
      this.calls.push(call);
      await this.hooks[call.op]?.();
    }
    const response = await this.inner.send(request);
    // In-process the simulator cannot cut a socket; it answers 503 with this marker instead (app.ts dropConnection).
    if (call && response.headers['x-simulator-fault'] === 'dropped') {
      const kind = this.dropKinds[call.op]?.shift() ?? 'network';
      throw new TransportError(kind, kind === 'timeout' ? 'nach 15000 ms abgebrochen' : 'ECONNRESET');
    }
    if (!this.sendsDate) {
      const { date: _date, ...rest } = response.headers;
      return { ...response, headers: rest };
    }
    return response;
  }
}

function fachdienstCall(request: TransportRequest): FachdienstCall | undefined {
  const m = /^Task\/([^/]+)(?:\/\$(accept|dispense|close|reject|abort))?$/.exec(request.path);
  if (!m) return undefined;
  const id = decodeURIComponent(m[1]!);
  const operation = m[2] as FachdienstOp | undefined;
  const op: FachdienstOp = operation ?? (request.query?.['secret'] !== undefined ? 'getBySecret' : 'getByAc');
  return { op, id, ...(request.body ? { body: JSON.parse(request.body) as FhirResourceJson } : {}) };
}

/** The simulator behind the real client: what a test needs to drive it and to see what the app sent. */
export interface SimulatorFachdienst {
  /** the app's clock; the simulator's base time follows it */
  clock: FakeClock;
  sim: TestSimulator;
  /** the real client over the simulator (its clockOffsetMs() is what the workflow sees) */
  client: FachdienstClient;
  /** the transport under the client (relative paths to the simulator's base), e.g. for its control API */
  transport: Transport;
  /** every Fachdienst call the app made, in order */
  calls: FachdienstCall[];
  /** run before the app sends an operation (e.g. to look into the store at that moment) */
  hooks: Partial<Record<FachdienstOp, FachdienstHook>>;
  /** the operations called so far, in order */
  ops(): FachdienstOp[];
  /** issues a prescription in the simulator (default: flow type 160 signed on DEFAULT_AUTHORED_ON) */
  prescribe(options?: PrescriptionOptions): Promise<Prescribed>;
  /** arms the simulator's fault injection for the next calls of `op`, one fault per call, in this order */
  fail(op: FachdienstOp, ...faults: SimFault[]): Promise<void>;
  /** what the simulator holds for a Task */
  task(id: string): SimTask;
  /** moves the simulator's clock away from the app's (its control API): Fachdienst − app, in ms */
  skewFachdienstClock(ms: number): Promise<void>;
  /** false = the answers reach the client without a Date header */
  setSendsDate(sends: boolean): void;
}

/** An in-process simulator (test-kit.ts) and the app's client chain over it, as the pharmacy of the settings. */
export async function createSimulatorFachdienst(start = '2026-10-05T08:00:00Z', telematikId = PHARMACY_A): Promise<SimulatorFachdienst> {
  const sim = await createTestSimulator(new Date(start));
  const clock = new FakeClock(new Date(start), (now) => sim.setBaseTime(now));
  const http = new HttpTransport({
    baseUrl: SIMULATOR_BASE_URL,
    fetch: async (input, init) => sim.app.fetch(new Request(input, init)),
  });
  const transport = new AnswerLosingTransport(http);
  const tokens = new SimulatorTokenProvider({ transport, telematikId, now: () => clock.now() });
  const client = new FachdienstClient({ transport, tokens, now: () => clock.now() });

  const control = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const answer = await sim.control(method, path, body);
    if (answer.status >= 300) throw new Error(`/_sim${path} → ${answer.status}: ${JSON.stringify(answer.json)}`);
    return answer.json;
  };

  return {
    clock,
    sim,
    client,
    transport,
    calls: transport.calls,
    hooks: transport.hooks,
    ops: () => transport.calls.map((c) => c.op),
    async prescribe(prescription = {}) {
      const created = await control('POST', '/prescriptions', { flowType: '160', authoredOn: DEFAULT_AUTHORED_ON, ...prescription });
      return {
        id: created['taskId'] as PrescriptionId,
        accessCode: created['accessCode'] as AccessCode,
        kvnr: created['kvnr'] as string,
        token: created['token'] as string,
      };
    },
    async fail(op, ...faults) {
      for (const fault of faults) {
        const after = typeof fault === 'string' && fault.startsWith('after-');
        const what = after ? (fault as string).slice('after-'.length) : String(fault);
        const drop = what === 'timeout' || what === 'network';
        if (drop) (transport.dropKinds[op] ??= []).push(what);
        await control('POST', '/faults', {
          operation: op,
          phase: after ? 'after-commit' : 'before-commit',
          ...(drop ? { drop: true } : { status: Number(what) }),
        });
      }
    },
    task(id) {
      const task = sim.repository.get(id);
      if (!task) throw new Error(`the simulator holds no Task ${id}`);
      return task;
    },
    async skewFachdienstClock(ms) {
      await control('POST', '/clock', { advance: `${ms < 0 ? '-' : ''}PT${Math.abs(ms) / 1000}S` });
    },
    setSendsDate(sends) {
      transport.sendsDate = sends;
    },
  };
}

export interface SimulatorHarness extends SimulatorFachdienst {
  store: Store;
  /** the retry decorator around the client, when the harness was asked for one */
  retrying?: RetryingFachdienst;
  /** the real codecs; a test may replace one of them (e.g. a prescription that cannot be read) */
  codecs: WorkflowCodecs;
  settings: SettingsService;
  events: AppEvent[];
  /** where `events` come from (a test may react to one as it happens) */
  hub: EventHub;
  workflow: WorkflowService;
  /**
   * Scans the prescription, gives every row of its draft a batch — the pharmacist scans the securPharm code of the
   * pack (A_21105-02) — and saves that draft; returns it.
   */
  accept(prescribed: Prescribed): Promise<DispenseEntry[]>;
  close(): Promise<void>;
}

export interface SimulatorHarnessOptions {
  /**
   * Put the retry decorator (retrying-fachdienst.ts) between workflow and client, with this policy; its waits take
   * no time and its progress is emitted as the app does (`retrying` / `retry-ended` events).
   */
  retry?: RetryPolicy;
  /** a file for the app's store (default: in memory) */
  storeFile?: string;
  /** the workflow's article catalogue (default: the demo catalogue, as WorkflowServiceDeps says) */
  catalog?: ArticleCatalog | ((store: Store, hub: EventHub) => ArticleCatalog);
}

/** A workflow on a store, the simulator and the real codecs, with staff member AB signed in. */
export async function createSimulatorHarness(start = '2026-10-05T08:00:00Z', options: SimulatorHarnessOptions = {}): Promise<SimulatorHarness> {
  const fd = await createSimulatorFachdienst(start);
  const { clock, client } = fd;
  const store = openStore({ file: options.storeFile ?? ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32, 7), now: () => clock.now() });
  const settings = new SettingsService({ settings: store.settings, backend: { kind: 'embedded', url: SIMULATOR_BASE_URL, training: true }, appVersion: '1.2.3', clock, dataProtection: 'key-file' });
  await settings.setStaff('ab');
  if (settings.pharmacy().telematikId !== PHARMACY_A) throw new Error('the harness claims prescriptions as the default pharmacy');
  const hub = new EventHub();
  const events: AppEvent[] = [];
  hub.subscribe((e) => events.push(e));
  const retry = options.retry;
  const retrying = retry
    ? new RetryingFachdienst({
        inner: client,
        policy: () => retry,
        now: () => clock.now(),
        random: () => 0.5,
        sleep: async () => undefined,
        onProgress: (progress) => hub.emit({ type: 'retrying', progress }),
        onEnded: (prescriptionId) => hub.emit({ type: 'retry-ended', prescriptionId }),
      })
    : undefined;
  const codecs: WorkflowCodecs = { ...defaultCodecs };
  let n = 0;
  const catalog = typeof options.catalog === 'function' ? options.catalog(store, hub) : options.catalog;
  const workflow = new WorkflowService({
    store,
    fachdienst: retrying ?? client,
    settings,
    events: hub,
    clock,
    ids: { next: () => `row-${++n}` },
    codecs,
    ...(catalog ? { catalog } : {}),
  });

  return {
    ...fd,
    store,
    retrying,
    codecs,
    settings,
    events,
    hub,
    workflow,
    async accept(prescribed) {
      const { results } = await workflow.scanCode(prescribed.token);
      if (!results[0]?.ok) throw new Error(`scan of ${prescribed.id} failed: ${JSON.stringify(results[0])}`);
      const draft = (await workflow.getCase(prescribed.id)).draft ?? [];
      const withBatch = draft.map((entry, i) => ({ ...entry, batch: { lot: `CH-${i + 1}`, expiry: '2028-12-31' } }));
      await workflow.saveDraft(prescribed.id, withBatch);
      return withBatch;
    },
    close: () => store.close(),
  };
}

/** How many items (rxDispensation) a $dispense / $close body carries. */
export function itemsIn(body: FhirResourceJson | undefined): number {
  const parameters = (body?.['parameter'] ?? []) as Array<{ name?: string }>;
  return parameters.filter((p) => p.name === 'rxDispensation').length;
}
