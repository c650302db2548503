/**
 * The pharmacy workflow (architecture §1): scan → $accept → prescription view → complete dispense list →
 * $dispense (repeatable, every version kept) → $close → receipt; or $reject / $abort. One method per IPC
 * channel; every state-changing call names the current staff member; failures are thrown as AppFailure with a
 * ready AppError. Operations on one prescription run one after another (KeyedLock).
 */
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { ErezeptToken, TokenError } from '../../shared/erezept/token';
import type {
  AppError,
  CaseDetail,
  CaseFilter,
  CaseStatus,
  CaseSummary,
  PatientView,
  PendingOperation,
  ScanOutcome,
  StaffMember,
  SubmitOutcome,
} from '../../shared/ipc/contract';
import { AppFailure, failure } from '../errors';
import type { CaseRecord } from '../store/cases';
import type { SubmissionRecord } from '../store/submissions';
import { endCase } from './case-ending';
import { claimPrescription } from './claim';
import { adoptOrphanSubmissions, isDue, resumeOperation, toPendingOperation } from './owed-runner';
import { reconcileClose, sendClose } from './close-flow';
import { sendDispense } from './dispense-flow';
import { berlinTime } from './owed-operations';
import { caseSummary, editableStatuses, heldStatuses } from './case-views';
import { reconcilePendingDispense } from './dispense-reconcile';
import { sameEntries } from '../../shared/erezept/dispense-list-equality';
import { KeyedLock } from './keyed-lock';
import { patientView } from './patient-view';
import { refetchReceipt } from './receipts';
import { recoverSecret, restoreSecret } from './secret-recovery';
import { WorkflowKit, type WorkflowServiceDeps } from './workflow-kit';

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

  /**
   * The prescriptions the pharmacist ticked in the eGK list (spec §3.9): each is claimed like a scanned code — the
   * same `$accept` through the journal, the same case — with the AccessCode the Fachdienst listed.
   */
  async acceptListed(tokens: readonly ErezeptToken[]): Promise<{ results: ScanOutcome[] }> {
    const staff = this.deps.settings.requireStaff();
    await this.deps.syncClock?.();
    const results: ScanOutcome[] = [];
    for (const token of tokens) {
      results.push(await this.lock.run(token.prescriptionId, () => this.acceptToken(token, staff)));
    }
    return { results };
  }

  private async acceptToken(token: ErezeptToken, staff: StaffMember): Promise<ScanOutcome> {
    const id = token.prescriptionId;
    try {
      const existing = await this.deps.store.cases.get(id);
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
        await this.kit.audit('open-existing', id, staff, 'ok');
        // The whole case comes with the answer: the counter shows it without a second round trip
        // (docs/performance.md, scan-overhead).
        const current = await this.kit.requireCase(id);
        return { ok: true, prescriptionId: id, outcome: 'existing', case: this.summary(current), detail: await this.kit.detailOf(current) };
      }
      // Scanned again while an earlier claim is still owed (lost answer, outage, 429): reconcile that one
      // instead of a blind second $accept (docs/reliability.md) — except that a 429 wait is never cut short.
      const owed = (await this.deps.store.pendingOperations.pendingFor(id, 'accept'))[0];
      // The claim runs under the case's busy mark when counters share the store (§4): the background owner then
      // leaves this counter's journaled, still running $accept alone instead of reconciling it in between.
      if (owed && isDue(owed, this.kit.now())) {
        return await this.sending(id, () => claimPrescription(this.kit, { prescriptionId: id, accessCode: token.accessCode, staff, resumeOperationId: owed.id }));
      }
      if (owed) return { ok: false, prescriptionId: id, error: this.stillRateLimited(owed.notBefore) };
      return await this.sending(id, () => claimPrescription(this.kit, { prescriptionId: id, accessCode: token.accessCode, staff }));
    } catch (e) {
      return { ok: false, prescriptionId: id, error: this.kit.appErrorOf(e) };
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Cases, drafts, preview
  // ----------------------------------------------------------------------------------------------

  /** The inbox; after $reject/$abort a case has no name or KVNR left, so only its PrescriptionID finds it (A_19251). */
  async listCases(query?: string, filter: CaseFilter = 'all', limit?: number): Promise<{ cases: CaseSummary[]; total: number }> {
    await this.deps.syncClockForReading?.();
    const today = this.kit.today();
    // The newest `limit` (default 200) plus the number of matches — 10,000 cases never cross the bridge
    // (docs/performance.md, inbox-10k).
    const { records, total } = await this.deps.store.cases.list({ text: query, statuses: filterStatuses[filter], limit });
    return { cases: records.map((r) => caseSummary(r, today)), total };
  }

  async getCase(id: PrescriptionId): Promise<CaseDetail> {
    await this.deps.syncClockForReading?.();
    return this.kit.detail(id);
  }

  /** Autosave of the dispense editor; the list is locked once the case is closed (spec §3.12). */
  async saveDraft(id: PrescriptionId, entries: DispenseEntry[]): Promise<{ savedAt: string }> {
    const staff = this.deps.settings.requireStaff();
    const record = await this.kit.requireCase(id);
    this.kit.requireEditable(record);
    // another counter working on the case: its list is not overwritten from here (issue 18 item 4)
    await this.deps.sending?.requireHolder(id);
    const savedAt = this.kit.nowIso();
    await this.deps.store.drafts.save({ prescriptionId: id, entries, savedAt, staff: staff.kuerzel });
    const before = record.unsentChanges;
    await this.kit.refreshUnsentChanges(id);
    // The inbox shows the flag; the editor itself does not need an event for every keystroke's autosave.
    if ((await this.deps.store.cases.get(id))?.unsentChanges !== before) this.kit.changed(id);
    return { savedAt };
  }

  /** What the patient will see for this list (or the draft, or the last confirmed list) — nothing is sent. */
  async previewPatientView(id: PrescriptionId, entries?: DispenseEntry[]): Promise<PatientView> {
    const record = await this.kit.requireCase(id);
    const list = entries ?? (await this.deps.store.drafts.get(id))?.entries ?? (await this.kit.lastConfirmedList(record))?.entries ?? [];
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
    return this.lock.run(id, () => this.sending(id, async () => {
      await this.deps.syncClock?.();
      const { store } = this.deps;
      let record = await this.kit.requireCase(id);
      this.kit.requireEditable(record);
      const secret = this.kit.requireSecret(record);

      let reconciled: SubmissionRecord | undefined;
      if ((await this.kit.pendingSubmissions(record, 'dispense')).length > 0) {
        const result = await reconcilePendingDispense(this.kit, record, secret, staff);
        if (result.outcome === 'unknown') throw this.stillUnknown('dispense');
        if (result.outcome === 'arrived') reconciled = result.submission;
        record = await this.kit.requireCase(id);
      }

      const confirmed = await this.kit.lastConfirmedList(record);
      if (confirmed && sameEntries(confirmed.entries, entries)) {
        const savedAt = this.kit.nowIso();
        await store.drafts.save({ prescriptionId: id, entries, savedAt, staff: staff.kuerzel });
        await this.kit.refreshUnsentChanges(id);
        await this.kit.audit('dispense-unchanged', id, staff, 'ok');
        this.kit.changed(id);
        const wasReconciled = reconciled?.id === confirmed.id;
        return {
          ...(await this.kit.detail(id)),
          outcome: wasReconciled ? 'reconciled' : 'unchanged',
          notice: wasReconciled
            ? 'Die letzte Übermittlung ist beim E-Rezept-Fachdienst angekommen, nur ihre Antwort ging verloren. Dieselbe Liste wurde deshalb nicht noch einmal gesendet.'
            : `Die Abgabedaten sind unverändert gegenüber der zuletzt bestätigten Übermittlung (Version ${await this.versionOf(confirmed)}). Es wurde nichts gesendet, denn jede Übermittlung benachrichtigt den Patienten.`,
        };
      }

      return { ...(await sendDispense(this.kit, { record, secret, entries, staff })), outcome: 'sent' as const };
    }));
  }

  // ----------------------------------------------------------------------------------------------
  // $close (spec §3.5) and the receipt (spec §7)
  // ----------------------------------------------------------------------------------------------

  /**
   * Closes with the given list (or the draft), always as the body (docs/reliability.md: the app cannot prove which
   * list the Fachdienst holds, so the receipt is for the list the pharmacist sees). Afterwards the list is locked.
   */
  async closeCase(id: PrescriptionId, entries?: DispenseEntry[]): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, () => this.sending(id, async () => {
      await this.deps.syncClock?.();
      const { store } = this.deps;
      let record = await this.kit.requireCase(id);
      this.kit.requireEditable(record);
      const secret = this.kit.requireSecret(record);

      // A $close whose answer never arrived: find out first whether it went through (spec §3.6).
      const pendingClose = await store.submissions.latest(id, { operation: 'close', state: 'pending' });
      if (pendingClose) {
        const state = await reconcileClose(this.kit, record, secret, pendingClose, staff);
        if (state === 'closed') return this.kit.detail(id);
        if (state === 'unknown') throw this.stillUnknown('close');
        record = await this.kit.requireCase(id);
      }
      // Likewise a lost $dispense answer: settled first, so the versions say what the Fachdienst had confirmed.
      if ((await this.kit.pendingSubmissions(record, 'dispense')).length > 0) {
        const result = await reconcilePendingDispense(this.kit, record, secret, staff);
        if (result.outcome === 'unknown') throw this.stillUnknown('dispense');
        record = await this.kit.requireCase(id);
      }

      const confirmed = await this.kit.lastConfirmedList(record);
      const list = entries ?? (await store.drafts.get(id))?.entries ?? confirmed?.entries;
      if (!list || list.length === 0) {
        throw failure('validation', 'Es gibt noch keine Abgabedaten zu diesem Rezept. Bitte zuerst die Abgabe erfassen.', { at: this.kit.now() });
      }
      return sendClose(this.kit, { record, secret, list, staff, draft: entries });
    }));
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
    return this.lock.run(id, () => this.sending(id, () => endCase(this.kit, id, 'reject', staff)));
  }

  async abortCase(id: PrescriptionId): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, () => this.sending(id, () => endCase(this.kit, id, 'abort', staff)));
  }

  async recoverSecret(id: PrescriptionId): Promise<CaseDetail> {
    const staff = this.deps.settings.requireStaff();
    return this.lock.run(id, () => this.sending(id, () => recoverSecret(this.kit, id, staff)));
  }

  // ----------------------------------------------------------------------------------------------
  // Operations owed to the Fachdienst (docs/reliability.md, A_23815/A_23816)
  // ----------------------------------------------------------------------------------------------

  /** Pending ones first, then the most recent ones the app completed or gave up on its own. */
  async listPendingOperations(): Promise<PendingOperation[]> {
    return (await this.deps.store.pendingOperations.listForDisplay()).map(toPendingOperation);
  }

  pendingCount(): Promise<number> {
    return this.deps.store.pendingOperations.countPending();
  }

  /**
   * Runs every owed operation that is due (a 429 wait is never cut short), one prescription at a time under
   * the same lock as the pharmacist's own actions. Concurrent calls share one run.
   */
  resumePendingOperations(): Promise<PendingOperation[]> {
    this.resuming ??= this.runDue().finally(() => {
      this.resuming = undefined;
    });
    return this.resuming;
  }

  private resuming: Promise<PendingOperation[]> | undefined;

  private async runDue(): Promise<PendingOperation[]> {
    const adopted = await adoptOrphanSubmissions(this.kit);
    if (adopted > 0) this.kit.pendingChanged();
    const owed = await this.deps.store.pendingOperations.pending();
    // The clock first: in training a trainer may have moved the simulator an hour ahead (429 wait over).
    if (owed.length > 0) await this.deps.syncClock?.();
    const due = owed.filter((op) => isDue(op, this.kit.now()));
    for (const op of due) {
      await this.lock.run(op.prescriptionId, async () => {
        // Re-read inside the lock: the pharmacist may have settled it meanwhile.
        const current = await this.deps.store.pendingOperations.get(op.id);
        if (current?.state !== 'pending' || !isDue(current, this.kit.now())) return;
        // Another counter sending for this case right now: left owed, the next run tries again (§4). Read once more
        // under the busy mark — the counter that journaled it may have finished it in between — so a settled row is
        // never resumed from a stale copy.
        await this.sending(
          op.prescriptionId,
          async () => {
            const still = await this.deps.store.pendingOperations.get(op.id);
            if (still?.state === 'pending' && isDue(still, this.kit.now())) await resumeOperation(this.kit, still);
          },
          { background: true },
        ).catch((e: unknown) => {
          if (!(e instanceof AppFailure && e.appError.code === 'case-leased')) throw e;
        });
      });
    }
    return this.listPendingOperations();
  }

  /** „Verwerfen“: only a queued operation; one whose outcome is unknown must be reconciled first. */
  async cancelPendingOperation(id: number): Promise<PendingOperation> {
    const staff = this.deps.settings.requireStaff();
    const op = await this.deps.store.pendingOperations.get(id);
    if (!op) {
      throw failure('not-found', 'Diesen ausstehenden Vorgang gibt es nicht (mehr).', { at: this.kit.now() });
    }
    if (op.state !== 'pending') return toPendingOperation(op);
    if (op.reason === 'outcome-unknown') {
      throw failure(
        'state',
        'Dieser Vorgang kann nicht verworfen werden: Ob er beim E-Rezept-Fachdienst angekommen ist, ist noch unklar. Die App gleicht ihn ab, sobald der Fachdienst antwortet.',
        { detail: `Vorgang ${id} (${op.operation}) mit unbekanntem Ausgang · ${this.kit.nowIso()}`, at: this.kit.now() },
      );
    }
    await this.kit.settleOperation(id, 'cancelled', `Verworfen von ${staff.kuerzel}. Die Abgabedaten bleiben als Entwurf erhalten.`);
    await this.kit.audit(`cancel-${op.operation}`, op.prescriptionId, staff, 'ok');
    if (await this.deps.store.cases.get(op.prescriptionId)) this.kit.changed(op.prescriptionId);
    return toPendingOperation((await this.deps.store.pendingOperations.get(id)) ?? op);
  }

  // ----------------------------------------------------------------------------------------------
  // helpers
  // ----------------------------------------------------------------------------------------------

  /** Runs a sending operation under the case lease when several counters share the store (case-leases.ts). */
  private sending<T>(id: PrescriptionId, work: () => Promise<T>, options?: { background?: boolean }): Promise<T> {
    return this.deps.sending ? this.deps.sending.sending(id, work, options) : work();
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

  private async versionOf(submission: SubmissionRecord): Promise<number> {
    return (await this.deps.store.submissions.listFor(submission.prescriptionId)).findIndex((s) => s.id === submission.id) + 1;
  }

  private summary(record: CaseRecord): CaseSummary {
    return caseSummary(record, this.kit.today());
  }

  private stillRateLimited(notBefore: string | undefined): AppError {
    const at = notBefore ? new Date(notBefore) : this.kit.now();
    return failure(
      'queued',
      `Der E-Rezept-Fachdienst hatte zu viele Anfragen gemeldet. Dieses Rezept wird frühestens um ${berlinTime(at)} Uhr automatisch abgerufen; vorher fragt die App nicht erneut.`,
      { retry: 'hourly', httpStatus: 429, system: 'fachdienst', at: this.kit.now() },
    ).appError;
  }

  private tokenError(error: TokenError): AppError {
    return failure('token', error.message, { detail: `Scan abgelehnt: ${error.reason}`, at: this.kit.now() }).appError;
  }
}
