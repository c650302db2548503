import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/fixtures';
import {
  contentSecurityPolicy,
  denyAllPermissions,
  denyWindowOpen,
  isAllowedNavigation,
  secureWebPreferences,
} from './security';

describe('Electron security guards', () => {
  it('creates windows sandboxed, isolated and without Node', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('denies every window.open', () => {
    expect(denyWindowOpen()).toEqual({ action: 'deny' });
  });

  it('allows only reloading the app page itself', () => {
    const page = 'file:///opt/erx/resources/app.asar/out/renderer/index.html';
    expect(isAllowedNavigation(page, page)).toBe(true);
    expect(isAllowedNavigation(`${page}#/case`, page)).toBe(true);
    expect(isAllowedNavigation('file:///etc/passwd', page)).toBe(false);
    expect(isAllowedNavigation('https://example.org/', page)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', page)).toBe(false);
    expect(isAllowedNavigation('not a url', page)).toBe(false);
    const dev = 'http://localhost:5173/';
    expect(isAllowedNavigation('http://localhost:5173/', dev)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', dev)).toBe(false);
  });

  it('denies permission requests', () => {
    let granted: boolean | undefined;
    denyAllPermissions({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('is the CSP the renderer page actually carries', () => {
    const html = readFileSync(join(repoRoot, 'renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(meta?.[1]?.replace(/\s+/g, ' ').trim()).toBe(contentSecurityPolicy);
  });

  it('has a CSP without unsafe-eval and with locked-down sources', () => {
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).toContain("object-src 'none'");
  });
});
