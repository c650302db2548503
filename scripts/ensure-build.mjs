// Scripts build first when their build output is missing or stale: compares the newest
// source file with out/.build-stamp.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDirs = ['main', 'shared', 'renderer', 'tools'];
const sourceFiles = ['package.json', 'electron.vite.config.ts', 'scripts/build.mjs'];

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.endsWith('.test.ts') || name.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

export function buildIsStale() {
  const stamp = join(root, 'out/.build-stamp');
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const newest = Math.max(
    ...sourceDirs.map((d) => join(root, d)).filter(existsSync).map(newestMtime),
    ...sourceFiles.map((f) => join(root, f)).filter(existsSync).map((f) => statSync(f).mtimeMs),
  );
  return newest > built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (buildIsStale()) {
    console.error('build output missing or stale: building …');
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  }
}
