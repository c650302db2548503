/**
 * The IPC contract (architecture §4): the only place that defines channels — each name of channels.ts with its
 * zod request and response schema. main/ipc validates every request with these; the preload (from channels.ts,
 * without zod) and the browser-mode bridge expose one method per channel; the renderer calls them through
 * renderer/src/lib/bridge.ts.
 */
import { z } from 'zod';
import { availabilityStates, replyLimits, supplyOptions, wishLimits, type AvailabilityState } from '../erezept/communication';
import { dispenseEntrySchema } from '../erezept/dispense-entry';
import { findingSchema } from '../erezept/findings';
import { parsePznFormat, prescriptionIdSchema, type Pzn } from '../erezept/identifiers';
import { prescriptionViewSchema } from '../erezept/prescription';
import type { BridgeMethod, Channel } from './channels';

export { channels, EVENT_CHANNEL, type BridgeMethod, type Channel } from './channels';

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
  /**
   * the system that failed: app | fachdienst | network | ti — the TI chain before the Fachdienst (Konnektor, SMC-B,
   * IDP, VAU certificate; docs/ti.md): nothing was sent, the outcome is known
   */
  system: z.enum(['app', 'fachdienst', 'network', 'ti']).default('app'),
  at: z.string(),
  findings: z.array(findingSchema).optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

// ------------------------------------------------------------------------------------------------
// DTOs
// ------------------------------------------------------------------------------------------------

export const backendKindSchema = z.enum(['embedded', 'simulator', 'ti']);
export type BackendKind = z.infer<typeof backendKindSchema>;

/**
 * A person at the counter. `active: false` = no longer chosen in the staff switch; the Kürzel stays in the history
 * and the audit (issue 18). Lists stored before `active` existed read as active (missing = active). The Kürzel is
 * read leniently (1–8 letters or digits); a save checks the stricter rule of the set-up (2–8, main/services/pharmacy-setup.ts).
 */
export const staffMemberSchema = z.object({ kuerzel: z.string().regex(/^[A-Za-zÄÖÜäöüß0-9]{1,8}$/), name: z.string(), active: z.boolean().optional() });
export type StaffMember = z.infer<typeof staffMemberSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  backend: backendKindSchema,
  /** training mode = any backend but the real TI (architecture §2) */
  training: z.boolean(),
  fachdienstUrl: z.string(),
  pharmacy: z.object({ telematikId: z.string(), name: z.string() }),
  staff: staffMemberSchema.nullable(),
  /** everyone, inactive members included (their Kürzel still names them in the history); the switch offers the active ones */
  staffList: z.array(staffMemberSchema),
  /** this counter's name („Kasse 1“), shown in the header; absent or empty: none set (issue 18) */
  counterName: z.string().optional(),
  /**
   * How personal data and credentials are encrypted at rest (architecture §7):
   * `safe-storage` = the data key is protected by the operating system's keychain (Electron safeStorage, only
   * when its backend is not `basic_text`); `key-file` = a key file readable only by this user account.
   */
  dataProtection: z.enum(['safe-storage', 'key-file']),
  /**
   * Several counters share one store (issue 18): its address as `postgres://user@host:port/db` (never a password).
   * Absent: this counter keeps its own store. A trainer's reset then empties the training for every counter.
   */
  sharedStore: z.string().optional(),
  /** timeouts and retry policy in effect (spec §8, A_25460); tests run with milliseconds */
  network: z.object({ requestTimeoutMs: z.number().int(), retryBaseMs: z.number().int(), maxAttempts: z.number().int() }),
  /** days a patient's Zuweisung never accepted keeps its content (name, address, texts) before it is erased (docs/messages.md) */
  messageRetentionDays: z.number().int().min(1).max(365),
  /**
   * Backend `ti`: what the IDP asked consent for at the last sign-in (its `user_consent`: scopes and claims with
   * their German texts, api-erp authentisieren.adoc steps 18–19), and whether the pharmacy has seen it. Shown once.
   */
  idpConsent: z
    .object({
      at: z.string(),
      scopes: z.array(z.object({ name: z.string(), text: z.string() })),
      claims: z.array(z.object({ name: z.string(), text: z.string() })),
      acknowledged: z.boolean(),
    })
    .nullable()
    .optional(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/**
 * Local case states and their German labels: accepted = „in Abgabe“, dispensed = „Abgabe übermittelt“ (a $dispense
 * was confirmed), closed = „abgeschlossen“, rejected = „zurückgegeben“ ($reject), aborted = „gelöscht“ ($abort).
 */
export const caseStatusSchema = z.enum(['accepted', 'dispensed', 'closed', 'rejected', 'aborted']);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

/**
 * Where a case stands against its closing deadline (spec §9.4): `open` = before the deadline day,
 * `due-today` = the deadline is today (German date), `overdue` = the deadline day is over.
 */
export const closeDeadlineStateSchema = z.enum(['open', 'due-today', 'overdue']);

export const caseSummarySchema = z.object({
  prescriptionId: z.string(),
  flowType: z.string(),
  status: caseStatusSchema,
  /** absent after $reject/$abort (A_19251: personal data erased) */
  patientName: z.string().optional(),
  kvnr: z.string().optional(),
  medicationLabel: z.string().optional(),
  /** Belieferungsfrist / Einlösefrist, German dates YYYY-MM-DD (A_23797) */
  acceptDate: z.string().optional(),
  expiryDate: z.string().optional(),
  acceptedAt: z.string(),
  /** Kürzel of the staff member who accepted */
  acceptedBy: z.string().optional(),
  /** when the Fachdienst last stored a dispense list of this case ($dispense, or $close with a body) */
  lastDispenseAt: z.string().optional(),
  closedAt: z.string().optional(),
  /** $reject/$abort: when and by whom (kept after the personal data is erased, A_19251) */
  endedAt: z.string().optional(),
  endedBy: z.string().optional(),
  /**
   * Only for cases sent but not closed (status `dispensed`): the German date (YYYY-MM-DD) by whose end the
   * case must be closed — the next working day (Mon–Fri, German national holidays excluded) after the last
   * handover date of the confirmed list (spec §9.4).
   */
  closeDeadline: z.string().optional(),
  closeDeadlineState: closeDeadlineStateSchema.optional(),
  /** when the Fachdienst last confirmed a submission ($dispense 204 or $close 200) */
  lastConfirmedAt: z.string().optional(),
  /** the saved draft differs from the list the Fachdienst last confirmed (or nothing was confirmed yet); false for locked cases */
  hasUnsentChanges: z.boolean(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const submissionStateSchema = z.enum(['pending', 'confirmed', 'failed']);

/**
 * One submission = one version of the dispense list (spec §3.4: every $dispense replaces the whole list): who sent
 * which complete list when, and what the Fachdienst answered. `pending` = sent, answer not (yet) known (reconciled
 * with GET ?secret).
 */
export const submissionSchema = z.object({
  id: z.number().int(),
  /** 1, 2, 3 … in the order the submissions of this case were made */
  version: z.number().int().positive(),
  operation: z.enum(['dispense', 'close']),
  state: submissionStateSchema,
  /** Kürzel of the staff member who sent it */
  staff: z.string(),
  createdAt: z.string(),
  completedAt: z.string().optional(),
  /** the complete list sent; empty after $reject/$abort (A_19251) */
  entries: z.array(dispenseEntrySchema),
  /** false for a $close without body (the Fachdienst kept the list of the last confirmed $dispense, spec §3.5) */
  withBody: z.boolean(),
  /** the Fachdienst's HTTP status (204 $dispense, 200 $close, or the error status) */
  httpStatus: z.number().int().optional(),
  /** the German error message when the submission failed */
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
  /** the prescription as read from the QES, with the reader's findings (e.g. a wrong check digit) */
  prescription: prescriptionViewSchema.nullable(),
  /** why the prescription could not be shown (e.g. "KBV-Version nicht unterstützt") */
  prescriptionError: z.string().optional(),
  /** the autosaved list being edited */
  draft: z.array(dispenseEntrySchema).nullable(),
  /** every version sent, oldest first */
  submissions: z.array(submissionSchema),
  /** the list the Fachdienst last confirmed ($dispense or $close with body); null if none */
  confirmedEntries: z.array(dispenseEntrySchema).nullable(),
  /** closed, rejected or aborted: nothing can be edited or sent any more (spec §3.12, A_23801) */
  readOnly: z.boolean(),
  /**
   * The case is open but no Secret is stored: nothing can be sent until it is recovered with
   * `erx:recoverSecret` (GET ?ac, spec §3.3) or by scanning the code again.
   */
  secretMissing: z.boolean(),
  /** a submission's answer was lost; the next submit/close reconciles first (GET ?secret, spec §3.6) */
  outcomeUnknown: z.boolean(),
  /**
   * Deadline findings for an open case, by the German date of the app's clock (the simulator's in training):
   * warning `DEADLINE_ACCEPT_DATE_PASSED` after acceptDate (A_23798, A_23799), error `DEADLINE_EXPIRED` after
   * expiryDate (A_23800: must not be supplied). Empty for read-only cases.
   */
  deadlineFindings: z.array(findingSchema),
  receipt: receiptSummarySchema.nullable(),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

/**
 * Who works on an open case (issue 18 item 4, docs/multi-counter.md §4). With one shared store, the counter that
 * opened a case holds it while it is open; another counter sees it read-only („wird an Kasse 2 von AB bearbeitet“)
 * and may take it over after a confirmation. With one counter (SQLite) every case is this counter's.
 */
export const caseLeaseSchema = z.object({
  /** this counter holds the case: it may send $dispense/$close */
  mine: z.boolean(),
  /** the holding counter's name, e.g. „Kasse 2“ */
  counter: z.string(),
  /** the Kürzel of the staff member at that counter */
  staff: z.string(),
  /** the holder is sending to the Fachdienst right now: no take-over until that is done */
  busy: z.boolean(),
});
export type CaseLease = z.infer<typeof caseLeaseSchema>;

/**
 * „Kasse hinzufügen“ (issue 18 item 6): a one-time code an enrolled counter shows; a new counter started with it
 * (`--enrol-code`, or `enrolCode` in its shared-store.json) gets the pharmacy keys once. 128 bits, Base32 in groups.
 */
export const enrolmentCodeSchema = z.object({ code: z.string(), expiresAt: z.string() });
export type EnrolmentCode = z.infer<typeof enrolmentCodeSchema>;

/**
 * The answer of `erx:submitDispense`: the case plus what happened to this list.
 * - `sent`: $dispense was sent and confirmed;
 * - `unchanged`: the list equals the one the Fachdienst last confirmed — nothing was sent, because every
 *   $dispense notifies the patient;
 * - `reconciled`: an earlier submission of exactly this list had lost its answer; GET ?secret showed the
 *   Fachdienst stored it, so it was confirmed without sending it again.
 */
export const submitOutcomeSchema = caseDetailSchema.extend({
  outcome: z.enum(['sent', 'unchanged', 'reconciled']),
  /** German, for the pharmacist, when outcome ≠ sent */
  notice: z.string().optional(),
});
export type SubmitOutcome = z.infer<typeof submitOutcomeSchema>;

/** One item as the patient will see it in the E-Rezept app (a preview built locally). */
export const patientViewItemSchema = z.object({
  /** the entry's key in the dispense list */
  key: z.string(),
  /** medication name, e.g. "Sumatriptan-1a Pharma 100 mg Tabletten" or the Freitext */
  medication: z.string(),
  pzn: z.string().optional(),
  packSize: z.string().optional(),
  packs: z.number().int(),
  /** Charge (batch) and its expiry date (YYYY-MM-DD) */
  batch: z.string().optional(),
  batchExpiry: z.string().optional(),
  whenHandedOver: z.string(),
  /** dosage as the patient sees it: the pharmacist's text, else the prescribed one */
  dosage: z.string().optional(),
  dosageSource: z.enum(['dispense', 'prescription']).optional(),
  substituted: z.boolean(),
});
export const patientViewSchema = z.object({
  prescriptionId: z.string(),
  pharmacyName: z.string(),
  items: z.array(patientViewItemSchema),
});
export type PatientView = z.infer<typeof patientViewSchema>;

export const scanOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    prescriptionId: z.string(),
    /** accepted = claimed now with $accept; existing = a local case was opened (A_23801) */
    outcome: z.enum(['accepted', 'existing']),
    case: caseSummarySchema,
    /** the whole case, so the counter shows it without a second round trip (docs/performance.md, scan-overhead) */
    detail: caseDetailSchema.optional(),
  }),
  z.object({ ok: z.literal(false), prescriptionId: z.string().optional(), error: appErrorSchema }),
]);
export type ScanOutcome = z.infer<typeof scanOutcomeSchema>;

const byPrescription = z.object({ prescriptionId: prescriptionIdSchema });

// ------------------------------------------------------------------------------------------------
// Connection and pending operations (spec §9.3, A_23814–A_23816; docs/reliability.md)
// ------------------------------------------------------------------------------------------------

/**
 * Where the way to the Fachdienst broke: `network` = no connection at all (LAN, router, TI access);
 * `idp` = the sign-in (access token) failed; `fachdienst` = the Fachdienst answered, but with a server error.
 */
/** The hop a disturbance lies on; konnektor, smcb and vau only with backend `ti` (docs/ti.md). */
/** `store`: the pharmacy's shared database (several counters, issue 18) — without it nothing is sent (journal first) */
export const connectionHopSchema = z.enum(['network', 'konnektor', 'smcb', 'idp', 'vau', 'fachdienst', 'store']);
export type ConnectionHop = z.infer<typeof connectionHopSchema>;

export const connectionStatusSchema = z.object({
  /** online = the last call got an answer; degraded = answers are server errors; offline = no answer at all */
  state: z.enum(['unknown', 'online', 'degraded', 'offline']),
  failedHop: connectionHopSchema.optional(),
  /** German, for the pharmacist: what failed and what to do (A_23814) */
  message: z.string().optional(),
  /** technical detail for support (no secrets) */
  detail: z.string().optional(),
  /** since when the state holds */
  since: z.string(),
  lastCheckedAt: z.string().optional(),
  /** how many operations wait for the Fachdienst (see erx:listPendingOperations) */
  pendingCount: z.number().int().nonnegative(),
});
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

/**
 * The TI connection's settings (docs/ti.md „Settings“; spec ti-transport §3.1, §3.2): the environment (RU, RU-DEV,
 * PU, or own addresses), the Konnektor (address, call context, TLS trust, client authentication), the SMC-B and the
 * IDP client id. Secrets (password, PKCS#12 and its passphrase, private key) go one way: the form may send them,
 * main stores them encrypted and answers only whether one is stored.
 */
export const tiEnvironmentSchema = z.enum(['ru', 'ru-dev', 'pu', 'custom']);
export type TiEnvironmentChoice = z.infer<typeof tiEnvironmentSchema>;

const pemText = z.string().max(200_000);
export const tiTrustSchema = z.discriminatedUnion('kind', [
  /** the Konnektor's CA certificate(s), PEM */
  z.object({ kind: z.literal('ca'), caPem: pemText }),
  /** SHA-256 fingerprint of the Konnektor's own certificate */
  z.object({ kind: z.literal('pin'), sha256Fingerprint: z.string().max(200) }),
  /** no TLS: only with plain HTTP allowed (test setups) */
  z.object({ kind: z.literal('none') }),
]);

export const tiClientAuthViewSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('basic'), username: z.string(), passwordStored: z.boolean() }),
  z.object({ kind: z.literal('pkcs12'), certificateStored: z.boolean(), passphraseStored: z.boolean() }),
  z.object({ kind: z.literal('pem'), certPem: z.string(), keyStored: z.boolean() }),
]);

/** A secret left out keeps the stored one; an empty string is a value (e.g. a PKCS#12 without passphrase). */
export const tiClientAuthInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('basic'), username: z.string().max(200), password: z.string().max(500).optional() }),
  z.object({ kind: z.literal('pkcs12'), pfxBase64: z.string().max(400_000).optional(), passphrase: z.string().max(500).optional() }),
  z.object({ kind: z.literal('pem'), certPem: pemText, keyPem: pemText.optional() }),
]);

const konnektorFields = {
  baseUrl: z.string().max(2000),
  mandantId: z.string().max(200),
  clientSystemId: z.string().max(200),
  workplaceId: z.string().max(200),
  userId: z.string().max(200),
  trust: tiTrustSchema,
  allowPlainHttp: z.boolean(),
  /** 20 digits, or empty: exactly one inserted SMC-B is taken without asking (§3.3) */
  smcbIccsn: z.string().max(40),
};

export const tiSettingsInputSchema = z.object({
  environment: tiEnvironmentSchema,
  /** only for `custom` */
  fachdienstUrl: z.string().max(2000),
  idpUrl: z.string().max(2000),
  konnektor: z.object({ ...konnektorFields, clientAuth: tiClientAuthInputSchema }),
  clientId: z.string().max(200),
});
export type TiSettingsInput = z.infer<typeof tiSettingsInputSchema>;

export const tiSettingsProblemSchema = z.object({
  /** the form field: `environment`, `fachdienstUrl`, `idpUrl`, `clientId`, `konnektor.baseUrl`, `konnektor.trust` … */
  field: z.string(),
  /** German */
  message: z.string(),
});
export type TiSettingsProblem = z.infer<typeof tiSettingsProblemSchema>;

/**
 * „Apotheke & Personal“ in „Einstellungen & Info“ (issue 18). The request is read leniently (bounded lengths only),
 * so that main can answer every rule per field in German instead of a bare validation error.
 */
export const pharmacySetupInputSchema = z.object({
  staff: z.array(z.object({ kuerzel: z.string().max(40), name: z.string().max(400), active: z.boolean() })).max(200),
  counterName: z.string().max(400),
  /** training only; over the TI the pharmacy comes from the SMC-B and a pharmacy here is refused */
  pharmacy: z.object({ name: z.string().max(400), telematikId: z.string().max(400) }).optional(),
});
export type PharmacySetupInput = z.infer<typeof pharmacySetupInputSchema>;

export const pharmacySetupSchema = z.object({
  staff: z.array(z.object({ kuerzel: z.string(), name: z.string(), active: z.boolean() })),
  counterName: z.string(),
  pharmacy: z.object({ name: z.string(), telematikId: z.string() }),
  /** `settings`: set here (training); `smcb`: backend ti — from the SMC-B at the sign-in, not editable */
  pharmacySource: z.enum(['settings', 'smcb']),
});
export type PharmacySetup = z.infer<typeof pharmacySetupSchema>;

export const pharmacySetupProblemSchema = z.object({
  /** the form field: `counterName`, `pharmacy.name`, `pharmacy.telematikId`, `staff`, `staff.<row>.kuerzel`, `staff.<row>.name` (row from 0) */
  field: z.string(),
  /** German */
  message: z.string(),
});
export type PharmacySetupProblem = z.infer<typeof pharmacySetupProblemSchema>;

export const tiSettingsSchema = z.object({
  /** null: not set up yet */
  environment: tiEnvironmentSchema.nullable(),
  fachdienstUrl: z.string(),
  idpUrl: z.string(),
  /** the TI simulation: the three addresses come from the start (`--fachdienst`, `--idp`, `--konnektor`) */
  addressesFromStart: z.boolean(),
  konnektor: z.object({ ...konnektorFields, clientAuth: tiClientAuthViewSchema }),
  clientId: z.string(),
  /** what still keeps the connection from working (German), empty when complete */
  problems: z.array(tiSettingsProblemSchema),
});
export type TiSettings = z.infer<typeof tiSettingsSchema>;

/** An inserted SMC-B as the Konnektor lists it (`GetCards`, §3.3) — to choose one when several are inserted. */
export const smcbCardSchema = z.object({
  iccsn: z.string().optional(),
  holderName: z.string().optional(),
  ctId: z.string().optional(),
  slotId: z.string().optional(),
  certificateExpirationDate: z.string().optional(),
});
export type SmcbCard = z.infer<typeof smcbCardSchema>;

/**
 * The eGK path (spec §3.9): the card at this workplace's terminal, the patient it names, and the prescriptions the
 * Fachdienst lists for it. AccessCodes stay in main: the renderer refers to a listed prescription by its id within
 * one lookup.
 */
export const egkCardSchema = z.object({
  /** card terminal and slot, as the Konnektor names them */
  ctId: z.string().optional(),
  slotId: z.string().optional(),
});

export const egkPollSchema = z.object({ card: egkCardSchema.nullable() });

export const egkListedPrescriptionSchema = z.object({
  prescriptionId: z.string(),
  flowType: z.string().optional(),
  authoredOn: z.string().optional(),
  acceptDate: z.string().optional(),
  expiryDate: z.string().optional(),
});

export const egkLookupSchema = z.object({
  /** refers to this list in `egkAccept` (valid for a few minutes, in main only) */
  lookupId: z.string(),
  patient: z.object({ name: z.string(), birthDate: z.string().optional() }),
  /** 202: the Fachdienst accepted a proof whose online check was not possible (result 3) */
  offlineProofAccepted: z.boolean(),
  total: z.number().int().nonnegative(),
  prescriptions: z.array(egkListedPrescriptionSchema),
  /** German: entries the app could not read (named, never dropped) */
  unreadable: z.array(z.string()),
});
export type EgkLookup = z.infer<typeof egkLookupSchema>;

/**
 * The messages with the patients' apps (spec §3.11): Zuweisungen in the inbox „Nachrichten“ and the replies per case.
 * AccessCodes and KVNRs stay in main: the renderer refers to a Zuweisung by its Communication id.
 */
const messageText = (max: number) => z.string().max(max);
export const dispReqWishSchema = z.object({
  version: z.union([z.literal(1), z.literal(3)]),
  /** absent on a v3 `text` message (a question, no order) */
  supplyOption: z.enum(supplyOptions).optional(),
  communicationType: z.enum(['order', 'text']).optional(),
  name: messageText(wishLimits.name * 2 + 1).optional(),
  addressLines: z.array(messageText(wishLimits.addressLine)).max(wishLimits.addressLines).optional(),
  postcode: messageText(wishLimits.postcode).optional(),
  city: messageText(wishLimits.city).optional(),
  country: messageText(wishLimits.country).optional(),
  hint: messageText(wishLimits.hint).optional(),
  text: messageText(wishLimits.text).optional(),
  phone: messageText(wishLimits.phone).optional(),
  email: messageText(wishLimits.email).optional(),
  transactionId: messageText(wishLimits.transactionId).optional(),
});

export const messageRequestSchema = z.object({
  communicationId: z.string(),
  prescriptionId: z.string(),
  sent: z.string(),
  state: z.enum(['new', 'accepted', 'dismissed']),
  handledAt: z.string().optional(),
  handledBy: z.string().optional(),
  wish: dispReqWishSchema.optional(),
  /** German: why the wish could not be read (the Zuweisung can still be accepted) */
  wishProblem: z.string().optional(),
  /** the prescription is a case at this pharmacy already */
  hasCase: z.boolean(),
});
export type MessageRequest = z.infer<typeof messageRequestSchema>;

export const messageInboxSchema = z.object({
  /** Zuweisungen not yet accepted or dismissed (the header badge) */
  open: z.number().int().nonnegative(),
  requests: z.array(messageRequestSchema),
  lastRefresh: z.object({ at: z.string(), added: z.number().int().nonnegative(), unreadable: z.array(z.string()) }).optional(),
  /** the last automatic refresh failed (offline, 429 …): shown until one succeeds */
  lastFailure: appErrorSchema.optional(),
});
export type MessageInbox = z.infer<typeof messageInboxSchema>;

const availabilitySchema = z.enum(Object.keys(availabilityStates) as [AvailabilityState, ...AvailabilityState[]]);

export const caseMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('dispreq'),
    communicationId: z.string(),
    sent: z.string(),
    state: z.enum(['new', 'accepted', 'dismissed']),
    handledAt: z.string().optional(),
    handledBy: z.string().optional(),
    wish: dispReqWishSchema.optional(),
  }),
  z.object({
    kind: z.literal('reply'),
    communicationId: z.string(),
    sent: z.string(),
    state: z.enum(['sent', 'deleted']),
    handledAt: z.string().optional(),
    handledBy: z.string().optional(),
    text: z.string(),
    pickUpCode: z.string().optional(),
    availability: availabilitySchema.optional(),
    supplyOption: z.enum(supplyOptions).optional(),
  }),
]);

export const caseMessagesSchema = z.object({
  messages: z.array(caseMessageSchema),
  /** the payload version a reply goes out in (the patient's, v1 where both are possible) */
  replyVersion: z.union([z.literal(1), z.literal(3)]),
  /** the patient's wish, when a Zuweisung named one */
  supplyOption: z.enum(supplyOptions).optional(),
  canReply: z.boolean(),
  cannotReplyReason: z.string().optional(),
});
export type CaseMessages = z.infer<typeof caseMessagesSchema>;

/** A pick-up code: up to 8 letters and digits (payload `pickUpCodeHR`, §3.11) */
export const pickUpCodeSchema = z.string().regex(/^[A-Z0-9]{4,8}$/);

export const replyInputSchema = z.object({
  prescriptionId: prescriptionIdSchema,
  /** the final text as the pharmacist saw it (checked again in main before sending) */
  // counted in code points as the Fachdienst counts (an emoji is one); the UTF-16 cap only bounds the input
  text: z
    .string()
    .min(1)
    .max(replyLimits.textV3 * 2)
    .refine((text) => [...text].length <= replyLimits.textV3, { message: `höchstens ${replyLimits.textV3} Zeichen` }),
  pickUpCode: pickUpCodeSchema.optional(),
  availability: availabilitySchema.optional(),
  /** when no Zuweisung named the patient's wish */
  supplyOption: z.enum(supplyOptions).optional(),
});
export type ReplyInput = z.infer<typeof replyInputSchema>;

/**
 * „Verbindung prüfen“ (docs/ti.md „Diagnosis“): the way to the Fachdienst walked hop by hop. Backend `ti`: Konnektor
 * reachable, SMC-B present and verified, IDP discovery document, sign-in, VAU certificate, Fachdienst `/metadata`
 * (spec ti-transport §1–§3); the simulators: the Fachdienst only. The walk stops at the first failure; the steps
 * after it are `skipped`.
 */
export const diagnosisStepIdSchema = z.enum(['konnektor', 'smcb', 'idp-discovery', 'sign-in', 'vau-certificate', 'fachdienst']);
export type DiagnosisStepId = z.infer<typeof diagnosisStepIdSchema>;

export const diagnosisStepSchema = z.object({
  step: diagnosisStepIdSchema,
  /** the hop the step checks, as the connection indicator names it */
  hop: connectionHopSchema,
  state: z.enum(['ok', 'failed', 'skipped']),
  /** German: what was found, or what failed and what to do */
  message: z.string().optional(),
  /** for support: codes, statuses — never a token, PIN or key */
  detail: z.string().optional(),
});
export type DiagnosisStep = z.infer<typeof diagnosisStepSchema>;

export const connectionDiagnosisSchema = z.object({
  ok: z.boolean(),
  at: z.string(),
  steps: z.array(diagnosisStepSchema),
});
export type ConnectionDiagnosis = z.infer<typeof connectionDiagnosisSchema>;

/**
 * An operation the app still owes the Fachdienst, or one it completed on its own (docs/reliability.md):
 * - `outcome-unknown`: sent, but the answer was lost (crash, timeout, cut connection) — reconciled with
 *   GET ?ac / GET ?secret before anything is sent again;
 * - `offline`: the Fachdienst was unreachable; done when the connection returns (A_23815);
 * - `rate-limited`: the Fachdienst answered 429; tried again no sooner than `notBefore` (one hour, A_25460).
 */
export const pendingOperationSchema = z.object({
  id: z.number().int(),
  prescriptionId: z.string(),
  operation: z.enum(['accept', 'dispense', 'close', 'reject', 'abort']),
  reason: z.enum(['outcome-unknown', 'offline', 'rate-limited']),
  state: z.enum(['pending', 'done', 'failed', 'cancelled']),
  /** Kürzel of the staff member who started it */
  staff: z.string(),
  createdAt: z.string(),
  /** not tried again before this instant (429: one hour later) */
  notBefore: z.string().optional(),
  attempts: z.number().int().nonnegative(),
  completedAt: z.string().optional(),
  /** German: what the app did about it („Abgabedaten nach Verbindungsabbruch bestätigt“) or why it failed */
  message: z.string().optional(),
});
export type PendingOperation = z.infer<typeof pendingOperationSchema>;

/** Live progress of an automatic retry (spec §8 backoff); the UI shows „wird erneut versucht“ and „Abbrechen“. */
export const retryProgressSchema = z.object({
  prescriptionId: z.string(),
  operation: z.enum(['dispense', 'getBySecret', 'getByAc']),
  /** the attempt that just failed (1 = the first call) */
  attempt: z.number().int().positive(),
  maxAttempts: z.number().int().positive(),
  nextAttemptAt: z.string(),
  /** German cause in counter language, e.g. „Der E-Rezept-Fachdienst ist vorübergehend nicht verfügbar.“ */
  cause: z.string(),
  /** the answer's HTTP status, for „Technische Details“ only (issue 19 item 5: no status codes in the pharmacist's sentence) */
  httpStatus: z.number().int().optional(),
});
export type RetryProgress = z.infer<typeof retryProgressSchema>;

/**
 * Filters of the inbox: all; open = in Abgabe or übermittelt; to-close = „noch abzuschließen“ (sent, not
 * closed); closed; ended = zurückgegeben or gelöscht.
 */
export const caseFilterSchema = z.enum(['all', 'open', 'to-close', 'closed', 'ended']);
export type CaseFilter = z.infer<typeof caseFilterSchema>;

// ------------------------------------------------------------------------------------------------
// Training mode: trainer panel (architecture §2 — dedicated channels that refuse outside training)
// ------------------------------------------------------------------------------------------------

/** One prescription of the loaded scenario, as the trainer shows it (on screen as DataMatrix, or printed). */
export const trainingPrescriptionSchema = z.object({
  /** how the scenario's steps call it, e.g. „Rezept A“ */
  label: z.string().optional(),
  prescriptionId: z.string(),
  flowType: z.string(),
  /** the E-Rezept-Token `Task/<id>/$accept?ac=<AccessCode>` (spec §2) — training data only */
  token: z.string(),
  /** what the DataMatrix of the patient's printout carries: `{"urls":[…]}` with 1–3 tokens (A_19553-01) */
  dataMatrix: z.string(),
  /** for the printout/token sheet (fictional patient) */
  patientName: z.string().optional(),
  birthDate: z.string().optional(),
  medication: z.string().optional(),
  prescriber: z.string().optional(),
  authoredOn: z.string().optional(),
  /** Telematik-ID of another pharmacy that already holds it („schon vergeben“) */
  acceptedBy: z.string().optional(),
});
export type TrainingPrescription = z.infer<typeof trainingPrescriptionSchema>;

export const scenarioSummarySchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
});
export type ScenarioSummary = z.infer<typeof scenarioSummarySchema>;

export const loadedScenarioSchema = scenarioSummarySchema.extend({
  /** the simulated time right after loading */
  now: z.string(),
  loadedAt: z.string(),
  prescriptions: z.array(trainingPrescriptionSchema),
  /** armed faults, in German for the trainer („$accept: 2× HTTP 503“) */
  faults: z.array(z.string()),
  /** German steps for the class, in order */
  steps: z.array(z.string()),
});
export type LoadedScenario = z.infer<typeof loadedScenarioSchema>;

/** What the patient sees in the E-Rezept app (the insurant's read of Task and MedicationDispense, spec §3.9–3.10). */
export const insurantViewSchema = z.object({
  prescriptionId: z.string(),
  /** Task status as the Fachdienst has it: ready, in-progress, completed, cancelled */
  taskStatus: z.string(),
  /** German label for the status („Wird beliefert“, „Eingelöst“ …) */
  statusText: z.string(),
  medication: z.string().optional(),
  authoredOn: z.string().optional(),
  expiryDate: z.string().optional(),
  /** the pharmacy that holds or closed it */
  pharmacy: z.string().optional(),
  lastMedicationDispense: z.string().optional(),
  /** what the patient sees of the dispense: one item per MedicationDispense */
  dispenses: z.array(
    z.object({
      medication: z.string(),
      pzn: z.string().optional(),
      batch: z.string().optional(),
      whenHandedOver: z.string().optional(),
      dosage: z.string().optional(),
    }),
  ),
});
export type InsurantView = z.infer<typeof insurantViewSchema>;

/**
 * Caps of the patient's replies as the trainer shows them; texts in UTF-16 code units (zod's count): twice the
 * Fachdienst's limits in code points (spec §3.11 payload schemas), so a text of emoji fits; main clips or leaves out
 * what is longer.
 */
export const trainerReplyCaps = {
  /** replies per answer (the newest): a patient in a class gets a handful */
  replies: 200,
  text: replyLimits.textV3 * 2,
  pickUpCodeHR: replyLimits.pickUpCodeHR * 2,
  pickUpCodeDMC: replyLimits.pickUpCodeDMCV3 * 2,
} as const;

/**
 * A pharmacy's reply as the patient's E-Rezept app shows it (trainer panel; the simulator's
 * `GET /_sim/communications/replies`, spec §3.11). Read from whatever the pharmacy sent: a payload that is no JSON
 * shows as text, unknown fields are left out.
 */
const trainerPatientReplySchema = z.object({
  /** Communication.id */
  id: z.string().min(1).max(128),
  /** when the pharmacy sent it (ISO instant) */
  sent: z.string().max(40),
  /** when the patient's app first read it (ISO instant); absent while unread */
  received: z.string().max(40).optional(),
  /** v1 `info_text` / v3 `text`; may be empty (e.g. a v3 pick-up code message) */
  text: z.string().max(trainerReplyCaps.text),
  pickUpCodeHR: z.string().min(1).max(trainerReplyCaps.pickUpCodeHR).optional(),
  pickUpCodeDMC: z.string().min(1).max(trainerReplyCaps.pickUpCodeDMC).optional(),
  availability: availabilitySchema.optional(),
  /** v1 `supplyOptionsType`: the way of supply the reply is about */
  supplyOption: z.enum(supplyOptions).optional(),
});
export type TrainerPatientReply = z.infer<typeof trainerPatientReplySchema>;

// ------------------------------------------------------------------------------------------------
// The article master (issue 19 item 2, docs/article-master.md): lookups in main's catalogue and the import of a
// master file. The schemas mirror the interfaces of shared/erezept/catalog/article-catalog.ts (contract.test.ts
// checks at the type level that they agree).
// ------------------------------------------------------------------------------------------------

/** Bounds of the article channels; the renderer keeps to them before it asks (api/articles/bridge-catalog.ts). */
export const articleLimits = {
  /** PZNs per `lookupArticles` call */
  lookupPzns: 200,
  searchText: 100,
  searchResults: 50,
  importFileName: 255,
  /** the import file's text in UTF-16 code units: a file of 64 MiB never has more (docs/article-master.md) */
  importTextChars: 64 * 1024 * 1024,
} as const;

/** 8 digits, as a PZN is written (spec §1.3); whether its check digit holds is the rules' business, not a lookup's. */
const pznTextSchema = z.string().regex(/^\d{8}$/);

/** A PZN main's catalogue answered with, branded for the rules (`Article.pzn`). */
const articlePznSchema = z.string().transform((text, ctx): Pzn => {
  const parsed = parsePznFormat(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: 'Die PZN hat nicht 8 Ziffern.' });
    return z.NEVER;
  }
  return parsed.data;
});

export const articleIngredientSchema = z.object({
  name: z.string(),
  strengthValue: z.number(),
  strengthUnit: z.string(),
  atc: z.string().optional(),
});

export const articleSchema = z.object({
  pzn: articlePznSchema,
  name: z.string(),
  packSize: z.string(),
  normSize: z.string().optional(),
  form: z.string(),
  ingredients: z.array(articleIngredientSchema),
  category: z.enum(['00', '01', '02', '03']),
  vaccine: z.boolean(),
  securPharm: z.boolean(),
  manufacturer: z.string().optional(),
  /** euro cents */
  prices: z
    .object({ retailCents: z.number().int().nonnegative().optional(), pharmacyPurchaseCents: z.number().int().nonnegative().optional() })
    .optional(),
});

/** Which catalogue answers: the embedded demo catalogue or an imported master (with its source, date and import). */
export const articleCatalogInfoSchema = z.object({
  kind: z.enum(['demo', 'imported']),
  articleCount: z.number().int().nonnegative(),
  source: z.string().optional(),
  asOf: z.string().optional(),
  importedAt: z.string().optional(),
  importedBy: z.string().optional(),
});

export const articleImportSummarySchema = z.object({
  articleCount: z.number().int().nonnegative(),
  source: z.string().optional(),
  asOf: z.string().optional(),
  importedAt: z.string(),
});

/** $reject/$abort need the pharmacist's explicit confirmation (A_19241/A_19242, spec §9.3). */
const confirmedByPrescription = byPrescription.extend({ confirmed: z.literal(true) });

// ------------------------------------------------------------------------------------------------
// Channels
// ------------------------------------------------------------------------------------------------

interface ChannelSchemas {
  request: z.ZodType;
  response: z.ZodType;
}

/** Keyed by exactly the names of channels.ts: a missing or an unknown channel does not compile. */
export const contract = {
  'erx:getAppInfo': { request: z.object({}), response: appInfoSchema },
  'erx:setStaff': { request: z.object({ kuerzel: z.string().max(8) }), response: appInfoSchema },
  /** what a scanner or the keyboard delivered in the scan field: 1–3 E-Rezept-Tokens (spec §2) */
  'erx:scanCode': {
    request: z.object({ text: z.string().max(4096) }),
    response: z.object({ results: z.array(scanOutcomeSchema) }),
  },
  /**
   * The inbox, newest first. `query` finds a case by patient name, KVNR (exact) or PrescriptionID (also a part
   * of it); cases after $reject/$abort are found only by PrescriptionID (A_19251).
   */
  'erx:listCases': {
    request: z.object({
      query: z.string().max(100).optional(),
      filter: caseFilterSchema.optional(),
      /**
       * at most this many (newest first, default 200): a pharmacy with 10,000 cases narrows by search and filter
       * (docs/performance.md, inbox-10k)
       */
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    /** `total` = how many cases match; `cases` = the newest `limit` of them */
    response: z.object({ cases: z.array(caseSummarySchema), total: z.number().int().nonnegative() }),
  },
  /** One case with prescription, draft, all versions sent, confirmed list, receipt and findings. */
  'erx:getCase': { request: byPrescription, response: caseDetailSchema },
  'erx:saveDraft': {
    request: byPrescription.extend({ entries: z.array(dispenseEntrySchema).max(100) }),
    response: z.object({ savedAt: z.string() }),
  },
  /**
   * $dispense with the complete list (A_26482: the Fachdienst replaces what it had). A list equal to the last
   * confirmed one is not sent again (`outcome: 'unchanged'`); a lost earlier answer is reconciled first.
   */
  'erx:submitDispense': {
    request: byPrescription.extend({ entries: z.array(dispenseEntrySchema).min(1).max(100) }),
    response: submitOutcomeSchema,
  },
  /**
   * $close; with the given list (or the draft), or without a body when the last confirmed $dispense holds
   * exactly that list (spec §3.5). Stores the receipt and locks the list (readOnly).
   */
  'erx:closeCase': {
    request: byPrescription.extend({ entries: z.array(dispenseEntrySchema).min(1).max(100).optional() }),
    response: caseDetailSchema,
  },
  /**
   * „Rezept zurückgeben“: $reject (spec §3.7). Only after the Fachdienst confirmed it, token, AccessCode,
   * Secret, QES and personal data are erased locally (A_19251); PrescriptionID, status, times and staff stay.
   */
  'erx:rejectCase': { request: confirmedByPrescription, response: caseDetailSchema },
  /**
   * „Rezept löschen“ on the patient's request: $abort (spec §3.8). Afterwards the same local erasure as for
   * $reject (A_19245); the Fachdienst answers 410 to any later call.
   */
  'erx:abortCase': { request: confirmedByPrescription, response: caseDetailSchema },
  /** „Quittung erneut abrufen“: GET Task?secret (spec §3.6) for a closed case; stores and returns it. */
  'erx:refetchReceipt': { request: byPrescription, response: caseDetailSchema },
  /**
   * „Verordnung erneut abrufen“ for a case whose Secret is missing (`secretMissing`): GET Task?ac with the
   * stored AccessCode (spec §3.3, UC 4.17); stores the Secret (and the prescription if it was missing).
   */
  'erx:recoverSecret': { request: byPrescription, response: caseDetailSchema },
  /**
   * What the patient will see in the E-Rezept app for this list — built locally, nothing is sent. Without
   * `entries` the saved draft (or the last confirmed list) is shown.
   */
  'erx:previewPatientView': {
    request: byPrescription.extend({ entries: z.array(dispenseEntrySchema).max(100).optional() }),
    response: patientViewSchema,
  },
  /** The connection indicator (spec §9.3, A_23814): state, failing hop and what to do. */
  'erx:getConnection': { request: z.object({}), response: connectionStatusSchema },
  /** The TI connection's settings (backend `ti` only; secrets only as „stored“). */
  'erx:getTiSettings': { request: z.object({}), response: tiSettingsSchema },
  /**
   * Saves them when they are valid (`saved: true`; the next call uses them, the sign-in starts afresh); otherwise
   * nothing is saved and `problems` say why, per field.
   */
  'erx:saveTiSettings': {
    request: tiSettingsInputSchema,
    response: z.object({ saved: z.boolean(), settings: tiSettingsSchema, problems: z.array(tiSettingsProblemSchema) }),
  },
  /** The SMC-Bs inserted in the Konnektor with the settings as they are (backend `ti` only). */
  'erx:listSmcbs': { request: z.object({}), response: z.array(smcbCardSchema) },
  /**
   * The open case is held by this counter: taken when free (or expired), renewed by every call — the case view calls
   * it every 20 s while open; a counter that stops calling (closed, crashed) frees the case after 60 s (§4).
   */
  'erx:holdCase': { request: byPrescription, response: caseLeaseSchema },
  /** „Übernehmen“ after the confirmation: the case moves to this counter (refused while the holder is sending). */
  'erx:takeOverCase': { request: confirmedByPrescription, response: caseLeaseSchema },
  /** The case view was left: the case is free for other counters at once. */
  'erx:releaseCase': { request: byPrescription, response: z.object({ released: z.boolean() }) },
  /** „Kasse hinzufügen“: a new one-time code (valid 15 minutes, usable once); refused without a shared store. */
  'erx:createEnrolmentCode': { request: z.object({ confirmed: z.literal(true) }), response: enrolmentCodeSchema },
  /** The eGK dialog asks every second: is a card inserted at this workplace? (GetCards CardType=EGK, spec §3.9) */
  'erx:egkPoll': { request: z.object({}), response: egkPollSchema },
  /** Reads the inserted card (ReadVSD with online check) and lists the patient's redeemable prescriptions. */
  'erx:egkLookup': { request: z.object({}), response: egkLookupSchema },
  /** Claims the ticked prescriptions of a lookup ($accept each, like a scan); the others are not claimed. */
  'erx:egkAccept': {
    request: z.object({ lookupId: z.string().max(64), prescriptionIds: z.array(prescriptionIdSchema).min(1).max(50) }),
    response: z.object({ results: z.array(scanOutcomeSchema) }),
  },
  /** The inbox „Nachrichten“ as stored (no Fachdienst call). */
  'erx:listMessages': { request: z.object({}), response: messageInboxSchema },
  /** „Einstellungen & Info“: how many days a Zuweisung never accepted is kept (1–365; default 30). */
  'erx:setMessageRetentionDays': { request: z.object({ days: z.number().int().min(1).max(365) }), response: appInfoSchema },
  /** „Apotheke & Personal“: the staff list, this counter's name and (training) the pharmacy (issue 18). */
  'erx:getPharmacySetup': { request: z.object({}), response: pharmacySetupSchema },
  /**
   * Saves the whole set-up when every rule holds (`saved: true`; every screen follows through `app-info-changed`, no
   * restart); otherwise nothing is saved and `problems` say why, per field.
   */
  'erx:savePharmacySetup': {
    request: pharmacySetupInputSchema,
    response: z.object({ saved: z.boolean(), setup: pharmacySetupSchema, problems: z.array(pharmacySetupProblemSchema) }),
  },
  /** „Aktualisieren“: fetches the unread messages from the Fachdienst now (GET /Communication, §3.11). */
  'erx:refreshMessages': { request: z.object({}), response: messageInboxSchema },
  /** „Annehmen“: claims the Zuweisung's prescription ($accept with its AccessCode, like a scan) and opens it. */
  'erx:acceptMessage': { request: z.object({ communicationId: z.string().min(1).max(128) }), response: scanOutcomeSchema },
  /** „Verwerfen“: the Zuweisung is not taken (nothing is claimed, A_23152). */
  'erx:dismissMessage': { request: z.object({ communicationId: z.string().min(1).max(128) }), response: messageInboxSchema },
  /** The messages of one prescription (A_23796) and whether a reply can be sent. */
  'erx:caseMessages': { request: byPrescription, response: caseMessagesSchema },
  /** Sends a reply to the patient (Communication_Reply); refused before sending when the text has characters the Fachdienst refuses. */
  'erx:sendReply': { request: replyInputSchema, response: caseMessagesSchema },
  /** Deletes a sent reply at the Fachdienst. */
  'erx:deleteReply': { request: z.object({ communicationId: z.string().min(1).max(128) }), response: caseMessagesSchema },
  /** The IDP's consent was shown and taken note of: it is not shown again until the IDP asks for something else. */
  'erx:acknowledgeIdpConsent': { request: z.object({ confirmed: z.literal(true) }), response: appInfoSchema },
  /** „Verbindung prüfen“: walks every hop to the Fachdienst now (never sends anything about a prescription). */
  'erx:diagnoseConnection': { request: z.object({}), response: connectionDiagnosisSchema },
  /**
   * Operations owed to the Fachdienst (pending) and the last ones the app completed or gave up on its own
   * (newest first), so the pharmacist sees what happened after a crash or an outage.
   */
  'erx:listPendingOperations': { request: z.object({}), response: z.array(pendingOperationSchema) },
  /** „Jetzt erneut versuchen“: checks the connection and runs every pending operation that is due (429 ones wait their hour). */
  'erx:resumePendingOperations': { request: z.object({}), response: z.array(pendingOperationSchema) },
  /**
   * Cancels a queued operation (offline / rate-limited) — not one whose outcome is unknown, which must be
   * reconciled first. Nothing is erased: the draft stays.
   */
  'erx:cancelPendingOperation': { request: z.object({ id: z.number().int().positive() }), response: pendingOperationSchema },
  /** „Abbrechen“ while „wird erneut versucht“: stops the automatic retries of this prescription's running call. */
  'erx:cancelRetry': { request: byPrescription, response: z.object({ cancelled: z.boolean() }) },
  /** The articles among these PZNs that main's catalogue knows (unknown ones are left out), for the editor and the rules. */
  'erx:lookupArticles': {
    request: z.object({ pzns: z.array(pznTextSchema).min(1).max(articleLimits.lookupPzns) }),
    response: z.array(articleSchema),
  },
  /** Search over trade name, substance and PZN prefix in main's catalogue (at most `limit`, default 20). */
  'erx:searchArticles': {
    request: z.object({ text: z.string().min(1).max(articleLimits.searchText), limit: z.number().int().min(1).max(articleLimits.searchResults).optional() }),
    response: z.array(articleSchema),
  },
  /** „Artikelstamm“ in the settings: which catalogue answers (demo or imported: source, date, count, import). */
  'erx:articleCatalogInfo': { request: z.object({}), response: articleCatalogInfoSchema },
  /**
   * Imports an article master file (format v1, docs/article-master.md) as the signed-in staff member: the whole
   * master is replaced, or — when the file has problems — nothing changes and the refusal names line and field.
   */
  'erx:importArticles': {
    request: z.object({ fileName: z.string().max(articleLimits.importFileName), text: z.string().max(articleLimits.importTextChars) }),
    response: articleImportSummarySchema,
  },
  /**
   * Choosing the backend is an explicit, confirmed action (architecture §2, backends). Every backend but the
   * running one is a start of its own: `ti` with `--backend ti` (refused in a training app with „Die echte TI wird
   * beim Start gewählt …“), the training backends with other options.
   */
  'erx:selectBackend': {
    request: z.object({ backend: backendKindSchema, confirmed: z.literal(true) }),
    response: appInfoSchema,
  },
  /** Trainer panel (training mode only, refused otherwise): the scenario deck. */
  'erx:trainerListScenarios': { request: z.object({}), response: z.array(scenarioSummarySchema) },
  /** Loads a scenario: resets the simulator AND the app's training store, then creates its prescriptions. */
  'erx:trainerLoadScenario': {
    request: z.object({ name: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(64) }),
    response: loadedScenarioSchema,
  },
  /** The scenario loaded last (kept across restarts), or null. */
  'erx:trainerCurrentScenario': { request: z.object({}), response: loadedScenarioSchema.nullable() },
  /** Empties the simulator and the training store (no scenario). */
  'erx:trainerReset': { request: z.object({}), response: z.object({ ok: z.literal(true) }) },
  /**
   * „Simulatorzeit vorstellen“: moves the simulator's clock (and with it the app's, training only) by an ISO
   * duration, e.g. PT1H for the hour a 429 makes an operation wait, or P30D for an expiring prescription.
   */
  'erx:trainerAdvanceClock': {
    request: z.object({ duration: z.string().regex(/^P(?=\d|T\d)(?:\d+[WD])*(?:T(?:\d+[HMS])+)?$/).max(20) }),
    response: z.object({ now: z.string() }),
  },
  /** What the patient's E-Rezept app shows for this prescription now (the insurant's read). */
  'erx:trainerPatientView': { request: byPrescription, response: insurantViewSchema },
  /**
   * What the patient's E-Rezept app received for this prescription: the pharmacies' replies (spec §3.11), oldest
   * first. Reading them is the patient's read: from then on they count as read (`received`).
   */
  'erx:trainerPatientReplies': { request: byPrescription, response: z.array(trainerPatientReplySchema).max(trainerReplyCaps.replies) },
  /**
   * „eGK des Patienten stecken“ (spec erezept-pharmacy §3.9): the simulator puts the eGK of this prescription's
   * patient into the card terminal of the app's workplace (default AP1), where „Rezepte per Gesundheitskarte“ reads
   * it. By PrescriptionID: main knows the KVNR (kept apart from the DTO, as for the patient's view). `staleCard`: the
   * card's data are outdated against the insurer's, so the Fachdienst answers 458 (hcv mismatch).
   */
  'erx:trainerInsertEgk': {
    request: byPrescription.extend({ staleCard: z.boolean().optional() }),
    response: z.object({ ok: z.literal(true) }),
  },
} as const satisfies Record<Channel, ChannelSchemas>;

export type Contract = typeof contract;

/** What the caller sends (before zod transforms, e.g. plain strings for branded ids). */
export type Req<C extends Channel> = z.input<Contract[C]['request']>;
/** What a handler receives after validation (branded ids). */
export type ParsedReq<C extends Channel> = z.output<Contract[C]['request']>;
export type Res<C extends Channel> = z.output<Contract[C]['response']>;

export type IpcResult<C extends Channel> = { ok: true; data: Res<C> } | { ok: false; error: AppError };

/** The object the preload exposes as window.erx, and the HTTP bridge implements in browser mode. */
export type ErxBridge = {
  [C in Channel as BridgeMethod<C>]: (req: Req<C>) => Promise<IpcResult<C>>;
} & {
  /** events from main (case changed …); returns the unsubscribe function */
  onEvent(listener: (event: AppEvent) => void): () => void;
};

// ------------------------------------------------------------------------------------------------
// Events from main to renderer (architecture §4: they only invalidate react-query caches)
// ------------------------------------------------------------------------------------------------

export const appEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('case-changed'), prescriptionId: z.string() }),
  z.object({ type: z.literal('cases-changed') }),
  z.object({ type: z.literal('connection'), status: connectionStatusSchema }),
  /** an automatic retry is waiting („wird erneut versucht“, docs/reliability.md) */
  z.object({ type: z.literal('retrying'), progress: retryProgressSchema }),
  /** the retries of this prescription's call ended (success, failure or cancel) */
  z.object({ type: z.literal('retry-ended'), prescriptionId: z.string() }),
  /** the list of pending operations changed (queued, done, failed, cancelled) */
  z.object({ type: z.literal('pending-changed') }),
  /** the messages changed (new Zuweisungen fetched, one accepted or dismissed, a reply sent or deleted) */
  z.object({ type: z.literal('messages-changed') }),
  /** what `getAppInfo` answers changed (backend ti: the pharmacy's name and Telematik-ID came from the SMC-B; „Apotheke & Personal“ saved) */
  z.object({ type: z.literal('app-info-changed') }),
  /** the article master changed (an import here or on another counter, docs/article-master.md): cached lookups are stale */
  z.object({ type: z.literal('articles-changed') }),
]);
export type AppEvent = z.infer<typeof appEventSchema>;
