/**
 * A fake bridge for component tests (architecture §9.5: inject, never mock modules): an in-memory case
 * store with main's answers in the contract's shapes. Every method is a vi.fn, so tests can assert the
 * requests and replace single answers with mockResolvedValueOnce.
 */
import { vi } from 'vitest';
import type { AppEvent, AppInfo, CaseDetail, ErxBridge, ScanOutcome } from '../../../shared/ipc/contract';
import { appInfo as makeAppInfo, receipt } from './fixtures';

export interface FakeBridgeOptions {
  appInfo?: AppInfo;
  cases?: CaseDetail[];
  /** what scanCode answers (default: every case in the store, as freshly accepted) */
  scanResults?: ScanOutcome[];
  /** the Fachdienst's time for $dispense/$close answers */
  now?: string;
}

export function createFakeBridge(options: FakeBridgeOptions = {}) {
  let info = options.appInfo ?? makeAppInfo();
  const now = options.now ?? '2026-10-05T08:30:00.000Z';
  const cases = new Map((options.cases ?? []).map((c) => [c.prescriptionId, c]));
  const listeners = new Set<(event: AppEvent) => void>();

  const notFound = (id: string) => ({
    ok: false as const,
    error: { code: 'not-found', message: `Kein Fall zu ${id}.`, retry: 'never' as const, system: 'app' as const, at: now },
  });

  const update = (id: string, change: Partial<CaseDetail>) => {
    const current = cases.get(id)!;
    const next = { ...current, ...change };
    cases.set(id, next);
    return next;
  };

  const bridge = {
    getAppInfo: vi.fn(async () => ({ ok: true as const, data: info })),
    setStaff: vi.fn(async ({ kuerzel }: { kuerzel: string }) => {
      info = { ...info, staff: info.staffList.find((s) => s.kuerzel === kuerzel) ?? null };
      return { ok: true as const, data: info };
    }),
    scanCode: vi.fn(async () => ({
      ok: true as const,
      data: {
        results:
          options.scanResults ??
          [...cases.values()].map((c): ScanOutcome => ({ ok: true, prescriptionId: c.prescriptionId, outcome: 'accepted', case: c })),
      },
    })),
    listCases: vi.fn(async () => ({ ok: true as const, data: [...cases.values()] })),
    getCase: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) => {
      const found = cases.get(prescriptionId);
      return found ? { ok: true as const, data: found } : notFound(prescriptionId);
    }),
    saveDraft: vi.fn(async ({ prescriptionId, entries }: { prescriptionId: string; entries: unknown }) => {
      if (!cases.has(prescriptionId)) return notFound(prescriptionId);
      update(prescriptionId, { draft: entries as CaseDetail['draft'] });
      return { ok: true as const, data: { savedAt: now } };
    }),
    submitDispense: vi.fn(async ({ prescriptionId, entries }: { prescriptionId: string; entries: unknown }) => {
      if (!cases.has(prescriptionId)) return notFound(prescriptionId);
      const data = update(prescriptionId, {
        status: 'dispensed',
        lastDispenseAt: now,
        draft: entries as CaseDetail['draft'],
      });
      return { ok: true as const, data };
    }),
    closeCase: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) => {
      if (!cases.has(prescriptionId)) return notFound(prescriptionId);
      const data = update(prescriptionId, {
        status: 'closed',
        closedAt: now,
        receipt: receipt(prescriptionId, { staff: info.staff?.kuerzel ?? '' }),
      });
      return { ok: true as const, data };
    }),
    onEvent: vi.fn((listener: (event: AppEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
  };

  return {
    // The vi.fn signatures are narrower than the contract's request types; the shapes are the contract's.
    bridge: bridge as unknown as ErxBridge,
    calls: bridge,
    emit: (event: AppEvent) => listeners.forEach((l) => l(event)),
    caseOf: (id: string) => cases.get(id),
  };
}
