/**
 * A throwaway PostgreSQL cluster for the tests (docs/multi-counter.md §7, issue 18 item 9): `initdb` in a fresh
 * temp folder, the server on a free port of 127.0.0.1 only, its unix socket in that folder (never /var/run, so it
 * never meets a system cluster), password authentication (scram-sha-256) with a generated password that clients
 * read from a 0600 passfile — the way the app will connect (multi-counter §2: never a password in the URL).
 *
 * pause() and resume() take the server away mid-session and bring it back on the same port with the same data (a
 * store outage, docs/multi-counter.md §6), so clients configured once reconnect to it unchanged.
 *
 * Call stop() in afterAll. Should a test process end without it, the server goes too: setpriv's --pdeathsig stops
 * it when its parent dies (even by SIGKILL; vitest ends its workers with SIGTERM, so no exit hook runs then), and
 * an exit hook stops it on a normal exit. The folder (~40 MB) of a test process that died is removed by the next
 * start (it names its owner's pid).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBinaries, serverAccount, type PostgresBinaries, type ServerAccount } from './postgres-binaries';

const HOST = '127.0.0.1';
const USER = 'erx';
const DATABASE = 'erx_test';
// budgets for a loaded CI machine; a healthy start takes about a second
const INITDB_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;
const LOG_KEEP_CHARS = 16_000;
const DIR_PREFIX = 'erx-pg-';
const OWNER_FILE = 'owner-pid';

export interface PostgresCluster {
  host: typeof HOST;
  port: number;
  /** the superuser created by initdb */
  user: string;
  /** an empty database created for the tests */
  database: string;
  /** `postgres://erx@127.0.0.1:<port>/erx_test`: no password — that is in `passfile` */
  connectionString: string;
  /** 0600 pgpass file (`host:port:database:user:password`) with the generated password; PGPASSFILE points here */
  passfile: string;
  /**
   * A node-postgres config for the superuser with the password filled in, on `database` (default the test
   * database): for what only the tests do (reading raw pages, inspecting every row), not the app's way in.
   */
  superuserConfig(database?: string): pg.ClientConfig;
  /** the temp folder holding the data directory, the unix socket and the passfile; gone after stop() */
  dir: string;
  /** the server's (postmaster's) process id — a new one after resume() */
  readonly pid: number;
  /**
   * A store outage (docs/multi-counter.md §6): fast shutdown (SIGINT, like `pg_ctl stop -m fast` — open sessions
   * end with 57P01), waiting for the server to exit; the data directory, port and passfile stay. No-op while paused.
   */
  pause(): Promise<void>;
  /** Starts the paused server again on the SAME port and data; resolves once it accepts connections. No-op while running. */
  resume(): Promise<void>;
  /** fast shutdown (SIGINT: open sessions are ended), waits for the server to exit, removes `dir` */
  stop(): Promise<void>;
}

/** Starts a cluster; throws an Error naming `apt-get install postgresql` when no server is installed. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binaries = await findPostgresBinaries();
  const account = await serverAccount();
  await removeFoldersOfDeadTestProcesses();
  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  try {
    await writeFile(join(dir, OWNER_FILE), String(process.pid));
    // the server account creates the data directory and the socket inside; root (the test process) reaches any file
    if (account.ids !== null) await chown(dir, account.ids.uid, account.ids.gid);
    const password = randomBytes(24).toString('hex');
    const dataDir = join(dir, 'data');
    await initCluster(binaries, account, dir, dataDir, password);
    const passfile = join(dir, 'passfile');
    const started = await startServer(binaries, account, dir, dataDir, passfile, password);
    const { port } = started;
    // undefined while paused; pause/resume/stop run one after another, so a resume never races a stop
    let server: ServerProcess | undefined = started.server;
    let lastPid = started.server.pid;
    let stopped = false;
    const serial = serialised();
    return {
      host: HOST,
      port,
      user: USER,
      database: DATABASE,
      connectionString: `postgres://${USER}@${HOST}:${port}/${DATABASE}`,
      passfile,
      superuserConfig: (database = DATABASE) => ({ host: HOST, port, user: USER, database, password }),
      dir,
      get pid() {
        return lastPid;
      },
      pause: () =>
        serial(async () => {
          const running = server;
          server = undefined;
          await running?.stop();
        }),
      resume: () =>
        serial(async () => {
          if (server !== undefined || stopped) return;
          server = await launchServer(binaries, account, dir, dataDir, port, password);
          lastPid = server.pid;
        }),
      stop: onceOnly(() =>
        serial(async () => {
          stopped = true;
          const running = server;
          server = undefined;
          await running?.stop();
          await rm(dir, { recursive: true, force: true });
        }),
      ),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Removes the folders whose owning test process is gone (killed before stop(): its server died with it through
 * --pdeathsig). A folder without an owner file is being set up right now; a living owner's (another test file
 * running in parallel, another developer's run) is left alone, and so is one we may not delete.
 */
async function removeFoldersOfDeadTestProcesses(): Promise<void> {
  const names = (await readdir(tmpdir())).filter((name) => name.startsWith(DIR_PREFIX));
  for (const name of names) {
    const dir = join(tmpdir(), name);
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''));
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

async function initCluster(binaries: PostgresBinaries, account: ServerAccount, dir: string, dataDir: string, password: string): Promise<void> {
  // initdb reads the superuser's password from a file the server account can read; it is removed right after
  const pwfile = join(dir, 'initdb-password');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (account.ids !== null) await chown(pwfile, account.ids.uid, account.ids.gid);
  const args = ['-D', dataDir, '-U', USER, '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '--no-locale', '-E', 'UTF8', '--no-sync'];
  const child = spawnAsServerAccount(account, binaries.initdb, args, dir, 'SIGKILL');
  const output = collectOutput(child);
  const exit = await exitWithin(child, INITDB_TIMEOUT_MS);
  await rm(pwfile, { force: true });
  if (exit !== 0) {
    if (exit === 'timeout') child.kill('SIGKILL');
    throw new Error(`initdb (${binaries.initdb}, as ${account.name}) failed: ${exit === 'timeout' ? `no exit within ${INITDB_TIMEOUT_MS} ms` : `exit ${String(exit)}`}\n${tail(output())}`);
  }
}

interface ServerProcess {
  pid: number;
  stop(): Promise<void>;
}

/** A free port can be taken by someone else before the server binds it: then a new port, a few times. */
async function startServer(binaries: PostgresBinaries, account: ServerAccount, dir: string, dataDir: string, passfile: string, password: string): Promise<{ server: ServerProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    const { child, server, log } = spawnServer(binaries, account, dir, dataDir, port);
    try {
      const admin = await connectWhenReady(child, port, password, log);
      try {
        await admin.query(`CREATE DATABASE ${DATABASE}`);
      } finally {
        await admin.end();
      }
      await writeFile(passfile, `${HOST}:${port}:*:${USER}:${password}\n`, { mode: 0o600 });
      return { server, port };
    } catch (error) {
      await server.stop();
      if (attempt < PORT_ATTEMPTS && /could not bind|address already in use/i.test(log())) continue;
      throw error;
    }
  }
}

/** The server again on its port after pause(): the clients' settings (URL, passfile) stay valid. */
async function launchServer(binaries: PostgresBinaries, account: ServerAccount, dir: string, dataDir: string, port: number, password: string): Promise<ServerProcess> {
  const { child, server, log } = spawnServer(binaries, account, dir, dataDir, port);
  try {
    const admin = await connectWhenReady(child, port, password, log);
    await admin.end();
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function spawnServer(binaries: PostgresBinaries, account: ServerAccount, dir: string, dataDir: string, port: number): { child: ChildProcess; server: ServerProcess; log: () => string } {
  // `-k dir`: the unix socket lives in the temp folder; fsync=off: a throwaway cluster, and CI disks are slow
  const args = ['-D', dataDir, '-h', HOST, '-p', String(port), '-k', dir, '-c', 'fsync=off'];
  // SIGQUIT is PostgreSQL's immediate shutdown: it still ends its children and frees its shared memory
  const child = spawnAsServerAccount(account, binaries.postgres, args, dir, 'SIGQUIT');
  const log = collectOutput(child);
  return { child, server: trackServer(child, dir), log };
}

/** Connects as the superuser once the server accepts connections: short back-off, one deadline, no fixed sleeps. */
async function connectWhenReady(child: ChildProcess, port: number, password: string, log: () => string): Promise<pg.Client> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let delayMs = 10;
  let lastError = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`PostgreSQL exited during start-up (${String(child.exitCode ?? child.signalCode)}) on ${HOST}:${port}.\n--- server log (tail) ---\n${tail(log())}`);
    }
    const client = new pg.Client({ host: HOST, port, user: USER, database: 'postgres', password, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() + delayMs > deadline) {
      throw new Error(`PostgreSQL did not accept connections on ${HOST}:${port} within ${READY_TIMEOUT_MS} ms (last: ${lastError}).\n--- server log (tail) ---\n${tail(log())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 250);
  }
}

/** Servers not yet stopped, with their temp folders, for the exit hook. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function trackServer(child: ChildProcess, dir: string): ServerProcess {
  if (child.pid === undefined) throw new Error('PostgreSQL could not be started (no process id)');
  running.set(child, dir);
  if (!exitHookInstalled) process.on('exit', stopOnExit);
  exitHookInstalled = true;
  // a forgotten stop() must not keep the test process alive; the exit hook and --pdeathsig end the server then
  child.unref();
  return {
    pid: child.pid,
    stop: onceOnly(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // fast shutdown
        if ((await exitWithin(child, STOP_TIMEOUT_MS)) === 'timeout') {
          child.kill('SIGKILL');
          await exitWithin(child, STOP_TIMEOUT_MS);
        }
      }
      running.delete(child);
    }),
  };
}

/** Last resort on process exit (synchronous only): immediate shutdown of every server left, folders removed. */
function stopOnExit(): void {
  for (const [child, dir] of running) {
    child.kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
  running.clear();
}

/**
 * Runs a server program as the server account (initdb and postgres refuse root) through util-linux `setpriv`,
 * which execs in place: the child's pid is the program's own, so signals reach it directly (runuser would turn a
 * SIGINT into SIGTERM and SIGKILL), and --pdeathsig delivers `onParentDeath` to it if the test process dies.
 */
function spawnAsServerAccount(account: ServerAccount, program: string, args: readonly string[], cwd: string, onParentDeath: 'SIGKILL' | 'SIGQUIT'): ChildProcess {
  const switchUser = account.ids === null ? [] : [`--reuid=${account.ids.uid}`, `--regid=${account.ids.gid}`, '--clear-groups'];
  // cwd: the server account may not enter the test's working directory, and initdb needs a readable one
  return spawn(account.setpriv, [...switchUser, `--pdeathsig=${onParentDeath}`, '--', program, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The last few KB of a child's stdout + stderr (PostgreSQL logs to stderr), for error messages. */
function collectOutput(child: ChildProcess): () => string {
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-LOG_KEEP_CHARS);
  };
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', append);
    (stream as { unref?: () => void } | null)?.unref?.();
  }
  child.on('error', (error) => append(Buffer.from(`\n[spawn error] ${error.message}\n`)));
  return () => output;
}

/** The exit code (or signal), or 'timeout'. */
function exitWithin(child: ChildProcess, timeoutMs: number): Promise<number | NodeJS.Signals | 'timeout'> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode ?? -1);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      resolve(code ?? signal ?? -1);
    };
    child.once('exit', done);
    // a spawn that failed outright (setpriv missing) emits 'error' and never 'exit'
    child.once('error', () => done(-1, null));
  });
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n') || '(no output)';
}

/** Runs actions one after another (pause, resume and stop each wait for the one before). */
function serialised(): (action: () => Promise<void>) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (action) => {
    const next = last.then(action);
    last = next.catch(() => undefined);
    return next;
  };
}

function onceOnly(action: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= action());
}
