/**
 * When an answer does not prove what the Fachdienst did (the decision table of
 * docs/reliability.md): no answer at all (timeout, a cut connection) or any 5xx — a 502/504 may come from a
 * gateway in front of the Fachdienst, and even the Fachdienst's own 500 can follow a commit. Such an outcome is
 * reconciled with a read before the pharmacist is told anything final:
 *
 * | operation  | read          | done                                  | not done                         | read fails |
 * |------------|---------------|---------------------------------------|----------------------------------|------------|
 * | $accept    | GET ?ac       | 200: ours — store the Secret          | 412: one new $accept (409 = another pharmacy) | owed |
 * | $dispense  | GET ?secret   | lastMedicationDispense ≥ the attempt  | older/absent: resend the list    | owed       |
 * | $close     | GET ?secret   | completed: store the receipt          | in-progress: $close again        | owed       |
 * | $reject    | GET ?secret   | 403: the Secret is void — erase       | 200 in-progress: ask the pharmacist | owed    |
 * | $abort     | GET ?secret   | 410: deleted — erase                  | 200 in-progress: ask the pharmacist | owed    |
 *
 * An answer that proves the outcome — 2xx, 4xx (incl. 429: not done, wait an hour, spec §8) — is taken as it is.
 * Personal data are erased only once the outcome is known (A_19251).
 */
import type { AppError } from '../../shared/ipc/contract';

export function outcomeUnknown(error: AppError): boolean {
  if (error.httpStatus !== undefined) return error.httpStatus >= 500 && error.httpStatus <= 599;
  // no answer: a timeout or a cut connection (also when the pharmacist cancelled the waiting retries)
  return error.system === 'network';
}

/** A read made for a reconciliation could not tell: no answer, a 5xx, or 429 — ask again later. */
export function readInconclusive(error: AppError): boolean {
  return outcomeUnknown(error) || error.httpStatus === 429;
}
