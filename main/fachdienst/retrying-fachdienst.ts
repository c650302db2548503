/**
 * A FachdienstApi that repeats failed calls with backoff where the policy allows it (spec §8, A_25460, A_20884;
 * rules in retry-policy.ts), tells the UI while it waits („wird erneut versucht – Versuch n von m“,
 * spec §9.3: recover automatically, A_23814–A_23818) and lets the user cancel the wait.
 *
 * - GET ?secret and GET ?ac: repeated after 408, 500, 503, 504, 507, 509, 512 and timeouts.
 * - $dispense: for the same failures, but never blindly (docs/reliability.md, a timeout or 5xx does not prove
 *   the outcome): after the backoff wait and before each repeat the caller's `beforeRepeat` reads GET ?secret —
 *   `repeat` (it did not arrive) sends the same list again, `arrived` ends the loop as a success without a second
 *   call, `unknown` (the read failed) ends it with the last failure. Without `beforeRepeat` a $dispense is not
 *   repeated at all. At most `maxAttempts` calls of $dispense in total.
 * - 429 waits an hour (the workflow queues it); 502/506, every other 4xx/5xx and "no connection": no repeat.
 * - $accept, $close, $reject and $abort pass straight through: an unknown $accept/$close outcome is reconciled
 *   by the workflow, $reject/$abort need the user's confirmation.
 * - The message calls (spec §3.11) pass straight through as well — see each method for why.
 */
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import type { RetryProgress } from '../../shared/ipc/contract';
import { AppFailure } from '../errors';
import type { CommunicationQuery, DispenseOptions, DispenseRepeatCheck, EgkPresenceProof, FachdienstApi } from './client';
import {
  backoffDelayMs,
  mustReadBeforeRepeat,
  retryCause,
  shouldRetryAutomatically,
  type RetryableOperation,
  type RetryPolicy,
} from './retry-policy';
import type { CommunicationSubscription } from './subscription-answer';

export interface RetryingFachdienstOptions {
  inner: FachdienstApi;
  /** read at the start of every call, so a changed setting applies to the next call */
  policy: () => RetryPolicy;
  now: () => Date;
  random?: () => number;
  /** resolves after `ms`, or early when `signal` aborts (default: a timer) */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onProgress?: (progress: RetryProgress) => void;
  /** once per call that reported progress, when it ends (success, failure or cancel) */
  onEnded?: (id: PrescriptionId) => void;
}

export const CANCELLED_PREFIX = 'Die automatischen Wiederholungen wurden abgebrochen. ';

export class RetryingFachdienst implements FachdienstApi {
  /** the cancel handles of the calls running per prescription */
  private readonly running = new Map<PrescriptionId, Set<AbortController>>();

  constructor(private readonly options: RetryingFachdienstOptions) {}

  accept(id: PrescriptionId, accessCode: AccessCode): Promise<unknown> {
    return this.options.inner.accept(id, accessCode);
  }

  dispense(id: PrescriptionId, secret: Secret, parameters: FhirResourceJson, options: DispenseOptions = {}): Promise<void> {
    const { beforeRepeat } = options;
    return this.withRetry(
      id,
      'dispense',
      () => this.options.inner.dispense(id, secret, parameters),
      beforeRepeat && (async (): Promise<RepeatDecision<void>> => {
        const check: DispenseRepeatCheck = await beforeRepeat();
        return check === 'arrived' ? { arrived: undefined } : check;
      }),
    );
  }

  close(id: PrescriptionId, secret: Secret, parameters?: FhirResourceJson): Promise<unknown> {
    return this.options.inner.close(id, secret, parameters);
  }

  getBySecret(id: PrescriptionId, secret: Secret): Promise<unknown> {
    return this.withRetry(id, 'getBySecret', () => this.options.inner.getBySecret(id, secret));
  }

  getByAccessCode(id: PrescriptionId, accessCode: AccessCode): Promise<unknown> {
    return this.withRetry(id, 'getByAc', () => this.options.inner.getByAccessCode(id, accessCode));
  }

  reject(id: PrescriptionId, secret: Secret): Promise<void> {
    return this.options.inner.reject(id, secret);
  }

  abort(id: PrescriptionId, secret: Secret): Promise<void> {
    return this.options.inner.abort(id, secret);
  }

  /**
   * Not repeated automatically: the proof of presence is short-lived and a mismatch counts towards the day's lock
   * (423, spec §3.9) — the pharmacist reads the card again instead.
   */
  async listByEgk(proof: EgkPresenceProof, page?: string): Promise<{ status: number; body: unknown }> {
    if (!this.options.inner.listByEgk) throw new Error('Der Fachdienst-Zugang kann keine Rezepte per Gesundheitskarte abrufen');
    return this.options.inner.listByEgk(proof, page);
  }

  /**
   * Not repeated automatically: GET /Communication is not meant for polling (api-erp: only when the user acts or
   * refreshes), so a failed list is simply asked again at the next refresh instead of ten times in a row.
   */
  async listCommunications(query?: CommunicationQuery): Promise<{ status: number; body: unknown }> {
    if (!this.options.inner.listCommunications) throw new Error('Der Fachdienst-Zugang kann keine Nachrichten abrufen');
    return this.options.inner.listCommunications(query);
  }

  /**
   * Never repeated automatically: POST /Communication is not idempotent — a second call after a timeout or a 5xx
   * (which do not prove the message was not stored) would reach the patient twice, and every message notifies the
   * patient's app. The outcome is reconciled instead (retry class `reconcile`: GET /Communication lists this
   * pharmacy's replies), spec §8, §3.11.
   */
  async sendCommunication(resource: FhirResourceJson): Promise<{ id: string; body: unknown }> {
    if (!this.options.inner.sendCommunication) throw new Error('Der Fachdienst-Zugang kann keine Nachrichten senden');
    return this.options.inner.sendCommunication(resource);
  }

  /**
   * Not repeated automatically: deleting is the pharmacist's action and its answer says what happened; a repeat after
   * a lost answer would be harmless (404 at worst) but is left to the pharmacist, who sees the failure.
   */
  async deleteCommunication(id: string): Promise<void> {
    if (!this.options.inner.deleteCommunication) throw new Error('Der Fachdienst-Zugang kann keine Nachrichten löschen');
    return this.options.inner.deleteCommunication(id);
  }

  /**
   * Not repeated here: the subscription listener (main/services/messages-subscription.ts) has its own backoff, and
   * polling goes on meanwhile, so nothing waits for this call.
   */
  async subscribeCommunications(telematikId: string): Promise<CommunicationSubscription> {
    if (!this.options.inner.subscribeCommunications) throw new Error('Der Fachdienst-Zugang kann sich nicht für Benachrichtigungen anmelden');
    return this.options.inner.subscribeCommunications(telematikId);
  }

  clockOffsetMs(): number | undefined {
    return this.options.inner.clockOffsetMs?.();
  }

  /**
   * Stops the automatic retries of the calls running for this prescription („Abbrechen“). A call in its wait
   * ends at once; a call on the wire is not torn down (its answer may still arrive and is kept) but is not
   * repeated. True if such a call was running.
   */
  cancel(id: PrescriptionId): boolean {
    const controllers = this.running.get(id);
    if (!controllers || controllers.size === 0) return false;
    for (const controller of controllers) controller.abort();
    return true;
  }

  /**
   * The loop. `beforeRepeat` runs after the backoff wait and before each repeat (an operation that must be read
   * first is not repeated without it); `arrived` ends the loop with that value, `unknown` with the last failure.
   */
  private async withRetry<T>(
    id: PrescriptionId,
    operation: RetryableOperation,
    call: () => Promise<T>,
    beforeRepeat?: () => Promise<RepeatDecision<T>>,
  ): Promise<T> {
    const policy = this.options.policy();
    const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
    const controller = new AbortController();
    this.register(id, controller);
    let reported = false;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await call();
        } catch (e) {
          if (!(e instanceof AppFailure) || !shouldRetryAutomatically(operation, e.appError)) throw e;
          if (controller.signal.aborted) throw cancelledFailure(e, this.options.now());
          if (attempt >= maxAttempts) throw e;
          if (mustReadBeforeRepeat(operation) && !beforeRepeat) throw e;
          const delay = backoffDelayMs(attempt, policy, this.options.random ?? Math.random);
          reported = true;
          this.notify(() =>
            this.options.onProgress?.({
              prescriptionId: id,
              operation,
              attempt,
              maxAttempts,
              nextAttemptAt: new Date(this.options.now().getTime() + delay).toISOString(),
              cause: retryCause(e.appError),
              ...(e.appError.httpStatus !== undefined ? { httpStatus: e.appError.httpStatus } : {}),
            }),
          );
          await this.wait(delay, controller.signal);
          if (controller.signal.aborted) throw cancelledFailure(e, this.options.now());
          if (beforeRepeat) {
            const decision = await askBeforeRepeat(beforeRepeat);
            // What the read found is a fact, even when the user cancelled meanwhile.
            if (typeof decision === 'object') return decision.arrived;
            if (controller.signal.aborted) throw cancelledFailure(e, this.options.now());
            if (decision === 'unknown') throw e;
          }
        }
      }
    } finally {
      this.unregister(id, controller);
      if (reported) this.notify(() => this.options.onEnded?.(id));
    }
  }

  private async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    try {
      await (this.options.sleep ?? abortableSleep)(ms, signal);
    } catch (e) {
      // A sleep that rejects on abort is fine: the caller turns the abort into the cancelled error.
      if (!signal.aborted) throw e;
    }
  }

  /** A broken progress display must not break the Fachdienst call it reports on. */
  private notify(report: () => void): void {
    try {
      report();
    } catch {
      // ignored on purpose
    }
  }

  private register(id: PrescriptionId, controller: AbortController): void {
    const set = this.running.get(id) ?? new Set<AbortController>();
    set.add(controller);
    this.running.set(id, set);
  }

  private unregister(id: PrescriptionId, controller: AbortController): void {
    const set = this.running.get(id);
    set?.delete(controller);
    if (set?.size === 0) this.running.delete(id);
  }
}

/** What the read before a repeat decided; `arrived` carries the call's result. */
type RepeatDecision<T> = 'repeat' | 'unknown' | { arrived: T };

/** A read that throws instead of answering `unknown` still ends the loop as "outcome unknown", not as its own error. */
async function askBeforeRepeat<T>(beforeRepeat: () => Promise<RepeatDecision<T>>): Promise<RepeatDecision<T>> {
  try {
    return await beforeRepeat();
  } catch {
    return 'unknown';
  }
}

/**
 * The last failure with code `cancelled`: system, retry class and HTTP status stay, because the workflow reads
 * them (a timed-out $dispense stays "outcome unknown" and is reconciled, A_26482).
 */
function cancelledFailure(last: AppFailure, now: Date): AppFailure {
  return new AppFailure({
    ...last.appError,
    code: 'cancelled',
    message: CANCELLED_PREFIX + last.appError.message,
    at: now.toISOString(),
  });
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
