/**
 * Claiming a prescription: $accept (spec §3.2) and, when its answer does not prove the outcome (no answer, a
 * 5xx — unknown-outcome.ts), the reconciliation of docs/reliability.md (spec §3.3, UC 4.17): GET Task?ac —
 * 200 = our $accept went through, store the Secret; 412 = the Task is not ours (still `ready`, or another
 * pharmacy's), so exactly one new $accept decides: 200 = ours now, 409 = another pharmacy has it.
 *
 * The AccessCode is written to the store's pending operations BEFORE the call, so a crash or a cut
 * connection leaves what the reconciliation needs (no case row exists before $accept succeeds).
 */
import { noArticles, resolveArticles, type ArticleLookup } from '../../shared/erezept/catalog/article-catalog';
import { demoArticleCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { berlinDate } from '../../shared/erezept/dates';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { flowTypeOf, parseSecret, type AccessCode, type PrescriptionId } from '../../shared/erezept/identifiers';
import { isAcceptedByCaller, redactSecrets } from '../../shared/fhir/operation-outcome';
import type { AppError, ScanOutcome, StaffMember } from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { CaseRecord } from '../store/cases';
import { caseSummary } from './case-views';
import { initialDraft, medicationLabel } from './initial-draft';
import { mustWait, owe } from './owed-operations';
import { outcomeUnknown, readInconclusive } from './unknown-outcome';
import type { WorkflowKit } from './workflow-kit';

export interface ClaimRequest {
  prescriptionId: PrescriptionId;
  accessCode: AccessCode;
  staff: StaffMember;
  /** resuming an operation owed from earlier (crash, outage, 429): reconcile first, never a blind $accept */
  resumeOperationId?: number;
}

export async function claimPrescription(kit: WorkflowKit, request: ClaimRequest): Promise<ScanOutcome> {
  const { prescriptionId: id, accessCode, staff } = request;
  const owed = kit.store.pendingOperations;
  if (request.resumeOperationId !== undefined) return reconcileAccept(kit, request, request.resumeOperationId);

  const opId = await owed.create({ operation: 'accept', accessCode, prescriptionId: id, reason: 'outcome-unknown', staff: staff.kuerzel, createdAt: kit.nowIso() });
  let bundle: unknown;
  try {
    bundle = await kit.deps.fachdienst.accept(id, accessCode);
  } catch (e) {
    // MVO part not yet valid, expired, deleted, another pharmacy's … (spec §3.2): the Fachdienst's 403/409/410
    // becomes the AppError of shared/fhir/operation-outcome.ts, and nothing is stored.
    const error = kit.appErrorOf(e);
    const unknownOutcome = outcomeUnknown(error);
    await kit.audit('accept', id, staff, unknownOutcome ? 'unknown' : 'failed', error.httpStatus);
    // Our own earlier $accept went through but its answer was lost (409 "processed by requesting
    // institution"), or an answer that does not prove the outcome (timeout, cut connection, 5xx — the Task
    // may be claimed by us already): find out with GET ?ac.
    if (isAcceptedByCaller(error) || unknownOutcome) return reconcileAccept(kit, request, opId);
    if (error.httpStatus === 429) return { ok: false, prescriptionId: id, error: (await owe(kit, opId, 'accept', error)).appError };
    await kit.settleOperation(opId, 'failed');
    return { ok: false, prescriptionId: id, error };
  }
  return storeAccepted(kit, request, bundle, 'accept', opId);
}

async function reconcileAccept(kit: WorkflowKit, request: ClaimRequest, opId: number): Promise<ScanOutcome> {
  const { prescriptionId: id, accessCode, staff } = request;
  await kit.store.pendingOperations.recordAttempt(opId);
  let bundle: unknown;
  try {
    bundle = await kit.deps.fachdienst.getByAccessCode(id, accessCode);
  } catch (e) {
    const error = kit.appErrorOf(e);
    await kit.audit('reconcile-accept', id, staff, readInconclusive(error) ? 'unknown' : 'failed', error.httpStatus);
    if (error.httpStatus === 412) return acceptAgain(kit, request, opId);
    if (mustWait(error) || readInconclusive(error)) return { ok: false, prescriptionId: id, error: (await owe(kit, opId, 'accept', error)).appError };
    return giveUp(kit, opId, id, error);
  }
  return storeAccepted(kit, request, bundle, 'recover', opId, 'Rezept abgerufen: Der E-Rezept-Fachdienst hatte es dieser Apotheke bereits zugeordnet, nur die Antwort war verloren gegangen (oder kam als Fehler).');
}

/** GET ?ac said 412: the Task is not ours — one new $accept tells whether it is free (200) or taken (409). */
async function acceptAgain(kit: WorkflowKit, request: ClaimRequest, opId: number): Promise<ScanOutcome> {
  const { prescriptionId: id, accessCode, staff } = request;
  let bundle: unknown;
  try {
    bundle = await kit.deps.fachdienst.accept(id, accessCode);
  } catch (e) {
    const error = kit.appErrorOf(e);
    await kit.audit('accept', id, staff, outcomeUnknown(error) ? 'unknown' : 'failed', error.httpStatus);
    if (outcomeUnknown(error) || mustWait(error)) return { ok: false, prescriptionId: id, error: (await owe(kit, opId, 'accept', error)).appError };
    // The first, slow $accept landed meanwhile: the Task is ours after all — GET ?ac once more for the Secret.
    if (isAcceptedByCaller(error)) return readBackOwnClaim(kit, request, opId);
    return giveUp(kit, opId, id, error);
  }
  return storeAccepted(kit, request, bundle, 'accept', opId, 'Rezept abgerufen: Auf den ersten Abruf kam keine eindeutige Antwort; der E-Rezept-Fachdienst führte das Rezept danach nicht als dieser Apotheke zugeordnet, daher hat die App es einmal erneut abgerufen.');
}

async function readBackOwnClaim(kit: WorkflowKit, request: ClaimRequest, opId: number): Promise<ScanOutcome> {
  const { prescriptionId: id, accessCode, staff } = request;
  try {
    const bundle = await kit.deps.fachdienst.getByAccessCode(id, accessCode);
    return storeAccepted(kit, request, bundle, 'recover', opId, 'Rezept abgerufen: Der erste, verspätete Abruf war doch beim E-Rezept-Fachdienst angekommen.');
  } catch (e) {
    const error = kit.appErrorOf(e);
    await kit.audit('reconcile-accept', id, staff, readInconclusive(error) ? 'unknown' : 'failed', error.httpStatus);
    if (mustWait(error) || readInconclusive(error)) return { ok: false, prescriptionId: id, error: (await owe(kit, opId, 'accept', error)).appError };
    return giveUp(kit, opId, id, error);
  }
}

async function giveUp(kit: WorkflowKit, opId: number, id: PrescriptionId, error: AppError): Promise<ScanOutcome> {
  await kit.settleOperation(opId, 'failed', `Nicht abgerufen: ${error.message}`);
  return { ok: false, prescriptionId: id, error };
}

/** Stores Secret, AccessCode and QES with the prescription read from it in one transaction (A_19169-01, spec §3.2). */
async function storeAccepted(
  kit: WorkflowKit,
  request: ClaimRequest,
  bundle: unknown,
  operation: 'accept' | 'recover',
  opId: number,
  /** what to tell the pharmacist in the pending list; absent = a plain success that leaves no trace */
  reconciledMessage?: string,
): Promise<ScanOutcome> {
  const { store, codecs } = kit.deps;
  const { prescriptionId: id, accessCode, staff } = request;
  const now = kit.now();
  const read = codecs.readAcceptBundle(bundle);
  const secret = read.ok ? parseSecret(read.data.secret ?? '') : undefined;
  if (!read.ok || !secret?.ok || (read.data.prescriptionId && read.data.prescriptionId !== id)) {
    await kit.audit(operation, id, staff, 'failed');
    const why = !read.ok ? read.error : !secret?.ok ? 'Secret fehlt oder ist ungültig' : 'Rezept-ID der Antwort passt nicht';
    // The Task is ours but we have no Secret: the pending operation stays, so the app asks again (GET ?ac).
    await kit.store.pendingOperations.setWaiting(opId, 'outcome-unknown');
    kit.pendingChanged();
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
    accessCode,
    secret: secret.data,
    qes: task.qes,
  };
  // Reading the prescription out of the QES is pure computation that stores nothing and cannot fail in a way
  // that loses the Secret (every error becomes `prescriptionError`), so it runs BEFORE the first write and
  // Secret, QES, prescription, draft and audit land in ONE fsync'd transaction (A_19169-01; docs/performance.md,
  // scan-overhead). So does the catalogue lookup of the prescribed PZN for the first list (A_27033-01), which never
  // fails the claim either.
  const prescription = readPrescription(kit, task.qes);
  const articles = prescription.ok ? await prescribedArticles(kit, prescription.data.view) : noArticles;
  const { record, draft } = withPrescription(kit, base, prescription, articles, now);
  await store.transaction(async () => {
    await store.cases.save(record);
    if (draft.length > 0) await store.drafts.save({ prescriptionId: id, entries: draft, savedAt: now.toISOString(), staff: staff.kuerzel });
    await kit.audit(operation, id, staff, 'ok', 200);
    // The owed operation is settled in the same transaction: a crash cannot leave it pending beside its case.
    await kit.settleOperation(opId, 'done', reconciledMessage);
  });
  kit.changed(id);
  // The whole case comes with the answer, so the counter shows it without a second round trip (docs/performance.md,
  // scan-overhead).
  return { ok: true, prescriptionId: id, outcome: 'accepted', case: caseSummary(record, kit.today()), detail: await kit.detail(id) };
}

/**
 * The catalogue's article of a PZN prescription (the store's master or the demo catalogue, docs/article-master.md).
 * A catalogue that cannot answer leaves the first list as the prescription has it: the Secret is what matters here.
 */
async function prescribedArticles(kit: WorkflowKit, view: NonNullable<CaseRecord['prescription']>): Promise<ArticleLookup> {
  if (view.medication.kind !== 'pzn') return noArticles;
  try {
    return await resolveArticles(kit.deps.catalog ?? demoArticleCatalog, [view.medication.pzn]);
  } catch {
    return noArticles;
  }
}

type ReadPrescription = ReturnType<typeof readPrescription>;

/** The case with its prescription and initial draft — or, when the QES cannot be read, with the reason. */
function withPrescription(
  kit: WorkflowKit,
  base: CaseRecord,
  prescription: ReadPrescription,
  articles: ArticleLookup,
  now: Date,
): { record: CaseRecord; draft: DispenseEntry[] } {
  if (!prescription.ok) return { record: { ...base, prescriptionError: prescription.error, unsentChanges: false }, draft: [] };
  try {
    const { view, xml } = prescription.data;
    const draft = initialDraft(view, berlinDate(now), kit.deps.ids.next(), articles);
    const record: CaseRecord = {
      ...base,
      prescription: view,
      prescriptionXml: xml,
      patientName: view.patient.name,
      kvnr: base.kvnr ?? view.patient.kvnr,
      medicationLabel: medicationLabel(view),
      unsentChanges: draft.length > 0,
    };
    return { record, draft };
  } catch (e) {
    // Never let the mapping cost the Secret: the case is stored without the view, as for an unreadable QES.
    const why = `Verordnung nicht lesbar: ${e instanceof Error ? e.message : 'unbekannter Fehler'}`;
    return { record: { ...base, prescriptionError: why, unsentChanges: false }, draft: [] };
  }
}

function readPrescription(
  kit: WorkflowKit,
  qes: Uint8Array,
): { ok: true; data: { view: NonNullable<CaseRecord['prescription']>; xml: string } } | { ok: false; error: string } {
  try {
    const r = kit.deps.codecs.readPrescription(qes);
    return r.ok ? r : { ok: false, error: r.error.message };
  } catch (e) {
    return { ok: false, error: `Verordnung nicht lesbar: ${e instanceof Error ? e.message : 'unbekannter Fehler'}` };
  }
}
