/**
 * The shared option table and its reader: what every process's command line does alike — both spellings, the
 * refusals (missing value, twice, unknown), `--help` — and what each shared option accepts.
 */
import { describe, expect, it } from 'vitest';
import { parseAppArgs } from './app/args';
import { parseWebArgs } from './browser-bridge/web-args';
import { flagOption, formatBilingual, partitionCommandLine, readCommandLine, sharedOptions, type OptionTable } from './cli-options';
import { parseSimulatorArgs } from './simulator/cli';

const table = {
  help: sharedOptions.help,
  port: sharedOptions.port,
  data: sharedOptions.data,
  log: flagOption(),
} as const satisfies OptionTable;

const problemOf = (argv: string[], t: OptionTable = table): string => {
  const line = readCommandLine(argv, t);
  if (line.kind !== 'error') throw new Error(`expected a refusal of ${argv.join(' ')}`);
  return formatBilingual(line.problem);
};

describe('readCommandLine', () => {
  it('reads `--x value` and `--x=value` alike, flags as true, absent options stay absent', () => {
    expect(readCommandLine(['--port', '8080', '--data=/tmp/d', '--log'], table)).toEqual({
      kind: 'values',
      values: { port: 8080, data: '/tmp/d', log: true },
    });
    expect(readCommandLine(['--port=0'], table)).toEqual({ kind: 'values', values: { port: 0 } });
    expect(readCommandLine([], table)).toEqual({ kind: 'values', values: {} });
  });

  it('--help and -h win over everything else, bad arguments included', () => {
    expect(readCommandLine(['--port', 'x', '-h'], table)).toEqual({ kind: 'help' });
    expect(readCommandLine(['--verbose', '--help'], table)).toEqual({ kind: 'help' });
  });

  it('refuses a missing or empty value, and the next option taken for a value', () => {
    expect(problemOf(['--port'])).toBe('--port braucht einen Wert / needs a value');
    expect(problemOf(['--data='])).toBe('--data braucht einen Wert / needs a value');
    expect(problemOf(['--data', '--port', '1'])).toBe('--data braucht einen Wert / needs a value');
  });

  it('refuses an option given twice, a value for a flag, unknown options and stray arguments', () => {
    expect(problemOf(['--port', '1', '--port=2'])).toBe('--port ist doppelt angegeben / given twice');
    expect(problemOf(['--log=yes'])).toBe('--log nimmt keinen Wert / takes no value');
    expect(problemOf(['--verbose'])).toBe('unbekannte Option „--verbose“ / unknown option --verbose');
    expect(problemOf(['-x'])).toContain('„-x“');
    expect(problemOf(['stray'])).toBe('unbekanntes Argument „stray“ / unknown argument stray');
  });

  it('ignores what it does not know when asked to (the Electron app among Chromium switches)', () => {
    expect(readCommandLine(['.', '--no-sandbox', '--inspect=9229', '--port', '1', '-psn_0_1'], table, { unknown: 'ignore' })).toEqual({
      kind: 'values',
      values: { port: 1 },
    });
    // what it knows is still checked
    expect(readCommandLine(['--no-sandbox', '--port', 'x'], table, { unknown: 'ignore' }).kind).toBe('error');
  });
});

describe('the shared options', () => {
  it('--port: 0 to 65535, digits only', () => {
    for (const ok of ['0', '5180', '65535']) expect(readCommandLine(['--port', ok], table)).toMatchObject({ values: { port: Number(ok) } });
    for (const bad of ['65536', '-1', '1e3', ' 1', 'abc', '123456']) expect(problemOf(['--port', bad]), bad).toMatch(/^--port erwartet/);
    expect(problemOf(['--port', 'abc'])).toBe(
      '--port erwartet eine Zahl von 0 bis 65535 (0 = freier Port), nicht „abc“ / expects a number from 0 to 65535 (0 = any free port)',
    );
  });

  it('--fachdienst: http(s) only, without a trailing slash', () => {
    const t = { fachdienst: sharedOptions.fachdienst };
    expect(readCommandLine(['--fachdienst', 'http://127.0.0.1:9000/'], t)).toMatchObject({ values: { fachdienst: 'http://127.0.0.1:9000' } });
    expect(readCommandLine(['--fachdienst=https://localhost/fd/'], t)).toMatchObject({ values: { fachdienst: 'https://localhost/fd' } });
    expect(problemOf(['--fachdienst', 'ftp://x'], t)).toMatch(/--fachdienst muss http\(s\) sein/);
    expect(problemOf(['--fachdienst', 'not a url'], t)).toMatch(/--fachdienst ist keine gültige URL/);
  });

  it('--backend: embedded, simulator or ti', () => {
    const t = { backend: sharedOptions.backend };
    for (const kind of ['embedded', 'simulator', 'ti']) expect(readCommandLine(['--backend', kind], t)).toMatchObject({ values: { backend: kind } });
    expect(problemOf(['--backend', 'real'], t)).toMatch(/„real“ gibt es nicht/);
  });

  it('--seed: 0 to 4294967295; --fixed-time: an ISO 8601 instant with a time', () => {
    const t = { seed: sharedOptions.seed, 'fixed-time': sharedOptions['fixed-time'] };
    expect(readCommandLine(['--seed', '4294967295', '--fixed-time=2026-10-05T09:00:00+02:00'], t)).toEqual({
      kind: 'values',
      values: { seed: 4294967295, 'fixed-time': new Date('2026-10-05T07:00:00Z') },
    });
    for (const bad of ['-1', '4294967296', '1.5']) expect(problemOf(['--seed', bad], t)).toMatch(/^--seed erwartet/);
    for (const bad of ['2026-10-05', 'gestern', '2026-13-45T99:00:00Z']) expect(problemOf(['--fixed-time', bad], t)).toMatch(/^--fixed-time erwartet/);
  });

  it('--store: a postgres URL becomes a location; a refusal shows its German and English reason, never the password', () => {
    const t = { store: sharedOptions.store, 'enrol-passphrase-file': sharedOptions['enrol-passphrase-file'] };
    expect(readCommandLine(['--store', 'postgres://erx@127.0.0.1:5433/erx', '--enrol-passphrase-file=/etc/erx/enrol'], t)).toEqual({
      kind: 'values',
      values: { store: { host: '127.0.0.1', port: 5433, user: 'erx', database: 'erx' }, 'enrol-passphrase-file': '/etc/erx/enrol' },
    });
    const withPassword = problemOf(['--store=postgres://erx:geheim99@127.0.0.1/erx'], t);
    expect(withPassword).toMatch(/^--store: Die Datenbank-Adresse darf kein Passwort enthalten\..* \/ the store address must not contain a password/);
    expect(withPassword).not.toContain('geheim99');
    expect(problemOf(['--store', 'postgres://erx@db.example/erx'], t)).toMatch(/^--store: .*sslmode=verify-full.* \/ a store off loopback requires TLS/);
    expect(problemOf(['--store', 'mysql://x@y/z'], t)).toMatch(/^--store: Die Datenbank-Adresse muss mit postgres:\/\/ beginnen/);
  });

  it('an option the processes share is read the same by each of them', () => {
    const env = { homeDir: '/home/pta', cwd: '/opt/erx' };
    // --port: browser mode and the simulator
    expect(parseWebArgs(['--port=8081'], env)).toMatchObject({ args: { port: 8081 } });
    expect(parseSimulatorArgs(['--port=8081'])).toMatchObject({ port: 8081 });
    const webPort = parseWebArgs(['--port', '70000'], env);
    const simulatorPort = parseSimulatorArgs(['--port', '70000']);
    expect(webPort.kind === 'error' && typeof simulatorPort === 'object' && 'error' in simulatorPort && webPort.message.startsWith(`${simulatorPort.error} / `)).toBe(true);
    // --fachdienst: the Electron app and browser mode
    expect(parseAppArgs(['--fachdienst=http://127.0.0.1:9000/'])).toEqual({ fachdienstUrl: 'http://127.0.0.1:9000' });
    expect(parseWebArgs(['--fachdienst=http://127.0.0.1:9000/'], env)).toMatchObject({ args: { fachdienstUrl: 'http://127.0.0.1:9000' } });
    const web = parseWebArgs(['--fachdienst', 'ftp://x'], env);
    expect(() => parseAppArgs(['--fachdienst', 'ftp://x'])).toThrow(web.kind === 'error' ? web.message : 'expected a refusal');
    // --seed/--fixed-time: browser mode (embedded simulator) and the simulator
    const fixed = new Date('2026-10-05T07:00:00Z');
    expect(parseWebArgs(['--seed', '7', '--fixed-time', '2026-10-05T09:00:00+02:00'], env)).toMatchObject({ args: { seed: 7, fixedTime: fixed } });
    expect(parseSimulatorArgs(['--port', '0', '--seed', '7', '--fixed-time', '2026-10-05T09:00:00+02:00'])).toMatchObject({ seed: 7, fixedTime: fixed });
  });
});

describe('partitionCommandLine', () => {
  it('keeps known options with their values and names the rest', () => {
    expect(partitionCommandLine(['--smcb', '8027', '--port=1', '-abc', '--data', 'x', '--log', '--', 'y'], table)).toEqual({
      known: ['--port=1', '--data', 'x', '--log'],
      ignored: ['--smcb', '8027', '-abc', '--', 'y'],
    });
  });

  it('leaves a known option without its value alone, and keeps reading after it', () => {
    expect(partitionCommandLine(['--data', '--port', '0', '--x'], table)).toEqual({ known: ['--data', '--port', '0'], ignored: ['--x'] });
  });
});
