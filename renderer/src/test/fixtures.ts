/**
 * Test data for component tests: plain objects in the shapes of the IPC contract (what main would send).
 * Ids carry valid check digits (spec §1.3).
 */
import type { DispenseEntry } from '../../../shared/erezept/dispense-entry';
import type { PrescriptionView } from '../../../shared/erezept/prescription';
import type {
  AppError,
  AppInfo,
  CaseDetail,
  ConnectionStatus,
  PendingOperation,
  ReceiptSummary,
  RetryProgress,
  Submission,
} from '../../../shared/ipc/contract';

export const ids = {
  first: '160.000.000.000.123.76',
  second: '160.000.000.000.001.54',
  tRezept: '166.000.000.000.001.27',
} as const;

const staffList = [
  { kuerzel: 'AB', name: 'Anna Berger', active: true },
  { kuerzel: 'MK', name: 'Maria Keller', active: true },
];

export function appInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    version: '0.1.0',
    backend: 'embedded',
    training: true,
    fachdienstUrl: 'http://127.0.0.1:40123',
    pharmacy: { telematikId: '3-SMC-B-Testkarte-883110000095957', name: 'Löwen-Apotheke am Markt' },
    staff: staffList[0]!,
    staffList,
    dataProtection: 'key-file',
    network: { requestTimeoutMs: 10_000, retryBaseMs: 500, maxAttempts: 10 },
    messageRetentionDays: 30,
    counterName: '',
    ...overrides,
  };
}

export function prescription(overrides: Partial<PrescriptionView> = {}): PrescriptionView {
  return {
    kbvVersion: '1.3',
    prescriptionId: ids.first,
    authoredOn: '2026-10-01',
    patient: { name: 'Ludger Königsstein', birthDate: '1935-06-22', kvnr: 'X110411675' },
    coverage: { kind: 'GKV', code: 'GKV', payorName: 'AOK Rheinland/Hamburg', iknr: '104212059', status: '1' },
    practitioner: { name: 'Dr. med. Hans Topp-Glücklich', qualification: 'Hausarzt', lanr: '838382202' },
    organization: { name: 'Hausarztpraxis Dr. Topp-Glücklich', bsnr: '031234567', phone: '0301234567' },
    request: { quantity: 1, dosageText: '1-0-1-0', dosageFlag: true, autIdemExcluded: false, noctu: false, coPayment: '0' },
    medication: {
      kind: 'pzn',
      pzn: '06313728',
      name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
      normSize: 'N1',
      form: 'TAB',
      amount: '20 St',
      vaccine: false,
    },
    findings: [],
    ...overrides,
  };
}

type PznMedication = Extract<DispenseEntry['medication'], { kind: 'pzn' }>;

/** The prescribed Sumatriptan as a dispensed finished product. */
export function pznMedication(overrides: Partial<PznMedication> = {}): PznMedication {
  return {
    kind: 'pzn',
    pzn: '06313728',
    name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
    normSize: 'N1',
    form: 'TAB',
    packSize: '20 St',
    ingredients: [],
    category: '00',
    vaccine: false,
    ...overrides,
  };
}

export function entry(overrides: Partial<DispenseEntry> = {}): DispenseEntry {
  return {
    key: 'entry-1',
    medication: pznMedication(),
    packs: 1,
    serials: [],
    whenHandedOver: '2026-10-05',
    substituted: false,
    ...overrides,
  };
}

export function caseDetail(overrides: Partial<CaseDetail> = {}): CaseDetail {
  const view = overrides.prescription === undefined ? prescription() : overrides.prescription;
  const id = overrides.prescriptionId ?? view?.prescriptionId ?? ids.first;
  return {
    prescriptionId: id,
    flowType: id.slice(0, 3),
    status: 'accepted',
    patientName: view?.patient.name,
    kvnr: view?.patient.kvnr,
    medicationLabel: 'Sumatriptan-1a Pharma 100 mg Tabletten',
    acceptDate: '2026-10-29',
    expiryDate: '2027-01-01',
    acceptedAt: '2026-10-05T08:00:00.000Z',
    hasUnsentChanges: true,
    prescription: view,
    draft: [entry()],
    submissions: [],
    confirmedEntries: null,
    readOnly: false,
    secretMissing: false,
    outcomeUnknown: false,
    deadlineFindings: [],
    receipt: null,
    ...overrides,
  };
}

export function receipt(prescriptionId: string, overrides: Partial<ReceiptSummary> = {}): ReceiptSummary {
  return {
    prescriptionId,
    bundleId: 'f8c2298f-7c00-4a68-af29-8a2862d55d43',
    completedAt: '2026-10-05T09:15:00.000Z',
    pharmacyTelematikId: '3-SMC-B-Testkarte-883110000095957',
    signaturePresent: true,
    receivedAt: '2026-10-05T09:15:01.000Z',
    staff: 'AB',
    ...overrides,
  };
}

export function appError(overrides: Partial<AppError> = {}): AppError {
  return {
    code: 'fachdienst',
    message: 'Der E-Rezept-Fachdienst hat das Rezept abgelehnt: Es wurde bereits von einer anderen Apotheke angenommen.',
    detail: 'Task has invalid status in-progress',
    retry: 'never',
    httpStatus: 409,
    system: 'fachdienst',
    at: '2026-10-05T08:01:00.000Z',
    ...overrides,
  };
}

export function submission(overrides: Partial<Submission> = {}): Submission {
  return {
    id: 1,
    version: 1,
    operation: 'dispense',
    state: 'confirmed',
    staff: 'AB',
    createdAt: '2026-10-05T08:20:00.000Z',
    completedAt: '2026-10-05T08:20:01.000Z',
    entries: [entry()],
    withBody: true,
    httpStatus: 204,
    ...overrides,
  };
}

/** A case whose list the Fachdienst confirmed once (version 1). */
export function dispensedCase(overrides: Partial<CaseDetail> = {}): CaseDetail {
  const confirmed = [entry({ batch: { lot: 'B1', expiry: '2028-03-31' } })];
  return caseDetail({
    status: 'dispensed',
    lastDispenseAt: '2026-10-05T08:20:01.000Z',
    lastConfirmedAt: '2026-10-05T08:20:01.000Z',
    closeDeadline: '2026-10-06',
    closeDeadlineState: 'open',
    hasUnsentChanges: false,
    draft: confirmed,
    confirmedEntries: confirmed,
    submissions: [submission({ entries: confirmed })],
    ...overrides,
  });
}

/** The connection as main reports it (A_23815); online by default. */
export function connectionStatus(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return {
    state: 'online',
    since: '2026-10-05T08:00:00.000Z',
    lastCheckedAt: '2026-10-05T08:29:00.000Z',
    pendingCount: 0,
    ...overrides,
  };
}

/** The Fachdienst unreachable: no answer at all, the network hop failed. */
export function offlineStatus(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return connectionStatus({
    state: 'offline',
    failedHop: 'network',
    message:
      'Keine Verbindung zum E-Rezept-Fachdienst: Das Netzwerk bzw. der TI-Zugang antwortet nicht. Bitte Netzwerkkabel, Router und Konnektor prüfen.',
    detail: 'connect ECONNREFUSED 127.0.0.1:40123 (GET /Task)',
    since: '2026-10-05T08:25:00.000Z',
    pendingCount: 2,
    ...overrides,
  });
}

/** One operation owed to the Fachdienst (default: a $dispense waiting for the connection). */
export function pendingOperation(overrides: Partial<PendingOperation> = {}): PendingOperation {
  return {
    id: 1,
    prescriptionId: ids.first,
    operation: 'dispense',
    reason: 'offline',
    state: 'pending',
    staff: 'AB',
    createdAt: '2026-10-05T08:26:00.000Z',
    attempts: 1,
    ...overrides,
  };
}

/** A running automatic retry (spec §8 backoff): attempt 2 of 10 failed with 503. */
export function retryProgress(overrides: Partial<RetryProgress> = {}): RetryProgress {
  return {
    prescriptionId: ids.first,
    operation: 'dispense',
    attempt: 2,
    maxAttempts: 10,
    nextAttemptAt: '2026-10-05T08:31:05.000Z',
    cause: 'Der E-Rezept-Fachdienst ist vorübergehend nicht verfügbar.',
    httpStatus: 503,
    ...overrides,
  };
}
