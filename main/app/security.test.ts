/**
 * The Electron guards (checklist https://www.electronjs.org/docs/latest/tutorial/security, architecture §9.2)
 * with fakes for Electron's objects: each test fails if its guard — or the line that wires it
 * in window.ts — is removed. `electron` itself is mocked; no runtime exists here (stack notes).
 */
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channels, type Channel } from '../../shared/ipc/contract';
import { createDispatcher } from '../ipc/handle';
import type { HandlerTable } from '../ipc/types';
import { contentSecurityPolicy as cspFromItsModule } from '../security/csp';
import {
  applySessionGuards,
  contentSecurityPolicy,
  applyWindowGuards,
  denyAllPermissions,
  denyPermissionCheck,
  denyWindowOpen,
  ipcCallerOf,
  isAllowedNavigation,
  registerIpcChannels,
  SECURE_WEB_PREFERENCES,
  secureWebPreferences,
  type IpcSenderEvent,
} from './security';
import { createMainWindow } from './window';

// ---------------------------------------------------------------------------------------------------------
// Fakes of Electron's objects (hoisted: the electron mock below builds windows from them)
// ---------------------------------------------------------------------------------------------------------

const fakes = vi.hoisted(() => {
  type NavigationListener = (details: { url: string; preventDefault(): void }) => void;

  /** Records what the guards register and replays events the way Electron emits them. */
  class FakeWebContents {
    windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
    readonly listeners = new Map<string, NavigationListener[]>();
    constructor(private readonly journal: string[] = []) {}
    setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
      this.journal.push('setWindowOpenHandler');
      this.windowOpenHandler = handler;
    }
    on(event: string, listener: NavigationListener): this {
      this.journal.push(`on:${event}`);
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    /** true when a listener prevented the default (navigation, redirect, webview attach) */
    emitPreventable(event: string, url = ''): boolean {
      let prevented = false;
      for (const listener of this.listeners.get(event) ?? []) listener({ url, preventDefault: () => (prevented = true) });
      return prevented;
    }
  }

  class FakeSession {
    requestHandler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    checkHandler: (() => boolean) | undefined;
    constructor(private readonly journal: string[] = []) {}
    setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void {
      this.journal.push('setPermissionRequestHandler');
      this.requestHandler = handler;
    }
    setPermissionCheckHandler(handler: () => boolean): void {
      this.journal.push('setPermissionCheckHandler');
      this.checkHandler = handler;
    }
  }

  /** One journal for the whole fake Electron, so the test sees the order: guards first, then loadURL. */
  const journal: string[] = [];
  const windows: FakeBrowserWindow[] = [];

  class FakeBrowserWindow {
    readonly webContents = new FakeWebContents(journal);
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      journal.push('new BrowserWindow');
      windows.push(this);
    }
    once(): this {
      return this;
    }
    show(): void {}
    async loadURL(url: string): Promise<void> {
      journal.push(`loadURL ${url}`);
    }
  }

  const electron = { BrowserWindow: FakeBrowserWindow, session: { defaultSession: new FakeSession(journal) } };
  return { FakeWebContents, FakeSession, journal, windows, electron };
});

vi.mock('electron', () => fakes.electron);

const PAGE = 'file:///opt/erx/resources/app.asar/out/renderer/index.html';

// ---------------------------------------------------------------------------------------------------------
// Pure guards
// ---------------------------------------------------------------------------------------------------------

describe('webPreferences', () => {
  it('is sandboxed, isolated, without Node anywhere and with web security on', () => {
    // Exactly these keys: a guard dropped from the constant fails here.
    expect(SECURE_WEB_PREFERENCES).toEqual({
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
    });
  });

  it('adds only the preload path to the constant', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs')).toEqual({
      preload: '/app/out/preload/index.cjs',
      ...SECURE_WEB_PREFERENCES,
    });
  });
});

describe('window.open', () => {
  it('is denied — the handler opens nothing, not even in the OS browser', () => {
    expect(denyWindowOpen()).toEqual({ action: 'deny' });
  });
});

describe('navigation', () => {
  it('allows only reloading the app page itself', () => {
    expect(isAllowedNavigation(PAGE, PAGE)).toBe(true);
    expect(isAllowedNavigation(`${PAGE}#/case`, PAGE)).toBe(true);
    expect(isAllowedNavigation('file:///etc/passwd', PAGE)).toBe(false);
    expect(isAllowedNavigation('file:///opt/erx/resources/app.asar/out/renderer/other.html', PAGE)).toBe(false);
    expect(isAllowedNavigation('https://example.org/', PAGE)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', PAGE)).toBe(false);
    expect(isAllowedNavigation('data:text/html,<h1>x</h1>', PAGE)).toBe(false);
    expect(isAllowedNavigation('not a url', PAGE)).toBe(false);
    expect(isAllowedNavigation(PAGE, 'not a url')).toBe(false);
  });

  it('compares scheme, host and port exactly on an http page', () => {
    const dev = 'http://localhost:5173/';
    expect(isAllowedNavigation('http://localhost:5173/', dev)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', dev)).toBe(false);
    expect(isAllowedNavigation('https://localhost:5173/', dev)).toBe(false);
    expect(isAllowedNavigation('http://localhost:5173@evil.example/', dev)).toBe(false);
    expect(isAllowedNavigation('http://localhost.evil.example:5173/', dev)).toBe(false);
  });
});

describe('Content Security Policy (checklist #7)', () => {
  it('is the one policy of main/security/csp.ts, which the browser bridge sends as well', () => {
    expect(contentSecurityPolicy).toBe(cspFromItsModule);
  });
});

describe('permissions', () => {
  it('denies every permission request', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'usb']) {
      const callback = vi.fn();
      denyAllPermissions({}, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    }
  });

  it('denies every permission check', () => {
    expect(denyPermissionCheck()).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Wiring with fakes
// ---------------------------------------------------------------------------------------------------------

describe('applyWindowGuards', () => {
  function guarded(): InstanceType<typeof fakes.FakeWebContents> {
    const contents = new fakes.FakeWebContents();
    applyWindowGuards(contents, { pageUrl: PAGE });
    return contents;
  }

  it('registers the window-open handler, and it denies', () => {
    const contents = guarded();
    expect(contents.windowOpenHandler).toBeDefined();
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: PAGE })).toEqual({ action: 'deny' });
  });

  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate'])('prevents %s away from the app page', (event) => {
    const contents = guarded();
    expect(contents.emitPreventable(event, 'https://evil.example/')).toBe(true);
    expect(contents.emitPreventable(event, 'file:///etc/passwd')).toBe(true);
    expect(contents.emitPreventable(event, 'javascript:alert(1)')).toBe(true);
    // a reload of the app page itself goes ahead
    expect(contents.emitPreventable(event, `${PAGE}#/cases`)).toBe(false);
  });

  it('prevents attaching a <webview>', () => {
    expect(guarded().emitPreventable('will-attach-webview')).toBe(true);
  });
});

describe('applySessionGuards', () => {
  it('installs handlers that deny every permission request and check', () => {
    const session = new fakes.FakeSession();
    applySessionGuards(session);
    const callback = vi.fn();
    session.requestHandler?.({}, 'media', callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    expect(session.checkHandler?.()).toBe(false);
  });
});

describe('IPC sender check (checklist #17)', () => {
  let reached: Channel[];
  const handlers = (): HandlerTable => {
    const table: Partial<Record<Channel, (req: unknown) => Promise<unknown>>> = {};
    for (const channel of channels) {
      table[channel] = async () => {
        reached.push(channel);
        return {};
      };
    }
    return table as HandlerTable;
  };

  function registered(): Map<string, (event: IpcSenderEvent, payload: unknown) => Promise<unknown>> {
    const listeners = new Map<string, (event: IpcSenderEvent, payload: unknown) => Promise<unknown>>();
    registerIpcChannels(
      {
        handle: (channel, listener) => {
          expect(listeners.has(channel), `${channel} registered twice`).toBe(false);
          listeners.set(channel, listener);
        },
      },
      createDispatcher(handlers()),
      PAGE,
    );
    return listeners;
  }

  beforeEach(() => {
    reached = [];
  });

  it('registers exactly one handler per contract channel', () => {
    expect([...registered().keys()].sort()).toEqual([...channels].sort());
  });

  it('answers our own page', async () => {
    const listener = registered().get('erx:getAppInfo');
    await expect(listener?.({ senderFrame: { url: `${PAGE}#/cases` } }, {})).resolves.toMatchObject({ ok: true });
    expect(reached).toEqual(['erx:getAppInfo']);
  });

  it('refuses every channel from another page, another file or a vanished frame, before any handler', async () => {
    const strangers: IpcSenderEvent[] = [
      { senderFrame: { url: 'https://evil.example/' } },
      { senderFrame: { url: 'file:///tmp/evil/index.html' } },
      { senderFrame: { url: 'file:///opt/erx/resources/app.asar/out/renderer/index.html.evil' } },
      { senderFrame: { url: 'about:blank' } },
      { senderFrame: null },
      {},
    ];
    for (const [channel, listener] of registered()) {
      for (const stranger of strangers) {
        await expect(listener(stranger, {}), channel).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    }
    expect(reached).toEqual([]);
  });

  it('describes the caller without trusting a missing frame', () => {
    expect(ipcCallerOf({ senderFrame: null }, PAGE)).toEqual({ trusted: false, description: '(no sender frame)' });
    expect(ipcCallerOf({ senderFrame: { url: PAGE } }, PAGE)).toEqual({ trusted: true, description: PAGE });
  });
});

describe('createMainWindow (window.ts) with a fake Electron', () => {
  it('creates the window with the secure webPreferences and guards it before loading the page', async () => {
    const paths = { preload: '/opt/erx/out/preload/index.cjs', rendererIndex: '/opt/erx/out/renderer/index.html' };
    await createMainWindow(paths);
    const pageUrl = pathToFileURL(paths.rendererIndex).toString();

    expect(fakes.windows).toHaveLength(1);
    const win = fakes.windows[0]!;
    expect(win.options.webPreferences).toEqual(secureWebPreferences(paths.preload));

    // every guard is wired, and all of them before the first page load
    const loadIndex = fakes.journal.indexOf(`loadURL ${pageUrl}`);
    expect(loadIndex).toBeGreaterThan(-1);
    for (const registration of [
      'setPermissionRequestHandler',
      'setPermissionCheckHandler',
      'setWindowOpenHandler',
      'on:will-navigate',
      'on:will-redirect',
      'on:will-frame-navigate',
      'on:will-attach-webview',
    ]) {
      const at = fakes.journal.indexOf(registration);
      expect(at, registration).toBeGreaterThan(-1);
      expect(at, `${registration} before loadURL`).toBeLessThan(loadIndex);
    }

    // … and the wired handlers are the denying ones
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(win.webContents.emitPreventable('will-navigate', 'https://example.org/')).toBe(true);
    expect(win.webContents.emitPreventable('will-navigate', pageUrl)).toBe(false);
    expect(win.webContents.emitPreventable('will-attach-webview')).toBe(true);
    const session = fakes.electron.session.defaultSession;
    const callback = vi.fn();
    session.requestHandler?.({}, 'media', callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    expect(session.checkHandler?.()).toBe(false);
  });
});
