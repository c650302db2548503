import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { channels, type ConnectionStatus } from '../../shared/ipc/contract';
import { EventHub } from '../services/events';
import { SettingsService } from '../services/settings';
import { FakeClock, FakeFachdienst, fakeCodecs } from '../services/testing';
import { WorkflowService } from '../services/workflow';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import { createHandlers } from './handlers';
import type { HandlerTable } from './types';

let store: Store;
let handlers: HandlerTable;
let fd: FakeFachdienst;
let connection: { checks: number; status: () => ConnectionStatus; check: () => Promise<ConnectionStatus> };
let cancelled: string[];

beforeEach(() => {
  const clock = new FakeClock(new Date('2026-10-05T08:00:00Z'));
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32) });
  fd = new FakeFachdienst(clock);
  fd.addTask('160.000.000.000.001.54', '1'.repeat(64));
  const settings = new SettingsService({ settings: store.settings, backend: { kind: 'embedded', url: 'http://127.0.0.1:1/' }, appVersion: '0.1.0', clock, dataProtection: 'key-file' });
  const workflow = new WorkflowService({ store, fachdienst: fd, settings, events: new EventHub(), clock, ids: { next: () => 'k' }, codecs: fakeCodecs() });
  const status: ConnectionStatus = { state: 'online', since: '2026-10-05T08:00:00.000Z', pendingCount: 0 };
  connection = { checks: 0, status: () => status, check: async () => (connection.checks++, status) };
  cancelled = [];
  handlers = createHandlers({ settings, workflow, connection, fachdienst: { cancel: (id) => (cancelled.push(id), id === '160.000.000.000.001.54') } });
});
afterEach(() => store.close());

describe('createHandlers', () => {
  it('has a handler for every channel of the contract', () => {
    expect(Object.keys(handlers).sort()).toEqual([...channels].sort());
  });

  it('routes requests to the services', async () => {
    expect((await handlers['erx:setStaff']({ kuerzel: 'AB' })).staff?.kuerzel).toBe('AB');
    const scan = await handlers['erx:scanCode']({ text: `Task/160.000.000.000.001.54/$accept?ac=${'1'.repeat(64)}` });
    expect(scan.results[0]?.ok).toBe(true);
    expect((await handlers['erx:listCases']({ filter: 'open' })).map((c) => c.prescriptionId)).toEqual(['160.000.000.000.001.54']);
    expect((await handlers['erx:getAppInfo']({})).training).toBe(true);
  });

  it('„Jetzt erneut versuchen“ checks the connection before it runs what is owed', async () => {
    expect(await handlers['erx:resumePendingOperations']({})).toEqual([]);
    expect(connection.checks).toBe(1);
    expect((await handlers['erx:getConnection']({})).state).toBe('online');
  });

  it('„Abbrechen“ reaches the retrying client for that prescription', async () => {
    expect(await handlers['erx:cancelRetry']({ prescriptionId: '160.000.000.000.001.54' as PrescriptionId })).toEqual({ cancelled: true });
    expect(cancelled).toEqual(['160.000.000.000.001.54']);
  });
});
