import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { gzipKb, packageOf, startupAssets, startupPackages } from './renderer-bundle';

describe('startupAssets', () => {
  it('reads the scripts, module preloads and style sheets index.html loads', () => {
    const html = `<head>
      <script type="module" crossorigin src="./assets/index-A.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-B.js?v=1">
      <link rel="stylesheet" crossorigin href="./assets/index-C.css">
      <link rel="icon" href="./favicon.ico">
    </head>`;
    expect(startupAssets(html)).toEqual({
      scripts: ['assets/index-A.js', 'assets/vendor-B.js'],
      styles: ['assets/index-C.css'],
    });
  });
});

describe('packageOf', () => {
  it('names packages, scoped ones included, and our folders', () => {
    expect(packageOf('node_modules/react-dom/cjs/react-dom.production.js')).toBe('react-dom');
    expect(packageOf('node_modules/@tanstack/query-core/build/modern/index.js')).toBe('@tanstack/query-core');
    expect(packageOf('renderer/src/features/inbox/InboxView.tsx')).toBe('renderer/src/features');
  });
});

describe('startupPackages', () => {
  it('sums the entry and its static imports by package, not the lazy chunks', () => {
    const metafile = {
      inputs: {},
      outputs: {
        'out/main.js': {
          bytes: 0,
          entryPoint: 'renderer/src/main.tsx',
          imports: [
            { path: 'out/chunk-1.js', kind: 'import-statement' },
            { path: 'out/lazy.js', kind: 'dynamic-import' },
          ],
          exports: [],
          inputs: {
            'node_modules/react-dom/index.js': { bytesInOutput: 100 },
            'renderer/src/main.tsx': { bytesInOutput: 5 },
          },
        },
        'out/chunk-1.js': {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/zod/index.js': { bytesInOutput: 300 },
            'node_modules/react-dom/x.js': { bytesInOutput: 1 },
          },
        },
        'out/lazy.js': {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: { 'node_modules/bwip-js/x.js': { bytesInOutput: 900 } },
        },
      },
    } as unknown as Metafile;
    expect(startupPackages(metafile, 'renderer/src/main.tsx')).toEqual([
      ['zod', 300],
      ['react-dom', 101],
      ['renderer/src/main.tsx', 5],
    ]);
  });
});

describe('gzipKb', () => {
  it('compresses repetitive text far below its size', () => {
    expect(gzipKb(Buffer.from('a'.repeat(10_240)))).toBeLessThan(1);
  });
});
