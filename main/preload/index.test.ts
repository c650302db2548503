/**
 * The preload's exposed surface (Electron security checklist #3/#20, architecture §9.2): the page gets exactly
 * `window.erx` — one method per contract channel plus `onEvent` — and nothing of Electron itself (no ipcRenderer,
 * no event objects, no require). `electron` is mocked: no runtime exists here, and a mock that exports only
 * contextBridge and ipcRenderer also proves the preload uses nothing else. `zod` is mocked to fail: the preload is
 * bundled with everything it loads, and the schemas belong to main.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { channels, EVENT_CHANNEL } from '../../shared/ipc/channels';
import type { AppEvent } from '../../shared/ipc/contract';

const electron = vi.hoisted(() => {
  const exposed: Array<{ key: string; api: unknown }> = [];
  const ipcRenderer = {
    invoke: vi.fn((channel: string, _payload?: unknown) => Promise.resolve({ ok: true, data: { echoed: channel } })),
    on: vi.fn(),
    removeListener: vi.fn(),
  };
  const contextBridge = {
    exposeInMainWorld: vi.fn((key: string, api: unknown) => {
      exposed.push({ key, api });
    }),
  };
  return { exposed, ipcRenderer, contextBridge };
});

vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));
vi.mock('zod', () => {
  throw new Error('the preload loaded zod (it must take the channel names from shared/ipc/channels.ts)');
});

type ExposedApi = Record<string, unknown>;
let erx: ExposedApi;

const methodOf = (channel: string): string => channel.slice('erx:'.length);
const callable = (name: string): ((...args: unknown[]) => unknown) => {
  const member = erx[name];
  if (typeof member !== 'function') throw new Error(`erx.${name} is not a function`);
  return member as (...args: unknown[]) => unknown;
};

beforeAll(async () => {
  await import('./index');
  erx = (electron.exposed.find((e) => e.key === 'erx')?.api ?? {}) as ExposedApi;
});

beforeEach(() => {
  electron.ipcRenderer.invoke.mockClear();
  electron.ipcRenderer.on.mockClear();
  electron.ipcRenderer.removeListener.mockClear();
});

describe('preload surface', () => {
  it('exposes exactly one key on the main world: erx', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(electron.exposed.map((e) => e.key)).toEqual(['erx']);
  });

  it('has exactly one method per contract channel plus onEvent, all of them functions', () => {
    const expected = [...channels.map(methodOf), 'onEvent'].sort();
    expect(Object.keys(erx).sort()).toEqual(expected);
    for (const [name, member] of Object.entries(erx)) expect(typeof member, name).toBe('function');
    // nothing Electron leaks through a property, a prototype or a getter
    expect(Object.values(erx)).not.toContain(electron.ipcRenderer);
    expect(Object.getPrototypeOf(erx)).toBe(Object.prototype);
    expect(Object.values(Object.getOwnPropertyDescriptors(erx)).every((d) => 'value' in d)).toBe(true);
  });

  it.each(channels)('%s: invokes ipcRenderer.invoke with the channel and the request only', async (channel) => {
    const request = { marker: channel };
    const answer = callable(methodOf(channel))(request, 'an extra argument the page must not smuggle through');
    await expect(answer).resolves.toEqual({ ok: true, data: { echoed: channel } });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    expect(electron.ipcRenderer.invoke.mock.calls[0]).toEqual([channel, request]);
  });

  it('forwards events without the IpcRendererEvent (whose `sender` is ipcRenderer itself)', () => {
    const listener = vi.fn();
    const unsubscribe = callable('onEvent')(listener);
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [eventChannel, forward] = electron.ipcRenderer.on.mock.calls[0] as [string, (...args: unknown[]) => void];
    expect(eventChannel).toBe(EVENT_CHANNEL);

    const appEvent: AppEvent = { type: 'case-changed', prescriptionId: '160.000.000.000.123.76' };
    forward({ sender: electron.ipcRenderer, senderId: 0 }, appEvent);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([appEvent]);

    expect(typeof unsubscribe).toBe('function');
    (unsubscribe as () => unknown)();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledExactlyOnceWith(EVENT_CHANNEL, forward);
  });
});
