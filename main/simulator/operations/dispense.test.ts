import { beforeEach, describe, expect, it } from 'vitest';
import { fhirJsonToXml, type FhirResourceJson } from '../../../shared/fhir/xml';
import { MAX_BODY_BYTES } from '../format';
import type { TaskStatus } from '../task-record';
import {
  createTestSimulator,
  dispenseParameters,
  outcomeTexts,
  PHARMACY_A,
  PHARMACY_B,
  type CreatedResponse,
  type TestSimulator,
} from '../test-kit';

let sim: TestSimulator;
let created: CreatedResponse;
let secret: string;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  created = await sim.createPrescription({ flowType: '160' });
  secret = await sim.accept(created);
});

const context = (telematikId = PHARMACY_A): Parameters<typeof dispenseParameters>[1] => ({
  prescriptionId: created.taskId,
  kvnr: created.kvnr,
  telematikId,
  whenHandedOver: '2026-10-05',
});

async function dispense(
  body: string | Uint8Array,
  options: { secret?: string | null; contentType?: string; telematikId?: string; taskId?: string } = {},
): Promise<Response> {
  const query = options.secret === null ? '' : `?secret=${options.secret ?? secret}`;
  return sim.fhir('POST', `/Task/${options.taskId ?? created.taskId}/$dispense${query}`, await sim.pharmacyToken(options.telematikId), {
    body,
    contentType: options.contentType ?? 'application/fhir+json',
  });
}

const json = (parameters: FhirResourceJson): string => JSON.stringify(parameters);

function forceStatus(status: TaskStatus): void {
  const task = sim.repository.get(created.taskId)!;
  task.status = status;
  sim.repository.put(task);
}

describe('$dispense success (spec §3.4)', () => {
  it('answers 204 with an empty body and keeps the Task in-progress (A_24284)', async () => {
    sim.setBaseTime(new Date('2026-10-05T09:15:00Z'));
    const response = await dispense(json(dispenseParameters('dispense', context())));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    const task = sim.repository.get(created.taskId)!;
    expect(task.status).toBe('in-progress');
    expect(task.lastMedicationDispense).toBe('2026-10-05T09:15:00.000Z'); // A_24285-01
    expect(task.secret).toBe(secret);
  });

  it('rewrites ids: <PID>, <PID>-1, … in request order, fresh Medication UUIDs, urn:uuid references (A_26527)', async () => {
    const items = [
      { pzn: '06313728', name: 'Erstes' },
      { pzn: '14186244', name: 'Zweites' },
      { pzn: '05454378', name: 'Drittes' },
    ];
    expect((await dispense(json(dispenseParameters('dispense', context(), items)))).status).toBe(204);
    const stored = sim.repository.get(created.taskId)!.dispenses;
    expect(stored.map((d) => d.medicationDispense['id'])).toEqual([created.taskId, `${created.taskId}-1`, `${created.taskId}-2`]);
    expect(stored.map((d) => (d.medication?.['code'] as { text: string }).text)).toEqual(['Erstes', 'Zweites', 'Drittes']);
    const medicationIds = stored.map((d) => String(d.medication?.['id']));
    for (const [i, id] of medicationIds.entries()) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(stored[i]!.medicationDispense['medicationReference']).toEqual({ reference: `urn:uuid:${id}` });
      expect(stored[i]!.medicationDispense['supportingInformation']).toEqual([{ reference: `Task/${created.taskId}` }]);
    }
    expect(new Set(medicationIds).size).toBe(3);
  });

  it('replaces the whole stored set on every call — the insurant sees only the last one (A_26482, ERP_EE_ZBD_02)', async () => {
    const two = [
      { pzn: '06313728', name: 'Alt 1' },
      { pzn: '14186244', name: 'Alt 2' },
    ];
    expect((await dispense(json(dispenseParameters('dispense', context(), two)))).status).toBe(204);
    expect((await dispense(json(dispenseParameters('dispense', context(), [{ pzn: '05454378', name: 'Neu' }])))).status).toBe(204);

    const insurant = await sim.insurantToken(created.kvnr);
    const response = await sim.fhir(
      'GET',
      `/MedicationDispense?identifier=https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId|${created.taskId}`,
      insurant,
    );
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as { total: number; entry: { resource: FhirResourceJson }[] };
    expect(bundle.total).toBe(1);
    const medications = bundle.entry.filter((e) => e.resource.resourceType === 'Medication');
    expect(medications.map((e) => (e.resource['code'] as { text: string }).text)).toEqual(['Neu']);
    expect(bundle.entry.find((e) => e.resource.resourceType === 'MedicationDispense')?.resource['id']).toBe(created.taskId);
  });

  it('accepts an XML body', async () => {
    const xml = fhirJsonToXml(dispenseParameters('dispense', context()));
    const response = await dispense(xml, { contentType: 'application/fhir+xml; charset=utf-8' });
    expect(response.status).toBe(204);
    expect(sim.repository.get(created.taskId)!.dispenses).toHaveLength(1);
  });

  it('accepts a handover date in the future and „hergestellt“ after the handover: the Fachdienst checks only the date format (spec §3.4)', async () => {
    // The simulator is never stricter than the Fachdienst: these are the pharmacy's rules (docs/checks.md).
    const parameters = dispenseParameters('dispense', { ...context(), whenHandedOver: '2026-10-09' });
    const medicationDispense = (parameters['parameter'] as { part: { resource: FhirResourceJson }[] }[])[0]!.part[0]!.resource;
    medicationDispense['whenPrepared'] = '2026-10-12';
    const response = await dispense(json(parameters));
    expect(response.status).toBe(204);
    expect(sim.repository.get(created.taskId)!.dispenses).toHaveLength(1);
  });

  it('sets the owner to the caller (A_28410): a branch with the Secret may dispense', async () => {
    const response = await dispense(json(dispenseParameters('dispense', context(PHARMACY_B))), { telematikId: PHARMACY_B });
    expect(response.status).toBe(204);
    expect(sim.repository.get(created.taskId)!.owner).toBe(PHARMACY_B);
  });
});

describe('$dispense check order (spec §3.1: 404 → 403 secret → 403 status → 400 body)', () => {
  const validBody = (): string => json(dispenseParameters('dispense', context()));

  it('404 for an unknown id, and for a malformed one', async () => {
    for (const id of ['160.000.000.000.123.76', '160.000.000.000.000.01', 'x']) {
      const response = await dispense(validBody(), { taskId: id });
      expect(response.status).toBe(404);
    }
    expect(await outcomeTexts(await dispense(validBody(), { taskId: '160.000.000.000.123.76' }))).toEqual([
      'Task not found for prescription id',
    ]);
  });

  it('403 for a wrong or missing Secret — even with an unusable body', async () => {
    for (const s of ['0'.repeat(64), null]) {
      const response = await dispense('garbage', { secret: s, contentType: 'text/plain' });
      expect(response.status).toBe(403);
      expect(response.headers.get('VAU-Error-Code')).toBe('brute_force');
      expect(await outcomeTexts(response)).toEqual(['No or invalid secret provided for Task']);
    }
  });

  it.each<[TaskStatus]>([['completed'], ['cancelled'], ['draft'], ['ready']])('403 "Task not in-progress." for a %s Task with the right Secret', async (status) => {
    forceStatus(status);
    const response = await dispense('garbage', { contentType: 'text/plain' });
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual(['Task not in-progress.']);
  });

  it('403 (no Secret exists) for a ready Task that was never accepted', async () => {
    const fresh = await sim.createPrescription({ flowType: '160' });
    const response = await dispense(validBody(), { taskId: fresh.taskId, secret: secret });
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual(['No or invalid secret provided for Task']);
  });

  it('400 with the Fachdienst text when the body breaks a Fachdienst rule (KVNR ≠ Task.for)', async () => {
    const response = await dispense(json(dispenseParameters('dispense', { ...context(), kvnr: 'X110580065' })));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issue: { code: string; details: { text: string }; diagnostics?: string }[] };
    expect(body.issue).toHaveLength(1);
    expect(body.issue[0]!.code).toBe('invalid');
    expect(body.issue[0]!.details.text).toBe('KVNR in MedicationDispense does not match the one in the task');
    expect(sim.repository.get(created.taskId)!.dispenses).toEqual([]);
  });

  it('400 when the performer is not the caller', async () => {
    const response = await dispense(json(dispenseParameters('dispense', context(PHARMACY_B))));
    expect(response.status).toBe(400);
    expect(await outcomeTexts(response)).toEqual(['Telematik-ID in MedicationDispense does not match the one in the access token.']);
  });

  it('415 for a charset other than UTF-8 or a non-FHIR media type', async () => {
    const latin = await dispense(validBody(), { contentType: 'application/fhir+json; charset=ISO-8859-1' });
    expect(latin.status).toBe(415);
    expect((await latin.json()) as unknown).toMatchObject({ issue: [{ code: 'value' }] });
    expect((await dispense(validBody(), { contentType: 'text/plain' })).status).toBe(415);
  });

  it('400 for a BOM, an unparsable body and a body over 1 MB', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(validBody())]);
    const withBom = await dispense(bom);
    expect(withBom.status).toBe(400);
    expect(await outcomeTexts(withBom)).toEqual(['illegal BOM before inner request body']);
    expect((await dispense('{"resourceType":')).status).toBe(400);
    expect((await dispense('')).status).toBe(400);
    const big = json({ ...dispenseParameters('dispense', context()), id: 'x'.repeat(MAX_BODY_BYTES) });
    expect((await dispense(big)).status).toBe(400);
    expect(sim.repository.get(created.taskId)!.dispenses).toEqual([]);
  });

  it('refuses callers other than pharmacies (A_24279)', async () => {
    const insurant = await sim.insurantToken(created.kvnr);
    const response = await sim.fhir('POST', `/Task/${created.taskId}/$dispense?secret=${secret}`, insurant, {
      body: validBody(),
      contentType: 'application/fhir+json',
    });
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual(['endpoint is forbidden for professionOID 1.2.276.0.76.4.49']);
  });
});
