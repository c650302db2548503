/**
 * The control API of the patient's side (`/_sim/communications/…`, spec erezept-pharmacy §3.11): a Zuweisung goes
 * through the Fachdienst's own rules with the patient's identity; reading the replies stamps `received`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { NamingSystems } from '../../shared/fhir/profiles';
import { reply } from './operations/communication/test-messages';
import { createTestSimulator, PHARMACY_A, type CreatedResponse, type TestSimulator } from './test-kit';

let sim: TestSimulator;
let created: CreatedResponse;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  created = await sim.createPrescription({ flowType: '160' });
});

type Inbox = { entry?: { resource: Record<string, unknown> }[] };

async function pharmacyInbox(): Promise<Record<string, unknown>[]> {
  const response = await sim.fhir('GET', '/Communication?received=NULL', await sim.pharmacyToken());
  return ((await response.json()) as Inbox).entry?.map((e) => e.resource) ?? [];
}

describe('POST /_sim/communications/dispreq', () => {
  it('the patient assigns the prescription: the pharmacy finds the DispReq with the wish as v1 payload', async () => {
    const answer = await sim.control('POST', '/communications/dispreq', {
      taskId: created.taskId,
      pharmacy: PHARMACY_A,
      supplyOptionsType: 'delivery',
      name: 'Greta Aydın',
      address: ['Lindenstraße 5', '10969 Berlin'],
      hint: 'Hinterhaus, 2. OG',
      phone: '0301234567',
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), sent: '2026-10-05T08:00:00.000Z' });
    const [message] = await pharmacyInbox();
    expect(message).toMatchObject({
      id: answer.json['id'],
      meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_DispReq|1.6'] },
      extension: [{ valueCoding: { code: '160' } }],
      basedOn: [{ reference: created.token }],
      sender: { identifier: { system: NamingSystems.kvnr, value: created.kvnr } },
      recipient: [{ identifier: { value: PHARMACY_A } }],
    });
    const payload = (message?.['payload'] as { contentString: string }[])[0]!.contentString;
    expect(JSON.parse(payload)).toEqual({
      version: 1,
      supplyOptionsType: 'delivery',
      name: 'Greta Aydın',
      address: ['Lindenstraße 5', '10969 Berlin'],
      hint: 'Hinterhaus, 2. OG',
      phone: '0301234567',
    });
  });

  it('is refused like an insurant\'s POST: a prescription already claimed gets the Fachdienst\'s 400', async () => {
    await sim.accept(created);
    const answer = await sim.control('POST', '/communications/dispreq', { taskId: created.taskId, pharmacy: PHARMACY_A });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: 'Der Fachdienst lehnt die Zuweisung ab: HTTP 400 „Task has invalid status.“',
      fachdienst: { status: 400, text: 'Task has invalid status.' },
    });
    const toCostBearer = await sim.createPrescription({ flowType: '160' });
    const refused = await sim.control('POST', '/communications/dispreq', { taskId: toCostBearer.taskId, pharmacy: '8-kasse' });
    expect(refused.json['fachdienst']).toMatchObject({ status: 403 });
  });

  it('writes v3 with gematik\'s field names, and the Fachdienst checks the v3 schema', async () => {
    const v3 = {
      taskId: created.taskId,
      pharmacy: PHARMACY_A,
      version: 3,
      supplyOptionsType: 'shipment',
      firstname: 'Greta',
      lastname: 'Aydın',
      address: 'Lindenstraße 5',
      postcode: '10969',
      city: 'Berlin',
      country: 'DE',
      phone: '004930123456',
      email: 'greta@example.org',
      transactionId: 'tx-42',
    };
    expect((await sim.control('POST', '/communications/dispreq', v3)).status).toBe(201);
    const payload = JSON.parse(((await pharmacyInbox())[0]?.['payload'] as { contentString: string }[])[0]!.contentString) as object;
    expect(payload).toEqual({
      version: 3,
      communicationType: 'order',
      supplyOptionsType: 'shipment',
      firstname: 'Greta',
      lastname: 'Aydın',
      address: 'Lindenstraße 5',
      postcode: '10969',
      city: 'Berlin',
      country: 'DE',
      phone: '004930123456',
      email: 'greta@example.org',
      transactionID: 'tx-42',
    });
    const other = await sim.createPrescription({ flowType: '160' });
    const withoutPostcode = await sim.control('POST', '/communications/dispreq', { ...v3, taskId: other.taskId, postcode: undefined });
    expect(withoutPostcode.status).toBe(400);
    expect(withoutPostcode.json['fachdienst']).toMatchObject({ text: expect.stringContaining('does not conform to expected JSON schema') });
  });

  it('sends another AccessCode when asked: the Fachdienst takes it from the patient, the pharmacy\'s $accept fails', async () => {
    const wrong = 'e'.repeat(64);
    expect((await sim.control('POST', '/communications/dispreq', { taskId: created.taskId, pharmacy: PHARMACY_A, accessCode: wrong })).status).toBe(201);
    const accept = await sim.fhir('POST', `/Task/${created.taskId}/$accept?ac=${wrong}`, await sim.pharmacyToken());
    expect(accept.status).toBe(403);
  });

  it('sends a payload verbatim (contentString) and refuses an unknown Task (404) or a missing pharmacy (400)', async () => {
    const verbatim = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', hint: 'Bitte\u0007 klingeln \u202etxet' });
    expect((await sim.control('POST', '/communications/dispreq', { taskId: created.taskId, pharmacy: PHARMACY_A, contentString: verbatim })).status).toBe(201);
    expect(((await pharmacyInbox())[0]?.['payload'] as { contentString: string }[])[0]!.contentString).toBe(verbatim);
    expect((await sim.control('POST', '/communications/dispreq', { taskId: '160.000.000.000.123.76', pharmacy: PHARMACY_A })).status).toBe(404);
    const noPharmacy = await sim.control('POST', '/communications/dispreq', { taskId: created.taskId });
    expect(noPharmacy.status).toBe(400);
    expect(String(noPharmacy.json['error'])).toMatch(/^pharmacy: /);
  });
});

describe('GET /_sim/communications/replies', () => {
  it('answers the replies the patient got with the parsed payload, and stamps received as the patient\'s app does', async () => {
    const withOffer = reply(created.taskId, created.kvnr);
    (withOffer['payload'] as Record<string, unknown>[])[0]!['extension'] = [
      { url: 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_AvailabilityState', valueCoding: { code: '20' } },
      {
        url: 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_SupplyOptionsType',
        extension: [
          { url: 'onPremise', valueBoolean: true },
          { url: 'delivery', valueBoolean: false },
        ],
      },
    ];
    const posted = await sim.fhir('POST', '/Communication', await sim.pharmacyToken(), {
      body: JSON.stringify(withOffer),
      contentType: 'application/fhir+json',
    });
    const id = ((await posted.json()) as { id: string }).id;
    sim.setBaseTime(new Date('2026-10-05T09:00:00Z'));

    const answer = await sim.control('GET', `/communications/replies?kvnr=${created.kvnr}`);
    expect(answer.status).toBe(200);
    expect(answer.json['replies']).toEqual([
      expect.objectContaining({
        id,
        taskId: created.taskId,
        sender: PHARMACY_A,
        sent: '2026-10-05T08:00:00.000Z',
        received: '2026-10-05T09:00:00.000Z',
        payload: { version: 1, supplyOptionsType: 'onPremise', info_text: 'Liegt ab 14 Uhr bereit.', pickUpCodeHR: '1234' },
        availability: '20',
        supplyOptions: { onPremise: true, delivery: false },
      }),
    ]);
    const seenByPharmacy = await sim.fhir('GET', `/Communication/${id}`, await sim.pharmacyToken());
    expect(((await seenByPharmacy.json()) as { received?: string }).received).toBe('2026-10-05T09:00:00.000Z');
    expect((await sim.control('GET', '/communications/replies?kvnr=K220635158')).json).toEqual({ replies: [] });
    expect((await sim.control('GET', '/communications/replies?kvnr=x')).status).toBe(400);
  });
});

it('answers only loopback callers', async () => {
  const response = await sim.app.request(`/_sim/communications/replies?kvnr=${created.kvnr}`, { headers: { host: 'evil.example' } });
  expect(response.status).toBe(403);
});
