/**
 * „Verbindung prüfen“ over the real TI composition (`createTiConnection`: Konnektor client, SMC-B, IDP sign-in, VAU,
 * certificates checked through the Konnektor) against the simulated TI over HTTP (spec ti-transport §1–§3): every
 * hop passes, and each switch of the simulated Konnektor and IDP makes exactly its hop fail, with what to do.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionDiagnosis } from '../../shared/ipc/contract';
import { fachdienstCheck, runDiagnosis } from '../../main/services/connection-diagnosis';
import { startSimulatorServer, type SimulatorHandle } from '../../main/simulator/server';
import type { TiTrustPolicy } from '../../main/ti/certificate-trust';
import { createTiConnection } from '../../main/ti/ti-connection';
import { tiDiagnosisChecks } from '../../main/services/ti-diagnosis';

let simulator: SimulatorHandle;

beforeAll(async () => {
  simulator = await startSimulatorServer({ port: 0, ti: true });
});

afterAll(async () => {
  await simulator?.close();
});

// every switch and fault of the simulated TI back to its start (docs/simulator.md)
afterEach(async () => {
  await control('POST', 'reset');
});

async function control(method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${simulator.url}/_sim/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} /_sim/${path}`).toBeLessThan(300);
}

async function diagnose(smcbIccsn?: string, trustPolicy: TiTrustPolicy = 'simulation'): Promise<ConnectionDiagnosis> {
  const ti = createTiConnection({
    fachdienstUrl: `${simulator.url}/`,
    idpUrl: `${simulator.url}/idp`,
    konnektor: { baseUrl: `${simulator.url}/konnektor`, allowPlainHttp: true, timeoutMs: 10_000, ...(smcbIccsn ? { smcbIccsn } : {}) },
    userAgent: 'eRxCounter/0.1.0 eRxCounter/gematikTestPs',
    now: () => new Date(),
    timeoutMs: () => 10_000,
    consent: async () => undefined,
    trustPolicy,
  });
  return runDiagnosis([...tiDiagnosisChecks(() => ti), fachdienstCheck(ti.transport, ti.tokens)], () => new Date());
}

const states = (diagnosis: ConnectionDiagnosis) => diagnosis.steps.map((step) => `${step.step}:${step.state}`);

describe('„Verbindung prüfen“ against the simulated TI', () => {
  it('walks Konnektor, SMC-B, IDP discovery, sign-in, VAU certificate and the Fachdienst, and says what it found', async () => {
    const diagnosis = await diagnose();
    expect(diagnosis.ok).toBe(true);
    expect(states(diagnosis)).toEqual(['konnektor:ok', 'smcb:ok', 'idp-discovery:ok', 'sign-in:ok', 'vau-certificate:ok', 'fachdienst:ok']);
    const message = (step: string) => diagnosis.steps.find((s) => s.step === step)?.message;
    expect(message('smcb')).toMatch(/Adelheid Ulmendorfer.*80276001011699902301.*freigeschaltet/);
    expect(message('sign-in')).toMatch(/Anmeldung mit der SMC-B erfolgreich: .*Ulmendorfer/);
  });

  it('a Konnektor that is down fails the first step; nothing after it is checked', async () => {
    await control('POST', 'ti/konnektor/down', { down: true });
    const diagnosis = await diagnose();
    expect(diagnosis.ok).toBe(false);
    expect(states(diagnosis)).toEqual(['konnektor:failed', 'smcb:skipped', 'idp-discovery:skipped', 'sign-in:skipped', 'vau-certificate:skipped', 'fachdienst:skipped']);
    expect(diagnosis.steps[0]).toMatchObject({ hop: 'konnektor', message: expect.stringMatching(/Konnektor/) });
  });

  it('an SMC-B whose PIN is not entered fails at the SMC-B with the hint for the card terminal', async () => {
    await control('POST', 'ti/konnektor/pin', { iccsn: '80276001011699902301', verified: false });
    const diagnosis = await diagnose();
    const smcb = diagnosis.steps[1];
    expect(smcb).toMatchObject({ step: 'smcb', state: 'failed', hop: 'smcb' });
    expect(smcb?.message).toContain('SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben');
  });

  it('two SMC-Bs and none chosen: the SMC-B step asks for a choice; with the ICCSN set the walk passes', async () => {
    await control('POST', 'ti/konnektor/cards', { iccsns: ['80276001011699902301', '80276001011699902302'] });
    const undecided = await diagnose();
    expect(undecided.steps[1]).toMatchObject({ step: 'smcb', state: 'failed', hop: 'smcb' });
    expect(undecided.steps[1]?.message).toMatch(/mehrere|Mehrere/);
    const chosen = await diagnose('80276001011699902302');
    expect(chosen.ok).toBe(true);
    expect(chosen.steps[1]?.message).toContain('Bernd Ulmendorfer');
  });

  it('an IDP error fails at the discovery document on hop idp, after Konnektor and SMC-B passed', async () => {
    await control('POST', 'ti/faults', { kind: 'idp-error', count: 1 });
    const diagnosis = await diagnose();
    expect(states(diagnosis)).toEqual(['konnektor:ok', 'smcb:ok', 'idp-discovery:failed', 'sign-in:skipped', 'vau-certificate:skipped', 'fachdienst:skipped']);
    expect(diagnosis.steps[2]).toMatchObject({ hop: 'idp', detail: expect.stringContaining('5000') });
  });

  it.each(['reference', 'production'] as const)(
    'with the trust of the real TI (%s) the simulation\'s TEST-ONLY IDP certificate is refused before anything is sent to it',
    async (policy) => {
      const diagnosis = await diagnose(undefined, policy);
      expect(states(diagnosis).slice(0, 3)).toEqual(['konnektor:ok', 'smcb:ok', 'idp-discovery:failed']);
      expect(diagnosis.steps[2]).toMatchObject({ hop: 'idp', message: expect.stringContaining('nicht vertrauenswürdig') });
      expect(diagnosis.steps[2]?.detail).toContain('TI-Simulation (TEST-ONLY)');
    },
  );
});
