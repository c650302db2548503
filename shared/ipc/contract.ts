/**
 * The IPC contract (architecture §4): the only file that spells channel names, each with its zod request
 * and response schema. main/ipc validates every request with these; the preload and the browser-mode
 * bridge expose one method per channel; the renderer calls them through renderer/src/lib/bridge.ts.
 */
import { z } from 'zod';
import { dispenseEntrySchema } from '../erezept/dispense-entry';
import { findingSchema } from '../erezept/findings';
import { prescriptionIdSchema } from '../erezept/identifiers';
import { prescriptionViewSchema } from '../erezept/prescription';

// ------------------------------------------------------------------------------------------------
// Errors that cross the boundary
// ------------------------------------------------------------------------------------------------

/** Which kind of retry the failure allows (spec §8, A_25460). */
export const retryClassSchema = z.enum(['never', 'backoff', 'hourly', 'reconcile']);
export type RetryClass = z.infer<typeof retryClassSchema>;

export const appErrorSchema = z.object({
  /** machine-readable: validation | token | fachdienst | network | timeout | not-found | conflict | state | internal */
  code: z.string(),
  /** German, for the pharmacist: which system failed, what it means, what to do (spec §9.3, A_23814) */
  message: z.string(),
  /** technical detail for support (status, OperationOutcome text, time); never a secret */
  detail: z.string().optional(),
  retry: retryClassSchema,
  httpStatus: z.number().int().optional(),
  /** the system that failed: app | fachdienst | network */
  system: z.enum(['app', 'fachdienst', 'network']).default('app'),
  at: z.string(),
  findings: z.array(findingSchema).optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

// ------------------------------------------------------------------------------------------------
// DTOs
// ------------------------------------------------------------------------------------------------

export const backendKindSchema = z.enum(['embedded', 'simulator', 'ti']);
export type BackendKind = z.infer<typeof backendKindSchema>;

export const staffMemberSchema = z.object({ kuerzel: z.string().regex(/^[A-Za-zÄÖÜäöüß]{1,8}$/), name: z.string() });
export type StaffMember = z.infer<typeof staffMemberSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  backend: backendKindSchema,
  /** training mode = any backend but the real TI (architecture §2) */
  training: z.boolean(),
  fachdienstUrl: z.string(),
  pharmacy: z.object({ telematikId: z.string(), name: z.string() }),
  staff: staffMemberSchema.nullable(),
  staffList: z.array(staffMemberSchema),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** Local case states (issue 5 item 2). */
export const caseStatusSchema = z.enum(['accepted', 'dispensed', 'closed', 'rejected', 'aborted']);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const caseSummarySchema = z.object({
  prescriptionId: z.string(),
  flowType: z.string(),
  status: caseStatusSchema,
  patientName: z.string().optional(),
  kvnr: z.string().optional(),
  medicationLabel: z.string().optional(),
  acceptDate: z.string().optional(),
  expiryDate: z.string().optional(),
  acceptedAt: z.string(),
  lastDispenseAt: z.string().optional(),
  closedAt: z.string().optional(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const submissionStateSchema = z.enum(['pending', 'confirmed', 'failed']);

export const submissionSchema = z.object({
  id: z.number().int(),
  operation: z.enum(['dispense', 'close']),
  state: submissionStateSchema,
  staff: z.string(),
  createdAt: z.string(),
  completedAt: z.string().optional(),
  entries: z.array(dispenseEntrySchema),
  httpStatus: z.number().int().optional(),
  errorMessage: z.string().optional(),
});
export type Submission = z.infer<typeof submissionSchema>;

export const receiptSummarySchema = z.object({
  prescriptionId: z.string(),
  bundleId: z.string(),
  /** when the Fachdienst completed the Task (Composition event end) */
  completedAt: z.string(),
  /** the closing pharmacy (Composition beneficiary) */
  pharmacyTelematikId: z.string(),
  signaturePresent: z.boolean(),
  receivedAt: z.string(),
  staff: z.string(),
});
export type ReceiptSummary = z.infer<typeof receiptSummarySchema>;

export const caseDetailSchema = caseSummarySchema.extend({
  prescription: prescriptionViewSchema.nullable(),
  /** why the prescription could not be shown (e.g. "KBV-Version nicht unterstützt") */
  prescriptionError: z.string().optional(),
  draft: z.array(dispenseEntrySchema).nullable(),
  submissions: z.array(submissionSchema),
  receipt: receiptSummarySchema.nullable(),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

export const scanOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    prescriptionId: z.string(),
    /** accepted = claimed now with $accept; existing = a local case was opened (A_23801) */
    outcome: z.enum(['accepted', 'existing']),
    case: caseSummarySchema,
  }),
  z.object({ ok: z.literal(false), prescriptionId: z.string().optional(), error: appErrorSchema }),
]);
export type ScanOutcome = z.infer<typeof scanOutcomeSchema>;

const byPrescription = z.object({ prescriptionId: prescriptionIdSchema });

// ------------------------------------------------------------------------------------------------
// Channels
// ------------------------------------------------------------------------------------------------

export const contract = {
  'erx:getAppInfo': { request: z.object({}), response: appInfoSchema },
  'erx:setStaff': { request: z.object({ kuerzel: z.string().max(8) }), response: appInfoSchema },
  /** what a scanner or the keyboard delivered in the scan field: 1–3 E-Rezept-Tokens (spec §2) */
  'erx:scanCode': {
    request: z.object({ text: z.string().max(4096) }),
    response: z.object({ results: z.array(scanOutcomeSchema) }),
  },
  'erx:listCases': {
    request: z.object({ query: z.string().max(100).optional(), filter: z.enum(['all', 'open', 'to-close']).optional() }),
    response: z.array(caseSummarySchema),
  },
  'erx:getCase': { request: byPrescription, response: caseDetailSchema },
  'erx:saveDraft': {
    request: byPrescription.extend({ entries: z.array(dispenseEntrySchema).max(100) }),
    response: z.object({ savedAt: z.string() }),
  },
  /** $dispense with the complete list (A_26482: the Fachdienst replaces what it had) */
  'erx:submitDispense': {
    request: byPrescription.extend({ entries: z.array(dispenseEntrySchema).min(1).max(100) }),
    response: caseDetailSchema,
  },
  /** $close; with the given list, or without a body when the last confirmed $dispense holds it */
  'erx:closeCase': {
    request: byPrescription.extend({ entries: z.array(dispenseEntrySchema).min(1).max(100).optional() }),
    response: caseDetailSchema,
  },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export const channels = Object.keys(contract) as Channel[];

/** What the caller sends (before zod transforms, e.g. plain strings for branded ids). */
export type Req<C extends Channel> = z.input<Contract[C]['request']>;
/** What a handler receives after validation (branded ids). */
export type ParsedReq<C extends Channel> = z.output<Contract[C]['request']>;
export type Res<C extends Channel> = z.output<Contract[C]['response']>;

export type IpcResult<C extends Channel> = { ok: true; data: Res<C> } | { ok: false; error: AppError };

/** The object the preload exposes as window.erx, and the HTTP bridge implements in browser mode. */
export type ErxBridge = {
  [C in Channel as C extends `erx:${infer M}` ? M : never]: (req: Req<C>) => Promise<IpcResult<C>>;
} & {
  /** events from main (case changed …); returns the unsubscribe function */
  onEvent(listener: (event: AppEvent) => void): () => void;
};

/** Maps a bridge method name back to its channel. */
export const channelOf = (method: string): Channel | undefined => {
  const c = `erx:${method}`;
  return c in contract ? (c as Channel) : undefined;
};

// ------------------------------------------------------------------------------------------------
// Events from main to renderer (architecture §4: they only invalidate react-query caches)
// ------------------------------------------------------------------------------------------------

export const EVENT_CHANNEL = 'erx:event';

export const appEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('case-changed'), prescriptionId: z.string() }),
  z.object({ type: z.literal('cases-changed') }),
  z.object({ type: z.literal('connection'), state: z.enum(['online', 'offline', 'unknown']) }),
]);
export type AppEvent = z.infer<typeof appEventSchema>;
