// `npm run build`: the Electron targets with electron-vite (main, preload, renderer — works without the
// Electron runtime, stack notes) and the plain-Node entry points with esbuild into out/node/ (browser-mode
// server, simulator CLI, benchmark). Writes out/.build-stamp so scripts can tell a stale build.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.includes('--node-only') ? 'node' : 'all';

if (only === 'all') {
  execFileSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
}

const nodeEntries = {
  web: 'main/entries/web.ts',
  simulator: 'main/entries/simulator.ts',
  bench: 'tools/bench/entry.ts',
};

mkdirSync(join(root, 'out/node'), { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: nodeEntries,
  outdir: 'out/node',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // The native module is loaded from node_modules; electron must never be reached from these entries.
  // Playwright and esbuild (benchmarks, tools/bench/) stay in node_modules: dev tools with their own files/binaries.
  external: ['better-sqlite3', 'electron', '@playwright/test', 'playwright', 'playwright-core', 'esbuild'],
  banner: {
    js: "import { createRequire as __erxCreateRequire } from 'node:module'; const require = __erxCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

writeFileSync(join(root, 'out/.build-stamp'), new Date().toISOString());
console.log('build: done');
