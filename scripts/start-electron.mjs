// `npm start [-- --data DIR --fachdienst URL]`: the Electron app (issue 2 item 2).
// The Electron runtime is downloaded lazily by the `electron` package the first time it is required; where
// that download is impossible (no internet, as on our build machines) this exits 1 with one clear message.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const appArgs = process.argv.slice(2);

function fail(message) {
  console.error(message);
  process.exit(1);
}

/** Resolves the runtime in a child process: requiring `electron` may try to download it. */
function electronBinary() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 5 * 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const path = probe.stdout?.trim();
  return probe.status === 0 && path && existsSync(path) ? path : undefined;
}

/**
 * better-sqlite3 is compiled for Node's ABI by `npm ci` (tests use it); Electron needs a build against its own
 * headers. We build a copy into out/electron-native/ so both keep working (stack notes). Needs internet once.
 */
function electronSqliteBinding() {
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  const target = join(root, 'out/electron-native', electronVersion);
  const binding = join(target, 'better-sqlite3/build/Release/better_sqlite3.node');
  if (existsSync(binding)) return binding;
  mkdirSync(target, { recursive: true });
  cpSync(join(root, 'node_modules/better-sqlite3'), join(target, 'better-sqlite3'), { recursive: true });
  const gyp = join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  const result = spawnSync(
    process.execPath,
    [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
    { cwd: join(target, 'better-sqlite3'), stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } },
  );
  return result.status === 0 && existsSync(binding) ? binding : undefined;
}

const build = spawnSync(process.execPath, [join(root, 'scripts/ensure-build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) fail('Build fehlgeschlagen / build failed.');

const binary = electronBinary();
if (!binary) {
  fail(
    'Die Electron-Laufzeit ist nicht installiert und konnte nicht heruntergeladen werden. ' +
      'Starten Sie den Browser-Modus mit: npm run start:web\n' +
      '(The Electron runtime is missing and could not be downloaded. Use: npm run start:web)',
  );
}

const sqliteBinding = electronSqliteBinding();
if (!sqliteBinding) fail('better-sqlite3 could not be built for Electron (needs internet once). Use: npm run start:web');

const child = spawn(binary, [root, ...appArgs], {
  stdio: 'inherit',
  env: { ...process.env, ERX_SQLITE_NATIVE_BINDING: sqliteBinding },
});
child.on('exit', (code) => process.exit(code ?? 0));
