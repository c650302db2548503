/**
 * When the app repeats a failed Fachdienst call on its own, and how long it waits (spec §8; api-erp status
 * codes, referenced normatively by A_25460; A_20884 exponential backoff). Pure: no clock, no timers.
 *
 * - The reads ($accept's recovery GET ?ac, GET ?secret): repeated with exponential backoff after 408, 500, 503,
 *   504, 507, 509, 512 and timeouts, at most 10 calls.
 * - $dispense: repeated for those too, with the same backoff and at most 10 calls of $dispense — but only after
 *   a GET ?secret showed that the failed one did not arrive (docs/reliability.md: every $dispense notifies the
 *   patient, and a timeout or a 5xx does not tell whether the list was stored). The read is the caller's
 *   (`beforeRepeat`, retrying-fachdienst.ts); without it $dispense is not repeated.
 * - 429: no sooner than one hour — not at the counter; the workflow queues the operation.
 * - 502/506 only with a client failover (we have none), every other 4xx/5xx, and no connection at all: never
 *   repeated blindly. Whether a $dispense without a proving answer arrived is then reconciled by the workflow.
 */
import type { FachdienstOperation } from '../../shared/fhir/operation-outcome';
import type { AppError, RetryProgress } from '../../shared/ipc/contract';

export interface RetryPolicy {
  /** calls in total, the first one included */
  maxAttempts: number;
  /** the wait after the first failure, before jitter */
  baseMs: number;
  /** no wait is longer than this */
  maxDelayMs: number;
}

/** A_25460 via the api-erp status code table: "max 10". */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseMs: 1000, maxDelayMs: 60_000 };

/** 429: try again no sooner than one hour later (spec §8); the FD sends no Retry-After. */
export const RATE_LIMIT_DELAY_MS = 3_600_000;

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 500, 503, 504, 507, 509, 512]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * The operations the retry loop may repeat: the two reads as they are, $dispense after a read (below; it
 * replaces the whole list, A_26482, so a repeat cannot duplicate entries — but it notifies the patient again).
 * $accept and $close with an unknown outcome are reconciled by the workflow (GET ?ac / GET ?secret, spec §3.3,
 * §3.6) and $reject/$abort need the user's confirmation (spec §9.3) — never automatic. Nor are the message calls
 * (spec §3.11): POST /Communication is not idempotent (a repeat after a timeout or 5xx may reach the patient twice),
 * so its unknown outcome is reconciled through GET /Communication; the list waits for the next refresh (api-erp: not
 * for polling) and a deletion is the pharmacist's action.
 */
const PLAIN_RETRY_OPERATIONS: ReadonlySet<FachdienstOperation> = new Set(['dispense', 'getBySecret', 'getByAc']);

/** Repeated only after a read showed the failed call did not arrive (GET ?secret → lastMedicationDispense). */
const READ_BEFORE_REPEAT: ReadonlySet<FachdienstOperation> = new Set(['dispense']);

export function mustReadBeforeRepeat(operation: FachdienstOperation): boolean {
  return READ_BEFORE_REPEAT.has(operation);
}

/** the operations RetryProgress can report (shared/ipc/contract.ts) */
export type RetryableOperation = RetryProgress['operation'];

export function isPlainRetryOperation(operation: FachdienstOperation): operation is RetryableOperation {
  return PLAIN_RETRY_OPERATIONS.has(operation);
}

/**
 * True when the failure may be repeated with backoff: an answer with a status of the list, or a timeout (the
 * Fachdienst or the way there is slow, not gone). For $dispense this holds only together with the read that
 * must come first (mustReadBeforeRepeat). A `network` error without an answer (connection refused, no route,
 * cut) is not: while offline, ten tries only make the pharmacist wait — the connection monitor notices the
 * outage and the outage queue completes the operation later (A_23815).
 */
export function shouldRetryAutomatically(operation: FachdienstOperation, error: AppError): boolean {
  if (!isPlainRetryOperation(operation)) return false;
  if (error.httpStatus !== undefined) return isRetryableStatus(error.httpStatus);
  return error.code === 'timeout';
}

/**
 * The wait after the n-th failed call (n ≥ 1), "equal jitter" (A_20884 asks for exponential backoff):
 *
 *   exp   = min(maxDelayMs, baseMs · 2^(n−1))
 *   delay = exp/2 + random() · exp/2          → always within [exp/2, exp]
 *
 * Half of the wait is fixed, so the waits still grow; the random half spreads the pharmacies' retries after
 * a Fachdienst outage so they do not all arrive in the same second.
 */
export function backoffDelayMs(failedAttempt: number, policy: RetryPolicy, random: () => number): number {
  if (policy.baseMs <= 0 || policy.maxDelayMs <= 0) return 0;
  // 2^52 is far beyond any cap; limiting the exponent keeps the product finite.
  const exponent = Math.min(Math.max(Math.floor(failedAttempt), 1) - 1, 52);
  const exp = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** exponent);
  const half = exp / 2;
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.min(exp, Math.round(half + jitter * half));
}

/** A short German cause for „wird erneut versucht“ (RetryProgress.cause); the status goes to RetryProgress.httpStatus. */
export function retryCause(error: AppError): string {
  const fd = 'Der E-Rezept-Fachdienst';
  switch (error.httpStatus) {
    case undefined:
      return error.code === 'timeout' ? `${fd} hat nicht rechtzeitig geantwortet.` : `${fd} ist nicht erreichbar.`;
    case 408:
      return `${fd} hat die Anfrage wegen Zeitüberschreitung abgebrochen.`;
    case 500:
      return `${fd} meldet einen internen Fehler.`;
    case 503:
      return `${fd} ist vorübergehend nicht verfügbar.`;
    case 504:
      return `${fd} ist über das Netz gerade nicht rechtzeitig erreichbar.`;
    case 507:
    case 509:
      return `${fd} ist gerade überlastet.`;
    default:
      return `${fd} ist gerade gestört.`;
  }
}
