/**
 * What the simulator keeps per Task (spec §13 "Keep per Task"): status, AccessCode, Secret, owner,
 * lastMedicationDispense, the QES Binary, the stored dispense set, the receipt, accept/expiry dates,
 * flow type and KVNR. Plain JSON, so both repositories can store it as is.
 */
import type { FlowType } from '../../shared/erezept/identifiers';
import type { FhirResourceJson } from '../../shared/fhir/xml';

export type TaskStatus = 'draft' | 'ready' | 'in-progress' | 'completed' | 'cancelled';

/** One dispensed item as stored after $dispense / $close (ids already rewritten, A_26527). */
export interface StoredDispense {
  medicationDispense: FhirResourceJson;
  medication: FhirResourceJson | null;
}

export interface StoredPrescription {
  /** id of the GEM_ERP_PR_Binary; also referenced from Task.input (document type 1) */
  binaryId: string;
  /** base64 DER of the CMS SignedData (content attached) wrapping the KBV bundle XML */
  cms: string;
  /** base64 SHA-256 messageDigest signed attribute of the QES SignerInfo — goes into the receipt (spec §7) */
  messageDigest: string;
}

export interface MultiplePrescription {
  /** the MVO-ID as written in the prescription (urn:uuid:…), quoted in the 403 text */
  id: string;
  /** first day the partial prescription may be redeemed (YYYY-MM-DD, German local date) */
  start: string;
}

export interface TaskRecord {
  id: string;
  flowType: FlowType;
  status: TaskStatus;
  accessCode: string | null;
  secret: string | null;
  /** Telematik-ID of the pharmacy that holds the Task */
  owner: string | null;
  kvnr: string;
  /** instant the Task was created (FHIR dateTime) */
  authoredOn: string;
  lastModified: string;
  /** instant of the last status change — for in-progress the $accept time (receipt event.period.start) */
  lastStatusChange: string;
  acceptDate: string;
  expiryDate: string;
  mvo: MultiplePrescription | null;
  prescription: StoredPrescription | null;
  lastMedicationDispense: string | null;
  dispenses: StoredDispense[];
  receipt: FhirResourceJson | null;
}
