import { describe, expect, it } from 'vitest';
import type { AppError, ErxBridge } from '../../../shared/ipc/contract';
import { BridgeError, createHttpBridge } from './bridge';
import { appErrorOf, invoke } from './invoke';

const KEY = 'k'.repeat(64);

const serverError: AppError = {
  code: 'fachdienst',
  message: 'Der Fachdienst hat das Rezept abgelehnt.',
  retry: 'never',
  system: 'fachdienst',
  at: '2025-03-01T10:00:00.000Z',
};

/** The HTTP bridge of browser mode over a fetch that gives one answer (or fails). */
const httpBridge = (answer: Response | Error): ErxBridge =>
  createHttpBridge({ key: KEY, fetch: async () => (answer instanceof Error ? Promise.reject(answer) : answer) });

const json = (body: unknown): Response => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

/** What `invoke` threw, as the BridgeError react-query hands to the screens. */
async function failureOf(call: Promise<unknown>): Promise<BridgeError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BridgeError);
  return error as BridgeError;
}

describe('invoke', () => {
  it('unwraps the data of a successful call', async () => {
    await expect(invoke(httpBridge(json({ ok: true, data: { cases: [], total: 0 } })), 'listCases', {})).resolves.toEqual({ cases: [], total: 0 });
  });

  it('throws a BridgeError carrying main’s AppError and its German message', async () => {
    const error = await failureOf(invoke(httpBridge(json({ ok: false, error: serverError })), 'getAppInfo', {}));
    expect(error.appError).toEqual(serverError);
    expect(error.message).toBe(serverError.message);
    expect(appErrorOf(error)).toEqual(serverError);
  });

  it('turns an unreachable app (browser mode) into a BridgeError naming the network', async () => {
    const error = await failureOf(invoke(httpBridge(new TypeError('Failed to fetch')), 'getAppInfo', {}));
    expect(error.appError).toMatchObject({ code: 'network', system: 'network', retry: 'backoff' });
  });

  it('turns a rejected Electron invoke into a BridgeError for support, with the translated "unexpected" text to show', async () => {
    const electron = { getAppInfo: () => Promise.reject(new Error('main gone')) } as unknown as ErxBridge;
    const error = await failureOf(invoke(electron, 'getAppInfo', {}));
    expect(error.appError).toMatchObject({ code: 'internal', system: 'app', retry: 'never', message: '', detail: 'Error: main gone' });
  });

  it('refuses an answer that is no Result', async () => {
    const odd = { getAppInfo: () => Promise.resolve({ hello: 'world' }) } as unknown as ErxBridge;
    const error = await failureOf(invoke(odd, 'getAppInfo', {}));
    expect(error.appError).toMatchObject({ code: 'internal', system: 'app', detail: 'Error: invalid answer from getAppInfo' });
  });

  it('gives anything else that failed an AppError too', () => {
    expect(appErrorOf(new RangeError('bad index'))).toMatchObject({ code: 'internal', system: 'app', detail: 'RangeError: bad index' });
  });
});
