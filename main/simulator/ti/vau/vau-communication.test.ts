/**
 * With `--ti` a pharmacy reaches POST /Communication only through the VAU, like every other pharmacy call (spec
 * ti-transport §1.1): outside it 403, inside it the reply is stored; the patient's app (insurant) stays plain.
 */
import { beforeAll, expect, it } from 'vitest';
import { createTestSimulator, PHARMACY_B, type CreatedResponse, type TestSimulator } from '../../test-kit';
import { reply } from '../../operations/communication/test-messages';
import { createTiSimulation } from '../ti-simulation';
import { throughVau } from './vau-test-client';

let sim: TestSimulator;
let created: CreatedResponse;

beforeAll(async () => {
  sim = await createTestSimulator(new Date(), { ti: createTiSimulation() });
  created = await sim.createPrescription({ flowType: '160' });
});

it('a pharmacy\'s reply outside the VAU is refused with 403, through the VAU it is stored (201)', async () => {
  const token = await sim.pharmacyToken(PHARMACY_B);
  const body = JSON.stringify(reply(created.taskId, created.kvnr));
  const outside = await sim.fhir('POST', '/Communication', token, { body, contentType: 'application/fhir+json' });
  expect(outside.status).toBe(403);
  expect(await outside.text()).toContain('über die VAU');

  const inner =
    'POST /Communication HTTP/1.1\r\nHost: erp.example\r\n' +
    `Authorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nAccept: application/fhir+json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const answer = await throughVau(sim, token, inner);
  expect(answer).toMatch(/^1 [0-9a-f]{32} HTTP\/1\.1 201 /);
  expect(answer).toMatch(/\r\nlocation: http:\/\/prescriptionserver\.telematik\/Communication\/[0-9a-f-]{36}\r\n/i);

  const patient = await sim.fhir('GET', '/Communication', await sim.insurantToken(created.kvnr));
  expect(patient.status).toBe(200);
  expect(((await patient.json()) as { total: number }).total).toBe(1);
});
