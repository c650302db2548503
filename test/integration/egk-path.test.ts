/**
 * The eGK path of the app against the simulator over HTTP, without the TI (training, spec erezept-pharmacy §3.9):
 * the card inserted at AP1 through the control API, read through the simulator's Konnektor (KonnektorEgkReader,
 * main/egk), the list from the simulated Fachdienst with the Prüfungsnachweis — and, prepared, with a PoPP token from
 * the simulator's PoPP service instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrescriptionId } from '../../shared/erezept/identifiers';
import { SimulatorTokenProvider } from '../../main/fachdienst/access-token';
import { FachdienstClient } from '../../main/fachdienst/client';
import { HttpTransport } from '../../main/fachdienst/http-transport';
import { KonnektorEgkReader } from '../../main/services/egk-card-reader';
import { EgkLookupService, type EgkCardReader } from '../../main/services/egk-lookup';
import { SimulatorPoppTokenSource, withPoppProof } from '../../main/services/egk-popp';
import { startSimulatorServer, type SimulatorHandle } from '../../main/simulator/server';
import { KonnektorClient } from '../../main/ti/konnektor/konnektor-client';
import { SmcbCardSigner } from '../../main/ti/konnektor/smcb-card-signer';

const PHARMACY = '3-SMC-B-Testkarte-883110000095957';
let simulator: SimulatorHandle;
let transport: HttpTransport;

beforeAll(async () => {
  simulator = await startSimulatorServer({ port: 0 });
  transport = new HttpTransport({ baseUrl: `${simulator.url}/`, timeoutMs: 10_000 });
});
afterAll(async () => {
  await simulator?.close();
});

async function control(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${simulator.url}/_sim/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

function lookupService(reader: EgkCardReader, accepted: string[] = []): EgkLookupService {
  const now = () => new Date();
  const client = new FachdienstClient({ transport, tokens: new SimulatorTokenProvider({ transport, telematikId: PHARMACY, now }), now });
  return new EgkLookupService({
    reader: () => reader,
    fachdienst: client,
    accept: async (tokens) => {
      accepted.push(...tokens.map((t) => t.prescriptionId));
      return { results: [] };
    },
    clock: { now },
  });
}

function konnektorReader(): KonnektorEgkReader {
  const konnektor = KonnektorClient.fromConfig({ baseUrl: `${simulator.url}/konnektor/`, allowPlainHttp: true, timeoutMs: 10_000 });
  return new KonnektorEgkReader({ konnektor, smcb: new SmcbCardSigner(konnektor), clock: { now: () => new Date() } });
}

describe('the eGK path against the simulator (training)', () => {
  it('VSDM: the card at AP1 is read through the simulated Konnektor and its prescriptions listed; the ticked one is handed on with its AccessCode', async () => {
    const created = await control('prescriptions', { flowType: '160' });
    const kvnr = String(created['kvnr']);
    await control('egk/insert', { kvnr, workplace: 'AP1' });
    const reader = konnektorReader();
    expect(await reader.inserted()).not.toBeUndefined();
    const accepted: string[] = [];
    const service = lookupService(reader, accepted);
    const lookup = await service.lookup();
    expect(lookup.prescriptions.map((p) => p.prescriptionId)).toEqual([created['taskId']]);
    const id = parsePrescriptionId(String(created['taskId']));
    if (!id.ok) throw new Error('the simulator made an invalid PrescriptionID');
    await service.accept(lookup.lookupId, [id.data]);
    expect(accepted).toEqual([created['taskId']]);
  });

  it('PoPP (prepared): the same card proven with a token of the simulator\'s PoPP service lists the same prescriptions', async () => {
    const created = await control('prescriptions', { flowType: '160' });
    const kvnr = String(created['kvnr']);
    await control('egk/insert', { kvnr, workplace: 'AP1' });
    const popp = new SimulatorPoppTokenSource({ transport, telematikId: () => PHARMACY, now: () => new Date() });
    const lookup = await lookupService(withPoppProof(konnektorReader(), popp)).lookup();
    expect(lookup.prescriptions.map((p) => p.prescriptionId)).toEqual([created['taskId']]);
  });

  it('a token issued to another pharmacy is refused with 403 in German', async () => {
    const created = await control('prescriptions', { flowType: '160' });
    await control('egk/insert', { kvnr: String(created['kvnr']), workplace: 'AP1' });
    const foreign = new SimulatorPoppTokenSource({ transport, telematikId: () => '3-SMC-B-Testkarte-883110000000001', now: () => new Date() });
    await expect(lookupService(withPoppProof(konnektorReader(), foreign)).lookup()).rejects.toMatchObject({
      appError: { code: 'egk-proof', httpStatus: 403, message: expect.stringContaining('Anwesenheitsnachweis der Gesundheitskarte nicht an') },
    });
  });
});
