/**
 * POST /Communication against the simulator, rule by rule as FD 1.22 CommunicationPostHandler applies them (spec
 * erezept-pharmacy §3.11): the patient's Zuweisung (DispReq), the pharmacy's reply, the payload checks.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { NamingSystems, ProfessionOids } from '../../../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../../../shared/fhir/xml';
import { fhirJsonToXml } from '../../../../shared/fhir/xml';
import { createTestSimulator, outcomeTexts, PHARMACY_A, type CreatedResponse, type TestSimulator } from '../../test-kit';
import { CommunicationProfiles } from './message';
import { dispReq, reply, V1_PICKUP } from './test-messages';

const FIXTURES = new URL('../../../../test/fixtures/gematik/workflow-1.6/', import.meta.url);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim: TestSimulator;
let created: CreatedResponse;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  created = await sim.createPrescription({ flowType: '160' });
});

async function post(resource: FhirResourceJson, token: string, headers: Record<string, string> = {}): Promise<Response> {
  return sim.fhir('POST', '/Communication', token, { body: JSON.stringify(resource), contentType: 'application/fhir+json', headers });
}
const asPatient = async (resource: FhirResourceJson, kvnr = created.kvnr, headers: Record<string, string> = {}): Promise<Response> =>
  post(resource, await sim.insurantToken(kvnr), headers);
const asPharmacy = async (resource: FhirResourceJson, telematikId = PHARMACY_A): Promise<Response> =>
  post(resource, await sim.pharmacyToken(telematikId));

async function refusal(response: Response): Promise<{ status: number; text: string; diagnostics?: string }> {
  const body = (await response.json()) as { issue: { details: { text: string }; diagnostics?: string }[] };
  const issue = body.issue[0]!;
  return { status: response.status, text: issue.details.text, ...(issue.diagnostics !== undefined ? { diagnostics: issue.diagnostics } : {}) };
}

const withPayload = (contentString: string): FhirResourceJson => dispReq(created, PHARMACY_A, { contentString });

describe('a patient assigns a prescription to a pharmacy (DispReq)', () => {
  it('is stored with id, sender and sent from the Fachdienst — whatever the app sent — and answered 201 with Location', async () => {
    const sentByApp = {
      ...dispReq(created, PHARMACY_A),
      id: 'mine',
      sender: { identifier: { system: NamingSystems.kvnr, value: 'A123456780' } },
      sent: '2020-01-01T00:00:00Z',
      received: '2020-01-01T00:00:00Z',
    };
    const response = await asPatient(sentByApp);
    expect(response.status).toBe(201);
    const stored = (await response.json()) as Record<string, unknown>;
    expect(stored['id']).toMatch(UUID);
    expect(response.headers.get('location')).toBe(`http://prescriptionserver.telematik/Communication/${String(stored['id'])}`);
    expect(stored['sender']).toEqual({ identifier: { system: NamingSystems.kvnr, value: created.kvnr } });
    expect(stored['sent']).toBe('2026-10-05T08:00:00.000Z');
    expect(stored['received']).toBeUndefined();
    expect(stored['payload']).toEqual([{ contentString: V1_PICKUP }]);
  });

  it('refuses a prescription that is not ready, expired or not yet redeemable (MVO), and one that does not exist', async () => {
    await sim.accept(created);
    expect(await refusal(await asPatient(dispReq(created, PHARMACY_A)))).toEqual({ status: 400, text: 'Task has invalid status.' });

    const expiring = await sim.createPrescription({ flowType: '160', authoredOn: '2026-10-01' });
    sim.setBaseTime(new Date('2027-01-02T08:00:00Z'));
    expect(await refusal(await asPatient(dispReq(expiring, PHARMACY_A), expiring.kvnr))).toEqual({ status: 400, text: 'Task is expired.' });

    sim.setBaseTime(new Date('2026-10-05T08:00:00Z'));
    const later = await sim.createPrescription({ flowType: '160', mvo: { part: 2, of: 2, start: '2026-12-01' } });
    expect(await refusal(await asPatient(dispReq(later, PHARMACY_A), later.kvnr))).toEqual({
      status: 400,
      text: 'Prescription is not fillable yet.',
    });

    const unknown = { taskId: '160.000.000.000.123.76', accessCode: created.accessCode };
    expect(await refusal(await asPatient(dispReq(unknown, PHARMACY_A)))).toEqual({
      status: 400,
      text: 'Task for prescription id 160.000.000.000.123.76 is missing',
    });
  });

  it('goes to a pharmacy: a KVNR or a cost bearer as recipient is refused (A_27767-01)', async () => {
    const toKvnr = dispReq(created, PHARMACY_A);
    toKvnr['recipient'] = [{ identifier: { system: NamingSystems.kvnr, value: 'X110411675' } }];
    expect(await refusal(await asPatient(toKvnr))).toEqual({ status: 400, text: 'Expected TelematikId, got KVNR' });
    expect(await refusal(await asPatient(dispReq(created, '8-SMC-B-Testkarte-883110000123465')))).toEqual({
      status: 403,
      text: 'Der Empfänger darf den Flowtype für Apothekenpflichtige Arzneimittel nicht empfangen',
    });
    expect((await asPatient(dispReq(created, '5-SMC-B-Krankenhausapotheke'))).status).toBe(201);
  });

  it("needs the AccessCode in basedOn; the patient's own value is not compared, a representative needs the right one in X-AccessCode", async () => {
    const noAccessCode = dispReq(created, PHARMACY_A, { reference: `Task/${created.taskId}` });
    expect(await refusal(await asPatient(noAccessCode))).toEqual({ status: 400, text: 'Dispense request must contain an access code in payload' });
    // FD 1.22 compares the AccessCode only for a representative; the pharmacy's $accept with it fails later (403)
    const wrongCode = dispReq({ ...created, accessCode: 'f'.repeat(64) }, PHARMACY_A);
    expect((await asPatient(wrongCode)).status).toBe(201);

    const representative = 'K220635158';
    expect(await refusal(await asPatient(dispReq(created, PHARMACY_A), representative))).toEqual({
      status: 400,
      text: 'Header must contain an access code',
    });
    expect(await refusal(await asPatient(dispReq(created, PHARMACY_A), representative, { 'X-AccessCode': 'f'.repeat(64) }))).toEqual({
      status: 400,
      text: 'Access code of header not equal to access code of referenced task',
    });
    expect((await asPatient(dispReq(created, PHARMACY_A), representative, { 'X-AccessCode': created.accessCode })).status).toBe(201);
  });

  it('is sent by insurants only: a pharmacy posting a DispReq gets 400', async () => {
    expect(await refusal(await asPharmacy(dispReq(created, PHARMACY_A)))).toEqual({
      status: 400,
      text: 'Invalid sender profession oid in communication message',
    });
  });

  it('of a T-Rezept asks only for pick-up or the messenger (A_23878-01)', async () => {
    const tRezept = await sim.createPrescription({ flowType: '166' });
    const shipment = dispReq(tRezept, PHARMACY_A, { contentString: JSON.stringify({ version: 1, supplyOptionsType: 'shipment' }) });
    expect(await refusal(await asPatient(shipment, tRezept.kvnr))).toEqual({
      status: 400,
      text: 'for flowType 166 only onPremise and delivery are allowed',
    });
    const delivery = dispReq(tRezept, PHARMACY_A, { contentString: JSON.stringify({ version: 1, supplyOptionsType: 'delivery' }) });
    expect((await asPatient(delivery, tRezept.kvnr)).status).toBe(201);
  });

  it('may come without payload (the FD checks none then)', async () => {
    expect((await asPatient(dispReq(created, PHARMACY_A, { contentString: null }))).status).toBe(201);
  });

  it('keeps a test identity away from real insurants (A_20753)', async () => {
    const testPatient = await sim.createPrescription({ flowType: '160', kvnr: 'X000000012' });
    expect((await asPatient(dispReq(testPatient, PHARMACY_A), 'X000000012')).status).toBe(201);
    expect(await refusal(await asPatient(dispReq(created, PHARMACY_A), 'X000000012', { 'X-AccessCode': created.accessCode }))).toEqual({
      status: 400,
      text: 'KVNR verification identities may not access information from insurants and vice versa',
    });
  });
});

describe('the pharmacy replies (Reply)', () => {
  it('to the patient by KVNR: 201 in XML (the pharmacy default), sender = its Telematik-ID', async () => {
    const response = await sim.fhir('POST', '/Communication', await sim.pharmacyToken(), {
      body: fhirJsonToXml(reply(created.taskId, created.kvnr)),
      contentType: 'application/fhir+xml',
      accept: 'application/fhir+xml',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toContain('application/fhir+xml');
    const xml = await response.text();
    expect(xml).toContain(`<value value="${PHARMACY_A}"/>`);
    expect(xml).toContain('<sent value="2026-10-05T08:00:00.000Z"/>');
  });

  it('needs an existing Task and a KVNR as recipient; the KVNR is not compared with the Task\'s', async () => {
    expect(await refusal(await asPharmacy(reply('160.000.000.000.123.76', created.kvnr)))).toEqual({
      status: 400,
      text: 'Task for prescription id 160.000.000.000.123.76 is missing',
    });
    const toPharmacy = reply(created.taskId, created.kvnr);
    toPharmacy['recipient'] = [{ identifier: { system: NamingSystems.telematikId, value: '3-other' } }];
    expect(await refusal(await asPharmacy(toPharmacy))).toEqual({ status: 400, text: 'Expected KVNR, got TelematikId' });
    expect((await asPharmacy(reply(created.taskId, 'K220635158'))).status).toBe(201);
    // a Task in any state: the reply after $accept is the usual case
    await sim.accept(created);
    expect((await asPharmacy(reply(created.taskId, created.kvnr))).status).toBe(201);
  });

  it('is sent by pharmacies only', async () => {
    expect(await refusal(await asPatient(reply(created.taskId, created.kvnr)))).toEqual({
      status: 400,
      text: 'Invalid sender profession oid in communication reply message',
    });
  });

  it('refuses a v1 pick-up code without onPremise and a url without host', async () => {
    const code = JSON.stringify({ version: 1, supplyOptionsType: 'delivery', pickUpCodeHR: '12' });
    expect(await refusal(await asPharmacy(reply(created.taskId, created.kvnr, code)))).toEqual({
      status: 400,
      text: 'Invalid request body',
      diagnostics: "Invalid payload: Value of 'supplyOptionsType' must be 'onPremise'",
    });
    const url = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', url: '' });
    expect((await refusal(await asPharmacy(reply(created.taskId, created.kvnr, url)))).diagnostics).toBe('Invalid payload: URL not valid.');
  });

  it('accepts the v3 variants (from 01.10.2026) and refuses one that fits none', async () => {
    const text = JSON.stringify({ version: 3, communicationType: 'text', transactionID: 't-1', text: 'Bitte rufen Sie uns an.' });
    expect((await asPharmacy(reply(created.taskId, created.kvnr, text))).status).toBe(201);
    const status = JSON.stringify({ version: 3, communicationType: 'reservationStatus', transactionID: 't-1', readyForCollection: 'sameDay' });
    expect((await asPharmacy(reply(created.taskId, created.kvnr, status))).status).toBe(201);
    const noText = JSON.stringify({ version: 3, communicationType: 'link', transactionID: 't-1', url: 'https://apotheke.example/x' });
    const refused = await refusal(await asPharmacy(reply(created.taskId, created.kvnr, noText)));
    expect(refused.status).toBe(400);
    expect(refused.text).toBe('Invalid payload: does not conform to expected JSON schema: validation of JSON document failed');
  });
});

describe('profiles', () => {
  it('refuses a message without or with an unknown profile, and workflow 1.5 where the FD\'s window has closed', async () => {
    const noProfile = dispReq(created, PHARMACY_A);
    delete noProfile['meta'];
    expect(await refusal(await asPatient(noProfile))).toEqual({ status: 400, text: 'Profile missing in Communication message.' });
    const infoReq = dispReq(created, PHARMACY_A);
    infoReq['meta'] = { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_InfoReq|1.2'] };
    const unknown = await refusal(await asPatient(infoReq));
    expect(unknown.text).toBe('parsing / validation error');
    expect(unknown.diagnostics).toContain(`${CommunicationProfiles.DispReq}|1.6`);
    // on 05.10.2026: DispReq 1.5 still accepted (until 14.01.2027), Reply 1.5 no longer (until 30.09.2026)
    expect((await asPatient(dispReq(created, PHARMACY_A, { profileVersion: '1.5' }))).status).toBe(201);
    expect((await refusal(await asPharmacy(reply(created.taskId, created.kvnr, undefined, '1.5')))).text).toBe('parsing / validation error');
  });

  it('does not imitate Representative messages, and has no ChargeItem for ChargChangeReply', async () => {
    const representative = dispReq(created, PHARMACY_A);
    representative['meta'] = { profile: [`${CommunicationProfiles.Representative}|1.6`] };
    expect((await refusal(await asPatient(representative))).diagnostics).toContain('not simulated');
    const chargeReply = reply(created.taskId, created.kvnr);
    chargeReply['meta'] = { profile: [`${CommunicationProfiles.ChargChangeReply}|1.1`] };
    chargeReply['basedOn'] = [{ reference: `ChargeItem/${created.taskId}` }];
    expect(await refusal(await asPharmacy(chargeReply))).toEqual({ status: 400, text: 'referenced charge item does not exist' });
  });
});

describe('the payload of a DispReq', () => {
  it('needs an integer version: gematik\'s 1.6 example with "version": "1" is refused like the FD does', async () => {
    const example = JSON.parse(readFileSync(new URL('Communication-a218a36e-f2fd-4603-ba67-c827acfef01b.json', FIXTURES), 'utf8')) as FhirResourceJson;
    const ours = { ...example, basedOn: [{ reference: created.token }], recipient: dispReq(created, PHARMACY_A)['recipient'] };
    expect(await refusal(await asPatient(ours))).toEqual({ status: 400, text: 'Invalid request body', diagnostics: "version must be 'integer'" });
    const fixed = { ...ours, payload: [{ contentString: (example['payload'] as { contentString: string }[])[0]!.contentString.replace('"1"', '1') }] };
    expect((await asPatient(fixed)).status).toBe(201);
  });

  it('takes v3 from 01.10.2026 only, and checks its schema', async () => {
    const v3 = JSON.stringify({
      version: 3,
      communicationType: 'order',
      supplyOptionsType: 'delivery',
      transactionID: 'b2f1c0de',
      firstname: 'Greta',
      lastname: 'Aydın',
      address: 'Lindenstraße 5',
      postcode: '10969',
      city: 'Berlin',
      country: 'DE',
      phone: '004930123456',
    });
    expect((await asPatient(withPayload(v3))).status).toBe(201);
    const withoutCity = JSON.stringify({ ...(JSON.parse(v3) as object), city: undefined });
    expect((await refusal(await asPatient(withPayload(withoutCity)))).text).toBe(
      'Invalid payload: does not conform to expected JSON schema: validation of JSON document failed',
    );
    sim.setBaseTime(new Date('2026-09-30T08:00:00Z'));
    const early = await sim.createPrescription({ flowType: '160' });
    expect(await refusal(await asPatient(dispReq(early, PHARMACY_A, { contentString: v3 }), early.kvnr))).toEqual({
      status: 400,
      text: 'Invalid request body',
      diagnostics: 'Communication payload version 3 will be valid from 01.10.2026',
    });
  });

  it('checks the v1 schema: unknown fields and too long names are refused', async () => {
    const extra = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', wish: 'x' });
    expect((await asPatient(withPayload(extra))).status).toBe(400);
    const longName = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', name: 'ä'.repeat(101) });
    expect((await asPatient(withPayload(longName))).status).toBe(400);
    const hundred = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', name: '😀'.repeat(100) });
    expect((await asPatient(withPayload(hundred))).status).toBe(201);
  });

  it('is exactly one contentString of at most 10 KB', async () => {
    const twoItems = { ...dispReq(created, PHARMACY_A), payload: [{ contentString: V1_PICKUP }, { contentString: V1_PICKUP }] };
    expect(await refusal(await asPatient(twoItems))).toEqual({ status: 400, text: 'Invalid request body', diagnostics: 'Must be exactly one payload item.' });
    const attachment = { ...dispReq(created, PHARMACY_A), payload: [{ contentAttachment: { contentType: 'text/plain', data: 'eA==' } }] };
    expect((await refusal(await asPatient(attachment))).diagnostics).toBe("Payload type must be 'contentString'.");
    const big = JSON.stringify({ version: 1, supplyOptionsType: 'delivery', address: Array.from({ length: 25 }, () => 'x'.repeat(450)) });
    expect((await refusal(await asPatient(withPayload(big)))).diagnostics).toBe('Payload must not exceed 10 KB.');
  });

  it('may carry line breaks, tabs and characters the FD does not refuse; a raw control character breaks the JSON (400)', async () => {
    const lenient = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', hint: 'Klingeln:\n2× lang\tHof\u0085\ufeff\ufffd' });
    expect((await asPatient(withPayload(lenient))).status).toBe(201);
    const raw = JSON.stringify(dispReq(created, PHARMACY_A)).replace('unknown', 'unk\u0001nown');
    const response = await sim.fhir('POST', '/Communication', await sim.insurantToken(created.kvnr), {
      body: raw,
      contentType: 'application/fhir+json',
    });
    expect(response.status).toBe(400);
    expect(await outcomeTexts(response)).toEqual(['parsing / validation error']);
  });
});

describe('roles', () => {
  it('a doctor may not post Communications (A_19446-02)', async () => {
    const token = await sim.token(ProfessionOids.doctorPractice, '1-arzt');
    expect(await refusal(await post(dispReq(created, PHARMACY_A), token))).toEqual({
      status: 403,
      text: `endpoint is forbidden for professionOID ${ProfessionOids.doctorPractice}`,
    });
  });
});
