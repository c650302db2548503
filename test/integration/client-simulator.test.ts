/**
 * The Fachdienst client against the real simulator over real HTTP (architecture §8): access token,
 * $accept → 200 with Secret, $dispense → 204, $close → receipt, and the error mapping for a second $accept
 * (409) and a wrong Secret (403).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessCode, type PrescriptionId, type Secret } from '../../shared/erezept/identifiers';
import { createDemoPrescription, demoEntry as entry, secretOfAcceptBundle, type DemoPrescription } from './support/demo-dispense';
import { buildCloseParameters, buildDispenseParameters } from '../../shared/fhir/dispense/build';
import { readAcceptBundle, readReceipt } from '../../shared/fhir/fachdienst-responses';
import { SimulatorTokenProvider } from '../../main/fachdienst/access-token';
import { FachdienstClient } from '../../main/fachdienst/client';
import { HttpTransport } from '../../main/fachdienst/http-transport';
import { startSimulatorServer } from '../../main/simulator/server';
import { failureOf } from '../../main/testing';

const TELEMATIK_ID = '3-SMC-B-Testkarte-883110000095957';

let dir: string;
let simulator: { url: string; close(): Promise<void> };
let transport: HttpTransport;
let tokens: SimulatorTokenProvider;
let client: FachdienstClient;

async function acceptOne(rx: DemoPrescription): Promise<Secret> {
  return secretOfAcceptBundle(await client.accept(rx.id, rx.accessCode));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erx-client-sim-'));
  simulator = await startSimulatorServer({ port: 0, dataDir: join(dir, 'simulator') });
  transport = new HttpTransport({ baseUrl: simulator.url, timeoutMs: 10_000 });
  tokens = new SimulatorTokenProvider({ transport, telematikId: TELEMATIK_ID, now: () => new Date() });
  client = new FachdienstClient({ transport, tokens, now: () => new Date() });
});

afterAll(async () => {
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Fachdienst client ⇄ simulator over HTTP', () => {
  it('gets a pharmacy access token from the simulator', async () => {
    const token = await tokens.getToken();
    expect(token.split('.')).toHaveLength(3);
  });

  it('$accept → 200 with Secret and QES, $dispense → 204, $close without body → receipt', async () => {
    const rx = await createDemoPrescription(transport);
    const bundle = await client.accept(rx.id, rx.accessCode);
    const accepted = readAcceptBundle(bundle);
    expect(accepted.ok).toBe(true);
    if (!accepted.ok) return;
    expect(accepted.data.task.status).toBe('in-progress');
    expect(accepted.data.task.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(accepted.data.qes.length).toBeGreaterThan(100);
    const secret = accepted.data.task.secret as Secret;

    const ctx = { prescriptionId: rx.id, kvnr: rx.kvnr, telematikId: TELEMATIK_ID };
    const parameters = buildDispenseParameters([entry()], ctx);
    expect(parameters.ok).toBe(true);
    if (!parameters.ok) return;
    await expect(client.dispense(rx.id, secret, parameters.data)).resolves.toBeUndefined();

    const receipt = await client.close(rx.id, secret);
    const read = readReceipt(receipt);
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.data.beneficiaryTelematikId).toBe(TELEMATIK_ID);

    // the receipt can be fetched again with the Secret (spec §3.6)
    const again = (await client.getBySecret(rx.id, secret)) as { entry?: Array<{ resource?: { resourceType?: string } }> };
    expect(again.entry?.map((e) => e.resource?.resourceType)).toContain('Bundle');
  });

  it('$close with the list as body returns the receipt', async () => {
    const rx = await createDemoPrescription(transport);
    const secret = await acceptOne(rx);
    const parameters = buildCloseParameters([entry()], { prescriptionId: rx.id, kvnr: rx.kvnr, telematikId: TELEMATIK_ID });
    if (!parameters.ok) throw new Error('build failed');
    const receipt = (await client.close(rx.id, secret, parameters.data)) as { resourceType?: string; type?: string };
    expect(receipt).toMatchObject({ resourceType: 'Bundle', type: 'document' });
  });

  it('a second $accept is a 409 conflict naming our own institution', async () => {
    const rx = await createDemoPrescription(transport);
    await acceptOne(rx);
    const f = await failureOf(client.accept(rx.id, rx.accessCode));
    expect(f.appError).toMatchObject({ httpStatus: 409, code: 'conflict', system: 'fachdienst', retry: 'never' });
    expect(f.appError.message).toContain('E-Rezept-Fachdienst');
  });

  it('a wrong Secret is a 403 that does not leak the secret', async () => {
    const rx = await createDemoPrescription(transport);
    await acceptOne(rx);
    const wrong = 'f'.repeat(64) as Secret;
    const parameters = buildDispenseParameters([entry()], { prescriptionId: rx.id, kvnr: rx.kvnr, telematikId: TELEMATIK_ID });
    if (!parameters.ok) throw new Error('build failed');
    const f = await failureOf(client.dispense(rx.id, wrong, parameters.data));
    expect(f.appError).toMatchObject({ httpStatus: 403, system: 'fachdienst', retry: 'never' });
    expect(JSON.stringify(f.appError)).not.toContain(wrong);
  });

  it('a wrong AccessCode on $accept is a 403', async () => {
    const rx = await createDemoPrescription(transport);
    const f = await failureOf(client.accept(rx.id, 'e'.repeat(64) as AccessCode));
    expect(f.appError.httpStatus).toBe(403);
    expect(f.appError.message).toContain('AccessCode');
  });

  it('an unreachable backend is a network error', async () => {
    const dead = new HttpTransport({ baseUrl: 'http://127.0.0.1:9/', timeoutMs: 2000 });
    const deadClient = new FachdienstClient({ transport: dead, tokens: { getToken: async () => 'x', invalidate: () => undefined }, now: () => new Date() });
    const rx = { id: '160.000.000.000.001.54' as PrescriptionId, accessCode: 'a'.repeat(64) as AccessCode };
    const f = await failureOf(deadClient.accept(rx.id, rx.accessCode));
    expect(f.appError).toMatchObject({ system: 'network', retry: 'reconcile' });
  });
});
