// The preload only translates (architecture §2, §9.2): one method per channel, no logic. Bundled as one
// CommonJS file because a sandboxed preload cannot load modules — so it takes the channel names from
// channels.ts, not the contract: the contract's zod schemas would be bundled with it. Types only from there.
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL, perBridgeMethod } from '../../shared/ipc/channels';
import type { AppEvent, ErxBridge } from '../../shared/ipc/contract';

const erx = {
  ...perBridgeMethod((channel) => (req: unknown) => ipcRenderer.invoke(channel, req)),
  onEvent(listener: (event: AppEvent) => void) {
    const forward = (_event: unknown, appEvent: AppEvent) => listener(appEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
} satisfies ErxBridge;

contextBridge.exposeInMainWorld('erx', erx);
