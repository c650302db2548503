/**
 * The app in-process (createCore, the same handler table the renderer calls) against a simulator that runs as
 * an external backend on a free loopback port, so faults are armed over HTTP exactly as QA would arm them.
 * Network settings in milliseconds (timeout and backoff base are settings).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { DispenseEntry } from '../../../shared/erezept/dispense-entry';
import type { CaseDetail } from '../../../shared/ipc/contract';
import { createCore, type Core } from '../../../main/core';
import type { HandlerTable } from '../../../main/ipc/types';
import type { NetworkSettings } from '../../../main/services/settings';
import { startSimulatorServer, type SimulatorHandle } from '../../../main/simulator/server';
import { handlerView, prescriptionIdOf, type AppView } from './consistency';
import { FachdienstSide, type CreatedPrescription } from './fachdienst-side';
import { RequestLog } from './request-log';

/** Short enough that every cell stays far below 5 s; the backoff waits 5–20 ms. */
export const FAST_NETWORK: NetworkSettings = {
  requestTimeoutMs: 300,
  retryBaseMs: 5,
  retryMaxDelayMs: 20,
  maxAttempts: 4,
  probeIntervalMs: 100,
};

export interface TestSimulator {
  handle: SimulatorHandle;
  fd: FachdienstSide;
  requests: RequestLog;
}

export async function startTestSimulator(): Promise<TestSimulator> {
  const requests = new RequestLog();
  const handle = await startSimulatorServer({ port: 0, log: requests.record });
  return { handle, fd: new FachdienstSide(handle.url), requests };
}

export interface TestApp {
  core: Core;
  handlers: HandlerTable;
  view: AppView;
  dataDir: string;
  close(): Promise<void>;
}

/** `fetch`: the app's HTTP client (e.g. one that shows the app a different simulator time). */
export async function startTestApp(simulatorUrl: string, network: Partial<NetworkSettings> = FAST_NETWORK, options: { fetch?: typeof fetch } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'erx-faults-'));
  try {
    const core = await createCore({ dataDir, fachdienstUrl: simulatorUrl, network, seedDemoPrescriptions: false, fetch: options.fetch });
    await core.handlers['erx:setStaff']({ kuerzel: 'AB' });
    return {
      core,
      handlers: core.handlers,
      view: handlerView(core.handlers),
      dataDir,
      close: async () => {
        await core.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/** Scans the prescription's token (spec §2) — the pharmacist's "Rezept abrufen". */
export async function scan(handlers: HandlerTable, prescription: CreatedPrescription) {
  const { results } = await handlers['erx:scanCode']({ text: prescription.token });
  expect(results).toHaveLength(1);
  return results[0]!;
}

/** The draft the app made from the prescription, with a batch (the pre-flight wants one for securPharm packs, A_21105-02). */
export function listWithBatch(detail: CaseDetail, lot: string): DispenseEntry[] {
  expect(detail.draft, 'the accepted case has a draft').not.toBeNull();
  return detail.draft!.map((entry) => ({ ...entry, batch: { lot, expiry: '2029-12-31' } }));
}

/** A fresh prescription, accepted without faults; returns it with the list to send. */
export async function acceptedPrescription(app: TestApp, fd: FachdienstSide, lot: string): Promise<{ prescription: CreatedPrescription; list: DispenseEntry[] }> {
  const prescription = await fd.createPrescription();
  const outcome = await scan(app.handlers, prescription);
  expect(outcome).toMatchObject({ ok: true, outcome: 'accepted' });
  const detail = await app.handlers['erx:getCase']({ prescriptionId: prescriptionIdOf(prescription.taskId) });
  return { prescription, list: listWithBatch(detail, lot) };
}

/** The AppError of a rejected handler call (handlers throw AppFailure, whose `appError` crosses IPC). */
export async function appErrorOf(call: Promise<unknown>): Promise<{ code: string; message: string; httpStatus?: number; retry: string }> {
  try {
    await call;
  } catch (e) {
    const appError = (e as { appError?: { code: string; message: string; httpStatus?: number; retry: string } }).appError;
    if (appError) return appError;
    throw e;
  }
  throw new Error('expected the call to fail');
}
