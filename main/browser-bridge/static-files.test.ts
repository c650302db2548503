import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentTypeOf, injectBridgeKey, readStaticFile, resolveStaticPath, wantsPage } from './static-files';

describe('resolveStaticPath', () => {
  const root = '/srv/renderer';

  it('maps URL paths into the root, decoding percent escapes', () => {
    expect(resolveStaticPath(root, '/assets/app.js')).toBe('/srv/renderer/assets/app.js');
    expect(resolveStaticPath(root, '/assets/my%20file.css')).toBe('/srv/renderer/assets/my file.css');
  });

  it('refuses traversal in every spelling, dot-files, backslashes and broken escapes', () => {
    for (const path of ['/../x', '/%2e%2e/x', '/a/..%2f..%2fx', '/a/%2E%2E%2Fx', '/..%5cx', '/.git/config', '/%00', '/%zz']) {
      expect(resolveStaticPath(root, path), path).toBeUndefined();
    }
  });
});

describe('readStaticFile', () => {
  const base = mkdtempSync(join(tmpdir(), 'erx-static-'));
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'assets', 'a.js'), 'a');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('reads regular files below the root', async () => {
    expect((await readStaticFile(root, join(root, 'assets', 'a.js')))?.toString()).toBe('a');
  });

  it('refuses folders, missing files and symlinks pointing outside', async () => {
    expect(await readStaticFile(root, join(root, 'assets'))).toBeUndefined();
    expect(await readStaticFile(root, join(root, 'nope.js'))).toBeUndefined();
    expect(await readStaticFile(root, join(root, 'assets', 'link.txt'))).toBeUndefined();
  });
});

describe('content types and page helpers', () => {
  it('names the types a Vite build produces', () => {
    expect(contentTypeOf('/x/index-abc.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/x/a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('/x/zxing_reader.wasm')).toBe('application/wasm');
    expect(contentTypeOf('/x/font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('/x/blob.bin')).toBe('application/octet-stream');
  });

  it('injects the key meta tag right before </head>', () => {
    expect(injectBridgeKey('<html><head><title>t</title></HEAD><body></body></html>', 'k'.repeat(40))).toBe(
      `<html><head><title>t</title><meta name="erx-bridge-key" content="${'k'.repeat(40)}">\n</HEAD><body></body></html>`,
    );
    expect(injectBridgeKey('<html><body></body></html>', 'k')).toBeUndefined();
  });

  it('serves the page for navigations only', () => {
    expect(wantsPage({ secFetchMode: 'navigate' })).toBe(true);
    expect(wantsPage({ accept: 'text/html,application/xhtml+xml' })).toBe(true);
    expect(wantsPage({ accept: '*/*', secFetchMode: 'no-cors' })).toBe(false);
    expect(wantsPage({})).toBe(false);
  });
});
