/**
 * The store URL (docs/multi-counter.md §2): what is accepted, what is refused and why, how it is printed, and the
 * passfile read at connect time (libpq-pgpass rules).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseStoreUrl,
  passfilePath,
  postgresConnection,
  readPassfilePassword,
  redactStoreUrl,
  type PostgresLocation,
  type StoreLocationResult,
} from './store-location';

let dir: string;
let caFile: string;
const CA_TEXT = '-----BEGIN CERTIFICATE-----\nMIIB (fictional)\n-----END CERTIFICATE-----\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erx-store-location-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, CA_TEXT);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const locationOf = (result: StoreLocationResult): PostgresLocation => {
  if (!result.ok) throw new Error(`expected a location, got: ${result.problem.de}`);
  return result.location;
};
const problemOf = (text: string): { de: string; en: string } => {
  const result = parseStoreUrl(text, { homeDir: dir });
  if (result.ok) throw new Error(`expected a refusal of ${text}`);
  return result.problem;
};
const remote = (query: string): string => `postgres://erx@db.apotheke.example:5433/erx?${query}`;

describe('parseStoreUrl', () => {
  it('reads user, host, port and database; the port defaults to 5432; postgresql:// too', () => {
    expect(parseStoreUrl('postgres://erx@127.0.0.1:5433/erx_store')).toEqual({
      ok: true,
      location: { host: '127.0.0.1', port: 5433, user: 'erx', database: 'erx_store' },
    });
    expect(locationOf(parseStoreUrl('postgresql://erx@localhost/erx'))).toEqual({ host: 'localhost', port: 5432, user: 'erx', database: 'erx' });
    // percent-encoding is decoded, the host name lower-cased, an IPv6 address without brackets
    expect(locationOf(parseStoreUrl('postgres://kasse%201@LocalHost:05432/d%C3%BCsseldorf'))).toEqual({
      host: 'localhost',
      port: 5432,
      user: 'kasse 1',
      database: 'düsseldorf',
    });
    expect(locationOf(parseStoreUrl('postgres://erx@[0:0::1]:6000/erx'))).toMatchObject({ host: '::1', port: 6000 });
  });

  it('loopback (127.0.0.0/8, ::1, localhost) may use plain TCP; sslmode=disable says so explicitly', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '[::1]', 'localhost']) {
      expect(locationOf(parseStoreUrl(`postgres://erx@${host}/erx`)).tls, host).toBeUndefined();
      expect(locationOf(parseStoreUrl(`postgres://erx@${host}/erx?sslmode=disable`)).tls, host).toBeUndefined();
    }
    // and may verify TLS as well
    expect(locationOf(parseStoreUrl(`postgres://erx@localhost/erx?sslmode=verify-full&sslrootcert=${caFile}`)).tls).toEqual({ caFile });
  });

  it('any other host needs sslmode=verify-full with a readable CA file', () => {
    expect(locationOf(parseStoreUrl(remote(`sslmode=verify-full&sslrootcert=${caFile}`)))).toEqual({
      host: 'db.apotheke.example',
      port: 5433,
      user: 'erx',
      database: 'erx',
      tls: { caFile },
    });
    for (const text of [
      'postgres://erx@db.apotheke.example/erx',
      remote('sslmode=disable'),
      'postgres://erx@192.168.1.20/erx',
      'postgres://erx@[2001:db8::1]/erx',
      'postgres://erx@128.0.0.1/erx',
      // looks like loopback to a resolver, but is not a canonical address: treated as a name, so TLS is required
      'postgres://erx@localhost.apotheke.example/erx',
    ]) {
      expect(problemOf(text).de, text).toMatch(/TLS geprüft werden \(sslmode=verify-full und sslrootcert=/);
    }
    expect(problemOf(remote('sslmode=verify-full')).de).toMatch(/sslmode=verify-full braucht die CA-Datei/);
    expect(problemOf(remote(`sslrootcert=${caFile}`)).de).toMatch(/TLS geprüft werden|sslrootcert gilt nur/);
  });

  it('the CA file: absolute or ~/, readable, a PEM certificate', () => {
    mkdirSync(join(dir, 'certs'), { recursive: true });
    writeFileSync(join(dir, 'certs', 'home.pem'), CA_TEXT);
    expect(locationOf(parseStoreUrl(remote('sslmode=verify-full&sslrootcert=~/certs/home.pem'), { homeDir: dir })).tls).toEqual({
      caFile: join(dir, 'certs', 'home.pem'),
    });
    // `+` is a plus in a file name, not a blank (the query is not form-encoded)
    writeFileSync(join(dir, 'a+b.pem'), CA_TEXT);
    expect(locationOf(parseStoreUrl(remote(`sslmode=verify-full&sslrootcert=${join(dir, 'a+b.pem')}`))).tls?.caFile).toBe(join(dir, 'a+b.pem'));
    expect(problemOf(remote('sslmode=verify-full&sslrootcert=certs/home.pem')).de).toMatch(/absoluter Pfad/);
    expect(problemOf(remote(`sslmode=verify-full&sslrootcert=${join(dir, 'missing.pem')}`)).de).toMatch(/kann nicht gelesen werden/);
    expect(problemOf(remote(`sslmode=verify-full&sslrootcert=${dir}`)).de).toMatch(/kann nicht gelesen werden/);
    writeFileSync(join(dir, 'not-a-cert.pem'), 'hello');
    expect(problemOf(remote(`sslmode=verify-full&sslrootcert=${join(dir, 'not-a-cert.pem')}`)).de).toMatch(/kein Zertifikat im PEM-Format/);
  });

  it('refuses a password in the URL — in German and English, without repeating it', () => {
    for (const text of ['postgres://erx:geheim123@127.0.0.1/erx', 'postgres://erx:@127.0.0.1/erx', 'postgres://erx:geheim123@db.example/erx?sslmode=verify-full']) {
      const problem = problemOf(text);
      expect(problem.de).toMatch(/darf kein Passwort enthalten.*Passwortdatei/);
      expect(problem.en).toMatch(/must not contain a password/);
      expect(JSON.stringify(problem)).not.toContain('geheim123');
    }
    // a password the URL parser cannot even place is not repeated either
    expect(JSON.stringify(problemOf('postgres://erx:ge/heim123@127.0.0.1/erx'))).not.toContain('heim123');
  });

  it('refuses what it does not understand', () => {
    const cases: [string, RegExp][] = [
      ['not a url', /keine gültige URL/],
      ['mysql://erx@127.0.0.1/erx', /muss mit postgres:\/\/ beginnen/],
      ['postgres://127.0.0.1/erx', /fehlt der Benutzer/],
      ['postgres://erx@127.0.0.1', /fehlt die Datenbank/],
      ['postgres://erx@127.0.0.1/', /fehlt die Datenbank/],
      ['postgres://erx@127.0.0.1/a/b', /mehr als einen Pfadteil/],
      ['postgres://erx@127.0.0.1/erx#x', /#-Teil/],
      ['postgres://erx@127.0.0.1:0/erx', /Port/],
      ['postgres://erx@127.0.0.1:70000/erx', /keine gültige URL/],
      ['postgres://erx@127.1/erx', /Host .* kein gültiger Name/],
      ['postgres://erx@0x7f.1/erx', /Host .* kein gültiger Name/],
      ['postgres://erx@h%41st/erx', /Host .* kein gültiger Name/],
      ['postgres://erx@under_score/erx', /Host .* kein gültiger Name/],
      ['postgres://erx@127.0.0.1/erx?application_name=x', /nur die Angaben sslmode und sslrootcert/],
      ['postgres://erx@127.0.0.1/erx?sslmode=require', /verify-full oder disable/],
      ['postgres://erx@127.0.0.1/erx?sslmode=disable&sslmode=disable', /doppelt/],
      ['postgres://erx@127.0.0.1/erx?sslmode=', /braucht einen Wert/],
      ['postgres://erx@127.0.0.1/erx?sslmode', /braucht einen Wert/],
      [`postgres://erx@127.0.0.1/erx?sslmode=disable&sslrootcert=${'/x.pem'}`, /sslrootcert gilt nur mit sslmode=verify-full/],
    ];
    for (const [text, message] of cases) {
      const problem = problemOf(text);
      expect(problem.de, text).toMatch(message);
      expect(problem.en, text).not.toBe('');
    }
  });
});

describe('redactStoreUrl', () => {
  it('prints user, host, port and database only', () => {
    expect(redactStoreUrl({ host: 'db.example', port: 5433, user: 'erx', database: 'erx', tls: { caFile } })).toBe('postgres://erx@db.example:5433/erx');
    expect(redactStoreUrl({ host: '::1', port: 5432, user: 'kasse 1', database: 'düsseldorf' })).toBe('postgres://kasse%201@[::1]:5432/d%C3%BCsseldorf');
    expect(redactStoreUrl('postgresql://erx@127.0.0.1/erx?sslmode=disable')).toBe('postgres://erx@127.0.0.1:5432/erx');
  });

  it('never a password or the query, even of a URL that was refused', () => {
    const printed = redactStoreUrl(`postgres://erx:geheim123@db.example:5433/erx?sslmode=verify-full&sslrootcert=${caFile}`);
    expect(printed).toBe('postgres://erx@db.example:5433/erx');
    for (const bad of ['postgres://erx:ge/heim123@db.example/erx', 'postgres://erx:geheim123@', 'erx:geheim123', 'https://erx:geheim123@x/y']) {
      expect(redactStoreUrl(bad), bad).not.toContain('heim123');
    }
  });

  it('a parsed location prints as the URL it came from, without the query', () => {
    const text = remote(`sslmode=verify-full&sslrootcert=${caFile}`);
    expect(redactStoreUrl(locationOf(parseStoreUrl(text)))).toBe(redactStoreUrl(text));
  });
});

describe('postgresConnection', () => {
  const local: PostgresLocation = { host: '127.0.0.1', port: 5433, user: 'erx', database: 'erx_store' };

  it('plain TCP on loopback; verify-full with the CA and the host name as servername otherwise', () => {
    const plain = postgresConnection(local, { env: {}, homeDir: dir });
    expect(plain).toMatchObject({ host: '127.0.0.1', port: 5433, user: 'erx', database: 'erx_store' });
    expect(plain.ssl).toBeUndefined();
    expect(postgresConnection({ ...local, host: 'db.example', tls: { caFile } }).ssl).toEqual({ ca: CA_TEXT, servername: 'db.example', rejectUnauthorized: true });
    // an IP address is not sent as SNI (RFC 6066 §3); the certificate is checked against the address
    expect(postgresConnection({ ...local, host: '10.0.0.5', tls: { caFile } }).ssl).toEqual({ ca: CA_TEXT, rejectUnauthorized: true });
  });

  it('the password function reads the passfile when called, and says in German when no line fits', async () => {
    const passfile = join(dir, 'connect.pgpass');
    const env = { PGPASSFILE: passfile };
    const connection = postgresConnection(local, { env, homeDir: dir });
    writeFileSync(passfile, '127.0.0.1:5433:erx_store:erx:erstes\n', { mode: 0o600 });
    await expect(connection.password?.()).resolves.toBe('erstes');
    writeFileSync(passfile, '127.0.0.1:5433:erx_store:erx:zweites\n', { mode: 0o600 });
    await expect(connection.password?.()).resolves.toBe('zweites');
    writeFileSync(passfile, 'other:5433:erx_store:erx:zweites\n', { mode: 0o600 });
    const failure = connection.password?.();
    await expect(failure).rejects.toThrow(/fehlt oder enthält keine passende Zeile/);
    await expect(failure).rejects.not.toThrow(/zweites/);
  });

  it('a CA file gone since parsing is named', () => {
    expect(() => postgresConnection({ ...local, tls: { caFile: join(dir, 'gone.pem') } })).toThrow(/CA-Datei .* kann nicht gelesen werden/);
  });
});

describe('the passfile (libpq-pgpass)', () => {
  const location: PostgresLocation = { host: 'db.example', port: 5432, user: 'erx', database: 'erx_store' };
  let count = 0;
  const passfile = (text: string, mode = 0o600): { env: NodeJS.ProcessEnv; homeDir: string } => {
    const path = join(dir, `pass-${++count}`);
    writeFileSync(path, text, { mode });
    chmodSync(path, mode); // the umask may have narrowed the mode asked for
    return { env: { PGPASSFILE: path }, homeDir: dir };
  };

  it('PGPASSFILE, else ~/.pgpass', () => {
    expect(passfilePath({ env: { PGPASSFILE: '/etc/erx/pgpass' }, homeDir: '/home/pta' })).toBe('/etc/erx/pgpass');
    expect(passfilePath({ env: { PGPASSFILE: '' }, homeDir: '/home/pta' })).toBe('/home/pta/.pgpass');
    expect(passfilePath({ env: {}, homeDir: '/home/pta' })).toBe('/home/pta/.pgpass');
  });

  it('the first line whose four fields match wins; comments and short lines are skipped', async () => {
    const text = [
      '# host:port:database:user:password',
      'db.example:5432:erx_store',
      'db.example:5432:erx_store:admin:not-this',
      'db.example:5433:erx_store:erx:not-this-port',
      'db.example:5432:erx_store:erx:richtig',
      'db.example:5432:erx_store:erx:later',
      '',
    ].join('\n');
    await expect(readPassfilePassword(location, passfile(text))).resolves.toBe('richtig');
    await expect(readPassfilePassword(location, passfile('db.example:5432:erx_store:erx:crlf\r\n'))).resolves.toBe('crlf');
  });

  it('* matches any value; an escaped \\* only a star', async () => {
    await expect(readPassfilePassword(location, passfile('*:*:*:*:jokers\n'))).resolves.toBe('jokers');
    await expect(readPassfilePassword(location, passfile('db.example:*:erx_store:*:some\n'))).resolves.toBe('some');
    await expect(readPassfilePassword(location, passfile('\\*:*:*:*:literal\n'))).resolves.toBeUndefined();
    await expect(readPassfilePassword({ ...location, host: '*' }, passfile('\\*:*:*:*:literal\n'))).resolves.toBe('literal');
    // a star inside a field is no wildcard
    await expect(readPassfilePassword(location, passfile('db.*:*:*:*:partial\n'))).resolves.toBeUndefined();
  });

  it('\\: and \\\\ escape in every field; the password ends at the next unescaped colon', async () => {
    const ipv6: PostgresLocation = { ...location, host: '::1', user: 'a:b\\c' };
    await expect(readPassfilePassword(ipv6, passfile('\\:\\:1:5432:erx_store:a\\:b\\\\c:pa\\:ss\\\\word\n'))).resolves.toBe('pa:ss\\word');
    await expect(readPassfilePassword(location, passfile('db.example:5432:erx_store:erx:first:rest\n'))).resolves.toBe('first');
    await expect(readPassfilePassword(location, passfile('db.example:5432:erx_store:erx:ends\\\n'))).resolves.toBe('ends\\');
  });

  it('no file, no matching line or an empty password: undefined', async () => {
    await expect(readPassfilePassword(location, { env: { PGPASSFILE: join(dir, 'none') }, homeDir: dir })).resolves.toBeUndefined();
    await expect(readPassfilePassword(location, passfile('other.example:5432:erx_store:erx:x\n'))).resolves.toBeUndefined();
    await expect(readPassfilePassword(location, passfile('db.example:5432:erx_store:erx:\n'))).resolves.toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('refuses a passfile others can read or write, without its content', async () => {
    for (const mode of [0o640, 0o604, 0o620, 0o644]) {
      const failure = readPassfilePassword(location, passfile('db.example:5432:erx_store:erx:geheim\n', mode));
      await expect(failure, mode.toString(8)).rejects.toThrow(/auch für andere Benutzer zugänglich .*chmod 600/);
      await expect(failure).rejects.not.toThrow(/geheim/);
    }
    // the owner's own bits do not matter (libpq checks group and other only)
    await expect(readPassfilePassword(location, passfile('db.example:5432:erx_store:erx:ok\n', 0o400))).resolves.toBe('ok');
    await expect(readPassfilePassword(location, passfile('db.example:5432:erx_store:erx:ok\n', 0o700))).resolves.toBe('ok');
  });

  it('refuses a folder in the passfile\'s place', async () => {
    await expect(readPassfilePassword(location, { env: { PGPASSFILE: dir }, homeDir: dir })).rejects.toThrow(/keine gewöhnliche Datei/);
  });
});
