/**
 * The pharmacy workflow (architecture §1): scan → $accept → prescription view → complete dispense list →
 * $dispense (repeatable, every version kept) → $close → receipt; or $reject / $abort. One method per IPC
 * channel; every state-changing call names the current staff member; failures are thrown as AppFailure with a
 * ready AppError. Operations on one prescription run one after another (KeyedLock).
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
  CaseFilter,
  CaseStatus,
  CaseSummary,
  PatientView,
  ScanOutcome,
  StaffMember,
  SubmitOutcome,
} from '../../shared/ipc/contract';
import { AppFailure, failure } from '../errors';
import type { CaseRecord } from '../store/cases';
import type { SubmissionRecord } from '../store/submissions';
import { endCase } from './case-ending';
import { caseSummary, editableStatuses, heldStatuses } from './case-views';
import type { DispenseBuildContext } from './codecs';
import { reconcilePendingDispense } from './dispense-reconcile';
import { sameEntries } from '../../shared/erezept/dispense-list-equality';
import { initialDraft, medicationLabel } from './initial-draft';
import { KeyedLock } from './keyed-lock';
import { patientView } from './patient-view';
import { receiptRecord, refetchReceipt } from './receipts';
import { recoverSecret, restoreSecret } from './secret-recovery';
import { lastHandoverDate, WorkflowKit, type WorkflowServiceDeps } from './workflow-kit';

export type { WorkflowServiceDeps } from './workflow-kit';
export type { CaseFilter } from '../../shared/ipc/contract';

const filterStatuses: Record<CaseFilter, readonly CaseStatus[] | undefined> = {
  all: undefined,
  open: editableStatuses,
  // „noch abzuschließen“: sent but not closed (spec §9.4)
  'to-close': ['dispensed'],
  closed: ['closed'],
  ended: ['rejected', 'aborted'],
};

export class WorkflowService {
  private readonly lock = new KeyedLock();
  private readonly kit: WorkflowKit;

  constructor(private readonly deps: WorkflowServiceDeps) {
    this.kit = new WorkflowKit(deps);
  }

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
        // Its Secret lost? The scanned AccessCode allows „Verordnung erneut abrufen“ (spec §3.3) right away.
        if (!existing.secret) {
          try {
            await restoreSecret(this.kit, existing, token.accessCode, staff);
          } catch {
            // the case opens with `secretMissing`, which offers the recovery again
          }
        }
        this.kit.audit('open-existing', id, staff, 'ok');
        return { ok: true, prescriptionId: id, outcome: 'existing', case: this.summary(this.kit.requireCase(id)) };
      }
      let bundle: unknown;
      try {
        bundle = await this.deps.fachdienst.accept(id, token.accessCode);
      } catch (e) {
        // MVO part not yet valid, expired, deleted, another pharmacy's … (spec §3.2): the Fachdienst's 403/409/410
        // becomes the AppError of shared/fhir/operation-outcome.ts, and nothing is stored.
        const error = this.kit.appErrorOf(e);
        const unknownOutcome = error.retry === 'reconcile';
        this.kit.audit('accept', id, staff, unknownOutcome ? 'unknown' : 'failed', error.httpStatus);
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
      return { ok: false, prescriptionId: id, error: this.kit.appErrorOf(e) };
    }
  }

  private async recover(token: ErezeptToken, staff: StaffMember): Promise<ScanOutcome | undefined> {
    let bundle: unknown;
    try {
      bundle = await this.deps.fachdienst.getByAccessCode(token.prescriptionId, token.accessCode);
    } catch (e) {
      this.kit.audit('recover', token.prescriptionId, staff, 'failed', this.kit.appErrorOf(e).httpStatus);
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
      this.kit.audit(operation, id, staff, 'failed');
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
    record.unsentChanges = draft.length > 0;
    store.transaction(() => {
      store.cases.save(record);
      if (draft.length > 0) store.drafts.save({ prescriptionId: id, entries: draft, savedAt: now.toISOString(), staff: staff.kuerzel });
      this.kit.audit(operation, id, staff, 'ok', 200);
    });
    this.kit.changed(id);
    return { ok: true, prescriptionId: id, outcome: 'accepted', case: this.summary(record) };
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
  // Cases, drafts, preview
  // ----------------------------------------------------------------------------------------------

  /** The inbox; after $reject/$abort a case has no name or KVNR left, so only its PrescriptionID finds it (A_19251). */
  async listCases(query?: string, filter: CaseFilter = 'all'): Promise<CaseSummary[]> {
    await this.deps.syncClockForReading?.();
    const today = this.kit.today();
    return this.deps.store.cases.list({ text: query, statuses: filterStatuses[filter] }).map((r) => caseSummary(r, today));
  }

  async getCase(id: PrescriptionId): Promise<CaseDetail> {
    await this.deps.syncClockForReading?.();
    return this.kit.detail(id);
  }

  /** Autosave of the dispense editor; the list is locked once the case is closed (spec §3.12). */
  async saveDraft(id: PrescriptionId, entries: DispenseEntry[]): Promise<{ savedAt: string }> {
    const staff = this.deps.settings.requireStaff();
    const record = this.kit.requireCase(id);
    this.kit.requireEditable(record);
    const savedAt = this.kit.nowIso();
    this.deps.store.drafts.save({ prescriptionId: id, entries, savedAt, staff: staff.kuerzel });
    const before = record.unsentChanges;
    this.kit.refreshUnsentChanges(id);
    // The inbox shows the flag; the editor itself does not need an event for every keystroke's autosave.
    if (this.deps.store.cases.get(id)?.unsentChanges !== before) this.kit.changed(id);
    return { savedAt };
  }

  /** What the patient will see for this list (or the draft, or the last confirmed list) — nothing is sent. */
  async previewPatientView(id: PrescriptionId, entries?: DispenseEntry[]): Promise<PatientView> {
    const record = this.kit.requireCase(id);
    const list = entries ?? this.deps.store.drafts.get(id)?.entries ?? this.kit.lastConfirmedList(record)?.entries ?? [];
    return patientView({
      prescriptionId: id,
      pharmacyName: this.deps.settings.pharmacy().name,
      entries: list,
      prescription: record.prescription ?? null,
    });
  }

  // ----------------------------------------------------------------------------------------------
  // $dispense (spec §3.4): always the complete list (A_26482)
  // ----------------------------------------------------------------------------------------------

  /**
   * Sends the complete list — unless the Fachdienst already holds exactly this list: every $dispense notifies
   * the patient, so an unchanged list is not sent again. An earlier attempt whose answer was lost is reconciled
   * first (GET ?secret), so "unchanged" is judged against what the Fachdienst really holds.
   */
  async submitDispense(id: PrescriptionId, entries: DispenseEntry[]): Promise<SubmitOutcome> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, async () => {
      await this.deps.syncClock?.();
      const { store } = this.deps;
      let record = this.kit.requireCase(id);
      this.kit.requireEditable(record);
      const secret = this.kit.requireSecret(record);

      let reconciled: SubmissionRecord | undefined;
      if (this.kit.pendingSubmissions(record, 'dispense').length > 0) {
        const result = await reconcilePendingDispense(this.kit, record, secret, staff);
        if (result.outcome === 'unknown') throw this.stillUnknown('dispense');
        if (result.outcome === 'arrived') reconciled = result.submission;
        record = this.kit.requireCase(id);
      }

      const confirmed = this.kit.lastConfirmedList(record);
      if (confirmed && sameEntries(confirmed.entries, entries)) {
        const savedAt = this.kit.nowIso();
        store.drafts.save({ prescriptionId: id, entries, savedAt, staff: staff.kuerzel });
        this.kit.refreshUnsentChanges(id);
        this.kit.audit('dispense-unchanged', id, staff, 'ok');
        this.kit.changed(id);
        const wasReconciled = reconciled?.id === confirmed.id;
        return {
          ...this.kit.detail(id),
          outcome: wasReconciled ? 'reconciled' : 'unchanged',
          notice: wasReconciled
            ? 'Die letzte Übermittlung ist beim E-Rezept-Fachdienst angekommen, nur ihre Antwort ging verloren. Dieselbe Liste wurde deshalb nicht noch einmal gesendet.'
            : `Die Abgabedaten sind unverändert gegenüber der zuletzt bestätigten Übermittlung (Version ${this.versionOf(confirmed)}). Es wurde nichts gesendet, denn jede Übermittlung benachrichtigt den Patienten.`,
        };
      }

      return { ...(await this.sendDispense(record, secret, entries, staff)), outcome: 'sent' as const };
    });
  }

  private async sendDispense(record: CaseRecord, secret: Secret, entries: DispenseEntry[], staff: StaffMember): Promise<CaseDetail> {
    const { store } = this.deps;
    const id = record.prescriptionId;
    const parameters = this.preflight('dispense', record, entries);
    const createdAt = this.kit.nowIso();
    // Written as pending BEFORE the call: the Fachdienst cannot give the list back (spec §3.10).
    const submissionId = store.transaction(() => {
      store.drafts.save({ prescriptionId: id, entries, savedAt: createdAt, staff: staff.kuerzel });
      return store.submissions.createPending({ prescriptionId: id, operation: 'dispense', staff: staff.kuerzel, createdAt, entries });
    });
    try {
      await this.deps.fachdienst.dispense(id, secret, parameters);
    } catch (e) {
      const error = this.kit.appErrorOf(e);
      if (error.system !== 'network') throw this.failSubmission(id, submissionId, 'dispense', staff, e);
      // No answer: the list may or may not be stored. Ask right away; if that fails too, the attempt stays
      // pending and the next „Abgabe übermitteln“ or „Abschließen“ reconciles first.
      this.kit.audit('dispense', id, staff, 'unknown');
      const result = await reconcilePendingDispense(this.kit, this.kit.requireCase(id), secret, staff);
      if (result.outcome === 'arrived') return this.kit.detail(id);
      if (result.outcome === 'unknown') {
        this.kit.changed(id);
        throw failure(
          error.code,
          'Der E-Rezept-Fachdienst hat auf die Übermittlung nicht geantwortet; ob die Abgabedaten dort gespeichert wurden, ist unklar. Bitte später erneut „Abgabe übermitteln“ wählen – die App gleicht den Stand zuerst ab und sendet nur, wenn nötig.',
          { detail: error.detail, retry: 'reconcile', system: 'network', at: this.kit.now() },
        );
      }
      throw failure(
        error.code,
        'Der E-Rezept-Fachdienst hat auf die Übermittlung nicht geantwortet; die Abgabedaten sind dort nicht gespeichert. Bitte erneut „Abgabe übermitteln“ wählen.',
        { detail: error.detail, retry: 'backoff', system: 'network', at: this.kit.now() },
      );
    }
    const at = this.kit.nowIso();
    store.transaction(() => {
      store.submissions.complete(submissionId, { state: 'confirmed', completedAt: at, httpStatus: 204 });
      store.cases.updateStatus(id, {
        status: 'dispensed',
        updatedAt: at,
        lastDispenseAt: at,
        lastConfirmedAt: at,
        lastHandoverDate: lastHandoverDate(entries),
        unsentChanges: false,
      });
      this.kit.audit('dispense', id, staff, 'ok', 204);
    });
    this.kit.changed(id);
    return this.kit.detail(id);
  }

  // ----------------------------------------------------------------------------------------------
  // $close (spec §3.5) and the receipt (spec §7)
  // ----------------------------------------------------------------------------------------------

  /**
   * Closes with the given list (or the draft). Without a body when the last confirmed $dispense holds exactly
   * this list — the Fachdienst then uses what it stored (spec §3.5). Afterwards the list is locked.
   */
  async closeCase(id: PrescriptionId, entries?: DispenseEntry[]): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, async () => {
      await this.deps.syncClock?.();
      const { store } = this.deps;
      let record = this.kit.requireCase(id);
      this.kit.requireEditable(record);
      const secret = this.kit.requireSecret(record);

      // A $close whose answer never arrived: find out first whether it went through (spec §3.6).
      const pendingClose = store.submissions.latest(id, { operation: 'close', state: 'pending' });
      if (pendingClose) {
        const state = await this.reconcileClose(record, secret, pendingClose, staff);
        if (state === 'closed') return this.kit.detail(id);
        if (state === 'unknown') throw this.stillUnknown('close');
        record = this.kit.requireCase(id);
      }
      // Likewise a lost $dispense answer: which list the Fachdienst holds decides whether $close needs a body.
      if (this.kit.pendingSubmissions(record, 'dispense').length > 0) {
        const result = await reconcilePendingDispense(this.kit, record, secret, staff);
        if (result.outcome === 'unknown') throw this.stillUnknown('dispense');
        record = this.kit.requireCase(id);
      }

      const confirmed = this.kit.lastConfirmedList(record);
      const list = entries ?? store.drafts.get(id)?.entries ?? confirmed?.entries;
      if (!list || list.length === 0) {
        throw failure('validation', 'Es gibt noch keine Abgabedaten zu diesem Rezept. Bitte zuerst die Abgabe erfassen.', { at: this.kit.now() });
      }
      const withBody = !(confirmed && confirmed.operation === 'dispense' && sameEntries(confirmed.entries, list));
      const parameters = withBody ? this.preflight('close', record, list) : undefined;

      const createdAt = this.kit.nowIso();
      const submissionId = store.transaction(() => {
        if (entries) store.drafts.save({ prescriptionId: id, entries, savedAt: createdAt, staff: staff.kuerzel });
        return store.submissions.createPending({ prescriptionId: id, operation: 'close', staff: staff.kuerzel, createdAt, entries: list, withBody });
      });
      let receipt: unknown;
      try {
        receipt = await this.deps.fachdienst.close(id, secret, parameters);
      } catch (e) {
        const error = this.kit.appErrorOf(e);
        if (error.retry === 'reconcile') {
          const pending = store.submissions.latest(id, { operation: 'close', state: 'pending' });
          const state = pending ? await this.reconcileClose(record, secret, pending, staff) : 'unknown';
          if (state === 'closed') return this.kit.detail(id);
          if (state === 'unknown') {
            // Outcome unknown: the submission stays pending and the next attempt reconciles first.
            this.kit.audit('close', id, staff, 'unknown', error.httpStatus);
            this.kit.changed(id);
            throw this.kit.failureOf(e);
          }
          // The Fachdienst says the Task is still open: this $close did not happen and may simply be repeated.
          this.kit.changed(id);
          throw failure(
            error.code,
            'Der E-Rezept-Fachdienst hat nicht rechtzeitig geantwortet; das Rezept ist dort nicht abgeschlossen. Bitte erneut „Abschließen“ wählen.',
            { detail: error.detail, retry: 'backoff', system: error.system, at: this.kit.now() },
          );
        }
        throw this.failSubmission(id, submissionId, 'close', staff, e);
      }
      this.finishClose(record, submissionId, receipt, staff, withBody, list);
      return this.kit.detail(id);
    });
  }

  /** „Quittung erneut abrufen“ (GET ?secret, spec §3.6). */
  async refetchReceipt(id: PrescriptionId): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, () => refetchReceipt(this.kit, id, staff));
  }

  // ----------------------------------------------------------------------------------------------
  // $reject / $abort (spec §3.7, §3.8) and secret recovery (spec §3.3)
  // ----------------------------------------------------------------------------------------------

  async rejectCase(id: PrescriptionId): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, () => endCase(this.kit, id, 'reject', staff));
  }

  async abortCase(id: PrescriptionId): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, () => endCase(this.kit, id, 'abort', staff));
  }

  async recoverSecret(id: PrescriptionId): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, () => recoverSecret(this.kit, id, staff));
  }

  // ----------------------------------------------------------------------------------------------
  // $close reconcile and completion
  // ----------------------------------------------------------------------------------------------

  private async reconcileClose(
    record: CaseRecord,
    secret: Secret,
    submission: SubmissionRecord,
    staff: StaffMember,
  ): Promise<'closed' | 'open' | 'unknown'> {
    const { store } = this.deps;
    let bundle: unknown;
    try {
      bundle = await this.deps.fachdienst.getBySecret(record.prescriptionId, secret);
    } catch (e) {
      const error = this.kit.appErrorOf(e);
      if (error.system === 'network') return 'unknown';
      // The Fachdienst answered (e.g. 403/410): the pending $close is over; a new attempt reports the cause.
      store.submissions.complete(submission.id, {
        state: 'failed',
        completedAt: this.kit.nowIso(),
        httpStatus: error.httpStatus,
        errorMessage: error.message,
      });
      this.kit.audit('reconcile-close', record.prescriptionId, staff, 'failed', error.httpStatus);
      return 'open';
    }
    const read = this.deps.codecs.readTaskBundle(bundle);
    const found: { taskStatus?: string; receipt?: Record<string, unknown> } = read.ok ? read.data : {};
    if (found.taskStatus === 'completed' && found.receipt) {
      this.finishClose(record, submission.id, found.receipt, staff, submission.withBody, submission.entries);
      this.kit.audit('reconcile-close', record.prescriptionId, staff, 'ok', 200);
      return 'closed';
    }
    if (found.taskStatus === 'in-progress') {
      store.submissions.complete(submission.id, {
        state: 'failed',
        completedAt: this.kit.nowIso(),
        errorMessage: 'Nicht abgeschlossen: Der E-Rezept-Fachdienst führt das Rezept weiter als „in Bearbeitung“.',
      });
      this.kit.audit('reconcile-close', record.prescriptionId, staff, 'failed', 200);
      return 'open';
    }
    return 'unknown';
  }

  private finishClose(
    record: CaseRecord,
    submissionId: number,
    receiptBundle: unknown,
    staff: StaffMember,
    withBody: boolean,
    list: readonly DispenseEntry[],
  ): void {
    const { store } = this.deps;
    const now = this.kit.nowIso();
    const receipt = receiptRecord(this.kit, record.prescriptionId, receiptBundle, staff);
    store.transaction(() => {
      store.receipts.save(receipt);
      store.submissions.complete(submissionId, { state: 'confirmed', completedAt: now, httpStatus: 200 });
      store.cases.updateStatus(record.prescriptionId, {
        status: 'closed',
        updatedAt: now,
        closedAt: now,
        lastConfirmedAt: now,
        // $close with a body replaces the stored dispense data and sets lastMedicationDispense (A_26337).
        lastDispenseAt: withBody ? now : undefined,
        lastHandoverDate: lastHandoverDate(list),
        unsentChanges: false,
      });
      this.kit.audit('close', record.prescriptionId, staff, 'ok', 200);
    });
    this.kit.changed(record.prescriptionId);
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
    const now = this.kit.now();
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

  /** The reconcile could not reach the Fachdienst: nothing is sent while the earlier outcome is unknown. */
  private stillUnknown(operation: 'dispense' | 'close'): AppFailure {
    return failure(
      'network',
      operation === 'close'
        ? 'Ob der letzte Abschluss beim E-Rezept-Fachdienst angekommen ist, ist noch unklar, und der Fachdienst ist gerade nicht erreichbar. Bitte später erneut „Abschließen“ wählen.'
        : 'Ob die letzte Übermittlung der Abgabedaten beim E-Rezept-Fachdienst angekommen ist, ist noch unklar, und der Fachdienst ist gerade nicht erreichbar. Es wurde nichts gesendet. Bitte später erneut versuchen.',
      {
        detail: `Abgleich (GET Task?secret) vor ${operation === 'close' ? '$close' : '$dispense'} ohne Antwort · ${this.kit.nowIso()}`,
        retry: 'reconcile',
        system: 'network',
        at: this.kit.now(),
      },
    );
  }

  /** Completes a pending submission as failed and returns the failure to throw. */
  private failSubmission(id: PrescriptionId, submissionId: number, operation: 'dispense' | 'close', staff: StaffMember, e: unknown): AppFailure {
    const error = this.kit.appErrorOf(e);
    const { store } = this.deps;
    store.transaction(() => {
      store.submissions.complete(submissionId, {
        state: 'failed',
        completedAt: this.kit.nowIso(),
        httpStatus: error.httpStatus,
        errorMessage: error.message,
      });
      this.kit.audit(operation, id, staff, error.retry === 'reconcile' ? 'unknown' : 'failed', error.httpStatus);
    });
    this.kit.refreshUnsentChanges(id);
    this.kit.changed(id);
    return this.kit.failureOf(e);
  }

  private versionOf(submission: SubmissionRecord): number {
    return this.deps.store.submissions.listFor(submission.prescriptionId).findIndex((s) => s.id === submission.id) + 1;
  }

  private summary(record: CaseRecord): CaseSummary {
    return caseSummary(record, this.kit.today());
  }

  private tokenError(error: TokenError): AppError {
    return failure('token', error.message, { detail: `Scan abgelehnt: ${error.reason}`, at: this.kit.now() }).appError;
  }
}
