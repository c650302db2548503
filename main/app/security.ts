/**
 * The Electron security checklist as pure functions (no `electron` import: structural types only), so every
 * guard is unit-tested with fakes and asserted again in the real shell by the Electron smoke spec where a
 * runtime exists (architecture §9.2). https://www.electronjs.org/docs/latest/tutorial/security
 *
 * window.ts calls `applySessionGuards` and `applyWindowGuards`; main/index.ts registers IPC through
 * `registerIpcChannels`, so removing a guard from the wiring fails a test, not just removing its logic.
 */
import { channels } from '../../shared/ipc/contract';
import { isTrustedSenderUrl, type CallerCheck, type Dispatcher } from '../ipc/handle';

/**
 * webPreferences of every window: checklist #2 (no Node in the page or its workers/frames), #3 (context
 * isolation), #4 (sandbox), #5/#6 (web security, no mixed content), #12 (no <webview>).
 */
export const SECURE_WEB_PREFERENCES = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  experimentalFeatures: false,
} as const;

export function secureWebPreferences(preloadPath: string) {
  return { preload: preloadPath, ...SECURE_WEB_PREFERENCES } as const;
}

/**
 * Checklist #14: no new windows, ever. window.ts opens nothing in the OS browser either — the app has no
 * external links, so there is nothing to hand to `shell.openExternal` (checklist #15).
 */
export const denyWindowOpen = (): { action: 'deny' } => ({ action: 'deny' });

/**
 * Checklist #13: navigation is blocked except to the page the window was opened with
 * (a reload of the app page itself). Anything else — other files, http(s), javascript:, data: — is refused.
 */
export function isAllowedNavigation(targetUrl: string, appPageUrl: string): boolean {
  try {
    const target = new URL(targetUrl);
    const page = new URL(appPageUrl);
    return target.protocol === page.protocol && target.host === page.host && target.pathname === page.pathname;
  } catch {
    return false;
  }
}

/** Checklist #5: the app needs no camera, microphone, notifications, geolocation … — deny every permission request. */
export const denyAllPermissions = (
  _webContents: unknown,
  _permission: string,
  callback: (granted: boolean) => void,
): void => callback(false);

/** Permission checks (synchronous variant) are denied as well. */
export const denyPermissionCheck = (): boolean => false;

/**
 * Checklist #7: the CSP the page must carry (renderer/index.html); browser mode sends the same policy as a header.
 * It lives in main/security/csp.ts so that the bridge never loads this Electron glue.
 */
export { contentSecurityPolicy } from '../security/csp';

// ---------------------------------------------------------------------------------------------------------
// Wiring, against the shapes of Electron's objects (Electron's own types satisfy these interfaces)
// ---------------------------------------------------------------------------------------------------------

/** What Electron passes to a navigation listener (the positional `url` argument is deprecated). */
export interface PreventableNavigation {
  readonly url: string;
  preventDefault(): void;
}

/** The part of Electron's `WebContents` the guards need. */
export interface GuardableWebContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (details: PreventableNavigation) => void): unknown;
  on(event: 'will-redirect', listener: (details: PreventableNavigation) => void): unknown;
  /** also sub-frames: a frame of our page must not be navigated elsewhere either */
  on(event: 'will-frame-navigate', listener: (details: PreventableNavigation) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/** Checklist #12, #13, #14 for one window's contents: no new windows, no navigation away, no <webview>. */
export function applyWindowGuards(contents: GuardableWebContents, options: { pageUrl: string }): void {
  contents.setWindowOpenHandler(denyWindowOpen);
  const stayOnAppPage = (details: PreventableNavigation): void => {
    if (!isAllowedNavigation(details.url, options.pageUrl)) details.preventDefault();
  };
  contents.on('will-navigate', stayOnAppPage);
  contents.on('will-redirect', stayOnAppPage);
  contents.on('will-frame-navigate', stayOnAppPage);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The part of Electron's `Session` the permission guards need. */
export interface GuardableSession {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
}

/** Checklist #5: every permission request and every permission check of the session is denied. */
export function applySessionGuards(session: GuardableSession): void {
  session.setPermissionRequestHandler(denyAllPermissions);
  session.setPermissionCheckHandler(denyPermissionCheck);
}

/** The part of Electron's `IpcMainInvokeEvent` the sender check reads; `senderFrame` is null once the frame is gone. */
export interface IpcSenderEvent {
  readonly senderFrame?: { readonly url: string } | null;
}

/** The part of Electron's `ipcMain` used to register the channels. */
export interface IpcRegistrar {
  handle(channel: string, listener: (event: IpcSenderEvent, payload: unknown) => Promise<unknown>): void;
}

/**
 * Checklist #17: who sent an IPC message — trusted only if the sending frame shows our own page
 * (`appPageUrl` = the file URL of the built index.html). A frame that is gone (null) is never trusted.
 */
export function ipcCallerOf(event: IpcSenderEvent, appPageUrl: string): CallerCheck {
  const senderUrl = event.senderFrame?.url ?? '';
  return { trusted: isTrustedSenderUrl(senderUrl, { fileRoot: appPageUrl }), description: senderUrl || '(no sender frame)' };
}

/** One `ipcMain.handle` per contract channel, each behind the sender check; the dispatcher refuses untrusted callers. */
export function registerIpcChannels(ipc: IpcRegistrar, dispatcher: Dispatcher, appPageUrl: string): void {
  for (const channel of channels) {
    ipc.handle(channel, (event, payload) => dispatcher.dispatch(channel, payload, ipcCallerOf(event, appPageUrl)));
  }
}
