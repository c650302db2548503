/**
 * The eGK path of the app against the simulator over HTTP, without the TI (training, spec erezept-pharmacy §3.9):
 * the card inserted at AP1 through the control API, read through the simulator's Konnektor (KonnektorEgkReader,
 * main/egk), the list from the simulated Fachdienst with the Prüfungsnachweis — and, prepared, with a PoPP token from
 * the simulator's PoPP service instead. And as an installed app has it: a simulator without the TEST-ONLY card
 * material, whose Konnektor holds a generated training SMC-B.
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
import { TRAINING_SMCB_HOLDER } from '../../main/simulator/ti/konnektor/training-smcb';

const PHARMACY = '3-SMC-B-Testkarte-883110000095957';
let simulator: SimulatorHandle;
let transport: HttpTransport;
/** without the test material, as in an installed app */
let installed: SimulatorHandle;

beforeAll(async () => {
  [simulator, installed] = await Promise.all([startSimulatorServer({ port: 0 }), startSimulatorServer({ port: 0, konnektorCards: 'generated' })]);
  transport = new HttpTransport({ baseUrl: `${simulator.url}/`, timeoutMs: 10_000 });
});
afterAll(async () => {
  await Promise.all([simulator?.close(), installed?.close()]);
});

async function control(path: string, body: unknown, on: SimulatorHandle = simulator): Promise<Record<string, unknown>> {
  const response = await fetch(`${on.url}/_sim/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

function lookupService(reader: EgkCardReader, accepted: string[] = [], via: HttpTransport = transport): EgkLookupService {
  const now = () => new Date();
  const client = new FachdienstClient({ transport: via, tokens: new SimulatorTokenProvider({ transport: via, telematikId: PHARMACY, now }), now });
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

function konnektorReader(on: SimulatorHandle = simulator): KonnektorEgkReader {
  const konnektor = KonnektorClient.fromConfig({ baseUrl: `${on.url}/konnektor/`, allowPlainHttp: true, timeoutMs: 10_000 });
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

describe('an installed training app: no test material, a generated training SMC-B', () => {
  it('the Konnektor lists the training SMC-B, and the card read with it as HpcHandle lists the patient\'s prescription', async () => {
    const konnektor = KonnektorClient.fromConfig({ baseUrl: `${installed.url}/konnektor/`, allowPlainHttp: true, timeoutMs: 10_000 });
    const smcbs = await new SmcbCardSigner(konnektor).listSmcbs();
    expect(smcbs.map((card) => card.holderName)).toEqual([TRAINING_SMCB_HOLDER]);

    const created = await control('prescriptions', { flowType: '160' }, installed);
    await control('egk/insert', { kvnr: String(created['kvnr']), workplace: 'AP1' }, installed);
    const via = new HttpTransport({ baseUrl: `${installed.url}/`, timeoutMs: 10_000 });
    const lookup = await lookupService(konnektorReader(installed), [], via).lookup();
    expect(lookup.prescriptions.map((p) => p.prescriptionId)).toEqual([created['taskId']]);
  });
});
