/**
 * Where the shared PostgreSQL store is and how a counter reaches it (docs/multi-counter.md §2):
 *
 * - `parseStoreUrl` reads `postgres://user@host:port/db` (or `postgresql://`). The password is never part of the
 *   URL — a URL that carries one is refused — but comes from a 0600 passfile at connect time. Off loopback the
 *   connection must be TLS with `sslmode=verify-full` and the server's CA (`sslrootcert=<file>`); on loopback
 *   plain TCP is allowed.
 * - `redactStoreUrl` is the only form in which a store URL may be printed or logged: user, host, port and
 *   database, no query and never a password.
 * - `postgresConnection` turns a parsed location into the settings a node-postgres client takes. node-postgres 8.23
 *   deprecates reading the passfile itself (removed in pg 9, multi-counter §7), so the password is a function
 *   that reads the passfile (libpq's format and rules) whenever the server asks for one.
 */
import { constants as fsConstants, accessSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export const DEFAULT_POSTGRES_PORT = 5432;

/** A refused store URL, in German and English (the same shape as main/cli-options.ts ArgProblem). */
export interface StoreLocationProblem {
  de: string;
  en: string;
}

/** A parsed store URL. `host` is bare (an IPv6 address without brackets), as node-postgres takes it. */
export interface PostgresLocation {
  host: string;
  port: number;
  user: string;
  database: string;
  /** present exactly when the URL said `sslmode=verify-full`; the CA file was readable when the URL was parsed */
  tls?: { caFile: string };
}

export type StoreLocationResult = { ok: true; location: PostgresLocation } | { ok: false; problem: StoreLocationProblem };

/** What resolving the store's files may depend on; defaults are the running process's. */
export interface StoreEnvironment {
  /** `PGPASSFILE` names the passfile (default `~/.pgpass`) */
  env?: NodeJS.ProcessEnv;
  /** the home folder: `~/.pgpass`, and `~/` in `sslrootcert` */
  homeDir?: string;
}

/**
 * What a node-postgres Client/Pool is given (main/store/postgres/ passes these fields on). `password` is called
 * only when the server asks for one, so a server using trust or peer authentication never needs a passfile.
 */
export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  database: string;
  password?: () => Promise<string>;
  /**
   * verify-full: the chain up to `ca` and the host name are checked. `servername` (SNI, and the name checked)
   * is set for a host name only: an IP address must not be sent as SNI (RFC 6066 §3) — node-postgres then checks
   * the certificate against the address itself.
   */
  ssl?: { ca: string; servername?: string; rejectUnauthorized: true };
}

const SCHEMES = new Set(['postgres:', 'postgresql:']);
const QUERY_KEYS = new Set(['sslmode', 'sslrootcert']);
const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
/** RFC 1123 host names: labels of letters, digits and inner hyphens */
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** a last label that resolvers read as a number (`127.1`, `0x7f.1`): only a canonical IPv4 address may look so */
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:\d+|0x[0-9a-f]*)$/;

const refused = (de: string, en: string): StoreLocationResult => ({ ok: false, problem: { de, en } });

/** Reads a store URL; refuses (never echoing the text, which may hold a password) what §2 does not allow. */
export function parseStoreUrl(text: string, options: StoreEnvironment = {}): StoreLocationResult {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return refused(
      'Die Datenbank-Adresse ist keine gültige URL (erwartet: postgres://benutzer@host:port/datenbank).',
      'the store address is not a valid URL (expected postgres://user@host:port/database)',
    );
  }
  if (!SCHEMES.has(url.protocol)) {
    return refused('Die Datenbank-Adresse muss mit postgres:// beginnen.', 'the store address must start with postgres://');
  }
  // §2: the password lives in the passfile only; `user:@host` is refused too — it says a password was meant here
  if (url.password !== '' || /^[a-z]+:\/\/[^/?#@]*:[^/?#@]*@/i.test(text.trim())) {
    return refused(
      'Die Datenbank-Adresse darf kein Passwort enthalten. Das Passwort gehört in die Passwortdatei (PGPASSFILE oder ~/.pgpass, nur für Sie lesbar: chmod 600).',
      'the store address must not contain a password; put it into the passfile (PGPASSFILE or ~/.pgpass, mode 0600)',
    );
  }
  if (url.hash !== '') {
    return refused('Die Datenbank-Adresse darf keinen #-Teil haben.', 'the store address must not have a fragment');
  }

  const user = decoded(url.username);
  if (user === undefined || user === '') {
    return refused('In der Datenbank-Adresse fehlt der Benutzer (postgres://benutzer@host/datenbank).', 'the store address needs a user');
  }
  const database = url.pathname.startsWith('/') ? decoded(url.pathname.slice(1)) : undefined;
  if (database === undefined || database === '' || database.includes('/')) {
    return refused(
      'In der Datenbank-Adresse fehlt die Datenbank, oder sie hat mehr als einen Pfadteil (postgres://benutzer@host/datenbank).',
      'the store address needs exactly one database name as its path',
    );
  }
  const host = hostOf(url.hostname);
  if (host === undefined) {
    return refused('Der Host der Datenbank-Adresse ist kein gültiger Name und keine gültige IP-Adresse.', 'the store host is not a valid name or IP address');
  }
  const port = url.port === '' ? DEFAULT_POSTGRES_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return refused('Der Port der Datenbank-Adresse muss zwischen 1 und 65535 liegen.', 'the store port must be from 1 to 65535');
  }

  const query = queryOf(url.search);
  if (!query.ok) return query;
  const { sslmode, sslrootcert } = query.params;
  const loopback = isLoopback(host);
  if (sslmode === undefined || sslmode === 'disable') {
    if (sslrootcert !== undefined) {
      return refused('sslrootcert gilt nur mit sslmode=verify-full.', 'sslrootcert needs sslmode=verify-full');
    }
    if (!loopback) {
      return refused(
        `Die Datenbank auf ${host} ist nicht auf diesem Rechner: Die Verbindung muss mit TLS geprüft werden (sslmode=verify-full und sslrootcert=<CA-Datei des Servers>), damit niemand im Netz mitlesen oder sich als Datenbank ausgeben kann.`,
        'a store off loopback requires TLS: sslmode=verify-full and sslrootcert=<the server CA file>',
      );
    }
    return { ok: true, location: { host, port, user, database } };
  }
  if (sslrootcert === undefined) {
    return refused(
      'sslmode=verify-full braucht die CA-Datei des Servers: sslrootcert=<Datei>.',
      'sslmode=verify-full needs the server CA file: sslrootcert=<file>',
    );
  }
  const caFile = resolveCaFile(sslrootcert, options.homeDir ?? homedir());
  if (!caFile.ok) return caFile;
  return { ok: true, location: { host, port, user, database, tls: { caFile: caFile.path } } };
}

/**
 * The printable form of a store URL: `postgres://user@host:port/db`. For a text that is not a usable URL the
 * text is not shown at all — it may hold a password in a place a parser cannot find.
 */
export function redactStoreUrl(store: PostgresLocation | string): string {
  if (typeof store !== 'string') {
    return `postgres://${encodeURIComponent(store.user)}@${bracketed(store.host)}:${store.port}/${encodeURIComponent(store.database)}`;
  }
  try {
    const url = new URL(store.trim());
    if (!SCHEMES.has(url.protocol) || url.hostname === '') return UNREADABLE_URL;
    // username and pathname stay percent-encoded: they are shown, not used
    const database = url.pathname.replace(/^\//, '').split('/')[0] ?? '';
    return `postgres://${url.username}@${url.hostname}:${url.port === '' ? DEFAULT_POSTGRES_PORT : url.port}/${database}`;
  } catch {
    return UNREADABLE_URL;
  }
}

const UNREADABLE_URL = 'postgres://(ungültige Adresse)';

/** The client settings for a location: the CA is read now, the password whenever the server asks for it. */
export function postgresConnection(location: PostgresLocation, options: StoreEnvironment = {}): PostgresConnection {
  const connection: PostgresConnection = {
    host: location.host,
    port: location.port,
    user: location.user,
    database: location.database,
    password: async () => {
      const password = await readPassfilePassword(location, options);
      if (password === undefined) {
        throw new Error(
          `Die Datenbank verlangt ein Passwort für ${redactStoreUrl(location)}, aber die Passwortdatei ${passfilePath(options)} (PGPASSFILE oder ~/.pgpass) fehlt oder enthält keine passende Zeile (host:port:datenbank:benutzer:passwort).`,
        );
      }
      return password;
    },
  };
  if (location.tls !== undefined) {
    let ca: string;
    try {
      ca = readFileSync(location.tls.caFile, 'utf8');
    } catch {
      throw new Error(`Die CA-Datei der Datenbank (${location.tls.caFile}) kann nicht gelesen werden.`);
    }
    connection.ssl = { ca, rejectUnauthorized: true, ...(isIPv4(location.host) || isIPv6(location.host) ? {} : { servername: location.host }) };
  }
  return connection;
}

/** `PGPASSFILE` when set, otherwise `~/.pgpass` (libpq's rule). */
export function passfilePath(options: StoreEnvironment = {}): string {
  const named = (options.env ?? process.env).PGPASSFILE;
  return named !== undefined && named !== '' ? named : join(options.homeDir ?? homedir(), '.pgpass');
}

/**
 * The password of the first passfile line that matches the location (libpq-pgpass: `host:port:database:user:password`,
 * `*` matches anything, `\:` and `\\` escape). No passfile or no matching line: undefined (libpq, too, then goes on
 * without a password). A passfile others can read or write is refused rather than ignored (libpq ignores it with a
 * warning): a password there is no longer a secret, and the administrator must learn that.
 */
export async function readPassfilePassword(location: PostgresLocation, options: StoreEnvironment = {}): Promise<string | undefined> {
  const path = passfilePath(options);
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      // the mode of the file actually opened, not of whatever the path names a moment later
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error(`Die Passwortdatei ${path} ist keine gewöhnliche Datei.`);
      // libpq checks group and other bits (S_IRWXG | S_IRWXO); Windows has no such modes, and libpq skips it there
      if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
        throw new Error(
          `Die Passwortdatei ${path} ist auch für andere Benutzer zugänglich (Rechte ${(stat.mode & 0o777).toString(8)}). Bitte mit „chmod 600 ${path}“ auf den Besitzer beschränken.`,
        );
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code !== undefined) throw new Error(`Die Passwortdatei ${path} kann nicht gelesen werden (${code}).`);
    throw error;
  }
  const wanted = [location.host, String(location.port), location.database, location.user];
  for (const line of text.split('\n')) {
    const fields = passfileFields(line.replace(/\r$/, ''));
    if (fields === undefined) continue;
    const matches = wanted.every((value, i) => fields[i]?.wildcard === true || fields[i]?.value === value);
    if (matches) {
      const password = fields[4]?.value ?? '';
      return password === '' ? undefined : password;
    }
  }
  return undefined;
}

interface PassfileField {
  value: string;
  /** the field is an unescaped `*` */
  wildcard: boolean;
}

/**
 * A passfile line's five fields, unescaped; undefined for a comment, a blank line or a line with fewer fields.
 * As in libpq, the password ends at the next unescaped colon, and a backslash before any character makes that
 * character literal (a backslash at the end of the line stays a backslash).
 */
function passfileFields(line: string): PassfileField[] | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  const fields: PassfileField[] = [];
  let value = '';
  let raw = '';
  for (let i = 0; i < line.length && fields.length < 5; i++) {
    const char = line[i] ?? '';
    if (char === '\\' && i + 1 < line.length) {
      value += line[i + 1] ?? '';
      raw += char + (line[i + 1] ?? '');
      i++;
    } else if (char === ':') {
      fields.push({ value, wildcard: raw === '*' });
      value = '';
      raw = '';
    } else {
      value += char;
      raw += char;
    }
  }
  if (fields.length < 5) fields.push({ value, wildcard: raw === '*' });
  return fields.length === 5 ? fields : undefined;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

/** The host as node-postgres takes it, or undefined when it is neither a host name nor an IP address. */
function hostOf(hostname: string): string | undefined {
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    // the URL parser has already checked and compressed the IPv6 address (`[0:0::1]` → `[::1]`)
    const address = hostname.slice(1, -1);
    return isIPv6(address) ? address : undefined;
  }
  const host = hostname.toLowerCase();
  if (isIPv4(host)) return host;
  if (!HOST_NAME.test(host) || NUMERIC_LAST_LABEL.test(host)) return undefined;
  return host;
}

const bracketed = (host: string): string => (host.includes(':') ? `[${host}]` : host);

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

type QueryResult = { ok: true; params: { sslmode?: 'verify-full' | 'disable'; sslrootcert?: string } } | { ok: false; problem: StoreLocationProblem };

/**
 * The query by hand, not URLSearchParams: that would read `+` as a blank, and a file name may contain a `+`.
 * Only `sslmode` (verify-full, disable) and `sslrootcert`, each at most once, each with a value.
 */
function queryOf(search: string): QueryResult {
  const params: { sslmode?: 'verify-full' | 'disable'; sslrootcert?: string } = {};
  const seen = new Set<string>();
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = decoded(equals < 0 ? part : part.slice(0, equals));
    const value = equals < 0 ? undefined : decoded(part.slice(equals + 1));
    if (key === undefined || !QUERY_KEYS.has(key)) {
      return refusedQuery(
        'Die Datenbank-Adresse erlaubt nur die Angaben sslmode und sslrootcert.',
        'the store address allows only the parameters sslmode and sslrootcert',
      );
    }
    if (seen.has(key)) return refusedQuery(`${key} ist in der Datenbank-Adresse doppelt angegeben.`, `${key} is given twice`);
    seen.add(key);
    if (value === undefined || value === '') return refusedQuery(`${key} braucht einen Wert.`, `${key} needs a value`);
    if (key === 'sslrootcert') {
      params.sslrootcert = value;
    } else if (value === 'verify-full' || value === 'disable') {
      params.sslmode = value;
    } else {
      return refusedQuery('sslmode muss verify-full oder disable sein.', 'sslmode must be verify-full or disable');
    }
  }
  return { ok: true, params };
}

const refusedQuery = (de: string, en: string): QueryResult => ({ ok: false, problem: { de, en } });

/**
 * The CA file: absolute or `~/…` — a relative path would depend on the folder the counter happens to start in.
 * It must be a readable file holding a PEM certificate now, so a wrong setting fails at start, not at connect.
 */
function resolveCaFile(text: string, homeDir: string): { ok: true; path: string } | { ok: false; problem: StoreLocationProblem } {
  const path = text.startsWith('~/') ? join(homeDir, text.slice(2)) : text;
  const problem = (de: string, en: string): { ok: false; problem: StoreLocationProblem } => ({ ok: false, problem: { de, en } });
  if (!isAbsolute(path)) {
    return problem('sslrootcert muss ein absoluter Pfad sein (oder mit ~/ beginnen).', 'sslrootcert must be an absolute path (or start with ~/)');
  }
  try {
    accessSync(path, fsConstants.R_OK);
    if (!statSync(path).isFile()) throw new Error('not a file');
    if (!readFileSync(path, 'utf8').includes(PEM_CERTIFICATE)) {
      return problem(
        `Die CA-Datei ${path} enthält kein Zertifikat im PEM-Format.`,
        'the CA file holds no PEM certificate',
      );
    }
  } catch {
    return problem(`Die CA-Datei ${path} (sslrootcert) kann nicht gelesen werden.`, 'the CA file (sslrootcert) cannot be read');
  }
  return { ok: true, path };
}
