/**
 * What the patient's E-Rezept app shows (trainer panel): the insurant's own read of the Fachdienst —
 * `GET /Task/{id}` and `GET /MedicationDispense?identifier=<NS PrescriptionId>|<id>` with an insurant token
 * (professionOID 1.2.276.0.76.4.49). Only the insurant may read MedicationDispense (spec §3.10, A_19405-02), so
 * this is the one place where the trainer sees what the Fachdienst really stored after `$dispense` — the last
 * complete list, never a merge (A_26482).
 */
import type { InsurantView } from '../../shared/ipc/contract';
import { readTaskBundle, type TaskInfo } from '../../shared/fhir/fachdienst-responses';
import { extensionOf, rec, records, str, type Json } from '../../shared/fhir/kbv/fhir-json';
import { CodeSystems, Extensions, NamingSystems } from '../../shared/fhir/profiles';
import { failure } from '../errors';
import type { Transport } from '../fachdienst/transport';
import { sendOrFail } from './simulator-control';

/** German status texts as the patient reads them (spec §4 Task states). */
export const INSURANT_STATUS_TEXT: Record<string, string> = {
  draft: 'Noch nicht ausgestellt',
  ready: 'Noch nicht eingelöst',
  'in-progress': 'In Bearbeitung durch die Apotheke',
  completed: 'Eingelöst',
  cancelled: 'Gelöscht',
};

export interface InsurantViewHints {
  /** the prescribed medication as the scenario names it (the insurant's Task carries no QES) */
  medication?: string;
  /** this app's pharmacy: shown by name instead of its Telematik-ID */
  pharmacy: { telematikId: string; name: string };
}

/** `gone` = 410: the Task was deleted ($abort, spec §3.8) — for the patient it is „Gelöscht“. */
export type InsurantTask = { kind: 'task'; task: TaskInfo } | { kind: 'gone' };

export function insurantViewOf(
  prescriptionId: string,
  task: InsurantTask,
  dispenseBundle: unknown,
  hints: InsurantViewHints,
): InsurantView {
  if (task.kind === 'gone') {
    return {
      prescriptionId,
      taskStatus: 'cancelled',
      statusText: INSURANT_STATUS_TEXT['cancelled'] ?? 'Gelöscht',
      ...(hints.medication !== undefined ? { medication: hints.medication } : {}),
      dispenses: [],
    };
  }
  const t = task.task;
  const view: InsurantView = {
    prescriptionId,
    taskStatus: t.status,
    statusText: INSURANT_STATUS_TEXT[t.status] ?? t.status,
    dispenses: dispensesOf(dispenseBundle),
  };
  if (hints.medication !== undefined) view.medication = hints.medication;
  if (t.authoredOn !== undefined) view.authoredOn = t.authoredOn;
  if (t.expiryDate !== undefined) view.expiryDate = t.expiryDate;
  if (t.owner !== undefined) {
    view.pharmacy = t.owner === hints.pharmacy.telematikId ? `${hints.pharmacy.name} (${t.owner})` : t.owner;
  }
  if (t.lastMedicationDispense !== undefined) view.lastMedicationDispense = t.lastMedicationDispense;
  return view;
}

/** One item per MedicationDispense, with its Medication (search.mode include) resolved by reference. */
function dispensesOf(bundle: unknown): InsurantView['dispenses'] {
  const entries = records(rec(bundle)?.['entry']);
  const medications = new Map<string, Json>();
  for (const entry of entries) {
    const resource = rec(entry['resource']);
    if (resource?.['resourceType'] !== 'Medication') continue;
    const id = str(resource['id']);
    if (id !== undefined) medications.set(id, resource);
    const fullUrl = str(entry['fullUrl']);
    if (fullUrl !== undefined) medications.set(fullUrl, resource);
  }
  return entries.flatMap((entry) => {
    const dispense = rec(entry['resource']);
    if (dispense?.['resourceType'] !== 'MedicationDispense') return [];
    const reference = str(rec(dispense['medicationReference'])?.['reference']);
    const medication =
      reference === undefined ? undefined : (medications.get(reference) ?? medications.get(reference.replace(/^(urn:uuid:|Medication\/)/, '')));
    const concept = medication ? rec(medication['code']) : rec(dispense['medicationCodeableConcept']);
    const packs = Number(rec(dispense['quantity'])?.['value']);
    const name = medicationNameOf(concept, medication);
    const item: InsurantView['dispenses'][number] = { medication: Number.isInteger(packs) && packs > 1 ? `${packs} × ${name}` : name };
    const pzn = records(concept?.['coding']).find((c) => c['system'] === CodeSystems.pzn);
    if (str(pzn?.['code']) !== undefined) item.pzn = str(pzn?.['code']);
    const batch = str(rec(medication?.['batch'])?.['lotNumber']);
    if (batch !== undefined) item.batch = batch;
    const handedOver = str(dispense['whenHandedOver']);
    if (handedOver !== undefined) item.whenHandedOver = handedOver;
    const dosage =
      str(records(dispense['dosageInstruction'])[0]?.['text']) ??
      str(extensionOf(dispense, Extensions.renderedDosageInstruction)?.['valueMarkdown']);
    if (dosage !== undefined) item.dosage = dosage;
    return [item];
  });
}

/** Trade name or Freitext (code.text), else a coding's display, else the substances (Wirkstoff), else generic. */
function medicationNameOf(concept: Json | undefined, medication: Json | undefined): string {
  const text = str(concept?.['text']) ?? records(concept?.['coding']).map((c) => str(c['display'])).find((d) => d !== undefined);
  if (text !== undefined) return text;
  const substances = records(medication?.['ingredient'])
    .map((i) => str(rec(i['itemCodeableConcept'])?.['text']))
    .filter((s): s is string => s !== undefined);
  return substances.length > 0 ? substances.join(', ') : 'Arzneimittel';
}

export interface InsurantReadDeps {
  transport: Transport;
  now: () => Date;
}

/** `GET /Task/{id}` as the insurant (A_19116-01: own Task by KVNR); 410 = deleted. */
export async function readInsurantTask(deps: InsurantReadDeps, prescriptionId: string, token: string): Promise<InsurantTask> {
  const response = await sendOrFail(
    deps.transport,
    { method: 'GET', path: `Task/${prescriptionId}`, headers: insurantHeaders(token) },
    'das Lesen des Rezepts als Versicherter',
    deps.now,
  );
  if (response.status === 410) return { kind: 'gone' };
  if (response.status === 404) {
    throw failure(
      'not-found',
      'Der Fachdienst (Simulator) kennt dieses Rezept nicht mehr – nach dem Zurücksetzen oder dem Laden eines Szenarios gibt es nur dessen Rezepte.',
      { httpStatus: 404, system: 'fachdienst', at: deps.now() },
    );
  }
  if (response.status !== 200) throw insurantReadFailed(response.status, 'das Rezept', deps.now());
  const read = readTaskBundle(parseJson(response.body));
  if (!read.ok) throw failure('fachdienst', read.error, { system: 'fachdienst', at: deps.now() });
  return { kind: 'task', task: read.data.task };
}

/** `GET /MedicationDispense?identifier=…` (spec §3.10): what the Fachdienst stored for this prescription. */
export async function readInsurantDispenses(deps: InsurantReadDeps, prescriptionId: string, token: string): Promise<unknown> {
  const response = await sendOrFail(
    deps.transport,
    {
      method: 'GET',
      path: 'MedicationDispense',
      query: { identifier: `${NamingSystems.prescriptionId}|${prescriptionId}` },
      headers: insurantHeaders(token),
    },
    'das Lesen der Abgabedaten als Versicherter',
    deps.now,
  );
  if (response.status !== 200) throw insurantReadFailed(response.status, 'die Abgabedaten', deps.now());
  return parseJson(response.body);
}

/** The patient's app reads JSON (the Fachdienst's default for insurants, spec §3). */
const insurantHeaders = (token: string): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
  Accept: 'application/fhir+json',
});

const insurantReadFailed = (status: number, what: string, at: Date) =>
  failure('fachdienst', `Der Fachdienst (Simulator) gibt ${what} dem Versicherten nicht heraus (HTTP ${status}).`, {
    httpStatus: status,
    system: 'fachdienst',
    retry: status >= 500 ? 'backoff' : 'never',
    at,
  });

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
