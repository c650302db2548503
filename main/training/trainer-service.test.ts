/**
 * The trainer service against the real simulator app (in process, over its HTTP routes): deck, load, reset,
 * clock and the insurant's read — the shapes come from the simulator itself, not from hand-written answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { buildReply } from '../../shared/fhir/communication';
import type { AppEvent } from '../../shared/ipc/contract';
import { AppFailure } from '../errors';
import type { Transport } from '../fachdienst/transport';
import { EventHub } from '../services/events';
import { dispenseParameters, PHARMACY_A, PHARMACY_B, createTestSimulator, type TestSimulator } from '../simulator/test-kit';
import type { Scenario } from '../simulator/scenarios';
import type { Cipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import { SimulatorControl } from './simulator-control';
import { CURRENT_SCENARIO_KEY, TrainerService } from './trainer-service';

const stage: Scenario = {
  format: 1,
  name: 'stage',
  title: 'Bühne',
  description: 'Ein Rezept, drei Packungen auf einem Ausdruck, eines schon vergeben.',
  clock: { set: '2026-10-05T09:00:00+02:00' },
  prescriptions: [
    { label: 'Rezept A', flowType: '160', medication: 'pzn' },
    { label: 'Stückelung', flowType: '160', count: 3 },
    { label: 'Schon vergeben', flowType: '200', acceptedBy: PHARMACY_B },
  ],
  steps: ['Scannen Sie „Rezept A“.'],
};
const faulty: Scenario = {
  format: 1,
  name: 'faulty',
  title: 'Störungen',
  description: 'Zwei Störungen.',
  prescriptions: [],
  faults: [
    { operation: 'dispense', count: 1, status: 429 },
    { operation: 'accept', count: 1, phase: 'after-commit', drop: true },
  ],
  steps: ['Beobachten Sie.'],
};

/** Marks ciphertext so a test can see what went through the Cipher. */
const markingCipher: Cipher = {
  encrypt: (plain) => `enc:${Buffer.from(plain, 'utf8').toString('base64')}`,
  decrypt: (stored) => Buffer.from(stored.replace(/^enc:/, ''), 'base64').toString('utf8'),
};

/** The simulator app as the app's Transport sees it (loopback Host, as the control API demands). */
function appTransport(sim: TestSimulator): Transport {
  return {
    async send(request) {
      const url = new URL(request.path, 'http://127.0.0.1:8080/');
      for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
      const response = await sim.app.request(`${url.pathname}${url.search}`, {
        method: request.method,
        headers: { host: '127.0.0.1:8080', ...request.headers },
        body: request.body,
      });
      return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
    },
  };
}

let sim: TestSimulator;
let store: Store;
let events: AppEvent[];
let clockSyncs: number;
/** the app told that the simulator holds a new stage (the messages are fetched then) */
let stageChanges: number;
let trainer: TrainerService;
const localKvnrs = new Map<string, string>();

function service(): TrainerService {
  const hub = new EventHub();
  hub.subscribe((e) => events.push(e));
  const transport = appTransport(sim);
  return new TrainerService({
    control: new SimulatorControl(transport, () => sim.clock.now()),
    transport,
    store,
    events: hub,
    syncClock: async () => {
      clockSyncs++;
    },
    now: () => new Date('2026-11-25T10:00:00Z'),
    pharmacy: () => ({ telematikId: PHARMACY_A, name: 'Demo-Apotheke am Markt' }),
    localKvnr: async (id) => localKvnrs.get(id),
    onStageChanged: () => {
      stageChanges++;
    },
  });
}

const ID = (text: string): PrescriptionId => text as PrescriptionId;
/** the KVNRs the service keeps with the scenario (the patient view signs in with them) */
const kvnrsOfScenario = (): Record<string, string> => (store.settings.getSecret(CURRENT_SCENARIO_KEY) as { kvnrs: Record<string, string> }).kvnrs;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'), { scenarios: [stage, faulty] });
  store = openStore({ file: ':memory:', cipher: markingCipher, hmacKey: Buffer.alloc(32) });
  events = [];
  clockSyncs = 0;
  stageChanges = 0;
  localKvnrs.clear();
  trainer = service();
  // a class before this one: a case, its audit entry, and the counter's settings
  await store.cases.save({ prescriptionId: ID('160.000.000.000.999.23'), flowType: '160', status: 'accepted', acceptedAt: '2026-10-01T08:00:00Z', acceptedBy: 'AB', updatedAt: '2026-10-01T08:00:00Z' });
  await store.audit.append({ at: '2026-10-01T08:00:00Z', staff: 'AB', operation: 'accept', prescriptionId: '160.000.000.000.999.23', result: 'ok' });
  await store.settings.set('currentStaff', 'AB');
});
afterEach(() => store.close());

describe('TrainerService', () => {
  it('lists the simulator’s deck', async () => {
    expect((await trainer.listScenarios()).map((s) => s.name)).toEqual(['stage', 'faulty']);
  });

  it('„eGK des Patienten stecken“: the card of a loaded prescription\'s patient into AP1\'s terminal, also as a stale card', async () => {
    const loaded = await trainer.loadScenario('stage');
    const rezeptA = loaded.prescriptions[0]!;
    expect(await trainer.insertEgk(ID(rezeptA.prescriptionId))).toEqual({ ok: true });
    type Terminals = { terminals: { workplaceId: string; egk: { kvnr: string; givenName: string; surname: string; insurerStreet?: string } | null }[] };
    const card = ((await sim.control('GET', '/egk')).json as Terminals).terminals;
    expect(card.map((t) => [t.workplaceId, t.egk?.kvnr])).toEqual([['AP1', kvnrsOfScenario()[rezeptA.prescriptionId]]]);
    expect(`${card[0]?.egk?.givenName ?? ''} ${card[0]?.egk?.surname ?? ''}`).toBe(rezeptA.patientName);
    expect(card[0]?.egk?.insurerStreet).toBeUndefined();

    await trainer.insertEgk(ID(rezeptA.prescriptionId), true);
    expect(((await sim.control('GET', '/egk')).json as Terminals).terminals[0]?.egk?.insurerStreet).toBe('Neue Straße');
  });

  it('eGK of a prescription with no known patient: not-found in German, no card inserted; a local case\'s patient works', async () => {
    await expect(trainer.insertEgk(ID('160.000.000.000.777.14'))).rejects.toMatchObject({
      appError: { code: 'not-found', message: expect.stringContaining('Gesundheitskarte lässt sich') },
    });
    expect((await sim.control('GET', '/egk')).json).toMatchObject({ terminals: [] });
    localKvnrs.set('160.000.000.000.777.14', 'X110411675');
    await trainer.insertEgk(ID('160.000.000.000.777.14'));
    expect((await sim.control('GET', '/egk')).json).toMatchObject({ terminals: [{ workplaceId: 'AP1', egk: { kvnr: 'X110411675' } }] });
  });

  it('loading a scenario: its prescriptions and "now", the training store emptied, the app told and its clock synced', async () => {
    const loaded = await trainer.loadScenario('stage');
    expect(loaded).toMatchObject({ name: 'stage', title: 'Bühne', now: '2026-10-05T07:00:00.000Z', loadedAt: '2026-11-25T10:00:00.000Z', faults: [], steps: ['Scannen Sie „Rezept A“.'] });
    expect(loaded.prescriptions.map((p) => p.label)).toEqual(['Rezept A', 'Stückelung (1 von 3)', 'Stückelung (2 von 3)', 'Stückelung (3 von 3)', 'Schon vergeben']);
    expect(loaded.prescriptions.map((p) => p.flowType)).toEqual(['160', '160', '160', '160', '200']);
    const pieces = loaded.prescriptions.slice(1, 4);
    expect(new Set(pieces.map((p) => p.prescriptionId)).size).toBe(3);
    expect(JSON.parse(pieces[0]!.dataMatrix)).toEqual({ urls: pieces.map((p) => p.token) });
    expect(loaded.prescriptions[4]?.acceptedBy).toBe(PHARMACY_B);
    for (const p of loaded.prescriptions) expect(p.token).toBe(`Task/${p.prescriptionId}/$accept?ac=${p.token.split('ac=')[1]}`);

    expect(await store.cases.get(ID('160.000.000.000.999.23'))).toBeUndefined();
    expect(await store.audit.verify()).toEqual({ ok: true, chained: 0, unchained: 0 });
    expect(store.settings.get('currentStaff')).toBe('AB');
    expect(events).toEqual([{ type: 'cases-changed' }, { type: 'pending-changed' }]);
    expect(clockSyncs).toBe(1);
    // a new stage: the app fetches the scenario's Zuweisungen at once; a reset is a new stage too, moving the clock not
    expect(stageChanges).toBe(1);
    await trainer.advanceClock('PT1H');
    expect(stageChanges).toBe(1);
    await trainer.reset();
    expect(stageChanges).toBe(2);
  });

  it('remembers the loaded scenario across a restart, encrypted (its tokens carry AccessCodes)', async () => {
    const loaded = await trainer.loadScenario('stage');
    expect(trainer.currentScenario()).toEqual(loaded);
    expect(service().currentScenario()).toEqual(loaded);
    const raw = store.settings.get(CURRENT_SCENARIO_KEY);
    expect(typeof raw === 'string' && raw.startsWith('enc:')).toBe(true);
    expect(String(raw)).not.toContain(loaded.prescriptions[0]!.token.split('ac=')[1]!);
  });

  it('arms the scenario’s faults and names them in German', async () => {
    expect((await trainer.loadScenario('faulty')).faults).toEqual(['$dispense: 1× HTTP 429', '$accept: Antwort geht nach dem Speichern verloren']);
  });

  it('a scenario the simulator does not know changes nothing here', async () => {
    const error = await trainer.loadScenario('gibt-es-nicht').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppFailure);
    expect((error as AppFailure).appError).toMatchObject({ code: 'not-found', message: 'Das Szenario „gibt-es-nicht“ gibt es im Simulator nicht.' });
    expect(await store.cases.get(ID('160.000.000.000.999.23'))).toBeDefined();
    expect(events).toEqual([]);
  });

  it('the patient’s view follows the Task: not redeemed → in progress at our pharmacy with the stored dispense → deleted', async () => {
    const loaded = await trainer.loadScenario('stage');
    const a = loaded.prescriptions[0]!;
    expect(await trainer.patientView(ID(a.prescriptionId))).toMatchObject({ prescriptionId: a.prescriptionId, taskStatus: 'ready', statusText: 'Noch nicht eingelöst', dispenses: [] });

    // the pharmacy (this app's Telematik-ID) accepts and sends a dispense list
    const kvnrOfA = kvnrsOfScenario()[a.prescriptionId]!;
    const accessCode = a.token.split('ac=')[1]!;
    const secret = await sim.accept({ taskId: a.prescriptionId, accessCode, kvnr: kvnrOfA, token: a.token, dataMatrix: a.dataMatrix });
    const body = dispenseParameters('dispense', { prescriptionId: a.prescriptionId, kvnr: kvnrOfA, telematikId: PHARMACY_A, whenHandedOver: '2026-10-05' });
    const sent = await sim.fhir('POST', `/Task/${a.prescriptionId}/$dispense?secret=${secret}`, await sim.pharmacyToken(), {
      body: JSON.stringify(body),
      contentType: 'application/fhir+json',
    });
    expect(sent.status).toBe(204);

    const inProgress = await trainer.patientView(ID(a.prescriptionId));
    expect(inProgress).toMatchObject({
      taskStatus: 'in-progress',
      statusText: 'In Bearbeitung durch die Apotheke',
      pharmacy: `Demo-Apotheke am Markt (${PHARMACY_A})`,
      dispenses: [{ medication: 'Sumatriptan-1a Pharma 100 mg Tabletten', pzn: '06313728', whenHandedOver: '2026-10-05' }],
    });
    expect(inProgress.lastMedicationDispense).toBeDefined();

    // the patient deletes a piece of the Stückelung in the app ($abort as insurant, spec §3.8)
    const piece = loaded.prescriptions[2]!;
    const kvnrOfPiece = kvnrsOfScenario()[piece.prescriptionId]!;
    const aborted = await sim.fhir('POST', `/Task/${piece.prescriptionId}/$abort`, await sim.insurantToken(kvnrOfPiece));
    expect(aborted.status).toBe(204);
    expect(await trainer.patientView(ID(piece.prescriptionId))).toMatchObject({ prescriptionId: piece.prescriptionId, taskStatus: 'cancelled', statusText: 'Gelöscht', dispenses: [] });
  });

  it('a prescription from outside the scenario: the local case’s KVNR, else a German not-found', async () => {
    await trainer.loadScenario('stage');
    const created = await sim.createPrescription({ flowType: '160' });
    await expect(trainer.patientView(ID(created.taskId))).rejects.toMatchObject({ appError: { code: 'not-found', message: expect.stringContaining('kein Versicherter bekannt') } });
    localKvnrs.set(created.taskId, created.kvnr);
    expect(await trainer.patientView(ID(created.taskId))).toMatchObject({ taskStatus: 'ready' });
  });

  it('the replies the patient’s app received for a prescription (spec §3.11): read as the patient reads them, so marked read', async () => {
    const loaded = await trainer.loadScenario('stage');
    const a = loaded.prescriptions[0]!;
    const kvnrOfA = kvnrsOfScenario()[a.prescriptionId]!;
    expect(await trainer.patientReplies(ID(a.prescriptionId))).toEqual([]);

    // this app's reply with a pick-up code, as MessagesService sends it (v1: the code as text and for the DataMatrix)
    const content = { version: 1, supplyOption: 'onPremise', text: 'Liegt bereit. Abholcode K7M2QX', pickUpCodeHR: 'K7M2QX', pickUpCodeDMC: 'K7M2QX', availability: '10' } as const;
    const posted = await sim.fhir('POST', '/Communication', await sim.pharmacyToken(), {
      body: JSON.stringify(buildReply({ prescriptionId: ID(a.prescriptionId), recipientKvnr: kvnrOfA, content })),
      contentType: 'application/fhir+json',
    });
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    // another prescription's reply to another patient is not this prescription's
    const piece = loaded.prescriptions[1]!;
    const other = buildReply({ prescriptionId: ID(piece.prescriptionId), recipientKvnr: kvnrsOfScenario()[piece.prescriptionId]!, content: { version: 1, supplyOption: 'onPremise', text: 'Anderes Rezept' } });
    expect((await sim.fhir('POST', '/Communication', await sim.pharmacyToken(), { body: JSON.stringify(other), contentType: 'application/fhir+json' })).status).toBe(201);

    expect(await trainer.patientReplies(ID(a.prescriptionId))).toEqual([
      {
        id,
        sent: expect.stringMatching(/^2026-10-05T/),
        received: expect.stringMatching(/^2026-10-05T/),
        text: 'Liegt bereit. Abholcode K7M2QX',
        pickUpCodeHR: 'K7M2QX',
        pickUpCodeDMC: 'K7M2QX',
        availability: '10',
        supplyOption: 'onPremise',
      },
    ]);
    // the pharmacy now sees it as read by the patient
    const seen = await sim.fhir('GET', `/Communication/${id}`, await sim.pharmacyToken());
    expect(((await seen.json()) as { received?: string }).received).toBeDefined();

    await expect(trainer.patientReplies(ID('160.000.000.000.777.14'))).rejects.toMatchObject({
      appError: { code: 'not-found', message: expect.stringContaining('Die Nachrichten an den Patienten gibt es') },
    });
  });

  it('reset empties the simulator and the training store; no scenario afterwards', async () => {
    const loaded = await trainer.loadScenario('stage');
    events = [];
    expect(await trainer.reset()).toEqual({ ok: true });
    expect(trainer.currentScenario()).toBeNull();
    expect(events).toEqual([{ type: 'cases-changed' }, { type: 'pending-changed' }]);
    const gone = loaded.prescriptions[0]!.prescriptionId;
    localKvnrs.set(gone, 'X110411675');
    await expect(trainer.patientView(ID(gone))).rejects.toMatchObject({ appError: { code: 'not-found', httpStatus: 404 } });
  });

  it('moves the simulator clock and lets the app follow', async () => {
    await trainer.loadScenario('stage');
    events = [];
    const before = clockSyncs;
    expect(await trainer.advanceClock('PT1H')).toEqual({ now: expect.stringMatching(/^2026-10-05T08:00:0/) });
    expect(clockSyncs).toBe(before + 1);
    expect(events).toEqual([{ type: 'cases-changed' }]);
  });
});
