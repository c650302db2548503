// The preload only translates (architecture §2, §9.2): one method per channel, no logic. Bundled as one
// CommonJS file because a sandboxed preload cannot load modules.
import { contextBridge, ipcRenderer } from 'electron';
import { channels, EVENT_CHANNEL, type AppEvent, type ErxBridge } from '../../shared/ipc/contract';

const methods = Object.fromEntries(
  channels.map((channel) => [channel.slice('erx:'.length), (req: unknown) => ipcRenderer.invoke(channel, req)]),
);

const erx = {
  ...methods,
  onEvent(listener: (event: AppEvent) => void) {
    const forward = (_event: unknown, appEvent: AppEvent) => listener(appEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
} as ErxBridge satisfies ErxBridge;

contextBridge.exposeInMainWorld('erx', erx);
