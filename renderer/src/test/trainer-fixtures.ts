/**
 * Trainer panel test data: scenarios, a loaded scenario and the patient's view, in the shapes of the
 * IPC contract. Tokens carry valid PrescriptionIDs (spec §1.3) and 64-hex AccessCodes — training data only.
 */
import type {
  InsurantView,
  LoadedScenario,
  ScenarioSummary,
  TrainingPrescription,
} from '../../../shared/ipc/contract';
import { ids } from './fixtures';

const accessCode = (digit: string) => digit.repeat(64);

const tokenOf = (prescriptionId: string, ac: string): string =>
  `Task/${prescriptionId}/$accept?ac=${ac}`;

export const trainingTokens = {
  a: tokenOf(ids.first, accessCode('a')),
  b: tokenOf(ids.second, accessCode('b')),
  t: tokenOf(ids.tRezept, accessCode('c')),
} as const;

export function scenarioSummaries(): ScenarioSummary[] {
  return [
    {
      name: 'gkv-pzn',
      title: 'GKV-Rezept mit PZN',
      description: 'Ein Fertigarzneimittel abrufen, abgeben und abschließen.',
    },
    {
      name: 'fachdienst-503',
      title: 'Fachdienst nicht erreichbar (503)',
      description: 'Der Abruf scheitert zweimal; die App versucht es erneut.',
    },
  ];
}

export function trainingPrescription(overrides: Partial<TrainingPrescription> = {}): TrainingPrescription {
  const token = overrides.token ?? trainingTokens.a;
  return {
    label: 'Rezept A',
    prescriptionId: ids.first,
    flowType: '160',
    token,
    dataMatrix: `{"urls":["${token}"]}`,
    patientName: 'Ludger Königsstein',
    birthDate: '1935-06-22',
    medication: 'Sumatriptan-1a Pharma 100 mg Tabletten',
    prescriber: 'Dr. med. Hans Topp-Glücklich',
    authoredOn: '2026-10-01',
    ...overrides,
  };
}

export function loadedScenario(overrides: Partial<LoadedScenario> = {}): LoadedScenario {
  return {
    name: 'gkv-pzn',
    title: 'GKV-Rezept mit PZN',
    description: 'Ein Fertigarzneimittel abrufen, abgeben und abschließen.',
    now: '2026-10-05T08:00:00.000Z',
    loadedAt: '2026-10-05T08:00:00.000Z',
    prescriptions: [trainingPrescription()],
    faults: [],
    steps: [
      'Rezept A vom Bildschirm scannen.',
      'Abgabe erfassen und übermitteln.',
      'Abgabe abschließen und die Quittung prüfen.',
    ],
    ...overrides,
  };
}

/** A scenario with three prescriptions: one of them already taken by another pharmacy, one T-Rezept. */
export function threePrescriptionScenario(): LoadedScenario {
  return loadedScenario({
    name: 'fachdienst-503',
    title: 'Fachdienst nicht erreichbar (503)',
    faults: ['$accept: 2× HTTP 503'],
    prescriptions: [
      trainingPrescription(),
      trainingPrescription({
        label: 'Rezept B',
        prescriptionId: ids.second,
        token: trainingTokens.b,
        dataMatrix: `{"urls":["${trainingTokens.b}"]}`,
        patientName: 'Erika Mustermann',
        medication: 'Ibuprofen 400 mg',
        acceptedBy: '3-SMC-B-Testkarte-883110000111111',
      }),
      trainingPrescription({
        label: 'Rezept C',
        prescriptionId: ids.tRezept,
        flowType: '166',
        token: trainingTokens.t,
        dataMatrix: `{"urls":["${trainingTokens.t}"]}`,
        medication: 'Lenalidomid 10 mg',
      }),
    ],
  });
}

export function insurantView(overrides: Partial<InsurantView> = {}): InsurantView {
  return {
    prescriptionId: ids.first,
    taskStatus: 'in-progress',
    statusText: 'Wird beliefert',
    medication: 'Sumatriptan-1a Pharma 100 mg Tabletten',
    authoredOn: '2026-10-01',
    expiryDate: '2027-01-01',
    pharmacy: 'Löwen-Apotheke am Markt',
    dispenses: [],
    ...overrides,
  };
}
