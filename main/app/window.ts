import { BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applySessionGuards, applyWindowGuards, secureWebPreferences } from './security';

export interface WindowPaths {
  preload: string;
  rendererIndex: string;
}

export function defaultWindowPaths(outDir: string): WindowPaths {
  return { preload: join(outDir, 'preload/index.cjs'), rendererIndex: join(outDir, 'renderer/index.html') };
}

export async function createMainWindow(paths: WindowPaths): Promise<BrowserWindow> {
  // The guards live in security.ts (pure, tested with fakes); this file only wires them to Electron.
  applySessionGuards(session.defaultSession);

  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    title: 'eRx Counter',
    show: false,
    webPreferences: secureWebPreferences(paths.preload),
  });
  const pageUrl = pathToFileURL(paths.rendererIndex).toString();
  applyWindowGuards(win.webContents, { pageUrl });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(pageUrl);
  return win;
}
