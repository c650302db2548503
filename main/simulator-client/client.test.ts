/**
 * The control client against the simulator's real control API (its Hono app as `fetch`, in-process): every
 * endpoint with the answer checked, refusals with the API's German reason, unreadable answers, and a channel
 * that gets no answer.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { NamingSystems, ProfessionOids } from '../../shared/fhir/profiles';
import { faultOperations as simulatorFaultOperations, type FaultRule } from '../simulator/faults';
import { createTestSimulator, type TestSimulator } from '../simulator/test-kit';
import {
  fetchChannel,
  faultOperations,
  SimulatorControlClient,
  SimulatorControlError,
  type ArmedFault,
  type ControlRequest,
  type ControlResponse,
  type FullControlChannel,
} from './client';

let sim: TestSimulator;
let sent: ControlRequest[];
let client: SimulatorControlClient<FullControlChannel>;

/** A channel to the in-process simulator that records what the client sent. */
function recordingChannel(): FullControlChannel {
  const inner = fetchChannel('http://127.0.0.1:8080', (url, init) => sim.app.request(url.href, init));
  return {
    send(request: ControlRequest): Promise<ControlResponse> {
      sent.push(request);
      return inner.send(request);
    },
  };
}

const refusalOf = async (promise: Promise<unknown>): Promise<SimulatorControlError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SimulatorControlError);
  return error as SimulatorControlError;
};

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  sent = [];
  client = new SimulatorControlClient(recordingChannel());
});

describe('SimulatorControlClient', () => {
  it('issues access tokens as the IDP stand-in (hop idp) for a pharmacy and an insurant', async () => {
    expect(await client.pharmacyToken('3-SMC-B-Testkarte-883110000095957')).toMatch(/^ey/);
    expect(await client.insurantToken('X110411675')).toMatch(/^ey/);
    expect(sent.map((r) => [r.method, r.path, r.hop])).toEqual([
      ['POST', '_sim/token', 'idp'],
      ['POST', '_sim/token', 'idp'],
    ]);
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ professionOID: ProfessionOids.publicPharmacy, telematikId: '3-SMC-B-Testkarte-883110000095957' });
    expect(JSON.parse(sent[1]?.body ?? '')).toEqual({ professionOID: ProfessionOids.insurant, kvnr: 'X110411675' });
  });

  it('creates prescriptions: one patient, every Task with its AccessCode and the printout code', async () => {
    const one = await client.createPrescription({ flowType: '160' });
    expect(one).toMatchObject({ taskId: expect.stringMatching(/^160\./), accessCode: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse(one.dataMatrix)).toEqual({ urls: [one.token] });
    const two = await client.createPrescription({ flowType: '160', count: 2 });
    expect(two.prescriptions).toHaveLength(2);
    expect(new Set(two.prescriptions?.map((p) => p.kvnr))).toEqual(new Set([two.kvnr]));
  });

  it('reads and moves the clock; reset takes the offset back', async () => {
    expect((await client.now()).toISOString()).toBe('2026-10-05T08:00:00.000Z');
    expect((await client.changeClock({ advance: 'P1D' })).toISOString()).toBe('2026-10-06T08:00:00.000Z');
    expect((await client.now()).toISOString()).toBe('2026-10-06T08:00:00.000Z');
    await client.reset();
    expect((await client.now()).toISOString()).toBe('2026-10-05T08:00:00.000Z');
    // reset sends no body: the control API takes an empty one or {}
    expect(sent.find((r) => r.path === '_sim/reset')?.body).toBeUndefined();
  });

  it('arms, lists and clears faults', async () => {
    const armed = await client.addFault({ operation: 'dispense', status: 429 });
    expect(armed).toEqual({ operation: 'dispense', remaining: 1, status: 429, delayMs: 0, phase: 'before-commit', drop: false });
    await client.addFault({ operation: 'getBySecret', delayMs: 2500 });
    const listed = await client.armedFaults();
    expect(listed).toHaveLength(2);
    expect(listed[1]).not.toHaveProperty('status');
    await client.clearFaults();
    expect(await client.armedFaults()).toEqual([]);
    expect(sent.map((r) => r.method)).toContain('DELETE');
  });

  it('lists the deck and loads a scenario (an empty body without a pharmacy)', async () => {
    const deck = await client.scenarios();
    const first = deck[0];
    expect(first).toMatchObject({ name: expect.any(String), title: expect.any(String) });
    const loaded = await client.loadScenario(first?.name ?? '');
    expect(loaded.name).toBe(first?.name);
    expect(loaded.prescriptions.length).toBeGreaterThan(0);
    expect(loaded.prescriptions[0]).toMatchObject({ taskId: expect.any(String), token: expect.any(String), dataMatrix: expect.any(String) });
    expect(sent.at(-1)).toMatchObject({ method: 'POST', path: `_sim/scenarios/${encodeURIComponent(first?.name ?? '')}` });
    expect(JSON.parse(sent.at(-1)?.body ?? '')).toEqual({});
  });

  it('a scenario loaded for a pharmacy names it (its Zuweisungen go there; the simulator\'s side: scenarios.test.ts)', async () => {
    const [first] = await client.scenarios();
    await client.loadScenario(first?.name ?? '', '3-SMC-B-Testkarte-883110000000001');
    expect(JSON.parse(sent.at(-1)?.body ?? '')).toEqual({ pharmacy: '3-SMC-B-Testkarte-883110000000001' });
  });

  it('inserts an eGK (also a stale one), changes the eGK settings and pulls the card', async () => {
    await client.createPrescription({ flowType: '160', kvnr: 'X110411675' });
    expect(await client.insertEgk({ kvnr: 'X110411675', staleCard: true })).toMatchObject({ workplaceId: 'AP1', from: 'prescription' });
    expect(sent.at(-1)).toMatchObject({ method: 'POST', path: '_sim/egk/insert', body: JSON.stringify({ kvnr: 'X110411675', staleCard: true }) });
    expect((await sim.control('GET', '/egk')).json).toMatchObject({ terminals: [{ workplaceId: 'AP1', egk: { kvnr: 'X110411675', insurerStreet: 'Neue Straße' } }] });
    expect(await client.egkSettings({ lockAfterMismatches: 1 })).toEqual({ pn3Accepted: false, hcvEnforced: false, lockAfterMismatches: 1 });
    expect(await client.removeEgk()).toBe(true);
    expect(await client.removeEgk('AP1')).toBe(false);
    const refused = await refusalOf(client.insertEgk({ kvnr: 'not-a-kvnr' }));
    expect([refused.status, refused.reason]).toEqual([400, expect.stringContaining('KVNR')]);
  });

  it('reads the replies a patient got, with the KVNR as query (not in the endpoint named by errors)', async () => {
    const created = await client.createPrescription({ flowType: '160' });
    const reply = {
      resourceType: 'Communication',
      meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_Reply|1.6'] },
      basedOn: [{ reference: `Task/${created.taskId}` }],
      status: 'unknown',
      recipient: [{ identifier: { system: NamingSystems.kvnr, value: created.kvnr } }],
      payload: [{ contentString: '{"version":1,"supplyOptionsType":"onPremise","info_text":"Liegt bereit."}' }],
    };
    const posted = await sim.fhir('POST', '/Communication', await sim.pharmacyToken(), { body: JSON.stringify(reply), contentType: 'application/fhir+json' });
    expect(posted.status).toBe(201);
    const [read] = await client.patientReplies(created.kvnr);
    expect(read).toMatchObject({ taskId: created.taskId, sender: '3-SMC-B-Testkarte-883110000095957', contentString: reply.payload[0]!.contentString, received: expect.any(String) });
    expect(sent.at(-1)).toMatchObject({ method: 'GET', path: '_sim/communications/replies', query: { kvnr: created.kvnr } });
    const refused = await refusalOf(client.patientReplies('x'));
    expect(refused).toMatchObject({ status: 400, endpoint: 'GET /_sim/communications/replies' });
  });

  it('a refusal carries the status and the control API’s German reason, never the answer body', async () => {
    const refused = await refusalOf(client.changeClock({ advance: 'bald' }));
    expect(refused).toMatchObject({ kind: 'refused', endpoint: 'POST /_sim/clock', status: 400, reason: expect.any(String) });
    expect(refused.message).toContain('Simulator POST /_sim/clock: HTTP 400');
    const unknown = await refusalOf(client.loadScenario('gibt-es-nicht'));
    expect(unknown).toMatchObject({ kind: 'refused', status: 404, reason: 'unbekanntes Szenario „gibt-es-nicht“' });
  });

  it('an answer of the wrong shape is unreadable; no answer at all is the channel’s own error', async () => {
    const answering = (response: ControlResponse): SimulatorControlClient =>
      new SimulatorControlClient({ send: async () => response });
    expect(await refusalOf(answering({ status: 200, body: '<html>' }).now())).toMatchObject({ kind: 'unreadable', status: 200 });
    expect(await refusalOf(answering({ status: 200, body: '{"now":"gestern"}' }).now())).toMatchObject({ kind: 'unreadable' });
    expect(await refusalOf(answering({ status: 201, body: '{"taskId":"x"}' }).createPrescription({ flowType: '160' }))).toMatchObject({
      kind: 'unreadable',
      endpoint: 'POST /_sim/prescriptions',
    });
    const broken = await refusalOf(answering({ status: 503, body: '<html>AccessCode</html>' }).reset());
    expect(broken).toMatchObject({ kind: 'refused', status: 503, reason: undefined });
    expect(broken.message).not.toContain('AccessCode');

    const cut = new SimulatorControlClient({
      send: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(cut.now()).rejects.toThrow(TypeError);
  });

  it('knows the simulator’s fault operations and reads its fault rules', () => {
    expect([...faultOperations]).toEqual([...simulatorFaultOperations]);
    const rule: FaultRule = { operation: 'close', remaining: 1, status: undefined, delayMs: 0, phase: 'after-commit', drop: true };
    // compile-time: the simulator's FaultRule is an ArmedFault; JSON leaves an undefined status out
    const armed: ArmedFault = rule;
    expect(JSON.parse(JSON.stringify(armed))).toEqual({ operation: 'close', remaining: 1, delayMs: 0, phase: 'after-commit', drop: true });
  });
});
