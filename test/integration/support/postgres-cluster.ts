/**
 * A throwaway PostgreSQL cluster for the tests (docs/multi-counter.md §7, issue 18 item 9): `initdb` in a fresh
 * temp folder, the server on a free port of 127.0.0.1 only, its unix socket in that folder (never /var/run, so it
 * never meets a system cluster), password authentication (scram-sha-256) with a generated password that clients
 * read from a 0600 passfile — the way the app will connect (multi-counter §2: never a password in the URL).
 *
 * pause() and resume() take the server away mid-session and bring it back on the same port with the same data (a
 * store outage, docs/multi-counter.md §6), so clients configured once reconnect to it unchanged.
 *
 * With `{ tls }` the cluster speaks TLS only (docs/multi-counter.md §2, issue 18 item 1: verify-full off loopback): a
 * throwaway CA and a server certificate made with the `openssl` CLI, `ssl = on`, and pg_hba `hostssl` lines only,
 * so the server itself refuses plain TCP. `caFile` is the CA a client must trust.
 *
 * Call stop() in afterAll. Should a test process end without it, the server goes too: setpriv's --pdeathsig stops
 * it when its parent dies (even by SIGKILL; vitest ends its workers with SIGTERM, so no exit hook runs then), and
 * an exit hook stops it on a normal exit. The folder (~40 MB) of a test process that died is removed by the next
 * start (it names its owner's pid).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, isIP } from 'node:net';
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
const OPENSSL_TIMEOUT_MS = 30_000;
/** the names the server certificate is made for unless the caller names others */
const DEFAULT_TLS_NAMES: readonly string[] = ['localhost', HOST];
/** the name the harness's own TLS connections check: every certificate made here is valid for it */
const TLS_CHECKED_NAME = 'localhost';

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

/** A cluster started with `{ tls }`: TLS only (pg_hba `hostssl`), the server certificate issued by `caFile`. */
export interface TlsPostgresCluster extends PostgresCluster {
  /** PEM certificate of the throwaway CA that issued the server certificate (the client's `sslrootcert`) */
  caFile: string;
  /** the names in the server certificate's subjectAltName, as given (host names and IP addresses) */
  certificateNames: readonly string[];
}

export interface TlsClusterOptions {
  /**
   * Host names and IP addresses the server certificate is valid for (subjectAltName DNS:/IP:); default
   * `localhost` and 127.0.0.1. Must include `localhost`: the harness's own connections check that name.
   */
  names?: readonly string[];
}

export interface PostgresClusterOptions {
  /** TLS only: `true` for the default names, or the certificate's names */
  tls?: true | TlsClusterOptions;
}

/** A throwaway certificate authority made with the openssl CLI (PEM files). */
export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
}

/** Starts a cluster; throws an Error naming `apt-get install postgresql` when no server is installed. */
export async function startPostgresCluster(options: PostgresClusterOptions & { tls: true | TlsClusterOptions }): Promise<TlsPostgresCluster>;
export async function startPostgresCluster(options?: PostgresClusterOptions): Promise<PostgresCluster>;
export async function startPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster | TlsPostgresCluster> {
  const tlsNames = options.tls === undefined ? undefined : options.tls === true ? DEFAULT_TLS_NAMES : (options.tls.names ?? DEFAULT_TLS_NAMES);
  if (tlsNames !== undefined && !tlsNames.includes(TLS_CHECKED_NAME)) {
    throw new Error(`the server certificate must name ${TLS_CHECKED_NAME}: the cluster's own connections check that name`);
  }
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
    const tls = tlsNames === undefined ? undefined : await prepareTls(account, dir, dataDir, tlsNames);
    const passfile = join(dir, 'passfile');
    const started = await startServer(binaries, account, dir, dataDir, passfile, password, tls);
    const { port } = started;
    // undefined while paused; pause/resume/stop run one after another, so a resume never races a stop
    let server: ServerProcess | undefined = started.server;
    let lastPid = started.server.pid;
    let stopped = false;
    const serial = serialised();
    const cluster: PostgresCluster = {
      host: HOST,
      port,
      user: USER,
      database: DATABASE,
      connectionString: `postgres://${USER}@${HOST}:${port}/${DATABASE}`,
      passfile,
      superuserConfig: (database = DATABASE) => ({ host: HOST, port, user: USER, database, password, ...(tls ? { ssl: tls.clientSsl } : {}) }),
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
          server = await launchServer(binaries, account, dir, dataDir, port, password, tls);
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
    return tls === undefined ? cluster : Object.assign(cluster, { caFile: tls.caFile, certificateNames: tlsNames ?? [] });
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

/** The server's TLS files, and the settings of the harness's own (verified) TLS connections. */
interface ServerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  clientSsl: { ca: string; servername: string; rejectUnauthorized: true };
}

/**
 * A throwaway CA, a server certificate it issues for `names`, and a pg_hba that admits TLS only (docs/multi-counter.md
 * §2): `hostssl` lines for the loopback addresses, no `host` line, so a plain TCP session is refused by the server
 * itself. The server key is 0600 and owned by the server account — PostgreSQL refuses a key others may read.
 */
async function prepareTls(account: ServerAccount, dir: string, dataDir: string, names: readonly string[]): Promise<ServerTls> {
  const tlsDir = join(dir, 'tls');
  await mkdir(tlsDir);
  const ca = await createCertificateAuthority(tlsDir, 'erx test cluster CA');
  const certFile = join(tlsDir, 'server.crt');
  const keyFile = join(tlsDir, 'server.key');
  const csrFile = join(tlsDir, 'server.csr');
  const extFile = join(tlsDir, 'server.ext');
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${names[0] ?? TLS_CHECKED_NAME}`], tlsDir);
  // RFC 6125 §6.4.4: a client checks the subjectAltName only, so every name the server is reached by goes there
  const subjectAltName = names.map((name) => (isIP(name) === 0 ? `DNS:${name}` : `IP:${name}`)).join(',');
  await writeFile(extFile, `subjectAltName = ${subjectAltName}\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\n`);
  await openssl(['x509', '-req', '-in', csrFile, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', '2', '-extfile', extFile, '-out', certFile], tlsDir);
  await chmod(keyFile, 0o600);
  if (account.ids !== null) {
    for (const path of [tlsDir, certFile, keyFile]) await chown(path, account.ids.uid, account.ids.gid);
  }
  const hba = ['local all all scram-sha-256', 'hostssl all all 127.0.0.1/32 scram-sha-256', 'hostssl all all ::1/128 scram-sha-256', ''].join('\n');
  // overwriting keeps the file's owner (the server account that initdb ran as)
  await writeFile(join(dataDir, 'pg_hba.conf'), hba);
  return { caFile: ca.certFile, certFile, keyFile, clientSsl: { ca: await readFile(ca.certFile, 'utf8'), servername: TLS_CHECKED_NAME, rejectUnauthorized: true } };
}

/**
 * A new self-signed CA in `dir` (`ca.pem`, `ca.key`; P-256, valid two days): the cluster's own, or another one a
 * test trusts instead to see the server refused.
 */
export async function createCertificateAuthority(dir: string, commonName: string): Promise<CertificateAuthority> {
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca.key');
  await openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${commonName}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}

/** Runs the openssl CLI; its output in the error when it fails. */
function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: OPENSSL_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`openssl ${args[0] ?? ''} failed (is the openssl CLI installed? apt-get install openssl): ${error.message}\n${tail(`${stdout}${stderr}`)}`));
    });
  });
}

interface ServerProcess {
  pid: number;
  stop(): Promise<void>;
}

/** A free port can be taken by someone else before the server binds it: then a new port, a few times. */
async function startServer(binaries: PostgresBinaries, account: ServerAccount, dir: string, dataDir: string, passfile: string, password: string, tls: ServerTls | undefined): Promise<{ server: ServerProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    const { child, server, log } = spawnServer(binaries, account, dir, dataDir, port, tls);
    try {
      const admin = await connectWhenReady(child, port, password, log, tls);
      try {
        await admin.query(`CREATE DATABASE ${DATABASE}`);
      } finally {
        await admin.end();
      }
      // with TLS the clients also connect by name (verify-full checks it, §2), and a passfile line names its host
      const hosts = tls === undefined ? [HOST] : [HOST, TLS_CHECKED_NAME];
      await writeFile(passfile, hosts.map((host) => `${host}:${port}:*:${USER}:${password}\n`).join(''), { mode: 0o600 });
      return { server, port };
    } catch (error) {
      await server.stop();
      if (attempt < PORT_ATTEMPTS && /could not bind|address already in use/i.test(log())) continue;
      throw error;
    }
  }
}

/** The server again on its port after pause(): the clients' settings (URL, passfile) stay valid. */
async function launchServer(binaries: PostgresBinaries, account: ServerAccount, dir: string, dataDir: string, port: number, password: string, tls: ServerTls | undefined): Promise<ServerProcess> {
  const { child, server, log } = spawnServer(binaries, account, dir, dataDir, port, tls);
  try {
    const admin = await connectWhenReady(child, port, password, log, tls);
    await admin.end();
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function spawnServer(binaries: PostgresBinaries, account: ServerAccount, dir: string, dataDir: string, port: number, tls: ServerTls | undefined): { child: ChildProcess; server: ServerProcess; log: () => string } {
  // `-k dir`: the unix socket lives in the temp folder; fsync=off: a throwaway cluster, and CI disks are slow
  const args = ['-D', dataDir, '-h', HOST, '-p', String(port), '-k', dir, '-c', 'fsync=off'];
  if (tls !== undefined) args.push('-c', 'ssl=on', '-c', `ssl_cert_file=${tls.certFile}`, '-c', `ssl_key_file=${tls.keyFile}`);
  // SIGQUIT is PostgreSQL's immediate shutdown: it still ends its children and frees its shared memory
  const child = spawnAsServerAccount(account, binaries.postgres, args, dir, 'SIGQUIT');
  const log = collectOutput(child);
  return { child, server: trackServer(child, dir), log };
}

/** Connects as the superuser once the server accepts connections: short back-off, one deadline, no fixed sleeps. */
async function connectWhenReady(child: ChildProcess, port: number, password: string, log: () => string, tls: ServerTls | undefined): Promise<pg.Client> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let delayMs = 10;
  let lastError = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`PostgreSQL exited during start-up (${String(child.exitCode ?? child.signalCode)}) on ${HOST}:${port}.\n--- server log (tail) ---\n${tail(log())}`);
    }
    const client = new pg.Client({ host: HOST, port, user: USER, database: 'postgres', password, connectionTimeoutMillis: 2_000, ssl: tls?.clientSsl ?? false });
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
