/**
 * Loads a scenario (format.ts): reset → re-seed the random sources (deterministic runs) → clock → prescriptions
 * (and their prior $accept by another pharmacy, or the patient's Zuweisung to a pharmacy) → faults. Answers what a
 * trainer or a test needs next: the
 * prescriptions with their E-Rezept tokens and DataMatrix content and what the token sheet prints (flow type,
 * patient, medication, prescriber, date — prescription-display.ts), the simulated "now" and the German steps.
 */
import type { ArticleTable } from '../../../shared/erezept/catalog/demo-catalog';
import { ProfessionOids } from '../../../shared/fhir/profiles';
import { applyClockChange } from '../clock';
import { ControlError } from '../control-error';
import type { FaultInjector, FaultRule } from '../faults';
import { FachdienstError } from '../operation-outcome';
import { acceptTask } from '../operations/accept';
import type { SimulatorState } from '../operations/context';
import { sendDispReq } from '../patient-app';
import { createFromBody } from '../prescription-request';
import type { PrescriptionDisplay } from '../prescription-display';
import { prescriptionResponse, type CreatedPrescription, type PrescriptionResponse } from '../prescriptions';
import type { RandomSources } from '../random-sources';
import { TRAINING_PHARMACY, type ParsedScenario } from './format';

export interface ScenarioDeps {
  state: SimulatorState;
  catalog: ArticleTable;
  faults: FaultInjector;
  sources: RandomSources;
}

/** One created Task with what the trainer's token sheet shows (flow type, patient, medication, prescriber, date). */
export type DisplayedPrescription = Omit<CreatedPrescription, 'display'> & PrescriptionDisplay;

/**
 * One scenario entry: its first Task's token, DataMatrix and display fields at the top; with `count` > 1 every
 * Task (display fields included) in `prescriptions`.
 */
export interface LoadedPrescription
  extends Omit<PrescriptionResponse, 'prescriptions' | 'display'>, Partial<PrescriptionDisplay> {
  prescriptions?: DisplayedPrescription[];
  label?: string;
  /** the pharmacy that already holds it */
  acceptedBy?: string;
  /** the patient's Zuweisung: to which pharmacy, and the DispReq of each Task of the entry */
  dispReq?: { pharmacy: string; communicationIds: string[] };
}

/** What a load may name: the pharmacy the scenario's Zuweisungen go to (default {@link TRAINING_PHARMACY}). */
export interface LoadOptions {
  pharmacy?: string;
}

export interface LoadedScenario {
  name: string;
  title: string;
  description: string;
  /** the simulated time right after loading */
  now: string;
  prescriptions: LoadedPrescription[];
  faults: FaultRule[];
  steps: string[];
}

/** The summary `GET /_sim/scenarios` lists. */
export const scenarioSummary = (s: ParsedScenario): { name: string; title: string; description: string } => ({
  name: s.name,
  title: s.title,
  description: s.description,
});

export async function loadScenario(deps: ScenarioDeps, scenario: ParsedScenario, options: LoadOptions = {}): Promise<LoadedScenario> {
  const { state } = deps;
  state.repository.reset();
  state.clock.reset();
  deps.faults.clear();
  deps.sources.reseed(`scenario:${scenario.name}`);
  if (scenario.clock) applyClockChange(state.clock, scenario.clock);

  const prescriptions: LoadedPrescription[] = [];
  for (const [index, entry] of scenario.prescriptions.entries()) {
    const created = await createFromBody(
      { state, catalog: deps.catalog, random: deps.sources.random },
      entry.body,
    );
    if (entry.acceptedBy !== undefined) {
      for (const prescription of created) await acceptElsewhere(state, prescription, entry.acceptedBy, index);
    }
    const dispReq = entry.dispReq === undefined ? undefined : await assignAll(state, created, entry.dispReq, options, index);
    const displayed = created.map(withDisplay);
    const { taskId, accessCode, kvnr, token, dataMatrix } = prescriptionResponse(created);
    prescriptions.push({
      taskId,
      accessCode,
      kvnr,
      token,
      dataMatrix,
      ...displayFields(displayed[0]),
      ...(displayed.length > 1 ? { prescriptions: displayed } : {}),
      ...(entry.label !== undefined ? { label: entry.label } : {}),
      ...(entry.acceptedBy !== undefined ? { acceptedBy: entry.acceptedBy } : {}),
      ...(dispReq !== undefined ? { dispReq } : {}),
    });
  }
  for (const fault of scenario.faults) deps.faults.add(fault);

  return {
    ...scenarioSummary(scenario),
    now: state.clock.now().toISOString(),
    prescriptions,
    faults: deps.faults.list(),
    steps: [...scenario.steps],
  };
}

function withDisplay({ display, ...created }: CreatedPrescription): DisplayedPrescription {
  // An imported bundle the reader cannot read still has a flow type: the first block of its id (spec §1.3).
  return { ...created, ...(display?.() ?? { flowType: created.taskId.slice(0, 3) }) };
}

function displayFields(prescription: DisplayedPrescription | undefined): Partial<PrescriptionDisplay> {
  if (!prescription) return {};
  const { flowType, patientName, birthDate, medication, prescriber, authoredOn } = prescription;
  const fields = { flowType, patientName, birthDate, medication, prescriber, authoredOn };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** The real $accept, by another pharmacy: the Task is then in-progress with that owner (spec §3.2). */
async function acceptElsewhere(
  state: SimulatorState,
  prescription: CreatedPrescription,
  telematikId: string,
  index: number,
): Promise<void> {
  try {
    await acceptTask(state, {
      taskId: prescription.taskId,
      caller: { professionOID: ProfessionOids.publicPharmacy, idNummer: telematikId },
      query: (name) => (name === 'ac' ? prescription.accessCode : undefined),
      header: () => undefined,
      body: new Uint8Array(),
      contentType: undefined,
      baseUrl: 'http://127.0.0.1',
    });
  } catch (error) {
    if (!(error instanceof FachdienstError)) throw error;
    throw new ControlError(
      400,
      `prescriptions.${index}.acceptedBy: $accept nicht möglich (${error.status} ${error.message})`,
    );
  }
}

/** The patient's Zuweisung of each Task of an entry, through the Fachdienst's rules (patient-app.ts). */
async function assignAll(
  state: SimulatorState,
  created: readonly CreatedPrescription[],
  dispReq: NonNullable<ParsedScenario['prescriptions'][number]['dispReq']>,
  options: LoadOptions,
  index: number,
): Promise<{ pharmacy: string; communicationIds: string[] }> {
  const { pharmacy: own, ...wish } = dispReq;
  const pharmacy = own ?? options.pharmacy ?? TRAINING_PHARMACY;
  const communicationIds: string[] = [];
  for (const prescription of created) {
    const outcome = await sendDispReq(state, prescription.taskId, pharmacy, wish);
    if (!outcome?.ok) {
      const reason = outcome ? `${outcome.refusal.status} ${outcome.refusal.message}` : 'Rezept fehlt';
      throw new ControlError(400, `prescriptions.${index}.dispReq: Zuweisung nicht möglich (${reason})`);
    }
    communicationIds.push(outcome.id);
  }
  return { pharmacy, communicationIds };
}
