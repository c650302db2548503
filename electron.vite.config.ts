import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export const nodeRequireBanner =
  "import { createRequire as __erxCreateRequire } from 'node:module'; const require = __erxCreateRequire(import.meta.url);";

// Electron targets (stack notes): main as ESM, the preload as ONE CommonJS file (a sandboxed preload
// cannot load ES modules or require other files), the renderer as a static page.
// Native and Electron modules stay external in main; everything else is bundled.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'main/index.ts') },
        external: ['electron', 'better-sqlite3', /^node:/],
        // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
        output: { banner: nodeRequireBanner },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      emptyOutDir: true,
      // electron-vite leaves the renderer unminified by default; minified it loads faster (issue 8: 1.45 MB → ~266 KB gzip)
      minify: true,
      rolldownOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
