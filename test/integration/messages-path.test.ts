/**
 * The patients' messages end to end against the simulator over HTTP (spec erezept-pharmacy §3.11): a patient's app
 * assigns a prescription (control API, through the simulated Fachdienst's own DispReq rules), the pharmacy fetches it
 * (MessagesService over the app's Fachdienst client), claims it with the Zuweisung's AccessCode, answers with a
 * pick-up code the patient's app reads back, and deletes the answer. Once in training (plain HTTP) and once over the
 * simulated TI, where the simulator refuses every pharmacy call that does not come through the VAU — so each message
 * call here went through it, signed in with the SMC-B at the IDP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FachdienstClient } from '../../main/fachdienst/client';
import { startSimulatorServer, type SimulatorHandle } from '../../main/simulator/server';
import { parsePrescriptionId } from '../../shared/erezept/identifiers';
import type { ScanOutcome } from '../../shared/ipc/contract';
import type { MessagesServiceDeps } from '../../main/services/messages';
import type { Store } from '../../main/store/store';
import { messagesService, plainClient, simControl, tiClient } from './support/messages-kit';

const TRAINING_PHARMACY = '3-SMC-B-Testkarte-883110000095957';

let training: SimulatorHandle;
let ti: SimulatorHandle;
const stores: Store[] = [];

beforeAll(async () => {
  [training, ti] = await Promise.all([startSimulatorServer({ port: 0 }), startSimulatorServer({ port: 0, ti: true })]);
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await Promise.all([training?.close(), ti?.close()]);
});

/** the claim itself, as the workflow would send it (its journal is the workflow's own tests' business) */
function claimWith(client: FachdienstClient): MessagesServiceDeps['accept'] {
  return async (tokens) => {
    const results: ScanOutcome[] = [];
    for (const token of tokens) {
      await client.accept(token.prescriptionId, token.accessCode);
      results.push({ ok: true, prescriptionId: token.prescriptionId, outcome: 'accepted', case: { prescriptionId: token.prescriptionId, flowType: '160', status: 'accepted', acceptedAt: new Date().toISOString(), hasUnsentChanges: false } });
    }
    return { results };
  };
}

/** assign → fetch → accept → reply with a pick-up code → the patient reads it → delete */
async function walk(on: SimulatorHandle, pharmacy: string, client: FachdienstClient): Promise<void> {
  const created = await simControl(on, 'POST', 'prescriptions', { flowType: '160' });
  const parsed = parsePrescriptionId(String(created['taskId']));
  if (!parsed.ok) throw new Error('the simulator made an invalid PrescriptionID');
  const taskId = parsed.data;
  const kvnr = String(created['kvnr']);
  await simControl(on, 'POST', 'communications/dispreq', { taskId, pharmacy, supplyOptionsType: 'onPremise', name: 'Erika Mustermann', phone: '030 123456', hint: 'Komme nach 17 Uhr' });

  const messages = messagesService(client, stores, claimWith(client));
  expect((await messages.refresh()).added).toBe(1);
  const [request] = (await messages.inbox()).requests;
  expect(request).toMatchObject({ prescriptionId: taskId, state: 'new', wish: { supplyOption: 'onPremise', name: 'Erika Mustermann', hint: 'Komme nach 17 Uhr' } });
  // fetched once: the Fachdienst stamped it received, the next poll brings nothing new
  expect((await messages.refresh()).added).toBe(0);

  expect((await messages.acceptRequest(request?.communicationId ?? '')).ok).toBe(true);
  const thread = await messages.sendReply({ prescriptionId: taskId, text: 'Ihr Arzneimittel liegt bereit. Abholcode: K7M2QX', pickUpCode: 'K7M2QX', availability: '10' });
  const reply = thread.messages.find((m) => m.kind === 'reply');
  expect(reply).toMatchObject({ state: 'sent', pickUpCode: 'K7M2QX' });

  const read = (await simControl(on, 'GET', `communications/replies?kvnr=${kvnr}`)) as { replies: { id: string; taskId: string; payload: Record<string, unknown> | null }[] };
  expect(read.replies).toHaveLength(1);
  expect(read.replies[0]).toMatchObject({ id: reply?.communicationId, taskId, payload: { version: 1, supplyOptionsType: 'onPremise', pickUpCodeHR: 'K7M2QX', info_text: 'Ihr Arzneimittel liegt bereit. Abholcode: K7M2QX' } });

  await messages.deleteReply(reply?.communicationId ?? '');
  expect(((await simControl(on, 'GET', `communications/replies?kvnr=${kvnr}`)) as { replies: unknown[] }).replies).toEqual([]);
}

describe('messages with the patients against the simulator', () => {
  it('training (plain HTTP): a Zuweisung is fetched, claimed, answered with a pick-up code the patient reads, and the answer deleted', async () => {
    await walk(training, TRAINING_PHARMACY, plainClient(training, TRAINING_PHARMACY));
  });

  it('over the simulated TI every message call goes through the VAU, signed in with the SMC-B', async () => {
    const { client, pharmacy } = await tiClient(ti);
    await walk(ti, pharmacy, client);

    // the same call outside the VAU is refused by the simulated Fachdienst, as by the real one
    await expect(plainClient(ti, pharmacy).listCommunications({ unreadOnly: true })).rejects.toMatchObject({ appError: { httpStatus: 403 } });
  });
});
