import { describe, expect, it } from 'vitest';
import { readTaskBundle } from '../../shared/fhir/fachdienst-responses';
import { CodeSystems, Extensions, NamingSystems } from '../../shared/fhir/profiles';
import { AppFailure } from '../errors';
import { jsonResponse, ScriptedTransport } from '../fachdienst/testing';
import { insurantViewOf, readInsurantDispenses, readInsurantTask, type InsurantTask } from './insurant-view';

const ID = '160.000.000.000.001.54';
const OURS = { telematikId: '3-SMC-B-Testkarte-883110000095957', name: 'Demo-Apotheke am Markt' };

function taskBundle(status: string, extra: Record<string, unknown> = {}): unknown {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'Task',
          id: ID,
          identifier: [{ system: NamingSystems.prescriptionId, value: ID }],
          status,
          authoredOn: '2026-10-05T07:00:00.000Z',
          extension: [
            { url: Extensions.expiryDate, valueDate: '2027-01-05' },
            ...(status === 'ready' ? [] : [{ url: Extensions.lastMedicationDispense, valueInstant: '2026-10-05T08:30:00.000Z' }]),
          ],
          ...extra,
        },
      },
    ],
  };
}

function task(status: string, extra: Record<string, unknown> = {}): InsurantTask {
  const read = readTaskBundle(taskBundle(status, extra));
  if (!read.ok) throw new Error(read.error);
  return { kind: 'task', task: read.data.task };
}

/** What `GET /MedicationDispense` answers the insurant: dispenses (match) and their Medications (include). */
const dispenses = {
  resourceType: 'Bundle',
  type: 'searchset',
  entry: [
    {
      fullUrl: `http://127.0.0.1/MedicationDispense/${ID}`,
      search: { mode: 'match' },
      resource: {
        resourceType: 'MedicationDispense',
        id: ID,
        medicationReference: { reference: 'urn:uuid:11111111-1111-4111-8111-111111111111' },
        quantity: { value: 2 },
        whenHandedOver: '2026-10-05',
        dosageInstruction: [{ text: '1-0-1' }],
      },
    },
    {
      fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111',
      search: { mode: 'include' },
      resource: {
        resourceType: 'Medication',
        id: '11111111-1111-4111-8111-111111111111',
        code: { coding: [{ system: CodeSystems.pzn, code: '06313728' }], text: 'Sumatriptan-1a Pharma 100 mg Tabletten' },
        batch: { lotNumber: 'LOT-1', expirationDate: '2028-01-31' },
      },
    },
    {
      search: { mode: 'match' },
      resource: {
        resourceType: 'MedicationDispense',
        id: `${ID}-1`,
        medicationReference: { reference: 'urn:uuid:22222222-2222-4222-8222-222222222222' },
        quantity: { value: 1 },
        whenHandedOver: '2026-10-05',
      },
    },
    {
      fullUrl: 'urn:uuid:22222222-2222-4222-8222-222222222222',
      search: { mode: 'include' },
      resource: {
        resourceType: 'Medication',
        id: '22222222-2222-4222-8222-222222222222',
        ingredient: [{ itemCodeableConcept: { text: 'Ibuprofen' } }],
      },
    },
  ],
};

describe('insurantViewOf (spec §3.10: the patient reads what the Fachdienst stored)', () => {
  it('a prescription not yet redeemed', () => {
    expect(insurantViewOf(ID, task('ready'), { resourceType: 'Bundle', type: 'searchset', total: 0 }, { pharmacy: OURS, medication: 'Sumatriptan 100 mg' })).toEqual({
      prescriptionId: ID,
      taskStatus: 'ready',
      statusText: 'Noch nicht eingelöst',
      medication: 'Sumatriptan 100 mg',
      authoredOn: '2026-10-05T07:00:00.000Z',
      expiryDate: '2027-01-05',
      dispenses: [],
    });
  });

  it('in progress at this pharmacy: its name, the last dispense time and every dispensed item with packs, PZN, batch and dosage', () => {
    const view = insurantViewOf(ID, task('in-progress', { owner: { identifier: { system: NamingSystems.telematikId, value: OURS.telematikId } } }), dispenses, { pharmacy: OURS });
    expect(view).toMatchObject({
      taskStatus: 'in-progress',
      statusText: 'In Bearbeitung durch die Apotheke',
      pharmacy: 'Demo-Apotheke am Markt (3-SMC-B-Testkarte-883110000095957)',
      lastMedicationDispense: '2026-10-05T08:30:00.000Z',
    });
    expect(view.dispenses).toEqual([
      { medication: '2 × Sumatriptan-1a Pharma 100 mg Tabletten', pzn: '06313728', batch: 'LOT-1', whenHandedOver: '2026-10-05', dosage: '1-0-1' },
      { medication: 'Ibuprofen', whenHandedOver: '2026-10-05' },
    ]);
  });

  it('another pharmacy is named by its Telematik-ID; completed and deleted read as the patient knows them', () => {
    const elsewhere = insurantViewOf(ID, task('completed', { owner: { identifier: { value: '3-01.2.2023001.16.101' } } }), undefined, { pharmacy: OURS });
    expect(elsewhere).toMatchObject({ statusText: 'Eingelöst', pharmacy: '3-01.2.2023001.16.101', dispenses: [] });
    expect(insurantViewOf(ID, { kind: 'gone' }, undefined, { pharmacy: OURS })).toEqual({ prescriptionId: ID, taskStatus: 'cancelled', statusText: 'Gelöscht', dispenses: [] });
  });
});

describe('the insurant reads', () => {
  const now = (): Date => new Date('2026-10-05T08:00:00Z');

  it('GET Task/<id> and GET MedicationDispense?identifier=<NS>|<id> with the insurant token, as JSON', async () => {
    const transport = new ScriptedTransport((request) => (request.path === 'MedicationDispense' ? jsonResponse(200, dispenses) : jsonResponse(200, taskBundle('ready'))));
    expect(await readInsurantTask({ transport, now }, ID, 'jwt')).toMatchObject({ kind: 'task', task: { status: 'ready' } });
    expect(await readInsurantDispenses({ transport, now }, ID, 'jwt')).toEqual(dispenses);
    expect(transport.requests).toEqual([
      { method: 'GET', path: `Task/${ID}`, headers: { Authorization: 'Bearer jwt', Accept: 'application/fhir+json' } },
      {
        method: 'GET',
        path: 'MedicationDispense',
        query: { identifier: `${NamingSystems.prescriptionId}|${ID}` },
        headers: { Authorization: 'Bearer jwt', Accept: 'application/fhir+json' },
      },
    ]);
  });

  it('410 = deleted; 404 and other refusals are German failures', async () => {
    const answer = (status: number) => new ScriptedTransport(() => jsonResponse(status, { resourceType: 'OperationOutcome' }));
    expect(await readInsurantTask({ transport: answer(410), now }, ID, 'jwt')).toEqual({ kind: 'gone' });
    await expect(readInsurantTask({ transport: answer(404), now }, ID, 'jwt')).rejects.toMatchObject({ appError: { code: 'not-found', httpStatus: 404 } });
    const refused = await readInsurantTask({ transport: answer(403), now }, ID, 'jwt').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppFailure);
    expect((refused as AppFailure).appError.message).toBe('Der Fachdienst (Simulator) gibt das Rezept dem Versicherten nicht heraus (HTTP 403).');
  });
});
