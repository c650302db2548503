/**
 * GET /Communication[/{id}] and DELETE /Communication/{id} (spec erezept-pharmacy §3.11; FD 1.22
 * CommunicationGetHandler, CommunicationDeleteHandler): only one's own messages, `received` stamped on the
 * recipient's first fetch, the FD's search parameters, sort and paging.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FhirResourceJson } from '../../../../shared/fhir/xml';
import { createTestSimulator, outcomeTexts, PHARMACY_A, PHARMACY_B, type CreatedResponse, type TestSimulator } from '../../test-kit';
import { dispReq, reply } from './test-messages';

let sim: TestSimulator;
let created: CreatedResponse;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  created = await sim.createPrescription({ flowType: '160' });
});

type Entry = { fullUrl: string; resource: FhirResourceJson & { id: string; sent: string; received?: string } };
type Searchset = { type: string; total: number; link: { relation: string; url: string }[]; entry?: Entry[] };

async function assign(task: CreatedResponse = created, pharmacy = PHARMACY_A): Promise<string> {
  const response = await sim.fhir('POST', '/Communication', await sim.insurantToken(task.kvnr), {
    body: JSON.stringify(dispReq(task, pharmacy)),
    contentType: 'application/fhir+json',
  });
  expect(response.status).toBe(201);
  return String(((await response.json()) as { id: string }).id);
}

async function answer(kvnr = created.kvnr): Promise<string> {
  const response = await sim.fhir('POST', '/Communication', await sim.pharmacyToken(), {
    body: JSON.stringify(reply(created.taskId, kvnr)),
    contentType: 'application/fhir+json',
  });
  expect(response.status).toBe(201);
  return String(((await response.json()) as { id: string }).id);
}

async function search(query: string, token: string): Promise<Searchset> {
  const response = await sim.fhir('GET', `/Communication${query}`, token);
  expect(response.status).toBe(200);
  return (await response.json()) as Searchset;
}
const ids = (bundle: Searchset): string[] => (bundle.entry ?? []).map((e) => e.resource.id);
const later = (minutes: number): void => sim.setBaseTime(new Date(Date.parse('2026-10-05T08:00:00Z') + minutes * 60_000));

describe('GET /Communication', () => {
  it('lists what the caller sent or received; the recipient\'s first fetch stamps received, the sender\'s does not', async () => {
    const zuweisung = await assign();
    const otherPharmacy = await assign(await sim.createPrescription({ flowType: '160' }), PHARMACY_B);
    const patient = await sim.insurantToken(created.kvnr);
    const pharmacy = await sim.pharmacyToken();

    const asSender = await search('', patient);
    expect(ids(asSender)).toEqual([zuweisung]);
    expect(asSender.entry?.[0]?.resource.received).toBeUndefined();

    later(5);
    const unread = await search('?received=NULL', pharmacy);
    expect(unread.type).toBe('searchset');
    expect(ids(unread)).toEqual([zuweisung]);
    expect(unread.entry?.[0]?.resource.received).toBe('2026-10-05T08:05:00.000Z');
    expect(unread.entry?.[0]?.fullUrl).toMatch(new RegExp(`/Communication/${zuweisung}$`));
    expect(ids(await search('?received=NULL', pharmacy))).toEqual([]);

    later(10);
    const all = await search('', pharmacy);
    expect(all.entry?.[0]?.resource.received).toBe('2026-10-05T08:05:00.000Z');
    expect(ids(all)).not.toContain(otherPharmacy);
    expect((await search('', patient)).entry?.[0]?.resource.received).toBe('2026-10-05T08:05:00.000Z');
  });

  it('searches by sent (FHIR date prefixes, German days), received (NULL / neNULL), sender and recipient', async () => {
    const first = await assign();
    later(24 * 60);
    const second = await answer();
    const third = await answer('K220635158');
    const pharmacy = await sim.pharmacyToken();

    // every search that returns the Zuweisung to the pharmacy marks it read: the received searches come first
    expect(ids(await search('?received=neNULL', pharmacy))).toEqual([]);
    expect(ids(await search('?received=NULL', pharmacy))).toEqual([first, second, third]);
    expect(ids(await search('?received=neNULL', pharmacy))).toEqual([first]);
    expect(ids(await search('?sent=2026-10-05', pharmacy))).toEqual([first]);
    expect(ids(await search('?sent=gt2026-10-05', pharmacy))).toEqual([second, third]);
    expect(ids(await search('?sent=lt2026-10-06T10:00:00%2B02:00', pharmacy))).toEqual([first]);
    expect(ids(await search('?sent=le2026-10-06T10:00:00%2B02:00', pharmacy))).toEqual([first, second, third]);
    expect(ids(await search('?sent=ge2026-10-06T08:00', pharmacy))).toEqual([second, third]);
    expect(ids(await search(`?recipient=${created.kvnr}`, pharmacy))).toEqual([second]);
    expect(ids(await search(`?recipient=${created.kvnr},K220635158&sender=${PHARMACY_A}`, pharmacy))).toEqual([second, third]);
    expect(ids(await search('?unknown=1', pharmacy))).toEqual([first, second, third]);

    const bad = await sim.fhir('GET', '/Communication?sent=gestern', pharmacy);
    expect(bad.status).toBe(400);
    expect(await outcomeTexts(bad)).toEqual(['Unable to add search argument sent']);
  });

  it('sorts by sent (default) or -sent, and pages 50 at a time with the FD\'s links', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      later(i);
      sent.push(await answer());
    }
    const pharmacy = await sim.pharmacyToken();
    expect(ids(await search('?_sort=-sent', pharmacy))).toEqual([...sent].reverse());
    const page = await search('?_count=2&__offset=1', pharmacy);
    expect(page.total).toBe(3);
    expect(ids(page)).toEqual(sent.slice(1));
    expect(page.link.map((l) => l.relation)).toEqual(['self', 'first', 'prev', 'last']);
    expect(page.link[0]?.url).toMatch(/\/Communication\?_sort=sent&_count=2&__offset=1$/);
  });
});

describe('GET /Communication/{id}', () => {
  it('answers sender and recipient only (404 for others) and stamps received for the recipient', async () => {
    const zuweisung = await assign();
    expect((await sim.fhir('GET', `/Communication/${zuweisung}`, await sim.pharmacyToken(PHARMACY_B))).status).toBe(404);
    const bySender = await sim.fhir('GET', `/Communication/${zuweisung}`, await sim.insurantToken(created.kvnr));
    expect(((await bySender.json()) as { received?: string }).received).toBeUndefined();
    later(1);
    const byRecipient = await sim.fhir('GET', `/Communication/${zuweisung}`, await sim.pharmacyToken());
    expect(byRecipient.status).toBe(200);
    expect(((await byRecipient.json()) as { received?: string }).received).toBe('2026-10-05T08:01:00.000Z');
    const malformed = await sim.fhir('GET', '/Communication/no-uuid', await sim.pharmacyToken());
    expect(malformed.status).toBe(400);
    expect(await outcomeTexts(malformed)).toEqual(['Invalid format of communication id']);
  });
});

describe('DELETE /Communication/{id}', () => {
  it('deletes the sender\'s own message (204); someone else\'s is 401 as in the FD, an unknown one 404', async () => {
    const sentReply = await answer();
    const zuweisung = await assign();
    const pharmacy = await sim.pharmacyToken();
    const foreign = await sim.fhir('DELETE', `/Communication/${zuweisung}`, pharmacy);
    expect(foreign.status).toBe(401);
    expect(await outcomeTexts(foreign)).toEqual([`${PHARMACY_A} is not allowed to delete communication for id ${zuweisung}`]);
    expect((await sim.fhir('DELETE', `/Communication/${sentReply}`, pharmacy)).status).toBe(204);
    expect((await sim.fhir('DELETE', `/Communication/${sentReply}`, pharmacy)).status).toBe(404);
    expect(ids(await search('', await sim.insurantToken(created.kvnr)))).toEqual([zuweisung]);
  });
});

it('$abort removes the Task\'s messages (A_19027-06)', async () => {
  await assign();
  const secret = await sim.accept(created);
  await answer();
  const abort = await sim.fhir('POST', `/Task/${created.taskId}/$abort?secret=${secret}`, await sim.pharmacyToken());
  expect(abort.status).toBe(204);
  expect((await search('', await sim.pharmacyToken())).total).toBe(0);
});

it('a reset clears the messages', async () => {
  await assign();
  expect((await sim.control('POST', '/reset', {})).status).toBe(200);
  expect((await search('', await sim.pharmacyToken())).total).toBe(0);
});
