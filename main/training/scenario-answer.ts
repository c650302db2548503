/**
 * The simulator's answer to `POST /_sim/scenarios/{name}` (docs/simulator.md "Scenarios",
 * main/simulator/scenarios/loader.ts) as the trainer panel shows it: one TrainingPrescription per Task, the armed
 * faults in German, the steps. The control client reads it leniently — display fields (patient, medication,
 * prescriber …) are optional, and an answer without them still loads.
 *
 * A scenario entry with `count` > 1 created several Tasks for one patient, printed on one Patientenausdruck whose
 * DataMatrix carries all their tokens (spec §2, A_19553-01): each Task becomes its own TrainingPrescription (own
 * id, token and patient view) carrying that shared printout code.
 */
import { z } from 'zod';
import type { LoadedScenario, TrainingPrescription } from '../../shared/ipc/contract';
import type { ScenarioAnswer } from '../simulator-client/client';

/** main/simulator/faults.ts FaultRule, as JSON (status absent = only delayed). */
const faultSchema = z.object({
  operation: z.string(),
  remaining: z.number().int(),
  status: z.number().int().nullish(),
  delayMs: z.number().int().nullish(),
  phase: z.string().nullish(),
  drop: z.boolean().nullish(),
});

export interface MappedScenario {
  scenario: LoadedScenario;
  /**
   * KVNR per PrescriptionID: the patient's view signs in as this insurant (spec §3.10). Not part of the DTO;
   * kept with the persisted scenario.
   */
  kvnrs: Record<string, string>;
}

/** The answer as the client read it (main/simulator-client/client.ts checked its shape). */
export function mapScenarioAnswer(answer: ScenarioAnswer, loadedAt: Date): MappedScenario {
  const prescriptions: TrainingPrescription[] = [];
  const kvnrs: Record<string, string> = {};
  for (const entry of answer.prescriptions) {
    const tasks = entry.prescriptions && entry.prescriptions.length > 0 ? entry.prescriptions : [entry];
    tasks.forEach((task, index) => {
      kvnrs[task.taskId] = task.kvnr;
      const label =
        entry.label !== undefined && tasks.length > 1 ? `${entry.label} (${index + 1} von ${tasks.length})` : entry.label;
      prescriptions.push(
        withoutUndefined({
          label,
          prescriptionId: task.taskId,
          flowType: task.flowType ?? entry.flowType ?? flowTypeOf(task.taskId),
          token: task.token,
          dataMatrix: entry.dataMatrix,
          patientName: task.patientName ?? entry.patientName,
          birthDate: task.birthDate ?? entry.birthDate,
          medication: task.medication ?? entry.medication,
          prescriber: task.prescriber ?? entry.prescriber,
          authoredOn: task.authoredOn ?? entry.authoredOn,
          acceptedBy: entry.acceptedBy,
        }),
      );
    });
  }
  return {
    scenario: {
      name: answer.name,
      title: answer.title,
      description: answer.description,
      now: answer.now,
      loadedAt: loadedAt.toISOString(),
      prescriptions,
      faults: answer.faults.map(describeFault),
      steps: answer.steps,
    },
    kvnrs,
  };
}

/** The flow type is the first block of the PrescriptionID (spec §1.3), e.g. `160.000.…` → `160`. */
const flowTypeOf = (prescriptionId: string): string => /^(\d{3})\./.exec(prescriptionId)?.[1] ?? '';

const OPERATION_NAMES: Record<string, string> = {
  accept: '$accept',
  dispense: '$dispense',
  close: '$close',
  reject: '$reject',
  abort: '$abort',
  getByAc: 'Abruf mit AccessCode',
  getBySecret: 'Abruf mit Secret',
  any: 'Jede Anfrage',
};

/**
 * One armed fault in German for the trainer (docs/simulator.md "faults"): „$dispense: 1× HTTP 429“,
 * „$accept: Antwort geht nach dem Speichern verloren“ (after-commit: the operation happens, the caller never
 * learns it — what the app's reconciliation exists for, spec §3.3/§3.6).
 */
export function describeFault(raw: unknown): string {
  const parsed = faultSchema.safeParse(raw);
  if (!parsed.success) return 'Unbekannte Störung';
  const fault = parsed.data;
  const operation = OPERATION_NAMES[fault.operation] ?? fault.operation;
  const times = `${fault.remaining}×`;
  const afterCommit = fault.phase === 'after-commit';
  const delay = fault.delayMs ? ` nach ${formatDelay(fault.delayMs)}` : '';
  if (fault.drop) {
    return afterCommit
      ? `${operation}: Antwort geht ${fault.remaining > 1 ? `${times} ` : ''}nach dem Speichern verloren${delay}`
      : `${operation}: ${times} Verbindungsabbruch${delay}, nichts gespeichert`;
  }
  if (fault.status === undefined || fault.status === null) return `${operation}: ${times} um ${formatDelay(fault.delayMs ?? 0)} verzögert`;
  return afterCommit
    ? `${operation}: ${times} HTTP ${fault.status}${delay} nach dem Speichern (der Vorgang ist trotzdem ausgeführt)`
    : `${operation}: ${times} HTTP ${fault.status}${delay}`;
}

const formatDelay = (ms: number): string =>
  ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toLocaleString('de-DE', { maximumFractionDigits: 1 })} s`;

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
