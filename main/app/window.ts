import { BrowserWindow, session, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  denyAllPermissions,
  denyPermissionCheck,
  denyWindowOpen,
  isAllowedNavigation,
  secureWebPreferences,
} from './security';

export interface WindowPaths {
  preload: string;
  rendererIndex: string;
}

export function defaultWindowPaths(outDir: string): WindowPaths {
  return { preload: join(outDir, 'preload/index.cjs'), rendererIndex: join(outDir, 'renderer/index.html') };
}

/** Applies the navigation, window-open and permission guards (Electron security checklist #5, #13, #14). */
function guardContents(contents: WebContents, pageUrl: string): void {
  contents.setWindowOpenHandler(denyWindowOpen);
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, pageUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, pageUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export async function createMainWindow(paths: WindowPaths): Promise<BrowserWindow> {
  session.defaultSession.setPermissionRequestHandler(denyAllPermissions);
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck);

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
  guardContents(win.webContents, pageUrl);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(pageUrl);
  return win;
}
