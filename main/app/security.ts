/**
 * The Electron security checklist as pure functions (no `electron` import), so they are unit-tested here
 * and asserted again in the real shell by the Electron smoke spec where a runtime exists.
 * https://www.electronjs.org/docs/latest/tutorial/security
 */

/** webPreferences of every window: checklist #2 (no Node), #3 (context isolation), #4 (sandbox), #5/#6 (web security). */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
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
}

/** Checklist #14: no new windows, ever (links to the outside are not part of this app). */
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

/** The CSP the page must carry (renderer/index.html); also sent as a header by the browser-mode bridge. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
