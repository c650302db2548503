/**
 * Sending the complete dispense list with $dispense (spec §3.4, A_26482) so that nothing is lost and
 * nothing is sent twice blindly (docs/reliability.md: every $dispense notifies the patient). Submission and
 * owed operation are written BEFORE the call; afterwards the answer decides:
 * - 204: confirmed.
 * - timeout, 408, 500, 503, 504, 507, 509, 512: the retry loop (retrying-fachdienst.ts) waits its backoff and
 *   then asks `beforeRepeat` — a GET ?secret that writes nothing (probeDispense): arrived = confirmed without a
 *   second call; not arrived = the same list again; the read failed = the loop stops.
 * - 429: the list waits an hour (A_25460).
 * - After the loop, an answer that still does not prove the outcome (no answer, any 5xx — also 502/504 from a
 *   gateway, unknown-outcome.ts): GET ?secret once more (reconcilePendingDispense) — arrived = confirmed;
 *   otherwise the list is owed (outcome unknown / offline) and the owed-operation runner reads again before it
 *   sends. No further blind resend here. („Abbrechen“ during the waits: the attempt stays pending, reconciled
 *   later.)
 * - Any other answer (4xx) fails the submission with the Fachdienst's reason.
 */
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Secret } from '../../shared/erezept/identifiers';
import type { CaseDetail, StaffMember } from '../../shared/ipc/contract';
import { AppFailure } from '../errors';
import type { CaseRecord } from '../store/cases';
import { ARRIVED_MESSAGE, probeDispense, reconcilePendingDispense, type DispenseProbe } from './dispense-reconcile';
import { owe } from './owed-operations';
import { preflight } from './preflight';
import { outcomeUnknown } from './unknown-outcome';
import { lastHandoverDate, type WorkflowKit } from './workflow-kit';

export interface DispenseAttempt {
  record: CaseRecord;
  secret: Secret;
  entries: readonly DispenseEntry[];
  staff: StaffMember;
  /** an owed operation being resumed (runner); absent = the pharmacist pressed „Abgabe übermitteln“ */
  resumeOperationId?: number;
}

const CANCELLED_BY_PHARMACIST =
  'Abgebrochen: Die Abgabedaten werden nicht automatisch erneut gesendet; der Entwurf bleibt. Beim nächsten „Abgabe übermitteln“ gleicht die App zuerst ab, ob sie angekommen sind.';

const REPLACED = 'Durch eine neuere Abgabe ersetzt (der E-Rezept-Fachdienst speichert immer nur die vollständige letzte Liste).';

export async function sendDispense(kit: WorkflowKit, attempt: DispenseAttempt): Promise<CaseDetail> {
  const { store } = kit;
  const { record, secret, entries, staff } = attempt;
  const id = record.prescriptionId;
  const { parameters, overriddenRules } = await preflight(kit, 'dispense', record, entries);
  const createdAt = kit.nowIso();
  // Written as pending BEFORE the call: the Fachdienst cannot give the list back (spec §3.10).
  const { submissionId, opId } = await store.transaction(async () => {
    const owed = store.pendingOperations;
    // A newer list replaces any list still waiting for this prescription (A_26482: the Fachdienst overwrites).
    for (const older of await owed.pendingFor(id, 'dispense')) {
      if (older.id !== attempt.resumeOperationId) await owed.finish(older.id, { state: 'cancelled', completedAt: createdAt, message: REPLACED });
    }
    if (attempt.resumeOperationId === undefined) await store.drafts.save({ prescriptionId: id, entries: [...entries], savedAt: createdAt, staff: staff.kuerzel });
    const submission = await store.submissions.createPending({ prescriptionId: id, operation: 'dispense', staff: staff.kuerzel, createdAt, entries });
    // Who sent past which safety rule (docs/checks.md): rule and staff only — the reason stays with the version.
    if (attempt.resumeOperationId === undefined) for (const rule of overriddenRules) await kit.audit('override', id, staff, rule);
    const op =
      attempt.resumeOperationId ??
      (await owed.create({ operation: 'dispense', entries, prescriptionId: id, reason: 'outcome-unknown', staff: staff.kuerzel, createdAt }));
    await owed.attachSubmission(op, submission);
    return { submissionId: submission, opId: op };
  });
  // The read before each repeat. Every call of the loop sends the same list, so "arrived" is judged against the
  // first call's time: whichever of them was stored, the list is there.
  let lastProbe: DispenseProbe | undefined;
  const beforeRepeat = async (): Promise<'repeat' | 'arrived' | 'unknown'> => {
    lastProbe = await probeDispense(kit, id, secret, createdAt);
    // lost: not stored — or the Task is no longer ours to dispense; the repeat's answer then names the cause.
    return lastProbe.outcome === 'lost' ? 'repeat' : lastProbe.outcome;
  };
  try {
    await kit.deps.fachdienst.dispense(id, secret, parameters, { beforeRepeat });
  } catch (e) {
    // `resumed`: the runner's own attempt leaves a message in the pending list; a refusal at the counter does not
    const resumed = attempt.resumeOperationId !== undefined;
    const outcome = await afterFailedDispense(kit, { ...attempt, resumeOperationId: opId }, submissionId, e, lastProbe, resumed);
    if (outcome instanceof AppFailure) throw outcome;
    return outcome;
  }
  // 204 — or no second call because the read before it found the list stored (lost answer, docs/reliability.md).
  const arrived = lastProbe?.outcome === 'arrived' ? lastProbe : undefined;
  const at = kit.nowIso();
  await store.transaction(async () => {
    await store.submissions.complete(submissionId, { state: 'confirmed', completedAt: at, httpStatus: arrived ? undefined : 204 });
    await store.cases.updateStatus(id, {
      status: 'dispensed',
      updatedAt: at,
      lastDispenseAt: arrived?.lastMedicationDispense ?? at,
      lastConfirmedAt: at,
      lastHandoverDate: lastHandoverDate(entries),
      unsentChanges: false,
    });
    if (arrived) await kit.audit('reconcile-dispense', id, staff, 'ok', arrived.answerStatus);
    await kit.audit('dispense', id, staff, 'ok', arrived ? undefined : 204);
    // One fsync for the whole confirmation (docs/performance.md, submit-overhead): the pending row was durable
    // before the call; what the answer settles — submission, case, inbox flag, owed operation, audit — is all or
    // nothing after it.
    await kit.refreshUnsentChanges(id);
    await kit.settleOperation(opId, 'done', arrived ? ARRIVED_MESSAGE : attempt.resumeOperationId !== undefined ? 'Abgabedaten übermittelt (automatisch nachgeholt).' : undefined);
  });
  kit.changed(id);
  return kit.detail(id);
}

async function afterFailedDispense(
  kit: WorkflowKit,
  attempt: DispenseAttempt & { resumeOperationId: number },
  submissionId: number,
  e: unknown,
  lastProbe: DispenseProbe | undefined,
  resumed: boolean,
): Promise<AppFailure | CaseDetail> {
  const { store } = kit;
  const id = attempt.record.prescriptionId;
  const opId = attempt.resumeOperationId;
  const error = kit.appErrorOf(e);
  const now = kit.nowIso();

  if (error.httpStatus === 429) {
    await store.submissions.complete(submissionId, { state: 'failed', completedAt: now, httpStatus: 429, errorMessage: error.message });
    await kit.audit('dispense', id, attempt.staff, 'failed', 429);
    kit.changed(id);
    return owe(kit, opId, 'dispense', error);
  }
  if (!outcomeUnknown(error)) {
    // A 4xx: the Fachdienst did not store the list and said why.
    await store.transaction(async () => {
      await store.submissions.complete(submissionId, { state: 'failed', completedAt: now, httpStatus: error.httpStatus, errorMessage: error.message });
      await kit.audit('dispense', id, attempt.staff, 'failed', error.httpStatus);
    });
    await kit.settleOperation(opId, 'failed', resumed ? `Nicht übermittelt: ${error.message}` : undefined);
    await kit.refreshUnsentChanges(id);
    kit.changed(id);
    return kit.failureOf(e);
  }

  // No answer that proves the outcome: the list may or may not be stored.
  await kit.audit('dispense', id, attempt.staff, 'unknown', error.httpStatus);
  if (error.code === 'cancelled') {
    // „Abbrechen“: nothing more is sent on its own — not by this loop, not by the owed-operation runner. The
    // attempt itself stays pending (its outcome is unknown), so the pharmacist's next „Abgabe übermitteln“ or
    // $close reconciles it (GET ?secret) before anything is sent; the draft stays.
    await kit.settleOperation(opId, 'cancelled', CANCELLED_BY_PHARMACIST);
    kit.changed(id);
    return kit.failureOf(e);
  }
  // The loop's own read just failed: asking again at once would only fail again — the runner asks later.
  if (lastProbe?.outcome !== 'unknown') {
    const result = await reconcilePendingDispense(kit, await kit.requireCase(id), attempt.secret, attempt.staff);
    if (result.outcome === 'arrived') return kit.detail(id);
  }
  // Not arrived, or still unknown: owed — the runner reads again before it sends (A_23815).
  kit.changed(id);
  return owe(kit, opId, 'dispense', error);
}
