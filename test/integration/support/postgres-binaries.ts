/**
 * Where the PostgreSQL server programs are, and as whom they run — for the tests' throwaway cluster
 * (docs/multi-counter.md §7, issue 18 item 9). Only Debian's package layout is searched: `pg_config --bindir`
 * first, then /usr/lib/postgresql/<version>/bin, newest version first. Anything else on PATH (for example
 * symlinks in /usr/local/bin) is ignored on purpose, so every machine runs the same packaged binaries.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The one hint every failure here ends with (issue 18: "one message naming apt-get install postgresql"). */
const INSTALL_HINT = 'Install the Debian package: apt-get install postgresql (CI\'s .ci/run does this).';

export interface PostgresBinaries {
  bindir: string;
  initdb: string;
  postgres: string;
}

export interface BinarySearch {
  /** the pg_config to ask for --bindir; default: `pg_config` on PATH */
  pgConfig?: string;
  /** the folder holding one folder per major version; default /usr/lib/postgresql */
  versionsRoot?: string;
}

/** Finds initdb and postgres, or throws one Error naming `apt-get install postgresql`. */
export async function findPostgresBinaries(search: BinarySearch = {}): Promise<PostgresBinaries> {
  const versionsRoot = search.versionsRoot ?? '/usr/lib/postgresql';
  const candidates = [await bindirFromPgConfig(search.pgConfig ?? 'pg_config'), ...versionBindirs(versionsRoot)];
  for (const bindir of candidates) {
    if (bindir === undefined) continue;
    const binaries = { bindir, initdb: join(bindir, 'initdb'), postgres: join(bindir, 'postgres') };
    // libpq-dev alone brings a pg_config whose --bindir names a folder without the server programs
    if (isExecutable(binaries.initdb) && isExecutable(binaries.postgres)) return binaries;
  }
  const looked = candidates.filter((dir) => dir !== undefined).join(', ') || 'none found';
  throw new Error(`The tests need a PostgreSQL server (initdb, postgres), but none was found (pg_config --bindir, ${versionsRoot}/*/bin: ${looked}). ${INSTALL_HINT}`);
}

async function bindirFromPgConfig(pgConfig: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(pgConfig, ['--bindir'], { timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined; // no pg_config: the version folders below may still hold a server
  }
}

/** /usr/lib/postgresql/<major>/bin, the newest major first. */
function versionBindirs(versionsRoot: string): string[] {
  let versions: string[];
  try {
    versions = readdirSync(versionsRoot).filter((name) => /^\d+(\.\d+)?$/.test(name));
  } catch {
    return [];
  }
  return versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a)).map((version) => join(versionsRoot, version, 'bin'));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The account the server runs as: uid/gid to switch to, or null to stay the current user. */
export interface ServerAccount {
  name: string;
  /** null when the tests already run unprivileged */
  ids: { uid: number; gid: number } | null;
  /** util-linux `setpriv`: switches the user and ties the server's life to ours (--pdeathsig) */
  setpriv: string;
}

/**
 * initdb and postgres refuse to run as root, and CI runs as root: then the server runs as the `postgres` account
 * that Debian's postgresql package creates. Unprivileged, it runs as the current user.
 */
export async function serverAccount(): Promise<ServerAccount> {
  const setpriv = findOnPath('setpriv');
  if (setpriv === undefined) throw new Error('setpriv (Debian package util-linux) is not on PATH; the test cluster starts PostgreSQL through it.');
  if (process.getuid?.() !== 0) return { name: userInfo().username, ids: null, setpriv };
  let entry: string;
  try {
    entry = (await run('getent', ['passwd', 'postgres'], { timeout: 10_000 })).stdout;
  } catch {
    throw new Error(`The tests run as root, and initdb/postgres refuse root; the unprivileged account "postgres" to run them as does not exist. ${INSTALL_HINT}`);
  }
  // name:password:uid:gid:gecos:home:shell
  const [, , uid, gid] = entry.trim().split(':');
  return { name: 'postgres', ids: { uid: Number(uid), gid: Number(gid) }, setpriv };
}

function findOnPath(name: string): string | undefined {
  return (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).map((dir) => join(dir, name)).find(isExecutable);
}
