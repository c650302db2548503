/** Test support shared by main's and the integration tests (never imported by production code). */
import { AppFailure } from './errors';

/** Awaits a call that must fail with an AppFailure and returns it; anything else fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<AppFailure> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error('expected an AppFailure');
}
