/**
 * Fakes for the workflow's unit tests (architecture §9.5: no module mocks): an in-memory Fachdienst that
 * follows the Task state machine of spec §4, simple codecs, a settable clock.
 */
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Finding } from '../../shared/erezept/findings';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import type { PrescriptionView } from '../../shared/erezept/prescription';
import { parseErezeptCode } from '../../shared/erezept/token';
import { fachdienstErrorFromResponse, fachdienstUnreachableError, type FachdienstOperation } from '../../shared/fhir/operation-outcome';
import { err, ok } from '../../shared/ipc/result';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import type { AppEvent } from '../../shared/ipc/contract';
import { AppFailure } from '../errors';
import type { FachdienstApi } from '../fachdienst/client';
import { RetryingFachdienst } from '../fachdienst/retrying-fachdienst';
import type { RetryPolicy } from '../fachdienst/retry-policy';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import type { Clock } from './clock';
import type { AcceptedTask, WorkflowCodecs } from './codecs';
import { EventHub } from './events';
import { SettingsService } from './settings';
import { WorkflowService } from './workflow';

export class FakeClock implements Clock {
  /** `onSet`: told every new time (e.g. a simulator that follows this clock) */
  constructor(
    private current: Date,
    private readonly onSet: (now: Date) => void = () => undefined,
  ) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
    this.onSet(new Date(this.current));
  }
}

export function prescriptionView(overrides: Partial<PrescriptionView> = {}): PrescriptionView {
  return {
    kbvVersion: '1.3',
    prescriptionId: '160.000.000.000.001.54',
    authoredOn: '2026-10-01',
    patient: { name: 'Erika Mustermann', kvnr: 'X110411675', birthDate: '1964-08-12' },
    coverage: { kind: 'GKV', code: 'GKV', payorName: 'Test-BKK' },
    practitioner: { name: 'Dr. Hans Topp' },
    organization: { name: 'Praxis Topp' },
    request: { quantity: 2, autIdemExcluded: false, noctu: false },
    medication: { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan-1a Pharma 100 mg Tabletten', normSize: 'N1', form: 'TAB', amount: '20 St', category: '00', vaccine: false },
    findings: [],
    ...overrides,
  };
}

type Status = 'ready' | 'in-progress' | 'completed' | 'cancelled';

interface FakeTask {
  id: PrescriptionId;
  accessCode: AccessCode;
  status: Status;
  secret?: Secret;
  dispensed?: unknown;
  /** Task.extension lastMedicationDispense (A_24285-01) */
  lastMedicationDispense?: string;
  kvnr: string;
  expiryDate: string;
}

export interface Call {
  op: FachdienstOperation;
  id: string;
  body?: FhirResourceJson;
}

const outcome = (text: string, secondText?: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'processing', details: { text } }, ...(secondText ? [{ severity: 'error', code: 'processing', details: { text: secondText } }] : [])],
});

/**
 * What the next call of an operation does instead of answering normally: an HTTP status or no answer at all
 * (`timeout`, `network`) before anything happens; or it is carried out and then the answer is lost
 * (`after-timeout`; `after-network`: the connection was cut) or replaced by an error status (`after-500`,
 * `after-502`, …: the Fachdienst stored it, then it or a gateway in front of it failed).
 */
export type FakeFailure = number | 'timeout' | 'network' | 'after-timeout' | 'after-network' | `after-${number}`;

/**
 * A Fachdienst in memory. `failures` lets a test make the next call of an operation fail (FakeFailure); `hooks`
 * run before an operation (e.g. to look into the store at that moment). `skewMs` sets its clock apart from the
 * app's: lastMedicationDispense is stamped in its own time, and `clockOffsetMs()` reports the skew as a `Date`
 * header would (cut to whole seconds) once it has answered.
 */
export class FakeFachdienst implements FachdienstApi {
  readonly tasks = new Map<string, FakeTask>();
  readonly calls: Call[] = [];
  readonly failures: Partial<Record<FachdienstOperation, FakeFailure[]>> = {};
  readonly hooks: Partial<Record<FachdienstOperation, () => void>> = {};
  /** the Fachdienst's clock − the app's, in ms */
  skewMs = 0;
  /** false = its answers carry no Date header (clockOffsetMs() stays undefined) */
  sendsDate = true;
  private answered = false;
  private secrets = 0;

  constructor(private readonly clock: Clock) {}

  /** The Fachdienst's own time. */
  now(): Date {
    return new Date(this.clock.now().getTime() + this.skewMs);
  }

  clockOffsetMs(): number | undefined {
    if (!this.sendsDate || !this.answered) return undefined;
    const now = this.clock.now().getTime();
    // Date header = the Fachdienst's time cut to the second; received "now" by the app.
    return Math.floor((now + this.skewMs) / 1000) * 1000 - now;
  }

  addTask(id: string, accessCode: string, options: { kvnr?: string; expiryDate?: string; status?: Status } = {}): void {
    this.tasks.set(id, {
      id: id as PrescriptionId,
      accessCode: accessCode as AccessCode,
      status: options.status ?? 'ready',
      kvnr: options.kvnr ?? 'X110411675',
      expiryDate: options.expiryDate ?? '2026-12-31',
    });
  }

  async accept(id: PrescriptionId, accessCode: AccessCode): Promise<unknown> {
    return this.run('accept', id, undefined, (task) => {
      if (task.accessCode !== accessCode) return this.fail('accept', 403, 'AccessCode mismatch');
      if (task.status === 'in-progress' && task.secret) {
        return this.fail('accept', 409, 'Task has invalid status in-progress', 'Task is processed by requesting institution');
      }
      if (task.status !== 'ready') return this.fail('accept', 409, `Task has invalid status ${task.status}`);
      task.status = 'in-progress';
      task.secret = String(++this.secrets).padStart(64, '0') as Secret;
      return this.acceptBundle(task, true);
    });
  }

  async dispense(id: PrescriptionId, secret: Secret, parameters: FhirResourceJson): Promise<void> {
    await this.run('dispense', id, parameters, (task) => {
      if (task.secret !== secret) return this.fail('dispense', 403, 'Secret mismatch');
      if (task.status !== 'in-progress') return this.fail('dispense', 403, 'Task not in-progress.');
      task.dispensed = parameters;
      task.lastMedicationDispense = this.now().toISOString();
      return undefined;
    });
  }

  async close(id: PrescriptionId, secret: Secret, parameters?: FhirResourceJson): Promise<unknown> {
    return this.run('close', id, parameters, (task) => {
      if (task.status !== 'in-progress') return this.fail('close', 403, `Task has to be in progress, but is: ${task.status}`);
      if (task.secret !== secret) return this.fail('close', 403, 'Secret mismatch');
      if (!parameters && !task.dispensed) {
        return this.fail('close', 403, 'Abschluss des Workflows konnte nicht durchgeführt werden. Dispensierinformationen wurden nicht bereitgestellt.');
      }
      if (parameters) {
        task.dispensed = parameters;
        task.lastMedicationDispense = this.now().toISOString();
      }
      task.status = 'completed';
      return this.receipt(task);
    });
  }

  async getBySecret(id: PrescriptionId, secret: Secret): Promise<unknown> {
    return this.run('getBySecret', id, undefined, (task) => {
      // a deleted Task is gone for everybody (spec §3.8)
      if (task.status === 'cancelled') return this.fail('getBySecret', 410, 'Task has been deleted');
      if (task.secret !== secret) return this.fail('getBySecret', 403, 'Secret mismatch');
      const entries: unknown[] = [
        { resource: { resourceType: 'Task', id, status: task.status, lastMedicationDispense: task.lastMedicationDispense } },
      ];
      if (task.status === 'completed') entries.push({ resource: this.receipt(task) });
      return { resourceType: 'Bundle', type: 'collection', entry: entries };
    });
  }

  async getByAccessCode(id: PrescriptionId, accessCode: AccessCode): Promise<unknown> {
    return this.run('getByAc', id, undefined, (task) => {
      if (task.accessCode !== accessCode) return this.fail('getByAc', 403, 'AccessCode mismatch');
      if (task.status !== 'in-progress' && task.status !== 'completed') return this.fail('getByAc', 412, 'Task not in progress');
      return this.acceptBundle(task, false);
    });
  }

  async reject(id: PrescriptionId, secret: Secret): Promise<void> {
    await this.run('reject', id, undefined, (task) => {
      if (task.status === 'cancelled') return this.fail('reject', 410, 'Task has already been deleted');
      if (task.status !== 'in-progress') return this.fail('reject', 403, `Task not in status in progress, is: ${task.status}`);
      if (task.secret !== secret) return this.fail('reject', 403, 'No or invalid secret');
      task.status = 'ready';
      task.secret = undefined;
      task.dispensed = undefined;
      task.lastMedicationDispense = undefined;
      return undefined;
    });
  }

  async abort(id: PrescriptionId, secret: Secret): Promise<void> {
    await this.run('abort', id, undefined, (task) => {
      if (task.status === 'cancelled') return this.fail('abort', 410, 'Task has already been deleted');
      if (task.status !== 'in-progress') return this.fail('abort', 403, `Task must be in progress for user pharmacy, is: ${task.status}`);
      if (task.secret !== secret) return this.fail('abort', 403, 'No or invalid secret provided for user pharmacy');
      task.status = 'cancelled';
      task.secret = undefined;
      task.dispensed = undefined;
      task.lastMedicationDispense = undefined;
      return undefined;
    });
  }

  private async run<T>(op: FachdienstOperation, id: string, body: FhirResourceJson | undefined, action: (task: FakeTask) => T): Promise<T> {
    this.calls.push({ op, id, body });
    this.hooks[op]?.();
    const failure = this.failures[op]?.shift();
    if (failure === 'timeout' || failure === 'network') throw new AppFailure(fachdienstUnreachableError(op, failure, this.clock.now()));
    this.answered = true;
    if (typeof failure === 'number') this.fail(op, failure, 'Injected failure');
    const task = this.tasks.get(id);
    if (!task) this.fail(op, 404, 'Task not found');
    const result = action(task!);
    // The Fachdienst did it, but the answer never arrived.
    if (failure === 'after-timeout' || failure === 'after-network') {
      throw new AppFailure(fachdienstUnreachableError(op, failure === 'after-timeout' ? 'timeout' : 'network', this.clock.now()));
    }
    // The Fachdienst did it, but the answer is an error (its own 500, a gateway's 502/504).
    if (failure?.startsWith('after-')) this.fail(op, Number(failure.slice('after-'.length)), 'Injected failure after the commit');
    return result;
  }

  private fail(op: FachdienstOperation, status: number, text: string, secondText?: string): never {
    throw new AppFailure(fachdienstErrorFromResponse(op, status, outcome(text, secondText), this.clock.now()));
  }

  private acceptBundle(task: FakeTask, withAccessCode: boolean) {
    return {
      fake: 'accept',
      task: {
        prescriptionId: task.id,
        status: task.status,
        flowType: task.id.slice(0, 3),
        kvnr: task.kvnr,
        accessCode: withAccessCode ? task.accessCode : undefined,
        secret: task.secret,
        acceptDate: '2026-10-29',
        expiryDate: task.expiryDate,
      },
      qes: [1, 2, 3],
    };
  }

  private receipt(task: FakeTask) {
    return { resourceType: 'Bundle', id: `receipt-${task.id}`, type: 'document', fakeReceipt: true };
  }
}

export interface FakeCodecOptions {
  /** findings the Fachdienst pre-flight reports */
  findings?: Finding[];
  /** findings the pharmacy pre-flight reports (default: only the Einlösefrist rule, A_23800) */
  pharmacyFindings?: Finding[];
  /** the prescription read from the QES, or an error message */
  prescription?: PrescriptionView | string;
}

export function fakeCodecs(options: FakeCodecOptions = {}): WorkflowCodecs & { options: FakeCodecOptions } {
  return {
    options,
    parseCode: parseErezeptCode,
    readAcceptBundle: (bundle) => {
      const b = bundle as { fake?: string; task?: Omit<AcceptedTask, 'qes'>; qes?: number[] };
      return b.fake === 'accept' && b.task ? ok({ ...b.task, qes: new Uint8Array(b.qes ?? []) }) : err('kein Accept-Bundle');
    },
    readPrescription: () => {
      const p = options.prescription ?? prescriptionView();
      return typeof p === 'string' ? err({ code: 'unsupported-version', message: p }) : ok({ view: p, xml: '<Bundle/>' });
    },
    readReceipt: (bundle) => {
      const b = bundle as { id?: string; fakeReceipt?: boolean };
      return b.fakeReceipt
        ? ok({ bundleId: b.id ?? '', completedAt: '2026-10-05T10:00:00.000Z', pharmacyTelematikId: '3-SMC-B-Testkarte-883110000095957', signaturePresent: true })
        : err('keine Quittung');
    },
    readTaskBundle: (bundle) => {
      const entries = (bundle as { entry?: Array<{ resource?: Record<string, unknown> }> }).entry ?? [];
      const task = entries.find((e) => e.resource?.['resourceType'] === 'Task')?.resource;
      const receipt = entries.find((e) => e.resource?.['resourceType'] === 'Bundle')?.resource;
      const last = task?.['lastMedicationDispense'];
      return task
        ? ok({ taskStatus: String(task['status']), ...(typeof last === 'string' ? { lastMedicationDispense: last } : {}), ...(receipt ? { receipt } : {}) })
        : err('kein Task');
    },
    buildParameters: (operation, entries: DispenseEntry[], ctx) =>
      ok({ resourceType: 'Parameters', operation, prescriptionId: ctx.prescriptionId, count: entries.length }),
    fachdienstChecks: () => options.findings ?? [],
    pharmacyChecks: (entries, ctx) =>
      options.pharmacyFindings ??
      entries.flatMap((e, i) =>
        ctx.expiryDate && e.whenHandedOver > ctx.expiryDate
          ? [{ severity: 'error' as const, code: 'PH_AFTER_EXPIRY_DATE', message: 'Einlösefrist abgelaufen', path: `entries.${i}.whenHandedOver` }]
          : [],
      ),
  };
}

export interface WorkflowHarness {
  store: Store;
  clock: FakeClock;
  fd: FakeFachdienst;
  /** the retry decorator around `fd`, when the harness was asked for one */
  retrying?: RetryingFachdienst;
  codecs: ReturnType<typeof fakeCodecs>;
  settings: SettingsService;
  events: AppEvent[];
  /** where `events` come from (a test may react to one as it happens) */
  hub: EventHub;
  workflow: WorkflowService;
}

export interface WorkflowHarnessOptions {
  /**
   * Put the retry decorator (retrying-fachdienst.ts) between workflow and fake, with this policy; its waits take
   * no time and its progress is emitted as the app does (`retrying` / `retry-ended` events).
   */
  retry?: RetryPolicy;
}

/** A workflow on an in-memory store, the fake Fachdienst and fake codecs, with staff member AB signed in. */
export function createWorkflowHarness(start = '2026-10-05T08:00:00Z', options: WorkflowHarnessOptions = {}): WorkflowHarness {
  const clock = new FakeClock(new Date(start));
  const store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32, 7), now: () => clock.now() });
  const fd = new FakeFachdienst(clock);
  const codecs = fakeCodecs();
  const settings = new SettingsService({ settings: store.settings, backend: { kind: 'embedded', url: 'http://127.0.0.1:1/' }, appVersion: '1.2.3', clock, dataProtection: 'key-file' });
  settings.setStaff('ab');
  const hub = new EventHub();
  const events: AppEvent[] = [];
  hub.subscribe((e) => events.push(e));
  let n = 0;
  const retry = options.retry;
  const retrying = retry
    ? new RetryingFachdienst({
        inner: fd,
        policy: () => retry,
        now: () => clock.now(),
        random: () => 0.5,
        sleep: async () => undefined,
        onProgress: (progress) => hub.emit({ type: 'retrying', progress }),
        onEnded: (prescriptionId) => hub.emit({ type: 'retry-ended', prescriptionId }),
      })
    : undefined;
  const workflow = new WorkflowService({ store, fachdienst: retrying ?? fd, settings, events: hub, clock, ids: { next: () => `row-${++n}` }, codecs });
  return { store, clock, fd, retrying, codecs, settings, events, hub, workflow };
}
