/**
 * POST /Subscription and the ping on a new Zuweisung (spec erezept-pharmacy §3.11; FD 1.22 SubscriptionPostHandler,
 * A_22363 … A_22367-03).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ProfessionOids } from '../../../shared/fhir/profiles';
import { createTestSimulator, outcomeTexts, PHARMACY_A, PHARMACY_B, type TestSimulator } from '../test-kit';
import { reply } from './communication/test-messages';

let sim: TestSimulator;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
});

const subscription = (recipient: string, status = 'requested'): string =>
  JSON.stringify({
    resourceType: 'Subscription',
    status,
    reason: 'Communication Notification',
    criteria: `Communication?received=null&recipient=${recipient}`,
    channel: { type: 'websocket' },
  });

async function subscribe(recipient: string, token?: string, status?: string): Promise<Response> {
  return sim.fhir('POST', '/Subscription', token ?? (await sim.pharmacyToken()), {
    body: subscription(recipient, status),
    contentType: 'application/fhir+json',
  });
}

describe('POST /Subscription', () => {
  it('registers the pharmacy for itself: id, active, 12 hours, a websocket channel with its bearer token', async () => {
    const response = await subscribe(PHARMACY_A);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { id: string; status: string; end: string; channel: { type: string; header: string[] } };
    expect(answer.id).toMatch(/^[0-9a-f]{32}$/);
    expect(answer).toMatchObject({ status: 'active', reason: 'communication notifications', end: '2026-10-05T20:00:00.000Z' });
    expect(answer.channel.type).toBe('websocket');
    const token = /^Authorization: Bearer (\S+)$/.exec(answer.channel.header[0] ?? '')?.[1] ?? '';
    expect(await sim.subscriptions.verifyToken(token, new Date('2026-10-05T19:59:00Z'))).toBe(answer.id);
    expect(await sim.subscriptions.verifyToken(token, new Date('2026-10-05T20:00:01Z'))).toBeUndefined();
    // the same pharmacy gets the same subscription id again
    expect(((await (await subscribe(PHARMACY_A)).json()) as { id: string }).id).toBe(answer.id);
  });

  it('refuses another pharmacy\'s recipient (403), a missing recipient or status (400), and insurants (role)', async () => {
    const other = await subscribe(PHARMACY_B);
    expect(other.status).toBe(403);
    expect(await outcomeTexts(other)).toEqual(['ID mismatch']);
    expect(await outcomeTexts(await subscribe(''))).toEqual(['Missing recipient']);
    expect(await outcomeTexts(await subscribe(PHARMACY_A, undefined, 'active'))).toEqual(['Request status not supported']);
    const insurant = await subscribe('X110411675', await sim.insurantToken('X110411675'));
    expect(insurant.status).toBe(403);
    expect(await outcomeTexts(insurant)).toEqual([`endpoint is forbidden for professionOID ${ProfessionOids.insurant}`]);
  });
});

describe('the ping', () => {
  it('goes to the recipient\'s subscription for each new DispReq, not for replies or other pharmacies', async () => {
    const mine: string[] = [];
    const theirs: string[] = [];
    sim.subscriptions.bind(sim.subscriptions.subscriptionIdOf(PHARMACY_A), (m) => mine.push(m));
    sim.subscriptions.bind(sim.subscriptions.subscriptionIdOf(PHARMACY_B), (m) => theirs.push(m));
    const created = await sim.createPrescription({ flowType: '160' });

    expect((await sim.control('POST', '/communications/dispreq', { taskId: created.taskId, pharmacy: PHARMACY_A })).status).toBe(201);
    expect(mine).toEqual([`ping: ${sim.subscriptions.subscriptionIdOf(PHARMACY_A)}`]);
    const answer = await sim.fhir('POST', '/Communication', await sim.pharmacyToken(PHARMACY_B), {
      body: JSON.stringify(reply(created.taskId, created.kvnr)),
      contentType: 'application/fhir+json',
    });
    expect(answer.status).toBe(201);
    expect(theirs).toEqual([]);
    expect(mine).toHaveLength(1);
  });
});
