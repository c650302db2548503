/**
 * What the messages' integration tests share (messages-path, messages-subscription): the simulator's control API,
 * the app's Fachdienst client in training and over the simulated TI, and a MessagesService on a fresh store.
 */
import { expect } from 'vitest';
import { SimulatorTokenProvider } from '../../../main/fachdienst/access-token';
import { FachdienstClient } from '../../../main/fachdienst/client';
import { HttpTransport } from '../../../main/fachdienst/http-transport';
import { EventHub } from '../../../main/services/events';
import { MessagesService, type MessagesServiceDeps } from '../../../main/services/messages';
import type { SimulatorHandle } from '../../../main/simulator/server';
import { IdentityCipher } from '../../../main/store/cipher';
import { openStore, type Store } from '../../../main/store/store';
import { createTiConnection } from '../../../main/ti/ti-connection';

export async function simControl(on: SimulatorHandle, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${on.url}/_sim/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} /_sim/${path}`).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

/** The app's client with a simulator token for `telematikId`, plain HTTP (training; outside the VAU with `--ti`). */
export function plainClient(on: SimulatorHandle, telematikId: string): FachdienstClient {
  const transport = new HttpTransport({ baseUrl: `${on.url}/`, timeoutMs: 10_000 });
  return new FachdienstClient({ transport, tokens: new SimulatorTokenProvider({ transport, telematikId, now: () => new Date() }), now: () => new Date() });
}

/** The app's client over the simulated TI (Konnektor, IDP sign-in with the SMC-B, VAU) and the SMC-B's pharmacy. */
export async function tiClient(on: SimulatorHandle): Promise<{ client: FachdienstClient; pharmacy: string }> {
  const connection = createTiConnection({
    fachdienstUrl: `${on.url}/`,
    idpUrl: `${on.url}/idp`,
    konnektor: { baseUrl: `${on.url}/konnektor`, allowPlainHttp: true, timeoutMs: 10_000 },
    userAgent: 'eRxCounter/0.1.0 eRxCounter/gematikTestPs',
    now: () => new Date(),
    timeoutMs: () => 10_000,
    consent: async () => undefined,
    trustPolicy: 'simulation',
  });
  const konnektor = (await simControl(on, 'GET', 'ti/konnektor')) as { cards: { telematikId: string; inserted: boolean }[] };
  const pharmacy = konnektor.cards.find((card) => card.inserted)?.telematikId ?? '';
  expect(pharmacy).not.toBe('');
  return { client: new FachdienstClient({ transport: connection.transport, tokens: connection.tokens, now: () => new Date() }), pharmacy };
}

/** A MessagesService on a fresh in-memory store (kept in `stores` for closing) with the given claim. */
export function messagesService(client: FachdienstClient, stores: Store[], accept: MessagesServiceDeps['accept'] = async () => ({ results: [] })): MessagesService {
  const store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32) });
  stores.push(store);
  return new MessagesService({
    store,
    fachdienst: client,
    accept,
    staff: () => ({ kuerzel: 'AB', name: 'Anna Becker' }),
    retentionDays: () => 30,
    clock: { now: () => new Date() },
    events: new EventHub(),
  });
}
