/**
 * The ping on new Zuweisungen end to end against the simulator over a real socket (spec erezept-pharmacy §3.11,
 * docs/simulator.md „Subscription ping“): the app's listener registers with `POST /Subscription` through the app's
 * Fachdienst client, opens the WebSocket with the token of the answer (the `ws` library), binds, and a DispReq the
 * patient's app sends (control API) arrives as `ping:` — after which `MessagesService.refresh()` stores the
 * Zuweisung. Once in training (plain HTTP) and once over the simulated TI, where the registration went through the
 * VAU (the simulator refuses every pharmacy call outside it) and the WebSocket, as at the real service, does not.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FachdienstClient } from '../../main/fachdienst/client';
import { MessagesSubscription, subscriptionSocketUrl } from '../../main/services/messages-subscription';
import { startSimulatorServer, type SimulatorHandle } from '../../main/simulator/server';
import type { Store } from '../../main/store/store';
import { messagesService, plainClient, simControl, tiClient } from './support/messages-kit';

const TRAINING_PHARMACY = '3-SMC-B-Testkarte-883110000095957';

let training: SimulatorHandle;
let ti: SimulatorHandle;
const stores: Store[] = [];
const listeners: MessagesSubscription[] = [];

beforeAll(async () => {
  [training, ti] = await Promise.all([startSimulatorServer({ port: 0 }), startSimulatorServer({ port: 0, ti: true })]);
});
afterEach(() => {
  for (const listener of listeners.splice(0)) listener.stop();
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await Promise.all([training?.close(), ti?.close()]);
});

/** A promise that resolves at the next call of the returned function. */
function nextCall(): { wait: Promise<void>; call: () => void; count: () => number } {
  let count = 0;
  let resolve: () => void = () => undefined;
  const box = {
    wait: new Promise<void>((r) => (resolve = r)),
    call: () => {
      count += 1;
      resolve();
    },
    count: () => count,
  };
  return box;
}

/** Starts the listener and resolves once it is bound (the first `bound:`). */
async function bound(listener: MessagesSubscription): Promise<void> {
  listener.start();
  await vi.waitFor(() => expect(listener.active).toBe(true), { timeout: 10_000, interval: 10 });
}

/** subscribe → bind → a Zuweisung to this pharmacy → ping → refresh stores it */
async function walk(on: SimulatorHandle, pharmacy: string, client: FachdienstClient): Promise<void> {
  const socketUrl = subscriptionSocketUrl(`${on.url}/`);
  expect(socketUrl).toBe(`ws://127.0.0.1:${on.port}/subscription`);
  const ping = nextCall();
  const listener = new MessagesSubscription({
    socketUrl: socketUrl ?? '',
    subscribe: () => client.subscribeCommunications(pharmacy),
    onPing: ping.call,
    clock: { now: () => new Date() },
  });
  listeners.push(listener);
  await bound(listener);
  expect(ping.count()).toBe(0);

  const created = await simControl(on, 'POST', 'prescriptions', { flowType: '160' });
  const taskId = String(created['taskId']);
  await simControl(on, 'POST', 'communications/dispreq', { taskId, pharmacy, supplyOptionsType: 'onPremise', name: 'Erika Mustermann' });
  await ping.wait;
  expect(ping.count()).toBe(1);

  const messages = messagesService(client, stores);
  expect((await messages.refresh()).added).toBe(1);
  expect((await messages.inbox()).requests[0]).toMatchObject({ prescriptionId: taskId, state: 'new', wish: { supplyOption: 'onPremise', name: 'Erika Mustermann' } });
}

describe('the ping on new Zuweisungen against the simulator', () => {
  it('training (plain HTTP): registered, bound, a Zuweisung pings, the refresh stores it', async () => {
    await walk(training, TRAINING_PHARMACY, plainClient(training, TRAINING_PHARMACY));
  });

  it('a Zuweisung to another pharmacy does not ping this one', async () => {
    const client = plainClient(training, TRAINING_PHARMACY);
    const ours = nextCall();
    const listener = new MessagesSubscription({
      socketUrl: subscriptionSocketUrl(`${training.url}/`) ?? '',
      subscribe: () => client.subscribeCommunications(TRAINING_PHARMACY),
      onPing: ours.call,
      clock: { now: () => new Date() },
    });
    listeners.push(listener);
    await bound(listener);
    const other = await simControl(training, 'POST', 'prescriptions', { flowType: '160' });
    await simControl(training, 'POST', 'communications/dispreq', { taskId: String(other['taskId']), pharmacy: '3-SMC-B-Testkarte-883110000123465', supplyOptionsType: 'onPremise' });
    // then one to us: its ping is the first this listener gets
    const mine = await simControl(training, 'POST', 'prescriptions', { flowType: '160' });
    await simControl(training, 'POST', 'communications/dispreq', { taskId: String(mine['taskId']), pharmacy: TRAINING_PHARMACY, supplyOptionsType: 'onPremise' });
    await ours.wait;
    const messages = messagesService(client, stores);
    await messages.refresh();
    expect((await messages.inbox()).requests.map((r) => r.prescriptionId)).toEqual([String(mine['taskId'])]);
    expect(ours.count()).toBe(1);
  });

  it('over the simulated TI the registration goes through the VAU, signed in with the SMC-B', async () => {
    const { client, pharmacy } = await tiClient(ti);
    await walk(ti, pharmacy, client);

    // the same registration outside the VAU is refused by the simulated Fachdienst, as by the real one
    await expect(plainClient(ti, pharmacy).subscribeCommunications(pharmacy)).rejects.toMatchObject({ appError: { httpStatus: 403 } });
  });
});
