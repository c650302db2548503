/**
 * Calls one bridge method on a GIVEN bridge (the one from BridgeProvider, so that components can be tested with
 * a fake, architecture §9.5) and unwraps its Result: the data, or a thrown BridgeError that react-query hands to
 * the screen. Nothing throws across IPC, so a failure arrives as `{ ok: false, error }`.
 */
import type { AppError, ErxBridge } from '../../../shared/ipc/contract';
import { BridgeError, type BridgeData, type BridgeMethod, type BridgeRequest } from './bridge';

export async function invoke<M extends BridgeMethod>(bridge: ErxBridge, method: M, req: BridgeRequest<M>): Promise<BridgeData<M>> {
  // A generic key loses the pairing of method and signature; the mapped ErxBridge type guarantees it.
  const fn = bridge[method] as unknown as (r: BridgeRequest<M>) => Promise<unknown>;
  let result: unknown;
  try {
    result = await fn.call(bridge, req);
  } catch (e) {
    throw new BridgeError(unexpectedAppError(e));
  }
  if (!isResult(result)) throw new BridgeError(unexpectedAppError(new Error(`invalid answer from ${method}`)));
  if (!result.ok) throw new BridgeError(result.error);
  return result.data as BridgeData<M>;
}

type LooseResult = { ok: true; data: unknown } | { ok: false; error: AppError };

function isResult(value: unknown): value is LooseResult {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  return (value.ok === true && 'data' in value) || (value.ok === false && 'error' in value);
}

/**
 * An AppError for a failure that did not come from main as a Result (main gone, a bug). Its message is
 * left empty: ErrorAlert shows the translated "unexpected error" text; the detail is for support.
 */
function unexpectedAppError(e: unknown): AppError {
  return {
    code: 'internal',
    message: '',
    detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    retry: 'never',
    system: 'app',
    at: new Date().toISOString(),
  };
}

/** The AppError behind anything a query or mutation threw. */
export function appErrorOf(e: unknown): AppError {
  return e instanceof BridgeError ? e.appError : unexpectedAppError(e);
}
