// `npm start [-- --data DIR --fachdienst URL]`: the Electron app, or browser mode where no
// Electron runtime can be had (README "Run it"). The runtime is downloaded lazily by the `electron` package the
// first time it is required; that try is given at most 60 s. Without a runtime this says so in one line and
// starts browser mode (out/node/web.mjs) — with browser mode's own data folder unless --data is given, and
// with the arguments browser mode does not know named and ignored (main/web.ts).
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

const RUNTIME_TRY_MS = 60_000;

/**
 * Resolves the runtime in a child process: requiring `electron` may try to download it (a grandchild process),
 * so the probe runs in its own process group and the whole group is killed after RUNTIME_TRY_MS.
 */
function electronBinary() {
  return new Promise((resolvePath) => {
    const probe = spawn(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    probe.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-probe.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, RUNTIME_TRY_MS);
    probe.on('error', () => {
      clearTimeout(timer);
      resolvePath(undefined);
    });
    probe.on('close', (code) => {
      clearTimeout(timer);
      const path = out.trim();
      resolvePath(code === 0 && path && existsSync(path) ? path : undefined);
    });
  });
}

/** Browser mode in this process's place: same stdio, same exit code, signals passed on. */
function startBrowserMode(args) {
  const child = spawn(process.execPath, [join(root, 'out/node/web.mjs'), ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ERX_IGNORE_UNKNOWN_ARGS: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
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

const binary = await electronBinary();
if (binary) startElectron(binary);
else {
  console.log('Keine Electron-Laufzeit verfügbar – die App startet im Browser-Modus (wie npm run start:web) / no Electron runtime: starting browser mode');
  startBrowserMode(appArgs);
}

function startElectron(binary) {
  const sqliteBinding = electronSqliteBinding();
  if (!sqliteBinding) fail('better-sqlite3 could not be built for Electron (needs internet once). Use: npm run start:web');
  const child = spawn(binary, [root, ...appArgs], {
    stdio: 'inherit',
    env: { ...process.env, ERX_SQLITE_NATIVE_BINDING: sqliteBinding },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
}
