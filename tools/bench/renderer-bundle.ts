/**
 * Benchmark "renderer-bundle": how much the page loads before it can work — the gzip size
 * (node:zlib, default level, as a server would send it) of the JS and CSS that out/renderer/index.html loads at
 * start (`<script src>`, `<link rel="modulepreload|stylesheet">`), and of all JS chunks including the lazy ones
 * (trainer panel, bwip-js). No target; recorded to follow it (docs/performance.md).
 *
 * Which packages make up the start-up JS: electron-vite gives no metafile, so the renderer entry is bundled once
 * more with esbuild (minified, code splitting, in memory) and its start-up chunks' bytes are summed by package —
 * an approximation of the real build (another minifier), printed as the top 5.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { findAppRoot } from './web-process';
import type { BenchOptions, Benchmark, Figure } from './types';

/** The assets index.html loads at start, relative to the renderer folder, without query or hash. */
export function startupAssets(html: string): { scripts: string[]; styles: string[] } {
  const scripts: string[] = [];
  const styles: string[] = [];
  const clean = (url: string): string => posix.normalize(url.replace(/[?#].*$/, '').replace(/^\.?\//, ''));
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) {
    const src = /\bsrc="([^"]+)"/i.exec(tag)?.[1];
    if (src) scripts.push(clean(src));
  }
  for (const tag of html.match(/<link\b[^>]*>/gi) ?? []) {
    const rel = /\brel="([^"]+)"/i.exec(tag)?.[1]?.toLowerCase();
    const href = /\bhref="([^"]+)"/i.exec(tag)?.[1];
    if (!href) continue;
    if (rel === 'modulepreload') scripts.push(clean(href));
    if (rel === 'stylesheet') styles.push(clean(href));
  }
  return { scripts, styles };
}

export const gzipKb = (content: Buffer): number => gzipSync(content).length / 1024;

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; our own files by their first two folders (`renderer/src`). */
export function packageOf(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (m) return m[1]!;
  return input.split('/').slice(0, 3).join('/');
}

/** The entry's output and every chunk it imports statically (what the page loads at start). */
export function startupOutputs(metafile: Metafile, entryPoint: string): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((name) => outputs[name]!.entryPoint === entryPoint);
  if (!entry) return [];
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const imported of outputs[name]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.path in outputs) queue.push(imported.path);
    }
  }
  return [...seen];
}

/** Bytes per package in the start-up outputs, largest first. */
export function startupPackages(metafile: Metafile, entryPoint: string): [string, number][] {
  const outputs = metafile.outputs;
  const bytes = new Map<string, number>();
  for (const name of startupOutputs(metafile, entryPoint)) {
    for (const [input, info] of Object.entries(outputs[name]!.inputs)) {
      bytes.set(packageOf(input), (bytes.get(packageOf(input)) ?? 0) + info.bytesInOutput);
    }
  }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

interface Rebuilt {
  packages: [string, number][];
  /** gzip KB of the minified start-up chunks */
  startGzipKb: number;
}

/** The renderer entry bundled once more with esbuild (minified, in memory) for its metafile. */
async function rebuildWithMetafile(root: string): Promise<Rebuilt> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['renderer/src/main.tsx'],
    bundle: true,
    write: false,
    minify: true,
    splitting: true,
    format: 'esm',
    outdir: 'bench-metafile',
    metafile: true,
    jsx: 'automatic',
    define: {
      'process.env.NODE_ENV': '"production"',
      'import.meta.env.DEV': 'false',
      'import.meta.env.PROD': 'true',
    },
    loader: { '.css': 'empty', '.wasm': 'empty', '.png': 'empty', '.svg': 'empty' },
    logLevel: 'silent',
  });
  const entry = 'renderer/src/main.tsx';
  const start = new Set(startupOutputs(result.metafile, entry).map((name) => join(root, name)));
  const startGzipKb = (result.outputFiles ?? [])
    .filter((file) => start.has(file.path))
    .reduce((sum, file) => sum + gzipKb(Buffer.from(file.contents)), 0);
  return { packages: startupPackages(result.metafile, entry), startGzipKb };
}

const sizeFigure = (name: string, kb: number): Figure => {
  const value = Number(kb.toFixed(1));
  return { name, unit: 'KB', samples: 1, p50: value, p95: value, p99: value, target: null };
};

export const rendererBundle: Benchmark = {
  name: 'renderer-bundle',
  description: 'Größe der Oberfläche (gzip): was index.html beim Start lädt, und alle JS-Teile',
  async run(options: BenchOptions): Promise<Figure[]> {
    const root = findAppRoot();
    const dir = join(root, 'out', 'renderer');
    const { scripts, styles } = startupAssets(readFileSync(join(dir, 'index.html'), 'utf8'));
    if (scripts.length === 0)
      throw new Error('bench: out/renderer/index.html lädt kein Skript – Build prüfen');
    const read = (file: string): Buffer => readFileSync(join(dir, file));
    const startJs = scripts.reduce((sum, f) => sum + gzipKb(read(f)), 0);
    const startJsRaw = scripts.reduce((sum, f) => sum + read(f).length / 1024, 0);
    const startCss = styles.reduce((sum, f) => sum + gzipKb(read(f)), 0);
    const allJs = readdirSync(join(dir, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .reduce((sum, f) => sum + gzipKb(read(join('assets', f))), 0);
    options.log(`  beim Start: ${scripts.join(', ')} · ${styles.join(', ')}`);
    try {
      const rebuilt = await rebuildWithMetafile(root);
      const top = rebuilt.packages.slice(0, 5);
      options.log(
        `  esbuild-Nachbau (minifiziert): Start-JS ${rebuilt.startGzipKb.toFixed(0)} KB gzip; größte Pakete darin (ohne gzip): ` +
          top.map(([p, b]) => `${p} ${(b / 1024).toFixed(0)} KB`).join(', '),
      );
    } catch (error) {
      options.log(
        `  Paketgrößen nicht ermittelt: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
    return [
      sizeFigure('renderer-bundle.start-js.gzip', startJs),
      sizeFigure('renderer-bundle.start-js.raw', startJsRaw),
      sizeFigure('renderer-bundle.start-css.gzip', startCss),
      sizeFigure('renderer-bundle.all-js.gzip', allJs),
    ];
  },
};
