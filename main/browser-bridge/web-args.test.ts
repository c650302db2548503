import { describe, expect, it } from 'vitest';
import { coreOptionsOf, parseWebArgs, partitionWebArgs, type WebArgs } from './web-args';

const env = { homeDir: '/home/pta', cwd: '/opt/erx' };

describe('parseWebArgs', () => {
  it('uses the documented defaults', () => {
    expect(parseWebArgs([], env)).toEqual({
      kind: 'run',
      args: { port: 5180, dataDir: '/home/pta/.erx-counter/browser-mode', fachdienstUrl: undefined, rendererDir: '/opt/erx/out/renderer', network: {} },
    });
  });

  it('takes the renderer folder from ERX_RENDERER_DIR unless --renderer is given', () => {
    const withEnv = { ...env, rendererDirEnv: '/build/renderer' };
    expect(parseWebArgs([], withEnv)).toMatchObject({ args: { rendererDir: '/build/renderer' } });
    expect(parseWebArgs(['--renderer', 'dist/r'], withEnv)).toMatchObject({ args: { rendererDir: '/opt/erx/dist/r' } });
  });

  it('reads every option, in both spellings, relative folders against the working directory', () => {
    expect(parseWebArgs(['--port', '0', '--data=data/e2e', '--fachdienst', 'http://127.0.0.1:9000/'], env)).toEqual({
      kind: 'run',
      args: { port: 0, dataDir: '/opt/erx/data/e2e', fachdienstUrl: 'http://127.0.0.1:9000', rendererDir: '/opt/erx/out/renderer', network: {} },
    });
  });

  it('reads the network settings in milliseconds and refuses nonsense', () => {
    const parsed = parseWebArgs(['--request-timeout-ms', '300', '--retry-base-ms=5', '--max-attempts', '3', '--probe-interval-ms', '50'], env);
    expect(parsed.kind === 'run' && parsed.args.network).toEqual({ requestTimeoutMs: 300, retryBaseMs: 5, maxAttempts: 3, probeIntervalMs: 50 });
    expect(parseWebArgs(['--max-attempts', '11'], env).kind).toBe('error');
    expect(parseWebArgs(['--request-timeout-ms', '0'], env).kind).toBe('error');
    expect(parseWebArgs(['--retry-base-ms', 'abc'], env).kind).toBe('error');
  });

  it('explains bad arguments', () => {
    const bad: string[][] = [
      ['--port', 'abc'],
      ['--port', '70000'],
      ['--port', '-1'],
      ['--port'],
      ['--data', '--port', '1'],
      ['--fachdienst', 'ftp://x'],
      ['--fachdienst', 'not a url'],
      ['--verbose'],
      ['--port', '1', '--port', '2'],
    ];
    for (const argv of bad) {
      const parsed = parseWebArgs(argv, env);
      expect(parsed.kind, argv.join(' ')).toBe('error');
      if (parsed.kind === 'error') expect(parsed.message).toMatch(/--\w+/);
    }
  });

  it('recognises --help', () => {
    expect(parseWebArgs(['--port', '1', '--help'], env)).toEqual({ kind: 'help' });
  });

  it('--backend ti is passed on to the core, which refuses it at start', () => {
    const parsed = parseWebArgs(['--backend', 'ti'], env);
    expect(parsed).toMatchObject({ kind: 'run', args: { backend: 'ti' } });
    expect(parsed.kind === 'run' && coreOptionsOf(parsed.args)).toMatchObject({ backend: 'ti' });
    expect(parseWebArgs(['--backend=simulator', '--fachdienst', 'http://127.0.0.1:9000'], env)).toMatchObject({ args: { backend: 'simulator' } });
    for (const argv of [['--backend', 'real'], ['--backend', 'simulator'], ['--backend', 'embedded', '--fachdienst', 'http://127.0.0.1:9000']]) {
      expect(parseWebArgs(argv, env).kind, argv.join(' ')).toBe('error');
    }
  });

  it('--seed and --fixed-time go to the embedded simulator (deterministic runs)', () => {
    const parsed = parseWebArgs(['--seed', '42', '--fixed-time=2026-10-05T09:00:00+02:00'], env);
    expect(parsed).toMatchObject({ kind: 'run', args: { seed: 42, fixedTime: new Date('2026-10-05T07:00:00Z') } });
    expect(parsed.kind === 'run' && coreOptionsOf(parsed.args)).toEqual({
      dataDir: '/home/pta/.erx-counter/browser-mode',
      fachdienstUrl: undefined,
      network: {},
      simulator: { seed: 42, fixedTime: new Date('2026-10-05T07:00:00Z') },
    });
    expect(parseWebArgs(['--seed', '0'], env)).toMatchObject({ args: { seed: 0 } });
    expect(parseWebArgs(['--seed', '4294967295'], env)).toMatchObject({ args: { seed: 4294967295 } });
  });

  it('refuses a bad seed or time, and both with an external simulator (it has its own options)', () => {
    const bad: string[][] = [
      ['--seed', '-1'],
      ['--seed', '4294967296'],
      ['--seed', 'abc'],
      ['--fixed-time', 'gestern'],
      ['--fixed-time', '2026-10-05'],
      ['--fixed-time', '2026-13-45T99:00:00Z'],
      ['--seed', '1', '--fachdienst', 'http://127.0.0.1:9000'],
      ['--fixed-time', '2026-10-05T09:00:00Z', '--fachdienst', 'http://127.0.0.1:9000'],
    ];
    for (const argv of bad) {
      const parsed = parseWebArgs(argv, env);
      expect(parsed.kind, argv.join(' ')).toBe('error');
      if (parsed.kind === 'error') expect(parsed.message).toMatch(/--(seed|fixed-time)/);
    }
  });

  it('--store and --enrol-passphrase-file: a parsed location and an absolute file, both only when given', () => {
    const parsed = parseWebArgs(['--store', 'postgres://erx@localhost/erx_store', '--enrol-passphrase-file', 'secrets/enrol'], env);
    expect(parsed).toMatchObject({
      kind: 'run',
      args: { store: { host: 'localhost', port: 5432, user: 'erx', database: 'erx_store' }, enrolPassphraseFile: '/opt/erx/secrets/enrol' },
    });
    expect(parseWebArgs(['--store=postgres://erx@127.0.0.1/erx', '--enrol-passphrase-file=/etc/erx/enrol'], env)).toMatchObject({
      args: { enrolPassphraseFile: '/etc/erx/enrol' },
    });
    const without = parseWebArgs([], env);
    expect(without.kind === 'run' && ('store' in without.args || 'enrolPassphraseFile' in without.args)).toBe(false);
  });

  it('refuses a bad --store with its reason, and a passphrase file without a store', () => {
    const withPassword = parseWebArgs(['--store', 'postgres://erx:geheim99@127.0.0.1/erx'], env);
    expect(withPassword.kind).toBe('error');
    if (withPassword.kind === 'error') {
      expect(withPassword.message).toMatch(/^--store: Die Datenbank-Adresse darf kein Passwort enthalten.* \/ the store address must not contain a password/);
      expect(withPassword.message).not.toContain('geheim99');
    }
    expect(parseWebArgs(['--store', 'postgres://erx@db.example/erx'], env)).toMatchObject({ kind: 'error', message: expect.stringMatching(/verify-full/) });
    expect(parseWebArgs(['--enrol-passphrase-file', '/etc/erx/enrol'], env)).toEqual({
      kind: 'error',
      message: '--enrol-passphrase-file gilt nur zusammen mit --store / --enrol-passphrase-file needs --store',
    });
    expect(parseWebArgs(['--store'], env).kind).toBe('error');
  });

  it('without the new options the core gets exactly what it got before', () => {
    const args: WebArgs = { port: 0, dataDir: '/d', fachdienstUrl: 'http://127.0.0.1:9000', rendererDir: '/r', network: { maxAttempts: 2 } };
    expect(coreOptionsOf(args)).toStrictEqual({ dataDir: '/d', fachdienstUrl: 'http://127.0.0.1:9000', network: { maxAttempts: 2 } });
  });
});

describe('--import-articles (docs/article-master.md)', () => {
  it('takes the article master file, relative to the working directory, and hands it to the core', () => {
    const parsed = parseWebArgs(['--import-articles', 'stamm/artikel.csv'], env);
    expect(parsed).toMatchObject({ kind: 'run', args: { importArticles: '/opt/erx/stamm/artikel.csv' } });
    if (parsed.kind === 'run') expect(coreOptionsOf(parsed.args)).toMatchObject({ importArticles: '/opt/erx/stamm/artikel.csv' });
    expect(parseWebArgs(['--import-articles=/srv/a.csv'], env)).toMatchObject({ args: { importArticles: '/srv/a.csv' } });
  });

  it('refuses it without a file, or twice', () => {
    expect(parseWebArgs(['--import-articles'], env)).toEqual({ kind: 'error', message: expect.stringContaining('--import-articles braucht einen Wert') as unknown });
    expect(parseWebArgs(['--import-articles', 'a.csv', '--import-articles', 'b.csv'], env)).toMatchObject({ kind: 'error' });
  });

  it('is absent from the core options when not given', () => {
    const parsed = parseWebArgs([], env);
    if (parsed.kind === 'run') expect(coreOptionsOf(parsed.args)).not.toHaveProperty('importArticles');
  });
});

describe('partitionWebArgs (npm start falling back to browser mode)', () => {
  it('keeps --store and --enrol-passphrase-file with their values', () => {
    const argv = ['--store', 'postgres://erx@127.0.0.1/erx', '--enrol-passphrase-file=/etc/erx/enrol', '--no-sandbox'];
    expect(partitionWebArgs(argv)).toEqual({ known: argv.slice(0, 3), ignored: ['--no-sandbox'] });
  });

  it('keeps the options browser mode knows, with their values, and names the rest', () => {
    const { known, ignored } = partitionWebArgs(['--data', '/tmp/x', '--smcb', '8027', '--fachdienst=http://127.0.0.1:9', '--inspect', '--port', '0']);
    expect(known).toEqual(['--data', '/tmp/x', '--fachdienst=http://127.0.0.1:9', '--port', '0']);
    // a value of an unknown option cannot be told from a positional argument: both are named as ignored
    expect(ignored).toEqual(['--smcb', '8027', '--inspect']);
  });

  it('what it keeps parses as browser mode would parse it alone', () => {
    const { known } = partitionWebArgs(['--no-sandbox', '--data', 'here', '--backend', 'embedded']);
    const parsed = parseWebArgs(known, env);
    expect(parsed.kind).toBe('run');
    if (parsed.kind === 'run') expect(parsed.args.dataDir).toBe('/opt/erx/here');
  });

  it('leaves a known option without its value for the parser to refuse', () => {
    const { known, ignored } = partitionWebArgs(['--data', '--port', '0']);
    expect(known).toEqual(['--data', '--port', '0']);
    expect(ignored).toEqual([]);
    expect(parseWebArgs(known, env).kind).toBe('error');
  });
});
