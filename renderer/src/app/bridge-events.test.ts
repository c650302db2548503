import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import { articleKeys } from '../api/articles/article-queries';
import { caseKeys } from '../api/cases/case-query';
import { connectionKeys } from '../api/connection/connection-query';
import { leaseKeys } from '../api/leases/lease-query';
import { messageKeys } from '../api/messages/messages-query';
import { trainerKeys } from '../api/trainer/trainer-query';
import { createFakeBridge } from '../test/fake-bridge';
import { connectionStatus, ids, offlineStatus, retryProgress } from '../test/fixtures';
import { subscribeBridgeEvents } from './bridge-events';

function seeded(): QueryClient {
  const client = new QueryClient();
  client.setQueryData(caseKeys.detail(ids.first), { any: 'detail' });
  client.setQueryData(caseKeys.detail(ids.second), { any: 'other' });
  client.setQueryData(caseKeys.list('all', ''), []);
  client.setQueryData(connectionKeys.status(), connectionStatus());
  client.setQueryData(connectionKeys.pending(), []);
  client.setQueryData(messageKeys.inbox(), { open: 0, requests: [] });
  client.setQueryData(messageKeys.thread(ids.first), { messages: [], replyVersion: 1, canReply: true });
  client.setQueryData(messageKeys.thread(ids.second), { messages: [], replyVersion: 1, canReply: true });
  return client;
}

const isStale = (client: QueryClient, key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated ?? false;

describe('bridge events', () => {
  it('a pushed connection status wins over an older getConnection answer still on its way', async () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    let answer: (value: ReturnType<typeof connectionStatus>) => void = () => undefined;
    // the page's first fetch: main answers with the state from before the first check, but late
    const inFlight = client.fetchQuery({
      queryKey: connectionKeys.status(),
      queryFn: () => new Promise<ReturnType<typeof connectionStatus>>((resolve) => (answer = resolve)),
    }).catch(() => undefined);
    fake.emit({ type: 'connection', status: offlineStatus() });
    answer(connectionStatus());
    // Once the fetch has settled it can change nothing any more; the pushed status must be what stays.
    await inFlight;
    await vi.waitFor(() => expect(client.getQueryData(connectionKeys.status())).toEqual(offlineStatus()));
  });

  it('a changed case invalidates its detail, every list and the pending operations, nothing else', () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'case-changed', prescriptionId: ids.first });
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(true);
    expect(isStale(client, caseKeys.list('all', ''))).toBe(true);
    expect(isStale(client, connectionKeys.pending())).toBe(true);
    expect(isStale(client, caseKeys.detail(ids.second))).toBe(false);
  });

  it('cases-changed invalidates all cases; connection replaces the connection status', () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'cases-changed' });
    expect(isStale(client, caseKeys.detail(ids.second))).toBe(true);
    fake.emit({ type: 'connection', status: offlineStatus() });
    expect(client.getQueryData(connectionKeys.status())).toEqual(offlineStatus());
  });

  it('pending-changed invalidates the pending operations and the status (its count)', () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'pending-changed' });
    expect(isStale(client, connectionKeys.pending())).toBe(true);
    expect(isStale(client, connectionKeys.status())).toBe(true);
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(false);
  });

  it('messages-changed invalidates the inbox „Nachrichten“ (its badge) and every thread, no case', () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'messages-changed' });
    expect(isStale(client, messageKeys.inbox())).toBe(true);
    expect(isStale(client, messageKeys.thread(ids.first))).toBe(true);
    expect(isStale(client, messageKeys.thread(ids.second))).toBe(true);
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(false);
    expect(isStale(client, connectionKeys.pending())).toBe(false);
  });

  it('training: messages-changed invalidates the replies the patient\'s app received (every prescription), not the patient views', () => {
    const client = seeded();
    client.setQueryData(trainerKeys.patientReplies(ids.first), []);
    client.setQueryData(trainerKeys.patientReplies(ids.second), []);
    client.setQueryData(trainerKeys.patientView(ids.second), { any: 'view' });
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'pending-changed' });
    expect(isStale(client, trainerKeys.patientReplies(ids.first))).toBe(false);
    fake.emit({ type: 'messages-changed' });
    expect(isStale(client, trainerKeys.patientReplies(ids.first))).toBe(true);
    expect(isStale(client, trainerKeys.patientReplies(ids.second))).toBe(true);
    expect(isStale(client, trainerKeys.patientView(ids.second))).toBe(false);
  });

  it('a changed case invalidates its own thread (erased with it, A_19251), not the inbox; cases-changed both', () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'case-changed', prescriptionId: ids.first });
    expect(isStale(client, messageKeys.thread(ids.first))).toBe(true);
    expect(isStale(client, messageKeys.thread(ids.second))).toBe(false);
    expect(isStale(client, messageKeys.inbox())).toBe(false);
    fake.emit({ type: 'cases-changed' });
    expect(isStale(client, messageKeys.inbox())).toBe(true);
    expect(isStale(client, messageKeys.thread(ids.second))).toBe(true);
  });

  it('a changed case asks again who holds it (another counter took it or left, docs/multi-counter.md §4); cases-changed every case', () => {
    const client = seeded();
    const lease = { mine: true, counter: 'Kasse 1', staff: 'AB', busy: false };
    client.setQueryData(leaseKeys.case(ids.first), lease);
    client.setQueryData(leaseKeys.case(ids.second), lease);
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'case-changed', prescriptionId: ids.first });
    expect(isStale(client, leaseKeys.case(ids.first))).toBe(true);
    expect(isStale(client, leaseKeys.case(ids.second))).toBe(false);
    fake.emit({ type: 'cases-changed' });
    expect(isStale(client, leaseKeys.case(ids.second))).toBe(true);
  });

  it('articles-changed makes every cached article lookup and the catalogue info stale, no case; cases-changed (a reconnect) too', () => {
    const client = seeded();
    client.setQueryData(articleKeys.pzn('41879197'), null);
    client.setQueryData(articleKeys.info(), { kind: 'demo', articleCount: 3 });
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'pending-changed' });
    expect(isStale(client, articleKeys.pzn('41879197'))).toBe(false);
    fake.emit({ type: 'articles-changed' });
    expect(isStale(client, articleKeys.pzn('41879197'))).toBe(true);
    expect(isStale(client, articleKeys.info())).toBe(true);
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(false);
    client.setQueryData(articleKeys.pzn('41879197'), null);
    fake.emit({ type: 'cases-changed' });
    expect(isStale(client, articleKeys.pzn('41879197'))).toBe(true);
  });

  it('retrying records the progress by PrescriptionID; retry-ended removes only that one', () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'retrying', progress: retryProgress() });
    fake.emit({ type: 'retrying', progress: retryProgress({ prescriptionId: ids.second, operation: 'getByAc' }) });
    fake.emit({ type: 'retrying', progress: retryProgress({ attempt: 3 }) });
    expect(client.getQueryData(connectionKeys.retries())).toEqual({
      [ids.first]: retryProgress({ attempt: 3 }),
      [ids.second]: retryProgress({ prescriptionId: ids.second, operation: 'getByAc' }),
    });
    fake.emit({ type: 'retry-ended', prescriptionId: ids.first });
    expect(client.getQueryData(connectionKeys.retries())).toEqual({ [ids.second]: retryProgress({ prescriptionId: ids.second, operation: 'getByAc' }) });
  });

  it('ignores malformed events and stops listening when unsubscribed', () => {
    const client = seeded();
    const fake = createFakeBridge();
    const unsubscribe = subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'case-changed' } as never);
    fake.emit({ type: 'connection', state: 'offline' } as never);
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(false);
    expect(client.getQueryData(connectionKeys.status())).toEqual(connectionStatus());
    unsubscribe();
    fake.emit({ type: 'cases-changed' });
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(false);
  });
});
