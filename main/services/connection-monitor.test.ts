import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '../../shared/ipc/contract';
import type { TransportOutcome } from '../fachdienst/observed-transport';
import { TransportError } from '../fachdienst/transport';
import { ConnectionMonitor, type ConnectionMonitorOptions } from './connection-monitor';
import { HopFailure } from '../errors';

const answer = (status: number, hop: 'idp' | 'fachdienst' = 'fachdienst'): TransportOutcome => ({ hop, kind: 'answer', status });
const noAnswer = (cause: 'timeout' | 'network', technical: string, hop: 'idp' | 'fachdienst' = 'fachdienst'): TransportOutcome => ({
  hop,
  kind: 'no-answer',
  cause,
  technical,
});

function setup(overrides: Partial<ConnectionMonitorOptions> = {}) {
  const changes: ConnectionStatus[] = [];
  let restored = 0;
  let pending = 0;
  let interval = 1000;
  const probe = vi.fn(async (): Promise<void> => {
    throw new Error('still down');
  });
  const monitor = new ConnectionMonitor({
    now: () => new Date(),
    probe,
    probeIntervalMs: () => interval,
    pendingCount: () => pending,
    onChange: (s) => changes.push(s),
    onRestored: () => restored++,
    ...overrides,
  });
  return {
    monitor,
    probe,
    changes,
    restored: () => restored,
    setPending: (n: number) => (pending = n),
    setInterval: (ms: number) => (interval = ms),
  };
}

describe('ConnectionMonitor: the connection indicator and its probes (A_23814–A_23816)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-10-05T08:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts unknown and reads the pending count every time a status is produced', () => {
    const s = setup();
    expect(s.monitor.status()).toMatchObject({ state: 'unknown', since: '2026-10-05T08:00:00.000Z', pendingCount: 0 });
    s.setPending(3);
    expect(s.monitor.status().pendingCount).toBe(3);
    s.monitor.record(noAnswer('network', 'ECONNREFUSED'));
    expect(s.changes[0]?.pendingCount).toBe(3);
  });

  it('any answer below 500 means online; it is announced once, not on every call', () => {
    const s = setup();
    s.monitor.record(answer(200));
    s.monitor.record(answer(204));
    s.monitor.record(answer(409));
    s.monitor.record(answer(429));
    expect(s.changes.map((c) => c.state)).toEqual(['online']);
    expect(s.monitor.status().failedHop).toBeUndefined();
    expect(s.restored()).toBe(0); // unknown → online is no restoration
  });

  it('no answer from the Fachdienst: offline, the network hop, and what to do', () => {
    const s = setup();
    s.monitor.record(answer(200));
    vi.advanceTimersByTime(5000);
    s.monitor.record(noAnswer('network', 'ECONNREFUSED'));
    const status = s.monitor.status();
    expect(status).toMatchObject({ state: 'offline', failedHop: 'network', since: '2026-10-05T08:00:05.000Z' });
    expect(status.message).toContain('Keine Verbindung zum E-Rezept-Fachdienst. Bitte Netzwerk und TI-Zugang (Konnektor/Router) prüfen.');
    expect(status.message).toContain('Entwürfe bleiben gespeichert; ausstehende Vorgänge werden automatisch nachgeholt');
    expect(status.detail).toContain('ECONNREFUSED');
  });

  it('names a timeout as such', () => {
    const s = setup();
    s.monitor.record(noAnswer('timeout', 'nach 15000 ms abgebrochen'));
    expect(s.monitor.status()).toMatchObject({ state: 'offline', failedHop: 'network' });
    expect(s.monitor.status().message).toContain('antwortet nicht (Zeitüberschreitung)');
    expect(s.monitor.status().detail).toContain('nach 15000 ms abgebrochen');
  });

  it('a 5xx from the Fachdienst: degraded on the fachdienst hop; another 5xx changes the detail, not the state', () => {
    const s = setup();
    s.monitor.record(answer(503));
    s.monitor.record(answer(500));
    expect(s.changes).toHaveLength(1);
    expect(s.changes[0]).toMatchObject({ state: 'degraded', failedHop: 'fachdienst', detail: 'Fachdienst: HTTP 503' });
    expect(s.changes[0]?.message).toContain('Der E-Rezept-Fachdienst ist gestört.');
    expect(s.changes[0]?.message).not.toContain('HTTP');
    expect(s.monitor.status().detail).toBe('Fachdienst: HTTP 500');
  });

  it('the sign-in is its own hop: no answer → offline/idp, 5xx → degraded/idp', () => {
    const s = setup();
    s.monitor.record(noAnswer('network', 'ENOTFOUND', 'idp'));
    expect(s.monitor.status()).toMatchObject({ state: 'offline', failedHop: 'idp' });
    expect(s.monitor.status().message).toContain('Anmeldedienst (IDP)');
    s.monitor.record(answer(502, 'idp'));
    expect(s.monitor.status()).toMatchObject({ state: 'degraded', failedHop: 'idp', detail: 'IDP: HTTP 502' });
    expect(s.changes.map((c) => `${c.state}/${c.failedHop}`)).toEqual(['offline/idp', 'degraded/idp']);
  });

  it('a working sign-in does not hide a broken Fachdienst, but ends a sign-in failure', () => {
    const s = setup();
    s.monitor.record(answer(503));
    s.monitor.record(answer(200, 'idp'));
    expect(s.monitor.status().state).toBe('degraded');
    s.monitor.record(noAnswer('timeout', 'nach 20 ms abgebrochen', 'idp'));
    s.monitor.record(answer(200, 'idp'));
    expect(s.monitor.status().state).toBe('online');
    expect(s.restored()).toBe(1);
  });

  it('probes at the interval while offline and stops once online; restoration is announced once', async () => {
    const s = setup();
    s.monitor.record(answer(200));
    s.monitor.record(noAnswer('network', 'ECONNREFUSED'));
    expect(s.probe).not.toHaveBeenCalled();

    s.setInterval(3000); // a changed setting applies to the next probe; the one already due stays
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.probe).toHaveBeenCalledTimes(2);

    s.probe.mockImplementation(async () => undefined);
    await vi.advanceTimersByTimeAsync(3000);
    expect(s.probe).toHaveBeenCalledTimes(3);
    expect(s.monitor.status().state).toBe('online');
    expect(s.restored()).toBe(1);
    expect(s.changes.map((c) => c.state)).toEqual(['online', 'offline', 'online']);

    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.probe).toHaveBeenCalledTimes(3);
    s.monitor.record(answer(200));
    expect(s.restored()).toBe(1);

    // a second outage is a second restoration
    s.monitor.record(answer(503));
    s.monitor.record(answer(200));
    expect(s.restored()).toBe(2);
  });

  it('a probe whose call reaches the Fachdienst again restores the connection through record()', async () => {
    const s = setup();
    s.probe.mockImplementation(async () => {
      s.monitor.record(answer(200));
    });
    s.monitor.record(answer(504));
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.monitor.status().state).toBe('online');
    expect(s.restored()).toBe(1);
  });

  it('check() probes now and returns the resulting status', async () => {
    const s = setup();
    s.probe.mockImplementation(async () => {
      s.monitor.record(noAnswer('network', 'EHOSTUNREACH'));
      throw new Error('no answer');
    });
    const status = await s.monitor.check();
    expect(status).toMatchObject({ state: 'offline', failedHop: 'network', lastCheckedAt: '2026-10-05T08:00:00.000Z' });

    s.probe.mockImplementation(async () => undefined);
    vi.advanceTimersByTime(200);
    expect(await s.monitor.check()).toMatchObject({ state: 'online', lastCheckedAt: '2026-10-05T08:00:00.200Z' });
    expect(s.restored()).toBe(1);
  });

  it('a probe that bypassed the observer still reports its own TransportError', async () => {
    const s = setup();
    s.probe.mockImplementation(async () => {
      throw new TransportError('network', 'ECONNREFUSED');
    });
    expect(await s.monitor.check()).toMatchObject({ state: 'offline', failedHop: 'network' });
  });

  it('stop() clears the probe timer', async () => {
    const s = setup();
    s.monitor.record(noAnswer('network', 'ECONNREFUSED'));
    s.monitor.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.probe).not.toHaveBeenCalled();
    s.monitor.record(answer(503));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.probe).not.toHaveBeenCalled();
  });

  it('the probe timer is unref’d, so it never keeps the process alive', () => {
    const unref = vi.fn();
    const setTimer = vi.fn(() => ({ unref }));
    const s = setup({ setTimer: setTimer as unknown as typeof setTimeout, clearTimer: vi.fn() as unknown as typeof clearTimeout });
    s.monitor.record(noAnswer('network', 'ECONNREFUSED'));
    s.monitor.record(noAnswer('network', 'ECONNREFUSED'));
    expect(setTimer).toHaveBeenCalledTimes(1);
    expect(unref).toHaveBeenCalledTimes(1);
  });

  it('keeps secrets out of the detail', () => {
    const s = setup();
    s.monitor.record(noAnswer('network', `bad ${'f'.repeat(64)}`));
    expect(s.monitor.status().detail).not.toContain('f'.repeat(64));
  });

  it('a throwing listener breaks neither record() nor the restoration', () => {
    const s = setup({
      onChange: () => {
        throw new Error('window closed');
      },
    });
    expect(() => s.monitor.record(answer(503))).not.toThrow();
    expect(() => s.monitor.record(answer(200))).not.toThrow();
    expect(s.restored()).toBe(1);
  });
});

describe('ConnectionMonitor: the TI hops before the Fachdienst (backend ti, A_23814)', () => {
  it('a failed sign-in names its hop with the hop\'s German message; a Fachdienst answer clears it', () => {
    const { monitor, changes, restored } = setup();
    monitor.recordHopFailure(new HopFailure('smcb', 'SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben.', 'GetPinStatus PIN.SMC: VERIFIABLE'));
    expect(monitor.status()).toMatchObject({ state: 'offline', failedHop: 'smcb', detail: 'smcb: GetPinStatus PIN.SMC: VERIFIABLE' });
    expect(monitor.status().message).toMatch(/^SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben\. Entwürfe bleiben gespeichert/);
    monitor.recordHopFailure(new HopFailure('konnektor', 'Der Konnektor ist nicht erreichbar.', 'ECONNREFUSED'));
    expect(changes.map((c) => c.failedHop)).toEqual(['smcb', 'konnektor']);
    monitor.record(answer(200));
    expect(monitor.status().state).toBe('online');
    expect(restored()).toBe(1);
    monitor.stop();
  });

  it('a probe that fails on a TI hop reports that hop, not the network', async () => {
    const { monitor } = setup({
      probe: async () => {
        throw new HopFailure('vau', 'Das Verschlüsselungszertifikat des E-Rezept-Fachdienstes (VAU) ist nicht vertrauenswürdig.', 'VAU-Zertifikat ohne Rolle');
      },
    });
    const status = await monitor.check();
    expect(status).toMatchObject({ state: 'offline', failedHop: 'vau' });
    monitor.stop();
  });
  it('the shared store unreachable is the broken hop above any Fachdienst answer; when it is back, owed work is taken up (issue 18 item 7)', () => {
    const s = setup();
    s.monitor.record(answer(200));
    s.monitor.storeUnreachable('postgres://erx@db:5432/apotheke');
    expect(s.monitor.status()).toMatchObject({ state: 'offline', failedHop: 'store' });
    expect(s.monitor.status().message).toMatch(/Datenbank der Apotheke ist nicht erreichbar/);
    expect(s.monitor.status().detail).toContain('postgres://erx@db:5432/apotheke');
    // a Fachdienst answer meanwhile does not hide it
    s.monitor.record(answer(200));
    expect(s.monitor.status().failedHop).toBe('store');
    s.monitor.storeUnreachable(undefined);
    expect(s.monitor.status()).toMatchObject({ state: 'online' });
    expect(s.monitor.status().failedHop).toBeUndefined();
    expect(s.restored()).toBe(1);
    expect(s.changes.map((c) => c.failedHop ?? c.state)).toEqual(['online', 'store', 'online']);
  });
});
