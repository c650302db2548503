import { describe, expect, it } from 'vitest';
import { parseWebArgs } from './web-args';

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

  it('reads the network settings in milliseconds and refuses nonsense (issue 6 item 2)', () => {
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
});
