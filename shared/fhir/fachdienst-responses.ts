/**
 * Readers for what the E-Rezept-Fachdienst answers a pharmacy (FHIR JSON; the app asks for
 * `application/fhir+json`, spec §3): the $accept Bundle (spec §3.2, also GET /Task/{id}?ac= §3.3), the
 * GET /Task/{id}?secret= Bundle (spec §3.6) and the receipt (spec §7). Untrusted input: every reader returns a
 * German error instead of throwing, and no error repeats an AccessCode, Secret or KVNR.
 */
import { parseAccessCode, parseSecret } from '../erezept/identifiers';
import { err, ok, type Result } from '../ipc/result';
import { base64ToBytes } from './base64';
import {
  codeOf,
  extensionOf,
  hasProfile,
  identifierValue,
  type Json,
  rec,
  records,
  str,
} from './kbv/fhir-json';
import { CodeSystems, Extensions, NamingSystems, Profiles } from './profiles';

export const taskStatuses = ['draft', 'ready', 'in-progress', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export interface TaskInfo {
  prescriptionId: string;
  status: TaskStatus;
  flowType?: string;
  kvnr?: string;
  accessCode?: string;
  secret?: string;
  owner?: string;
  acceptDate?: string;
  expiryDate?: string;
  lastMedicationDispense?: string;
  authoredOn?: string;
  lastModified?: string;
}

export interface AcceptedTask {
  task: TaskInfo;
  /** the QES PKCS#7 from the Binary */
  qes: Uint8Array;
}

export interface ReceiptInfo {
  bundleId: string;
  prescriptionId: string;
  completedAt: string;
  acceptedAt?: string;
  beneficiaryTelematikId: string;
  signaturePresent: boolean;
  digestBase64?: string;
}

// Format only: api-erp's own examples use PrescriptionIDs with wrong check digits (spec §12.5); the caller
// compares the id with the one it asked for anyway.
const prescriptionIdFormat = /^[0-9]{3}(\.[0-9]{3}){4}\.[0-9]{2}$/;

// GEM_ERP_CS_DocumentType (spec §4): 1 = the prescription (QES Binary), 3 = the receipt.
const DOCUMENT_TYPE_PRESCRIPTION = '1';
const DOCUMENT_TYPE_RECEIPT = '3';

/** The $accept response (spec §3.2) or the secret-recovery response GET /Task/{id}?ac= (spec §3.3). */
export function readAcceptBundle(json: unknown): Result<AcceptedTask, string> {
  const bundle = asBundle(json);
  if (!bundle.ok) return bundle;
  const task = readTaskEntry(bundle.data);
  if (!task.ok) return task;

  const binary = findPrescriptionBinary(bundle.data);
  if (!binary) return err('Die Antwort des Fachdienstes enthält keine Verordnung (Binary).');
  const contentType = str(binary['contentType']);
  if (contentType !== undefined && !contentType.startsWith('application/pkcs7-mime')) {
    return err(`Die Verordnung (Binary) hat einen unerwarteten Inhaltstyp: ${contentType.slice(0, 60)}`);
  }
  const data = str(binary['data']);
  if (data === undefined) return err('Die Verordnung (Binary) der Antwort ist leer.');
  const qes = base64ToBytes(data);
  if (!qes.ok) return err('Die Verordnung (Binary) der Antwort ist nicht lesbar (Base64 ungültig).');
  return ok({ task: task.data, qes: qes.data });
}

/** GET /Task/{id}?secret= (spec §3.6): the Task, and the receipt Bundle once the Task is completed. */
export function readTaskBundle(
  json: unknown,
): Result<{ task: TaskInfo; receipt?: Record<string, unknown> }, string> {
  const bundle = asBundle(json);
  if (!bundle.ok) return bundle;
  const task = readTaskEntry(bundle.data);
  if (!task.ok) return task;
  const receipt = resources(bundle.data).find((r) => r['resourceType'] === 'Bundle');
  return ok(receipt ? { task: task.data, receipt } : { task: task.data });
}

/** The receipt (Quittung, GEM_ERP_PR_Bundle, spec §7) as $close returns it or as GET ?secret embeds it. */
export function readReceipt(bundle: unknown): Result<ReceiptInfo, string> {
  const receipt = rec(bundle);
  if (!receipt || receipt['resourceType'] !== 'Bundle') return err('Die Quittung ist kein FHIR-Bundle.');
  const bundleId = str(receipt['id']);
  if (bundleId === undefined) return err('Die Quittung hat keine Id.');
  const prescriptionId = identifierValue(receipt['identifier'], NamingSystems.prescriptionId);
  if (prescriptionId === undefined || !prescriptionIdFormat.test(prescriptionId)) {
    return err('Die Quittung enthält keine gültige Rezept-ID.');
  }

  const all = resources(receipt);
  const composition = all.find((r) => r['resourceType'] === 'Composition');
  if (!composition) return err('Die Quittung enthält keine Composition.');
  const documentType = codeOf(composition['type'], CodeSystems.documentType);
  if (documentType !== undefined && documentType !== DOCUMENT_TYPE_RECEIPT) {
    return err(`Das Dokument ist keine Quittung (Dokumenttyp ${documentType.slice(0, 10)}).`);
  }
  const beneficiary = extensionOf(composition, Extensions.beneficiary)?.['valueIdentifier'];
  const beneficiaryTelematikId =
    identifierValue(beneficiary, NamingSystems.telematikId) ?? identifierValue(beneficiary);
  if (beneficiaryTelematikId === undefined)
    return err('Die Quittung nennt keine abgebende Apotheke (Telematik-ID).');

  // event.period: start = $accept, end = completion (spec §7).
  const period = rec(records(composition['event'])[0]?.['period']);
  const completedAt = str(period?.['end']) ?? str(composition['date']);
  if (completedAt === undefined) return err('Die Quittung enthält keinen Abschlusszeitpunkt.');

  const digest =
    all.find((r) => r['resourceType'] === 'Binary' && hasProfile(r, Profiles.digest)) ??
    all.find((r) => r['resourceType'] === 'Binary');
  return ok({
    bundleId,
    prescriptionId,
    completedAt,
    acceptedAt: str(period?.['start']),
    beneficiaryTelematikId,
    signaturePresent: str(rec(receipt['signature'])?.['data']) !== undefined,
    digestBase64: str(digest?.['data']),
  });
}

/** A patient's redeemable prescriptions as `GET /Task` with an eGK proof lists them (spec §3.9). */
export interface EgkTaskList {
  /** how many the Fachdienst found in all (its `total`), over every page */
  total: number;
  /** ready Tasks with their AccessCode, as listed; entries that are unreadable are named in `unreadable` */
  tasks: Array<TaskInfo & { accessCode: string }>;
  /** German reasons for entries that could not be read (never silently dropped) */
  unreadable: string[];
  /** the `next` link's query (`…/Task?…` → the part after `?`), when there is another page */
  nextQuery?: string;
}

/** At most this many entries per page are read: the Fachdienst pages at 50 (spec §3.9); more is hostile. */
const MAX_EGK_ENTRIES = 200;

/**
 * The searchset of `GET /Task?kvnr&hcv&pnw` or with `X-PoPP-Token` (spec §3.9): Tasks without QES but with
 * AccessCode. Each entry must be a ready Task with a PrescriptionID and a well-formed AccessCode; one that is not is
 * reported, not dropped.
 */
export function readEgkTaskList(json: unknown): Result<EgkTaskList, string> {
  const bundle = asBundle(json);
  if (!bundle.ok) return bundle;
  if (bundle.data['type'] !== 'searchset') return err('Die Antwort des Fachdienstes ist keine Trefferliste (searchset).');
  const entries = records(bundle.data['entry']);
  if (entries.length > MAX_EGK_ENTRIES) return err(`Die Trefferliste des Fachdienstes ist unerwartet lang (${entries.length} Einträge).`);
  const tasks: EgkTaskList['tasks'] = [];
  const unreadable: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const resource = rec(entry['resource']);
    if (!resource || resource['resourceType'] !== 'Task') continue;
    const task = readTask(resource);
    if (!task.ok) unreadable.push(`Eintrag ${index + 1}: ${task.error}`);
    else if (task.data.accessCode === undefined) unreadable.push(`Eintrag ${index + 1} (${task.data.prescriptionId}): ohne AccessCode`);
    else tasks.push({ ...task.data, accessCode: task.data.accessCode });
  }
  const total = typeof bundle.data['total'] === 'number' && Number.isInteger(bundle.data['total']) ? bundle.data['total'] : tasks.length;
  const next = records(bundle.data['link']).find((link) => link['relation'] === 'next');
  const nextQuery = queryOfTaskLink(str(next?.['url']));
  return ok({ total, tasks, unreadable, ...(nextQuery !== undefined ? { nextQuery } : {}) });
}

/** Only a link to `…/Task?…` is followed; its query is sent again on the same path (never another URL). */
function queryOfTaskLink(url: string | undefined): string | undefined {
  if (url === undefined || url.length > 4000) return undefined;
  try {
    const parsed = new URL(url, 'https://fachdienst.invalid/');
    return /\/Task$/.test(parsed.pathname) && parsed.search.length > 1 ? parsed.search.slice(1) : undefined;
  } catch {
    return undefined;
  }
}

function asBundle(json: unknown): Result<Json, string> {
  const bundle = rec(json);
  if (!bundle || bundle['resourceType'] !== 'Bundle')
    return err('Die Antwort des Fachdienstes ist kein FHIR-Bundle.');
  return ok(bundle);
}

const resources = (bundle: Json): Json[] =>
  records(bundle['entry']).flatMap((e) => {
    const resource = rec(e['resource']);
    return resource ? [resource] : [];
  });

function readTaskEntry(bundle: Json): Result<TaskInfo, string> {
  const task = resources(bundle).find((r) => r['resourceType'] === 'Task');
  if (!task) return err('Die Antwort des Fachdienstes enthält keinen Task.');
  return readTask(task);
}

function readTask(task: Json): Result<TaskInfo, string> {
  const identifiers = task['identifier'];
  const prescriptionId = identifierValue(identifiers, NamingSystems.prescriptionId) ?? str(task['id']);
  if (prescriptionId === undefined || !prescriptionIdFormat.test(prescriptionId)) {
    return err('Der Task enthält keine gültige Rezept-ID.');
  }
  const status = taskStatuses.find((s) => s === task['status']);
  if (status === undefined) return err('Der Task hat keinen gültigen Status.');

  const accessCode = identifierValue(identifiers, NamingSystems.accessCode);
  if (accessCode !== undefined && !parseAccessCode(accessCode).ok) {
    return err('Der AccessCode im Task hat ein ungültiges Format.');
  }
  const secret = identifierValue(identifiers, NamingSystems.secret);
  if (secret !== undefined && !parseSecret(secret).ok)
    return err('Das Secret im Task hat ein ungültiges Format.');

  return ok({
    prescriptionId,
    status,
    flowType: str(rec(extensionOf(task, Extensions.prescriptionType)?.['valueCoding'])?.['code']),
    kvnr: identifierValue(rec(task['for'])?.['identifier']),
    accessCode,
    secret,
    owner: identifierValue(rec(task['owner'])?.['identifier']),
    acceptDate: str(extensionOf(task, Extensions.acceptDate)?.['valueDate']),
    expiryDate: str(extensionOf(task, Extensions.expiryDate)?.['valueDate']),
    lastMedicationDispense: str(extensionOf(task, Extensions.lastMedicationDispense)?.['valueInstant']),
    authoredOn: str(task['authoredOn']),
    lastModified: str(task['lastModified']),
  });
}

/**
 * The QES Binary: the one Task.input (document type 1) points to. Producers disagree on how that reference
 * relates to the entry (`Binary/<id>` vs. fullUrl `urn:uuid:<id>` with another Binary.id; the 1.6 example even
 * dangles), so the last path segment is matched against fullUrl and id, and a lone PKCS#7 Binary is the fallback.
 */
function findPrescriptionBinary(bundle: Json): Json | undefined {
  const task = resources(bundle).find((r) => r['resourceType'] === 'Task');
  const input = records(task?.['input']).find(
    (i) => codeOf(i['type'], CodeSystems.documentType) === DOCUMENT_TYPE_PRESCRIPTION,
  );
  const target = lastSegment(str(rec(input?.['valueReference'])?.['reference']));
  const binaries = records(bundle['entry']).flatMap((e) => {
    const resource = rec(e['resource']);
    return resource && resource['resourceType'] === 'Binary'
      ? [{ fullUrl: str(e['fullUrl']), resource }]
      : [];
  });
  const referenced = binaries.find(
    (b) => target !== undefined && (lastSegment(b.fullUrl) === target || str(b.resource['id']) === target),
  );
  if (referenced) return referenced.resource;
  const pkcs7 = binaries.filter((b) => str(b.resource['contentType'])?.startsWith('application/pkcs7-mime'));
  return (pkcs7.length === 1 ? pkcs7[0] : binaries.length === 1 ? binaries[0] : undefined)?.resource;
}

function lastSegment(reference: string | undefined): string | undefined {
  if (reference === undefined) return undefined;
  const segment = reference.split(/[/:]/).pop();
  return segment === '' ? undefined : segment;
}
