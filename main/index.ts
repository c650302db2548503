// Composition root of the Electron app (architecture §2): builds the core services, registers one IPC handler
// per channel through the shared dispatcher, forwards events, opens the one window.
// Everything but this file and main/app/ runs in plain Node, where it is tested (stack notes).
import { app, BrowserWindow, dialog, ipcMain, safeStorage } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVENT_CHANNEL } from '../shared/ipc/contract';
import { parseAppArgs } from './app/args';
import { createMainWindow, defaultWindowPaths } from './app/window';
import { createCore, type Core } from './core';
import { createDispatcher } from './ipc/handle';
import { readSharedStoreSetting } from './store/shared-store-setting';
import { registerIpcChannels } from './app/security';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function start(): Promise<void> {
  const args = parseAppArgs(process.argv.slice(1));
  const dataDir = args.dataDir ?? app.getPath('userData');
  // The shared store: the command line, else the workplace's setting file written by the pharmacy's IT (issue 18).
  const shared = args.store
    ? {
        store: args.store,
        ...(args.enrolPassphraseFile ? { enrolPassphraseFile: args.enrolPassphraseFile } : {}),
        ...(args.enrolCode ? { enrolCode: args.enrolCode } : {}),
      }
    : readSharedStoreSetting(dataDir);
  const importLocalStore = args.importLocalStore === true;
  const importArticles = args.importArticles;
  const core: Core = await createCore({
    ...(shared ?? {}),
    ...(importLocalStore ? { importLocalStore } : {}),
    ...(importArticles !== undefined ? { importArticles } : {}),
    dataDir,
    fachdienstUrl: args.fachdienstUrl,
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
    ...(args.idpUrl !== undefined ? { idpUrl: args.idpUrl } : {}),
    ...(args.konnektorUrl !== undefined ? { konnektorUrl: args.konnektorUrl } : {}),
    // better-sqlite3 built against Electron's ABI by scripts/start-electron.mjs (stack notes); the Node build
    // in node_modules keeps serving the tests.
    sqliteNativeBinding: process.env.ERX_SQLITE_NATIVE_BINDING || undefined,
    // The OS keychain protects the data key when it is a real one (not basic_text; README "Data at rest").
    safeStorage,
  });
  if (core.articlesNote) console.log(`articles: ${core.articlesNote}`);
  const dispatcher = createDispatcher(core.handlers);
  const paths = defaultWindowPaths(outDir);
  const fileRoot = pathToFileURL(paths.rendererIndex).toString();

  // Checklist #17: one handler per channel, each answering only our own page (sender frame checked).
  registerIpcChannels(ipcMain, dispatcher, fileRoot);

  const win = await createMainWindow(paths);
  const unsubscribe = core.events.subscribe((event) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });

  // After a crash or restart: reconcile what the app still owes the Fachdienst (docs/reliability.md).
  void core.resumePendingOperations();

  app.on('window-all-closed', () => {
    unsubscribe();
    void core.close().finally(() => app.quit());
  });
}

// A second instance would open the same SQLite store twice (issue 18: one instance per data folder). The lock is
// Electron's, one per app (its userData), so it also covers every `--data` folder; browser mode has its own
// (main/browser-bridge/instance-lock.ts).
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // the second start ends at once; the pharmacist gets the running window, restored if minimised
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  app.enableSandbox();
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      // E.g. DataProtectionError (the data key is not accessible): say so instead of vanishing; never fall back
      // to a new key, which would orphan the encrypted data.
      const message = error instanceof Error ? error.message : String(error);
      console.error('eRx Counter failed to start:', message);
      dialog.showErrorBox('eRx Counter kann nicht starten', message);
      app.exit(1);
    });
}
