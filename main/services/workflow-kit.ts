/**
 * What every workflow operation needs besides its own logic (architecture §9.6): the dependencies, the case
 * lookups with their German refusals, the audit trail, change events, and the case view. Shared by
 * workflow.ts and the operation modules (dispense-reconcile, case-ending, secret-recovery, receipts).
 */
import { berlinDate } from '../../shared/erezept/dates';
import type { PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { redactSecrets } from '../../shared/fhir/operation-outcome';
import type { AppError, CaseDetail, StaffMember } from '../../shared/ipc/contract';
import { AppFailure, failure } from '../errors';
import type { FachdienstApi } from '../fachdienst/client';
import type { AuditResult } from '../store/audit';
import type { CaseRecord } from '../store/cases';
import type { Store } from '../store/store';
import type { SubmissionRecord } from '../store/submissions';
import { caseDetail, isEditable } from './case-views';
import type { Clock, IdSource } from './clock';
import type { WorkflowCodecs } from './codecs';
import { sameEntries } from '../../shared/erezept/dispense-list-equality';
import type { ArticleCatalog } from '../../shared/erezept/catalog/article-catalog';
import type { SendingGuard } from './case-leases';
import type { EventHub } from './events';
import type { SettingsService } from './settings';

export interface WorkflowServiceDeps {
  store: Store;
  fachdienst: FachdienstApi;
  settings: SettingsService;
  events: EventHub;
  clock: Clock;
  ids: IdSource;
  codecs: WorkflowCodecs;
  /**
   * Article data for the pharmacy's rules and the first list of a case (A_27033-01, docs/article-master.md): the
   * store's imported master or the embedded demo catalogue. Absent: the demo catalogue.
   */
  catalog?: ArticleCatalog;
  /** training mode: take the simulator's time before a state-changing call (architecture §2) */
  syncClock?: () => Promise<void>;
  /** training mode, reading calls: a cheaper, throttled sync so deadlines follow a clock the trainer moved */
  syncClockForReading?: () => Promise<void>;
  /**
   * Several counters on one store (issue 18, docs/multi-counter.md §4): $dispense/$close/$reject/$abort run only while
   * the case is this counter's and marked busy (case-leases.ts). Absent: one counter, nothing to check.
   */
  sending?: SendingGuard;
  /** after personal data were erased ($reject/$abort, A_19251): the shared store reclaims old row versions (§6) */
  afterErasure?: () => void;
}

export class WorkflowKit {
  constructor(readonly deps: WorkflowServiceDeps) {}

  get store(): Store {
    return this.deps.store;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  nowIso(): string {
    return this.deps.clock.now().toISOString();
  }

  /** The German date of the app's clock (A_27660; in training the simulator's clock). */
  today(): string {
    return berlinDate(this.deps.clock.now());
  }

  async requireCase(id: PrescriptionId): Promise<CaseRecord> {
    const record = await this.deps.store.cases.get(id);
    if (!record) {
      throw failure('not-found', `Zur Rezept-ID ${id} gibt es in dieser Apotheke keinen Vorgang. Bitte das Rezept scannen.`, {
        detail: `Lokaler Speicher: kein Vorgang ${id} · ${this.nowIso()}`,
        at: this.now(),
      });
    }
    return record;
  }

  requireEditable(record: CaseRecord): void {
    if (isEditable(record)) return;
    const why =
      record.status === 'closed'
        ? 'ist abgeschlossen; die Abgabedaten können nicht mehr geändert werden (nur die Quittung ist noch abrufbar).'
        : 'wurde zurückgegeben bzw. gelöscht und wird nicht mehr von dieser Apotheke bearbeitet.';
    throw failure('state', `Das Rezept ${record.prescriptionId} ${why}`, {
      detail: `Lokaler Status ${record.status}, Aktion nicht erlaubt · ${this.nowIso()}`,
      at: this.now(),
    });
  }

  requireSecret(record: CaseRecord): Secret {
    if (record.secret) return record.secret;
    throw failure(
      'state',
      'Zu diesem Rezept ist kein Secret gespeichert, daher kann nichts an den E-Rezept-Fachdienst gesendet werden. Bitte „Verordnung erneut abrufen“ wählen oder den Code des Rezepts erneut scannen.',
      { detail: `Lokaler Speicher: Secret fehlt (Status ${record.status}) · ${this.nowIso()}`, at: this.now() },
    );
  }

  /** The list the Fachdienst last confirmed for the current acceptance (an earlier, rejected one does not count). */
  lastConfirmedList(record: CaseRecord): Promise<SubmissionRecord | undefined> {
    return this.deps.store.submissions.lastConfirmedList(record.prescriptionId, record.acceptedAt);
  }

  /** Pending submissions of the current acceptance, newest first. */
  async pendingSubmissions(record: CaseRecord, operation: SubmissionRecord['operation']): Promise<SubmissionRecord[]> {
    return (await this.deps.store.submissions.listFor(record.prescriptionId))
      .filter((s) => s.operation === operation && s.state === 'pending' && s.createdAt >= record.acceptedAt)
      .reverse();
  }

  /** Recomputes whether the saved draft differs from what the Fachdienst last confirmed (inbox flag). */
  async refreshUnsentChanges(id: PrescriptionId): Promise<void> {
    const { store } = this.deps;
    const record = await store.cases.get(id);
    if (!record) return;
    const draft = await store.drafts.get(id);
    const confirmed = await this.lastConfirmedList(record);
    const unsent = isEditable(record) && draft !== undefined && (!confirmed || !sameEntries(draft.entries, confirmed.entries));
    await store.cases.setUnsentChanges(id, unsent);
  }

  async detail(id: PrescriptionId): Promise<CaseDetail> {
    return this.detailOf(await this.requireCase(id));
  }

  /** The case view of a record just read (saves reading it again). */
  async detailOf(record: CaseRecord): Promise<CaseDetail> {
    const { store } = this.deps;
    const id = record.prescriptionId;
    const submissions = await store.submissions.listFor(id);
    return caseDetail({
      record,
      draft: await store.drafts.get(id),
      submissions,
      // read out of the versions just read, not read and decrypted again (docs/performance.md, submit-overhead)
      confirmed: record.status === 'rejected' || record.status === 'aborted' ? undefined : lastConfirmedOf(submissions, record.acceptedAt),
      receipt: await store.receipts.get(id),
      today: this.today(),
    });
  }

  appErrorOf(e: unknown): AppError {
    if (e instanceof AppFailure) return e.appError;
    return failure('internal', 'Interner Fehler der App. Bitte erneut versuchen; besteht der Fehler weiter, den Support informieren.', {
      detail: redactSecrets(e instanceof Error ? `${e.name}: ${e.message}` : 'unbekannter Fehler'),
      at: this.now(),
    }).appError;
  }

  failureOf(e: unknown): AppFailure {
    return e instanceof AppFailure ? e : new AppFailure(this.appErrorOf(e));
  }

  /** Audit rows hold ids, operation, result, staff and time — never names, KVNRs or secrets (architecture §7). */
  audit(operation: string, id: string, staff: StaffMember, result: AuditResult, httpStatus?: number): Promise<void> {
    return this.deps.store.audit.append({ at: this.nowIso(), staff: staff.kuerzel, operation, prescriptionId: id, result, httpStatus });
  }

  changed(id: PrescriptionId): void {
    this.deps.events.emit({ type: 'case-changed', prescriptionId: id });
  }

  /** The list of operations owed to the Fachdienst changed („Ausstehende Vorgänge“). */
  pendingChanged(): void {
    this.deps.events.emit({ type: 'pending-changed' });
  }

  /**
   * Settles a pending operation (docs/reliability.md). A plain success leaves no row behind; anything the
   * pharmacist should know about (a lost answer reconciled, a queued operation done or given up) stays in the
   * list of recent operations with its German message.
   */
  async settleOperation(opId: number, state: 'done' | 'failed' | 'cancelled', message?: string): Promise<void> {
    const owed = this.deps.store.pendingOperations;
    if (message === undefined) {
      await owed.delete(opId);
      return;
    }
    await owed.finish(opId, { state, completedAt: this.nowIso(), message });
    this.pendingChanged();
  }

  /** Who started an operation that is now completed on its own (audit rows name a person, architecture §2). */
  staffOf(kuerzel: string): StaffMember {
    return this.deps.settings.staffList().find((s) => s.kuerzel === kuerzel) ?? { kuerzel, name: kuerzel };
  }
}

/**
 * The list the Fachdienst last confirmed since `since` (the current acceptance), out of all versions in the order they
 * were made — what the store's `lastConfirmedList` selects: confirmed, with a body, newest first.
 */
function lastConfirmedOf(submissions: readonly SubmissionRecord[], since: string): SubmissionRecord | undefined {
  return submissions.findLast((s) => s.state === 'confirmed' && s.withBody && s.createdAt >= since);
}

/** The latest handover date of a list (German dates compare as strings), for the closing deadline (spec §9.4). */
export function lastHandoverDate(entries: readonly { whenHandedOver: string }[]): string | undefined {
  return entries.reduce<string | undefined>((max, e) => (max === undefined || e.whenHandedOver > max ? e.whenHandedOver : max), undefined);
}
