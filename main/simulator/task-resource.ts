/**
 * FHIR views of a stored Task (GEM_ERP_PR_Task|1.6, spec §4 "Task fields that matter to the pharmacy") and
 * of the QES Binary. What is shown depends on the caller and operation, as in the FD:
 * - $accept: PrescriptionID, AccessCode and the new Secret, input → Binary (spec §3.2);
 * - GET ?ac (secret recovery): Secret, no AccessCode, input → Binary (spec §3.3);
 * - GET ?secret: Secret, no AccessCode, output → receipt when completed (spec §3.6);
 * - insurant: never the Secret; no AccessCode for 169/209 (A_21360-01).
 */
import { CodeSystems, Extensions, NamingSystems, Profiles, PUBLIC_PHARMACY_PERFORMER, versioned } from '../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import type { TaskRecord } from './task-record';

export const FLOW_TYPE_DISPLAY: Record<string, string> = {
  '160': 'Flowtype für Apothekenpflichtige Arzneimittel',
  '162': 'Flowtype für Digitale Gesundheitsanwendungen',
  '165': 'Flowtype für Betäubungsmittel',
  '166': 'Flowtype für Arzneimittel nach § 3a AMVV',
  '169': 'Flowtype zur Workflow-Steuerung durch Leistungserbringer',
  '200': 'Flowtype für Apothekenpflichtige Arzneimittel (PKV)',
  '209': 'Flowtype zur Workflow-Steuerung durch Leistungserbringer (PKV)',
};

export interface TaskView {
  accessCode: boolean;
  secret: boolean;
  /** add input (document type 1) → the QES Binary */
  prescriptionInput: boolean;
  /** add output (document type 3) → the receipt, if there is one */
  receiptOutput: boolean;
}

export function taskResource(task: TaskRecord, view: TaskView): FhirResourceJson {
  const extension: Record<string, unknown>[] = [
    {
      url: Extensions.prescriptionType,
      valueCoding: { system: CodeSystems.flowType, code: task.flowType, display: FLOW_TYPE_DISPLAY[task.flowType] },
    },
    { url: Extensions.acceptDate, valueDate: task.acceptDate },
    { url: Extensions.expiryDate, valueDate: task.expiryDate },
  ];
  if (task.lastMedicationDispense) {
    extension.push({ url: Extensions.lastMedicationDispense, valueInstant: task.lastMedicationDispense });
  }
  const identifier: Record<string, unknown>[] = [{ use: 'official', system: NamingSystems.prescriptionId, value: task.id }];
  if (view.accessCode && task.accessCode) {
    identifier.push({ use: 'official', system: NamingSystems.accessCode, value: task.accessCode });
  }
  if (view.secret && task.secret) identifier.push({ use: 'official', system: NamingSystems.secret, value: task.secret });

  const resource: FhirResourceJson = {
    resourceType: 'Task',
    id: task.id,
    meta: { profile: [versioned(Profiles.task)] },
    extension,
    identifier,
    status: task.status,
    intent: 'order',
    for: { identifier: { system: NamingSystems.kvnr, value: task.kvnr } },
    authoredOn: task.authoredOn,
    lastModified: task.lastModified,
    performerType: [
      {
        coding: [{ ...PUBLIC_PHARMACY_PERFORMER }],
        text: PUBLIC_PHARMACY_PERFORMER.display,
      },
    ],
  };
  if (task.owner) resource['owner'] = { identifier: { system: NamingSystems.telematikId, value: task.owner } };
  if (view.prescriptionInput && task.prescription) {
    resource['input'] = [documentReference('1', 'Health Care Provider Prescription', task.prescription.binaryId)];
  }
  const receiptId = task.receipt ? String(task.receipt['id']) : undefined;
  if (view.receiptOutput && task.status === 'completed' && receiptId) {
    resource['output'] = [documentReference('3', 'Receipt', receiptId)];
  }
  return resource;
}

/** As the FD writes it: the reference is the bare id; the Bundle entry carries `urn:uuid:<id>` (Task.cxx). */
function documentReference(code: string, display: string, id: string): Record<string, unknown> {
  return {
    type: { coding: [{ system: CodeSystems.documentType, code, display }] },
    valueReference: { reference: id },
  };
}

/** The QES-signed prescription as GEM_ERP_PR_Binary (spec §3.2). */
export function prescriptionBinary(task: TaskRecord): FhirResourceJson | undefined {
  if (!task.prescription) return undefined;
  return {
    resourceType: 'Binary',
    id: task.prescription.binaryId,
    meta: { profile: [versioned(Profiles.binary)] },
    contentType: 'application/pkcs7-mime',
    data: task.prescription.cms,
  };
}
