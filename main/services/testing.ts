/**
 * Test support for the services and the store (architecture §9.5: no module mocks): a settable clock, a
 * prescription view as the readers produce it, and for what happens before anything is sent stand-in codecs and a
 * workflow without a Fachdienst. The Fachdienst in the services' tests is the simulator itself
 * (simulator-harness.ts).
 */
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Finding } from '../../shared/erezept/findings';
import type { PrescriptionView } from '../../shared/erezept/prescription';
import type { AppEvent } from '../../shared/ipc/contract';
import { ok } from '../../shared/ipc/result';
import type { FachdienstApi } from '../fachdienst/client';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import type { Clock } from './clock';
import type { WorkflowCodecs } from './codecs';
import { defaultCodecs } from './default-codecs';
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

export interface FakeCodecOptions {
  /** findings the Fachdienst pre-flight reports */
  findings?: Finding[];
  /** findings the pharmacy pre-flight reports (default: only the Einlösefrist rule, A_23800) */
  pharmacyFindings?: Finding[];
}

/**
 * The real readers with a stand-in builder and stand-in rule sets, for unit tests of what happens before anything
 * is sent (the pre-flight): a test sets the findings through `options`; the Parameters just name operation, id and
 * item count.
 */
export function fakeCodecs(options: FakeCodecOptions = {}): WorkflowCodecs & { options: FakeCodecOptions } {
  return {
    ...defaultCodecs,
    options,
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

/** Stands where a Fachdienst would: any call fails the test (nothing may be sent). */
function noFachdienst(): FachdienstApi {
  const refuse = async (): Promise<never> => {
    throw new Error('this harness has no Fachdienst: a workflow that sends something is tested with simulator-harness.ts');
  };
  return { accept: refuse, dispense: refuse, close: refuse, getBySecret: refuse, getByAccessCode: refuse, reject: refuse, abort: refuse };
}

export interface WorkflowHarness {
  store: Store;
  clock: FakeClock;
  /** no Fachdienst: every call fails */
  fd: FachdienstApi;
  codecs: ReturnType<typeof fakeCodecs>;
  settings: SettingsService;
  events: AppEvent[];
  hub: EventHub;
  workflow: WorkflowService;
}

/**
 * A workflow on an in-memory store with stand-in codecs and no Fachdienst, staff member AB signed in — for what
 * happens before anything is sent. Everything that reaches the Fachdienst: createSimulatorHarness().
 */
export function createWorkflowHarness(start = '2026-10-05T08:00:00Z'): WorkflowHarness {
  const clock = new FakeClock(new Date(start));
  const store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32, 7), now: () => clock.now() });
  const fd = noFachdienst();
  const codecs = fakeCodecs();
  const settings = new SettingsService({ settings: store.settings, backend: { kind: 'embedded', url: 'http://127.0.0.1:1/', training: true }, appVersion: '1.2.3', clock, dataProtection: 'key-file' });
  // a fresh in-memory store has nothing queued: the write lands before the next line (sqlite-unit-of-work.ts)
  void settings.setStaff('ab');
  const hub = new EventHub();
  const events: AppEvent[] = [];
  hub.subscribe((e) => events.push(e));
  let n = 0;
  const workflow = new WorkflowService({ store, fachdienst: fd, settings, events: hub, clock, ids: { next: () => `row-${++n}` }, codecs });
  return { store, clock, fd, codecs, settings, events, hub, workflow };
}
