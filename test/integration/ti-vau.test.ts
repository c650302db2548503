/**
 * The app's VAU channel against the simulator's VAU over real HTTP (`--ti`, spec ti-transport §1, §4.1): the
 * dispense story with every pharmacy call inside the VAU, the 403 for a pharmacy's plain call, and the VAU's
 * faults — an undecryptable request is sent once more with a fresh certificate, an answer for another request
 * is an unknown outcome, an expired token is renewed once. Tokens here come from `/_sim/token` (accepted inside
 * the VAU); the IDP sign-in has its own test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoPrescription, demoEntry as entry, secretOfAcceptBundle } from './support/demo-dispense';
import { buildDispenseParameters } from '../../shared/fhir/dispense/build';
import { readReceipt } from '../../shared/fhir/fachdienst-responses';
import { SimulatorTokenProvider } from '../../main/fachdienst/access-token';
import { FachdienstClient } from '../../main/fachdienst/client';
import { HttpTransport } from '../../main/fachdienst/http-transport';
import { startSimulatorServer, type SimulatorHandle } from '../../main/simulator/server';
import { loadTiSimulationMaterial } from '../../main/simulator/ti/material';
import { VauCertificateError, type VauCertificateTrust } from '../../main/ti/vau/vau-certificate';
import { VauTransport } from '../../main/ti/vau/vau-transport';
import { failureOf } from '../../main/testing';

const TELEMATIK_ID = '3-01.2.2023001.16.101';
const material = loadTiSimulationMaterial();
/** In a TI simulation the app trusts the simulation's CA and nothing else (the real TI: the Konnektor decides). */
const simulationTrust: VauCertificateTrust = async (certificate) => {
  const { X509Certificate } = await import('node:crypto');
  if (!new X509Certificate(certificate.der).verify(material.simulationCa.publicKey)) throw new VauCertificateError('nicht von der TI-Simulation');
};

let simulator: SimulatorHandle;
let plain: HttpTransport;
let vau: VauTransport;
let client: FachdienstClient;

async function control(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await plain.send({ method: 'POST', path: `_sim/${path}`, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  expect(response.status).toBeLessThan(300);
  return JSON.parse(response.body) as Record<string, unknown>;
}

beforeAll(async () => {
  simulator = await startSimulatorServer({ port: 0, ti: true });
  plain = new HttpTransport({ baseUrl: simulator.url, timeoutMs: 10_000 });
  vau = new VauTransport({ baseUrl: simulator.url, userAgent: 'eRxCounter/0.1.0 eRxCounter/gematikTestPs', trust: simulationTrust, now: () => new Date(), timeoutMs: 10_000 });
  const tokens = new SimulatorTokenProvider({ transport: plain, telematikId: TELEMATIK_ID, now: () => new Date() });
  client = new FachdienstClient({ transport: vau, tokens, now: () => new Date() });
});

afterAll(async () => {
  await simulator?.close();
});

describe('the VAU channel against the simulated VAU', () => {
  it('scan → $accept → $dispense → $close → receipt, every call inside the VAU; the Userpseudonym is taken up', async () => {
    const rx = await createDemoPrescription(plain);
    expect(vau.userPseudonym).toBe('0');
    const secret = secretOfAcceptBundle(await client.accept(rx.id, rx.accessCode));
    expect(vau.userPseudonym).toMatch(/^[0-9a-f]{32}-[0-9a-f]{32}$/);
    const parameters = buildDispenseParameters([entry()], { prescriptionId: rx.id, kvnr: rx.kvnr, telematikId: TELEMATIK_ID });
    if (!parameters.ok) throw new Error('dispense parameters');
    await client.dispense(rx.id, secret, parameters.data);
    const receipt = readReceipt(await client.close(rx.id, secret));
    expect(receipt.ok && receipt.data.beneficiaryTelematikId).toBe(TELEMATIK_ID);
  });

  it('a pharmacy calling the FHIR endpoints directly is refused with 403, an insurant is not', async () => {
    const tokens = new SimulatorTokenProvider({ transport: plain, telematikId: TELEMATIK_ID, now: () => new Date() });
    const direct = new FachdienstClient({ transport: plain, tokens, now: () => new Date() });
    const rx = await createDemoPrescription(plain);
    const refused = await failureOf(direct.accept(rx.id, rx.accessCode));
    expect(refused.appError.httpStatus).toBe(403);
    expect(refused.appError.detail).toMatch(/über die VAU/);
    const insurant = (await control('token', { professionOID: '1.2.276.0.76.4.49', kvnr: rx.kvnr })) as { access_token: string };
    const list = await plain.send({ method: 'GET', path: 'Task', headers: { Authorization: `Bearer ${insurant.access_token}`, Accept: 'application/fhir+json' } });
    expect(list.status).toBe(200);
  });

  it('an undecryptable request (fault) is sent once more after the certificate was fetched again', async () => {
    const rx = await createDemoPrescription(plain);
    await control('ti/faults', { kind: 'decryption-error' });
    expect(secretOfAcceptBundle(await client.accept(rx.id, rx.accessCode))).toMatch(/^[0-9a-f]{64}$/);
    const faults = await plain.send({ method: 'GET', path: '_sim/ti/faults' });
    expect(JSON.parse(faults.body)).toEqual({ faults: [] });
  });

  it('an answer carrying another request id is an unknown outcome: the $accept happened, the app reconciles', async () => {
    const rx = await createDemoPrescription(plain);
    await control('ti/faults', { kind: 'wrong-request-id' });
    const lost = await failureOf(client.accept(rx.id, rx.accessCode));
    expect(lost.appError.system).toBe('network');
    expect(lost.appError.detail).toMatch(/andere Request-ID/);
    // carried out nonetheless: a second $accept finds the Task in progress (409, spec §3.1)
    const again = await failureOf(client.accept(rx.id, rx.accessCode));
    expect(again.appError.httpStatus).toBe(409);
  });

  it('an expired token (fault) is answered 401 inside the VAU; the client renews it once and the call succeeds', async () => {
    const rx = await createDemoPrescription(plain);
    await control('ti/faults', { kind: 'expired-token' });
    expect(secretOfAcceptBundle(await client.accept(rx.id, rx.accessCode))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the VAU refuses what it cannot decrypt with an unencrypted 400, as the Fachdienst does', async () => {
    const response = await fetch(`${simulator.url}/VAU/0`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(120, 1) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^vau decryption failed/);
  });
});
