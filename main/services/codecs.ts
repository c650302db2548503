import type { ArticleLookup } from '../../shared/erezept/catalog/article-catalog';
/**
 * The pure readers and builders the workflow uses (all in shared/), behind one seam so the workflow's unit
 * tests can replace them without module mocks (architecture §9.5). `defaultCodecs` (default-codecs.ts) binds
 * the real ones.
 */
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Finding } from '../../shared/erezept/findings';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { PrescribedMedication, PrescriptionView } from '../../shared/erezept/prescription';
import type { ErezeptToken, TokenError } from '../../shared/erezept/token';
import type { Result } from '../../shared/ipc/result';
import type { FhirResourceJson } from '../../shared/fhir/xml';

/** What the workflow needs from the $accept answer (or the GET ?ac answer of a recovery), spec §3.2/§3.3. */
export interface AcceptedTask {
  prescriptionId?: string;
  status?: string;
  flowType?: string;
  kvnr?: string;
  accessCode?: string;
  secret?: string;
  acceptDate?: string;
  expiryDate?: string;
  /** the PKCS#7 QES from the Binary */
  qes: Uint8Array;
}

/** The receipt summary (spec §7). */
export interface ReceiptInfo {
  bundleId: string;
  /** Composition event end: when the Fachdienst completed the Task */
  completedAt: string;
  /** Composition beneficiary: the closing pharmacy */
  pharmacyTelematikId: string;
  signaturePresent: boolean;
}

/** What GET Task/<id>?secret= tells about the Task (spec §3.6). */
export interface TaskState {
  taskStatus: string;
  /** when the Fachdienst last stored a dispense list (Task.extension lastMedicationDispense, A_24285-01) */
  lastMedicationDispense?: string;
  /** the receipt Bundle, only for a completed Task */
  receipt?: Record<string, unknown>;
}

export interface DispenseBuildContext {
  prescriptionId: PrescriptionId;
  kvnr: string;
  telematikId: string;
  prescribed?: PrescribedMedication;
}

export interface WorkflowCodecs {
  parseCode(text: string): Result<ErezeptToken[], TokenError>;
  readAcceptBundle(bundle: unknown): Result<AcceptedTask, string>;
  readPrescription(qes: Uint8Array): Result<{ view: PrescriptionView; xml: string }, { code: string; message: string }>;
  readReceipt(bundle: unknown): Result<ReceiptInfo, string>;
  /** GET Task/<id>?secret= (spec §3.6): the Task status and, once completed, the receipt */
  readTaskBundle(bundle: unknown): Result<TaskState, string>;
  buildParameters(operation: 'dispense' | 'close', entries: DispenseEntry[], ctx: DispenseBuildContext): Result<FhirResourceJson, Finding[]>;
  /** exactly what the Fachdienst would reject (shared/fhir/checks fachdienstChecks) */
  fachdienstChecks(operation: 'dispense' | 'close', parameters: FhirResourceJson, ctx: DispenseBuildContext & { now: Date }): Finding[];
  /** the pharmacy's own rules: deadlines (A_23800), securPharm batch (A_21105-02), PZN check digits … */
  pharmacyChecks(entries: DispenseEntry[], ctx: PharmacyPreflightContext): Finding[];
}

export interface PharmacyPreflightContext {
  prescription: PrescriptionView | null;
  flowType: string;
  acceptDate?: string;
  expiryDate?: string;
  /** German local date (A_27660) */
  today: string;
  /** the articles of the list's and the prescription's PZNs, resolved from the catalogue */
  articles: ArticleLookup;
}
