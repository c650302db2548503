import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { appInfoKeys } from '../features/app-info/api/app-info-query';
import { caseKeys } from '../features/cases/api/case-query';
import { createFakeBridge } from '../test/fake-bridge';
import { ids } from '../test/fixtures';
import { subscribeBridgeEvents } from './bridge-events';

function seeded(): QueryClient {
  const client = new QueryClient();
  client.setQueryData(caseKeys.detail(ids.first), { any: 'detail' });
  client.setQueryData(caseKeys.detail(ids.second), { any: 'other' });
  client.setQueryData(caseKeys.list('all', ''), []);
  return client;
}

const isStale = (client: QueryClient, key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated ?? false;

describe('bridge events', () => {
  it('a changed case invalidates its detail and every list, nothing else', () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'case-changed', prescriptionId: ids.first });
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(true);
    expect(isStale(client, caseKeys.list('all', ''))).toBe(true);
    expect(isStale(client, caseKeys.detail(ids.second))).toBe(false);
  });

  it('cases-changed invalidates all cases; connection updates the connection state', () => {
    const client = seeded();
    const fake = createFakeBridge();
    subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'cases-changed' });
    expect(isStale(client, caseKeys.detail(ids.second))).toBe(true);
    fake.emit({ type: 'connection', state: 'offline' });
    expect(client.getQueryData(appInfoKeys.connection())).toBe('offline');
  });

  it('ignores malformed events and stops listening when unsubscribed', () => {
    const client = seeded();
    const fake = createFakeBridge();
    const unsubscribe = subscribeBridgeEvents(fake.bridge, client);
    fake.emit({ type: 'case-changed' } as never);
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(false);
    unsubscribe();
    fake.emit({ type: 'cases-changed' });
    expect(isStale(client, caseKeys.detail(ids.first))).toBe(false);
  });
});
