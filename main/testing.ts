/** Test support shared by main's and the integration tests (never imported by production code). */
import { AppFailure } from './errors';

/** Awaits a call that must fail with an AppFailure and returns it; anything else fails the test. */
export function failureOf(promise: Promise<unknown>): Promise<AppFailure> {
  return rejectionOf(promise, AppFailure);
}

/** Awaits a call that must fail with an error of `type` (e.g. a `TiError`) and returns it; anything else fails the test. */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}`);
}
