/**
 * gematik's E2E scenarios "Zeitnahe Bereitstellung von Dispensierinformationen" (spec §11.4, ERP_EE_ZBD_01 …
 * ZBD_07) against the simulator over its HTTP API. What the patient sees is read the way the patient's app
 * reads it: `GET /MedicationDispense?identifier=<NS_PrescriptionId>|<id>` and `GET /Task/{id}` with an
 * insurant token (spec §3.10) — pharmacies cannot read it back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NamingSystems } from '../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import {
  createTestSimulator,
  dispenseParameters,
  outcomeTexts,
  PHARMACY_A,
  type CreatedResponse,
  type TestSimulator,
} from '../../main/simulator/test-kit';

let sim: TestSimulator;
let rx: CreatedResponse;
const dataDir = mkdtempSync(join(tmpdir(), 'sim-zbd-'));
let runs = 0;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
afterEach(() => sim.repository.close());

/** Every scenario runs on the memory state and on SQLite (the app's embedded simulator persists). */
const STATES = [['in memory', false] as const, ['in SQLite', true] as const];

async function startSimulator(sqlite: boolean): Promise<void> {
  sim = await createTestSimulator(
    new Date('2026-10-05T08:00:00Z'),
    sqlite ? { sqliteFile: join(dataDir, `zbd-${++runs}.db`) } : {},
  );
  rx = await sim.createPrescription({ flowType: '160' });
}

const items = (...names: string[]): { pzn: string; name: string }[] =>
  names.map((name, i) => ({ pzn: ['06313728', '14186244', '05454378'][i % 3]!, name }));

async function post(operation: string, secret: string, names?: string[]): Promise<Response> {
  const body = names
    ? JSON.stringify(
        dispenseParameters(
          operation === '$close' ? 'close' : 'dispense',
          { prescriptionId: rx.taskId, kvnr: rx.kvnr, telematikId: PHARMACY_A, whenHandedOver: '2026-10-05' },
          items(...names),
        ),
      )
    : undefined;
  return sim.fhir('POST', `/Task/${rx.taskId}/${operation}?secret=${secret}`, await sim.pharmacyToken(), {
    ...(body ? { body, contentType: 'application/fhir+json' } : {}),
  });
}

/** What the patient's app shows: the MedicationDispenses of this prescription and the names of their Medications. */
async function patientSees(): Promise<{ dispenses: FhirResourceJson[]; medicationNames: string[] }> {
  const identifier = encodeURIComponent(`${NamingSystems.prescriptionId}|${rx.taskId}`);
  const response = await sim.fhir(
    'GET',
    `/MedicationDispense?identifier=${identifier}`,
    await sim.insurantToken(rx.kvnr),
  );
  expect(response.status).toBe(200);
  const bundle = (await response.json()) as FhirResourceJson;
  expect(bundle['type']).toBe('searchset');
  const resources = ((bundle['entry'] as { resource: FhirResourceJson }[] | undefined) ?? []).map(
    (e) => e.resource,
  );
  const dispenses = resources.filter((r) => r.resourceType === 'MedicationDispense');
  expect(bundle['total']).toBe(dispenses.length);
  const medicationNames = resources
    .filter((r) => r.resourceType === 'Medication')
    .map((m) => (m['code'] as { text: string }).text);
  return { dispenses, medicationNames };
}

async function patientTask(): Promise<FhirResourceJson> {
  const response = await sim.fhir('GET', `/Task/${rx.taskId}`, await sim.insurantToken(rx.kvnr));
  expect(response.status).toBe(200);
  const bundle = (await response.json()) as { entry: { resource: FhirResourceJson }[] };
  return bundle.entry[0]!.resource;
}

const lastMedicationDispense = (task: FhirResourceJson): string | undefined =>
  (task['extension'] as { url: string; valueInstant?: string }[]).find((e) =>
    e.url.endsWith('GEM_ERP_EX_LastMedicationDispense'),
  )?.valueInstant;

describe.each(STATES)(
  'gematik E2E "Zeitnahe Bereitstellung von Dispensierinformationen" (spec §11.4), state %s',
  (_state, sqlite) => {
    beforeEach(() => startSimulator(sqlite));

    it('ERP_EE_ZBD_01: after $dispense the patient sees 1 dispense; after $close exactly 1 receipt', async () => {
      const secret = await sim.accept(rx);
      expect((await patientSees()).dispenses).toHaveLength(0);
      sim.setBaseTime(new Date('2026-10-05T09:30:00Z'));
      expect((await post('$dispense', secret, ['Sumatriptan'])).status).toBe(204);

      const seen = await patientSees();
      expect(seen.dispenses).toHaveLength(1);
      expect(seen.medicationNames).toEqual(['Sumatriptan']);
      expect(seen.dispenses[0]!['id']).toBe(rx.taskId);
      // "abgegeben" before the close: the patient's Task carries lastMedicationDispense (A_24285-01)
      const task = await patientTask();
      expect(task['status']).toBe('in-progress');
      expect(lastMedicationDispense(task)).toBe('2026-10-05T09:30:00.000Z');

      const closed = await post('$close', secret);
      expect(closed.status).toBe(200);
      const receipt = (await closed.json()) as FhirResourceJson;
      const refetch = await sim.fhir('GET', `/Task/${rx.taskId}?secret=${secret}`, await sim.pharmacyToken());
      const entries = ((await refetch.json()) as { entry: { resource: FhirResourceJson }[] }).entry.map(
        (e) => e.resource,
      );
      const receipts = entries.filter((r) => r.resourceType === 'Bundle');
      expect(receipts).toHaveLength(1);
      expect(receipts[0]!['id']).toBe(receipt['id']);
      const output = (entries[0]!['output'] as unknown[] | undefined) ?? [];
      expect(output).toHaveLength(1);
      expect((await patientSees()).dispenses).toHaveLength(1);
      expect((await patientTask())['status']).toBe('completed');
    });

    it('ERP_EE_ZBD_02: after repeated $dispense the patient sees only the last set', async () => {
      const secret = await sim.accept(rx);
      expect((await post('$dispense', secret, ['Erste A', 'Erste B', 'Erste C'])).status).toBe(204);
      expect((await patientSees()).dispenses).toHaveLength(3);
      expect((await post('$dispense', secret, ['Zweite A'])).status).toBe(204);
      expect((await post('$dispense', secret, ['Letzte A', 'Letzte B'])).status).toBe(204);
      const seen = await patientSees();
      expect(seen.medicationNames).toEqual(['Letzte A', 'Letzte B']);
      expect(seen.dispenses.map((d) => d['id'])).toEqual([rx.taskId, `${rx.taskId}-1`]);
    });

    it('ERP_EE_ZBD_03: after $close the dispense information can no longer be changed', async () => {
      const secret = await sim.accept(rx);
      expect((await post('$close', secret, ['Abgeschlossen'])).status).toBe(200);
      const dispense = await post('$dispense', secret, ['Nachträglich']);
      expect(dispense.status).toBe(403);
      expect(await outcomeTexts(dispense)).toEqual(['Task not in-progress.']);
      const close = await post('$close', secret, ['Nachträglich']);
      expect(close.status).toBe(403);
      expect(await outcomeTexts(close)).toEqual(['Task has to be in progress, but is: completed']);
      const reject = await post('$reject', secret);
      expect(reject.status).toBe(403);
      expect((await patientSees()).medicationNames).toEqual(['Abgeschlossen']);
    });

    it('ERP_EE_ZBD_04: $close with a body overwrites the data of an earlier $dispense', async () => {
      const secret = await sim.accept(rx);
      expect((await post('$dispense', secret, ['Vorläufig A', 'Vorläufig B'])).status).toBe(204);
      expect((await post('$close', secret, ['Endgültig'])).status).toBe(200);
      const seen = await patientSees();
      expect(seen.medicationNames).toEqual(['Endgültig']);
      expect(seen.dispenses).toHaveLength(1);
    });

    it('ERP_EE_ZBD_05: $dispense without a prior $accept fails', async () => {
      const response = await post('$dispense', '0'.repeat(64), ['Zu früh']);
      expect(response.status).toBe(403);
      expect(await outcomeTexts(response)).toEqual(['No or invalid secret provided for Task']);
      expect(sim.repository.get(rx.taskId)?.status).toBe('ready');
      expect((await patientSees()).dispenses).toHaveLength(0);
    });

    it('ERP_EE_ZBD_06: after $reject following a $dispense the patient sees no dispense', async () => {
      const secret = await sim.accept(rx);
      expect((await post('$dispense', secret, ['Wird zurückgegeben'])).status).toBe(204);
      expect((await patientSees()).dispenses).toHaveLength(1);
      expect((await post('$reject', secret)).status).toBe(204);
      expect((await patientSees()).dispenses).toHaveLength(0);
      const task = await patientTask();
      expect(task['status']).toBe('ready');
      expect(lastMedicationDispense(task)).toBeUndefined();
    });

    it('ERP_EE_ZBD_07: $close without any dispense data fails', async () => {
      const secret = await sim.accept(rx);
      const response = await post('$close', secret);
      expect(response.status).toBe(403);
      expect(await outcomeTexts(response)).toEqual([
        'Abschluss des Workflows konnte nicht durchgeführt werden. Dispensierinformationen wurden nicht bereitgestellt.',
      ]);
      expect((await patientTask())['status']).toBe('in-progress');
    });
  },
);

describe('the insurant read itself (spec §3.10)', () => {
  beforeEach(() => startSimulator(false));

  it('shows only the own prescriptions; a pharmacy gets 403; /MedicationDispense/{id} is 405', async () => {
    const secret = await sim.accept(rx);
    expect((await post('$dispense', secret, ['Meins'])).status).toBe(204);
    const stranger = await sim.fhir('GET', '/MedicationDispense', await sim.insurantToken('X110411675'));
    expect(((await stranger.json()) as { total: number }).total).toBe(0);
    const all = await sim.fhir('GET', '/MedicationDispense', await sim.insurantToken(rx.kvnr));
    expect(((await all.json()) as { total: number }).total).toBe(1);
    const pharmacy = await sim.fhir('GET', '/MedicationDispense', await sim.pharmacyToken());
    expect(pharmacy.status).toBe(403);
    expect(await outcomeTexts(pharmacy)).toEqual([
      'endpoint is forbidden for professionOID 1.2.276.0.76.4.54',
    ]);
    const byId = await sim.fhir('GET', `/MedicationDispense/${rx.taskId}`, await sim.insurantToken(rx.kvnr));
    expect(byId.status).toBe(405);
    expect(await outcomeTexts(byId)).toEqual(['no matching handler found.']);
  });
});
