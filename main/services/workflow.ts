/**
 * The pharmacy workflow (architecture §1): scan → $accept → prescription view → complete dispense list →
 * $dispense (repeatable) → $close → receipt. One method per IPC channel; every state-changing call names the
 * current staff member; failures are thrown as AppFailure with a ready AppError.
 */
import { berlinDate } from '../../shared/erezept/dates';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { hasErrors, type Finding } from '../../shared/erezept/findings';
import { flowTypeOf, parseSecret, type PrescriptionId, type Secret } from '../../shared/erezept/identifiers';
import type { ErezeptToken, TokenError } from '../../shared/erezept/token';
import { isAcceptedByCaller, redactSecrets } from '../../shared/fhir/operation-outcome';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import type {
  AppError,
  CaseDetail,
  CaseStatus,
  CaseSummary,
  ScanOutcome,
  StaffMember,
} from '../../shared/ipc/contract';
import { AppFailure, failure } from '../errors';
import type { FachdienstApi } from '../fachdienst/client';
import type { CaseRecord } from '../store/cases';
import type { AuditResult } from '../store/audit';
import type { ReceiptRecord } from '../store/receipts';
import type { Store } from '../store/store';
import type { SubmissionRecord } from '../store/submissions';
import { caseDetail, caseSummary } from './case-views';
import type { Clock, IdSource } from './clock';
import type { DispenseBuildContext, WorkflowCodecs } from './codecs';
import { sameEntries } from './entries-equal';
import type { EventHub } from './events';
import { initialDraft, medicationLabel } from './initial-draft';
import { KeyedLock } from './keyed-lock';
import type { SettingsService } from './settings';

export interface WorkflowServiceDeps {
  store: Store;
  fachdienst: FachdienstApi;
  settings: SettingsService;
  events: EventHub;
  clock: Clock;
  ids: IdSource;
  codecs: WorkflowCodecs;
  /** training mode: take the simulator's time before a state-changing call (architecture §2) */
  syncClock?: () => Promise<void>;
}

export type CaseFilter = 'all' | 'open' | 'to-close';

/** Cases the pharmacy holds (A_23801: a re-scan opens them instead of calling the Fachdienst). */
const heldStatuses: readonly CaseStatus[] = ['accepted', 'dispensed', 'closed'];
/** Cases whose dispense list can still change (spec §3.12: locked after $close). */
const editableStatuses: readonly CaseStatus[] = ['accepted', 'dispensed'];

const filterStatuses: Record<CaseFilter, readonly CaseStatus[] | undefined> = {
  all: undefined,
  open: editableStatuses,
  'to-close': ['dispensed'],
};

export class WorkflowService {
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: WorkflowServiceDeps) {}

  // ----------------------------------------------------------------------------------------------
  // Scan and $accept (spec §2, §3.2)
  // ----------------------------------------------------------------------------------------------

  /** 1–3 tokens of one DataMatrix; one outcome per token — one failing token does not hide the others. */
  async scanCode(text: string): Promise<{ results: ScanOutcome[] }> {
    const staff = this.deps.settings.requireStaff();
    const parsed = this.deps.codecs.parseCode(text);
    // A_22078: nothing is requested for content that failed validation.
    if (!parsed.ok) return { results: [{ ok: false, error: this.tokenError(parsed.error) }] };
    await this.deps.syncClock?.();
    const results: ScanOutcome[] = [];
    for (const token of parsed.data) {
      results.push(await this.lock.run(token.prescriptionId, () => this.acceptToken(token, staff)));
    }
    return { results };
  }

  private async acceptToken(token: ErezeptToken, staff: StaffMember): Promise<ScanOutcome> {
    const id = token.prescriptionId;
    try {
      const existing = this.deps.store.cases.get(id);
      if (existing && heldStatuses.includes(existing.status)) {
        // A_23801: the pharmacy already holds it — open the local case; the Fachdienst would answer 409.
        this.audit('open-existing', id, staff, 'ok');
        return { ok: true, prescriptionId: id, outcome: 'existing', case: caseSummary(existing) };
      }
      let bundle: unknown;
      try {
        bundle = await this.deps.fachdienst.accept(id, token.accessCode);
      } catch (e) {
        const error = this.appErrorOf(e);
        const unknownOutcome = error.retry === 'reconcile';
        this.audit('accept', id, staff, unknownOutcome ? 'unknown' : 'failed', error.httpStatus);
        // Our own earlier $accept went through but its answer was lost (409 "processed by requesting
        // institution", or no answer at all): get Secret and QES back with GET ?ac (UC 4.17, spec §3.3).
        if (isAcceptedByCaller(error) || unknownOutcome) {
          const recovered = await this.recover(token, staff);
          if (recovered) return recovered;
        }
        return { ok: false, prescriptionId: id, error };
      }
      return this.storeAccepted(token, bundle, staff, 'accept');
    } catch (e) {
      return { ok: false, prescriptionId: id, error: this.appErrorOf(e) };
    }
  }

  private async recover(token: ErezeptToken, staff: StaffMember): Promise<ScanOutcome | undefined> {
    let bundle: unknown;
    try {
      bundle = await this.deps.fachdienst.getByAccessCode(token.prescriptionId, token.accessCode);
    } catch (e) {
      this.audit('recover', token.prescriptionId, staff, 'failed', this.appErrorOf(e).httpStatus);
      return undefined;
    }
    const outcome = this.storeAccepted(token, bundle, staff, 'recover');
    return outcome.ok ? outcome : undefined;
  }

  /** Stores Secret, AccessCode and QES first (A_19169-01, spec §3.2), then reads the prescription. */
  private storeAccepted(token: ErezeptToken, bundle: unknown, staff: StaffMember, operation: 'accept' | 'recover'): ScanOutcome {
    const { store, codecs, clock } = this.deps;
    const id = token.prescriptionId;
    const now = clock.now();
    const read = codecs.readAcceptBundle(bundle);
    const secret = read.ok ? parseSecret(read.data.secret ?? '') : undefined;
    if (!read.ok || !secret?.ok || (read.data.prescriptionId && read.data.prescriptionId !== id)) {
      this.audit(operation, id, staff, 'failed');
      const why = !read.ok ? read.error : !secret?.ok ? 'Secret fehlt oder ist ungültig' : 'Rezept-ID der Antwort passt nicht';
      return {
        ok: false,
        prescriptionId: id,
        error: failure(
          'fachdienst',
          'Der E-Rezept-Fachdienst hat das Rezept dieser Apotheke zugeordnet, aber seine Antwort ist nicht verwendbar. Bitte den Code erneut scannen – die App ruft das Rezept dann erneut ab; besteht der Fehler weiter, den Support informieren.',
          { detail: redactSecrets(`${operation}: ${why} · ${now.toISOString()}`), retry: 'reconcile', system: 'fachdienst', at: now },
        ).appError,
      };
    }
    const task = read.data;
    const base: CaseRecord = {
      prescriptionId: id,
      flowType: task.flowType ?? flowTypeOf(id),
      status: 'accepted',
      acceptedAt: now.toISOString(),
      acceptedBy: staff.kuerzel,
      acceptDate: task.acceptDate,
      expiryDate: task.expiryDate,
      updatedAt: now.toISOString(),
      kvnr: task.kvnr,
      accessCode: token.accessCode,
      secret: secret.data,
      qes: task.qes,
    };
    // Before anything else can fail: without the Secret the prescription is blocked for everyone.
    store.cases.save(base);

    let record: CaseRecord;
    let draft: DispenseEntry[] = [];
    const prescription = this.readPrescription(task.qes);
    if (prescription.ok) {
      const { view, xml } = prescription.data;
      record = {
        ...base,
        prescription: view,
        prescriptionXml: xml,
        patientName: view.patient.name,
        kvnr: base.kvnr ?? view.patient.kvnr,
        medicationLabel: medicationLabel(view),
      };
      draft = initialDraft(view, berlinDate(now), this.deps.ids.next());
    } else {
      record = { ...base, prescriptionError: prescription.error };
    }
    store.transaction(() => {
      store.cases.save(record);
      if (draft.length > 0) store.drafts.save({ prescriptionId: id, entries: draft, savedAt: now.toISOString(), staff: staff.kuerzel });
      this.audit(operation, id, staff, 'ok', 200);
    });
    this.changed(id);
    return { ok: true, prescriptionId: id, outcome: 'accepted', case: caseSummary(record) };
  }

  private readPrescription(qes: Uint8Array): { ok: true; data: { view: NonNullable<CaseRecord['prescription']>; xml: string } } | { ok: false; error: string } {
    try {
      const r = this.deps.codecs.readPrescription(qes);
      return r.ok ? r : { ok: false, error: r.error.message };
    } catch (e) {
      return { ok: false, error: `Verordnung nicht lesbar: ${e instanceof Error ? e.message : 'unbekannter Fehler'}` };
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Cases and drafts
  // ----------------------------------------------------------------------------------------------

  async listCases(query?: string, filter: CaseFilter = 'all'): Promise<CaseSummary[]> {
    return this.deps.store.cases.list({ text: query, statuses: filterStatuses[filter] }).map(caseSummary);
  }

  async getCase(id: PrescriptionId): Promise<CaseDetail> {
    const { store } = this.deps;
    const record = this.requireCase(id);
    return caseDetail(record, store.drafts.get(id), store.submissions.listFor(id), store.receipts.get(id));
  }

  /** Autosave of the dispense editor; the list is locked once the case is closed (spec §3.12). */
  async saveDraft(id: PrescriptionId, entries: DispenseEntry[]): Promise<{ savedAt: string }> {
    const staff = this.deps.settings.requireStaff();
    const record = this.requireCase(id);
    this.requireEditable(record);
    const savedAt = this.deps.clock.now().toISOString();
    this.deps.store.drafts.save({ prescriptionId: id, entries, savedAt, staff: staff.kuerzel });
    return { savedAt };
  }

  // ----------------------------------------------------------------------------------------------
  // $dispense (spec §3.4): always the complete list (A_26482)
  // ----------------------------------------------------------------------------------------------

  async submitDispense(id: PrescriptionId, entries: DispenseEntry[]): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, async () => {
      await this.deps.syncClock?.();
      const { store, clock } = this.deps;
      const record = this.requireCase(id);
      this.requireEditable(record);
      const secret = this.requireSecret(record);
      const parameters = this.preflight('dispense', record, entries);

      const createdAt = clock.now().toISOString();
      // Written as pending BEFORE the call: the Fachdienst cannot give the list back (spec §3.10).
      const submissionId = store.transaction(() => {
        store.drafts.save({ prescriptionId: id, entries, savedAt: createdAt, staff: staff.kuerzel });
        return store.submissions.createPending({ prescriptionId: id, operation: 'dispense', staff: staff.kuerzel, createdAt, entries });
      });
      try {
        await this.deps.fachdienst.dispense(id, secret, parameters);
      } catch (e) {
        throw this.failSubmission(id, submissionId, 'dispense', staff, e);
      }
      const at = clock.now().toISOString();
      store.transaction(() => {
        store.submissions.complete(submissionId, { state: 'confirmed', completedAt: at, httpStatus: 204 });
        store.cases.updateStatus(id, { status: 'dispensed', updatedAt: at, lastDispenseAt: at });
        this.audit('dispense', id, staff, 'ok', 204);
      });
      this.changed(id);
      return this.getCase(id);
    });
  }

  // ----------------------------------------------------------------------------------------------
  // $close (spec §3.5) and the receipt (spec §7)
  // ----------------------------------------------------------------------------------------------

  /**
   * Closes with the given list (or the draft). Without a body when the last $dispense was confirmed with
   * exactly this list — the Fachdienst then uses what it stored (spec §3.5).
   */
  async closeCase(id: PrescriptionId, entries?: DispenseEntry[]): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, async () => {
      await this.deps.syncClock?.();
      const { store, clock } = this.deps;
      let record = this.requireCase(id);
      this.requireEditable(record);
      const secret = this.requireSecret(record);

      // A $close whose answer never arrived: find out first whether it went through (spec §3.6).
      const pendingClose = store.submissions.latest(id, { operation: 'close', state: 'pending' });
      if (pendingClose) {
        const state = await this.reconcileClose(record, secret, pendingClose, staff);
        if (state === 'closed') return this.getCase(id);
        if (state === 'unknown') {
          throw failure(
            'network',
            'Ob der letzte Abschluss beim E-Rezept-Fachdienst angekommen ist, ist noch unklar, und der Fachdienst ist gerade nicht erreichbar. Bitte später erneut „Abschließen“ wählen.',
            { retry: 'reconcile', system: 'network', at: clock.now() },
          );
        }
        record = this.requireCase(id);
      }

      const list = entries ?? store.drafts.get(id)?.entries ?? this.lastDispense(record)?.entries;
      if (!list || list.length === 0) {
        throw failure('validation', 'Es gibt noch keine Abgabedaten zu diesem Rezept. Bitte zuerst die Abgabe erfassen.', {
          at: clock.now(),
        });
      }
      const lastDispense = this.lastDispense(record);
      const withBody = !(lastDispense?.state === 'confirmed' && sameEntries(lastDispense.entries, list));
      const parameters = withBody ? this.preflight('close', record, list) : undefined;

      const createdAt = clock.now().toISOString();
      const submissionId = store.transaction(() => {
        if (entries) store.drafts.save({ prescriptionId: id, entries, savedAt: createdAt, staff: staff.kuerzel });
        return store.submissions.createPending({
          prescriptionId: id,
          operation: 'close',
          staff: staff.kuerzel,
          createdAt,
          entries: list,
          withBody,
        });
      });
      let receipt: unknown;
      try {
        receipt = await this.deps.fachdienst.close(id, secret, parameters);
      } catch (e) {
        const error = this.appErrorOf(e);
        if (error.retry === 'reconcile') {
          const pending = store.submissions.latest(id, { operation: 'close', state: 'pending' });
          const state = pending ? await this.reconcileClose(record, secret, pending, staff) : 'unknown';
          if (state === 'closed') return this.getCase(id);
          if (state === 'unknown') {
            // Outcome unknown: the submission stays pending and the next attempt reconciles first.
            this.audit('close', id, staff, 'unknown', error.httpStatus);
            this.changed(id);
            throw e instanceof AppFailure ? e : new AppFailure(error);
          }
          // The Fachdienst says the Task is still open: this $close did not happen and may simply be repeated.
          this.changed(id);
          throw failure(
            error.code,
            'Der E-Rezept-Fachdienst hat nicht rechtzeitig geantwortet; das Rezept ist dort nicht abgeschlossen. Bitte erneut „Abschließen“ wählen.',
            { detail: error.detail, retry: 'backoff', system: error.system, at: clock.now() },
          );
        }
        throw this.failSubmission(id, submissionId, 'close', staff, e);
      }
      this.finishClose(record, submissionId, receipt, staff, withBody);
      return this.getCase(id);
    });
  }

  /** The last $dispense of this acceptance (submissions of an earlier, rejected acceptance do not count). */
  private lastDispense(record: CaseRecord): SubmissionRecord | undefined {
    const last = this.deps.store.submissions.latest(record.prescriptionId, { operation: 'dispense' });
    return last && last.createdAt >= record.acceptedAt ? last : undefined;
  }

  private async reconcileClose(
    record: CaseRecord,
    secret: Secret,
    submission: SubmissionRecord,
    staff: StaffMember,
  ): Promise<'closed' | 'open' | 'unknown'> {
    const { store, clock } = this.deps;
    let bundle: unknown;
    try {
      bundle = await this.deps.fachdienst.getBySecret(record.prescriptionId, secret);
    } catch (e) {
      const error = this.appErrorOf(e);
      if (error.system === 'network') return 'unknown';
      // The Fachdienst answered (e.g. 403/410): the pending $close is over; a new attempt reports the cause.
      store.submissions.complete(submission.id, {
        state: 'failed',
        completedAt: clock.now().toISOString(),
        httpStatus: error.httpStatus,
        errorMessage: error.message,
      });
      this.audit('reconcile-close', record.prescriptionId, staff, 'failed', error.httpStatus);
      return 'open';
    }
    const read = this.deps.codecs.readTaskBundle(bundle);
    const found: { taskStatus?: string; receipt?: Record<string, unknown> } = read.ok ? read.data : {};
    if (found.taskStatus === 'completed' && found.receipt) {
      this.finishClose(record, submission.id, found.receipt, staff, submission.withBody);
      this.audit('reconcile-close', record.prescriptionId, staff, 'ok', 200);
      return 'closed';
    }
    if (found.taskStatus === 'in-progress') {
      store.submissions.complete(submission.id, {
        state: 'failed',
        completedAt: clock.now().toISOString(),
        errorMessage: 'Nicht abgeschlossen: Der E-Rezept-Fachdienst führt das Rezept weiter als „in Bearbeitung“.',
      });
      this.audit('reconcile-close', record.prescriptionId, staff, 'failed', 200);
      return 'open';
    }
    return 'unknown';
  }

  private finishClose(record: CaseRecord, submissionId: number, receiptBundle: unknown, staff: StaffMember, withBody: boolean): void {
    const { store, clock, codecs } = this.deps;
    const now = clock.now().toISOString();
    const info = codecs.readReceipt(receiptBundle);
    // The Task is completed whatever the receipt looks like; an unreadable one is kept as received.
    const receipt: ReceiptRecord = {
      prescriptionId: record.prescriptionId,
      bundleId: info.ok ? info.data.bundleId : bundleIdOf(receiptBundle),
      completedAt: info.ok ? info.data.completedAt : now,
      pharmacyTelematikId: info.ok ? info.data.pharmacyTelematikId : this.deps.settings.pharmacy().telematikId,
      signaturePresent: info.ok ? info.data.signaturePresent : false,
      receivedAt: now,
      staff: staff.kuerzel,
      bundle: receiptBundle,
    };
    store.transaction(() => {
      store.receipts.save(receipt);
      store.submissions.complete(submissionId, { state: 'confirmed', completedAt: now, httpStatus: 200 });
      store.cases.updateStatus(record.prescriptionId, {
        status: 'closed',
        updatedAt: now,
        closedAt: now,
        // $close with a body replaces the stored dispense data and sets lastMedicationDispense (A_26337).
        lastDispenseAt: withBody ? now : undefined,
      });
      this.audit('close', record.prescriptionId, staff, 'ok', 200);
    });
    this.changed(record.prescriptionId);
  }

  // ----------------------------------------------------------------------------------------------
  // helpers
  // ----------------------------------------------------------------------------------------------

  /**
   * The pre-flight (architecture §3): the pharmacy's own rules on the list (editor paths), then the Parameters
   * are built and checked exactly as the Fachdienst would. Any error stops the call — nothing is sent.
   */
  private preflight(operation: 'dispense' | 'close', record: CaseRecord, entries: DispenseEntry[]): FhirResourceJson {
    const { codecs, settings } = this.deps;
    const now = this.deps.clock.now();
    const pharmacyFindings = codecs.pharmacyChecks(entries, {
      prescription: record.prescription ?? null,
      flowType: record.flowType,
      acceptDate: record.acceptDate,
      expiryDate: record.expiryDate,
      today: berlinDate(now),
    });
    if (hasErrors(pharmacyFindings)) throw this.validationFailure(pharmacyFindings, now);
    if (!record.kvnr) {
      throw failure('state', 'Zu diesem Rezept ist keine KVNR gespeichert; die Abgabedaten können nicht gebildet werden. Bitte den Support informieren.', { at: now });
    }
    const ctx: DispenseBuildContext = {
      prescriptionId: record.prescriptionId,
      kvnr: record.kvnr,
      telematikId: settings.pharmacy().telematikId,
      prescribed: record.prescription?.medication,
    };
    const built = codecs.buildParameters(operation, entries, ctx);
    if (!built.ok) throw this.validationFailure(built.error, now);
    const fachdienstFindings = codecs.fachdienstChecks(operation, built.data, { ...ctx, now });
    if (hasErrors(fachdienstFindings)) throw this.validationFailure(fachdienstFindings, now);
    return built.data;
  }

  private validationFailure(findings: Finding[], at: Date): AppFailure {
    const errors = findings.filter((f) => f.severity === 'error');
    const first = errors[0]?.message ?? 'Die Abgabedaten sind unvollständig.';
    return failure(
      'validation',
      `Die Abgabedaten wurden nicht gesendet: ${first}${errors.length > 1 ? ` (und ${errors.length - 1} weitere Hinweise)` : ''} Bitte korrigieren und erneut senden.`,
      { findings, at },
    );
  }

  /** Completes a pending submission as failed and returns the failure to throw. */
  private failSubmission(
    id: PrescriptionId,
    submissionId: number,
    operation: 'dispense' | 'close',
    staff: StaffMember,
    e: unknown,
  ): AppFailure {
    const error = this.appErrorOf(e);
    const { store, clock } = this.deps;
    store.transaction(() => {
      store.submissions.complete(submissionId, {
        state: 'failed',
        completedAt: clock.now().toISOString(),
        httpStatus: error.httpStatus,
        errorMessage: error.message,
      });
      this.audit(operation, id, staff, error.retry === 'reconcile' ? 'unknown' : 'failed', error.httpStatus);
    });
    this.changed(id);
    return e instanceof AppFailure ? e : new AppFailure(error);
  }

  private requireCase(id: PrescriptionId): CaseRecord {
    const record = this.deps.store.cases.get(id);
    if (!record) {
      throw failure('not-found', `Zur Rezept-ID ${id} gibt es in dieser Apotheke keinen Vorgang. Bitte das Rezept scannen.`, {
        at: this.deps.clock.now(),
      });
    }
    return record;
  }

  private requireEditable(record: CaseRecord): void {
    if (editableStatuses.includes(record.status)) return;
    const why =
      record.status === 'closed'
        ? 'ist abgeschlossen; die Abgabedaten können nicht mehr geändert werden (nur die Quittung ist noch abrufbar).'
        : 'wurde zurückgegeben bzw. gelöscht und wird nicht mehr von dieser Apotheke bearbeitet.';
    throw failure('state', `Das Rezept ${record.prescriptionId} ${why}`, { at: this.deps.clock.now() });
  }

  private requireSecret(record: CaseRecord): Secret {
    if (record.secret) return record.secret;
    throw failure('state', 'Zu diesem Rezept ist kein Secret gespeichert. Bitte das Rezept erneut scannen, um es wiederherzustellen.', {
      at: this.deps.clock.now(),
    });
  }

  private tokenError(error: TokenError): AppError {
    return failure('token', error.message, { detail: `Scan abgelehnt: ${error.reason}`, at: this.deps.clock.now() }).appError;
  }

  private appErrorOf(e: unknown): AppError {
    if (e instanceof AppFailure) return e.appError;
    return failure('internal', 'Interner Fehler der App. Bitte erneut versuchen; besteht der Fehler weiter, den Support informieren.', {
      detail: redactSecrets(e instanceof Error ? `${e.name}: ${e.message}` : 'unbekannter Fehler'),
      at: this.deps.clock.now(),
    }).appError;
  }

  private audit(operation: string, id: string, staff: StaffMember, result: AuditResult, httpStatus?: number): void {
    this.deps.store.audit.append({
      at: this.deps.clock.now().toISOString(),
      staff: staff.kuerzel,
      operation,
      prescriptionId: id,
      result,
      httpStatus,
    });
  }

  private changed(id: PrescriptionId): void {
    this.deps.events.emit({ type: 'case-changed', prescriptionId: id });
  }
}

function bundleIdOf(bundle: unknown): string {
  const id = typeof bundle === 'object' && bundle !== null ? (bundle as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? id : 'unbekannt';
}
