import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { main, parseSimulatorArgs, type CliIo } from './cli';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fakeIo(): CliIo & { lines: string[]; errors: string[]; exits: number[]; signals: Map<string, () => void> } {
  const io = {
    lines: [] as string[],
    errors: [] as string[],
    exits: [] as number[],
    signals: new Map<string, () => void>(),
    out: (line: string) => void io.lines.push(line),
    err: (line: string) => void io.errors.push(line),
    exit: (code: number) => void io.exits.push(code),
    onSignal: (signal: string, handler: () => void) => void io.signals.set(signal, handler),
  };
  return io;
}

describe('parseSimulatorArgs', () => {
  it('reads --port, --data (both spellings), --log and --ti', () => {
    expect(parseSimulatorArgs(['--port', '8081'])).toEqual({ port: 8081, dataDir: undefined, log: false, ti: false });
    expect(parseSimulatorArgs(['--port=0', '--data=/tmp/sim', '--log'])).toEqual({ port: 0, dataDir: '/tmp/sim', log: true, ti: false });
    expect(parseSimulatorArgs(['--port', '0', '--ti'])).toMatchObject({ ti: true });
  });

  it('reads --seed and --fixed-time (deterministic runs)', () => {
    expect(parseSimulatorArgs(['--port', '0', '--seed', '42', '--fixed-time', '2026-10-05T09:00:00+02:00'])).toEqual({
      port: 0,
      dataDir: undefined,
      log: false,
      ti: false,
      seed: 42,
      fixedTime: new Date('2026-10-05T07:00:00Z'),
    });
  });

  it.each([
    [[]],
    [['--port']],
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--port', '1', '--data']],
    [['--verbose']],
    [['--port', '1', '--seed', '-1']],
    [['--port', '1', '--seed', '4294967296']],
    [['--port', '1', '--fixed-time', '2026-10-05']],
    [['--port', '1', '--fixed-time']],
    [['--port', '1', '--port', '2']],
    [['--port', '1', '--log=yes']],
    [['--port', '1', 'stray']],
  ])(
    'refuses %j',
    (argv) => {
      expect(parseSimulatorArgs(argv)).toHaveProperty('error');
    },
  );
});

describe('parseSimulatorArgs: help', () => {
  it('--help and -h ask for the usage, whatever else was given', () => {
    expect(parseSimulatorArgs(['--help'])).toBe('help');
    expect(parseSimulatorArgs(['--port', 'x', '-h'])).toBe('help');
  });
});

describe('main', () => {
  it('prints exactly "listening on http://127.0.0.1:<port>" and closes on SIGTERM', async () => {
    const io = fakeIo();
    const handle = await main(['--port', '0'], io);
    expect(handle).toBeDefined();
    expect(io.lines).toEqual([`listening on http://127.0.0.1:${handle!.port}`]);
    expect((await fetch(`${handle!.url}/_sim/health`)).status).toBe(200);
    io.signals.get('SIGTERM')!();
    await expect.poll(() => io.exits).toEqual([0]);
    await expect(fetch(`${handle!.url}/_sim/health`)).rejects.toThrow();
  });

  it('--seed and --fixed-time: two runs hand out the same prescription, at the same simulated time', async () => {
    const runs: { now: unknown; prescription: unknown }[] = [];
    for (let i = 0; i < 2; i++) {
      const io = fakeIo();
      const handle = await main(['--port', '0', '--seed', '4711', '--fixed-time', '2026-10-05T09:00:00+02:00'], io);
      const clock = (await (await fetch(`${handle!.url}/_sim/clock`)).json()) as { now: string };
      const created = await fetch(`${handle!.url}/_sim/prescriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ flowType: '160' }),
      });
      runs.push({ now: clock.now, prescription: await created.json() });
      io.signals.get('SIGTERM')!();
      await expect.poll(() => io.exits).toEqual([0]);
    }
    expect(runs[0]!.now).toBe('2026-10-05T07:00:00.000Z');
    expect(runs[1]).toEqual(runs[0]);
  });

  it('bad arguments: a message on stderr and exit code 2, nothing started', async () => {
    const io = fakeIo();
    expect(await main(['--port', 'x'], io)).toBeUndefined();
    expect(io.exits).toEqual([2]);
    expect(io.errors.join('\n')).toContain('--port');
    expect(io.lines).toEqual([]);
  });
});

describe('the bundled entry (as npm run simulator runs it)', () => {
  const outDir = join(root, 'node_modules', '.cache', `erx-simulator-cli-test-${process.pid}`);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('prints the line, serves requests and exits 0 on SIGTERM; bad arguments exit 2', async () => {
    mkdirSync(outDir, { recursive: true });
    // Same options as scripts/build.mjs; the output sits under node_modules so `better-sqlite3` resolves.
    await build({
      absWorkingDir: root,
      entryPoints: { simulator: 'main/entries/simulator.ts' },
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['better-sqlite3', 'electron'],
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
      logLevel: 'silent',
    });
    const entry = join(outDir, 'simulator.mjs');

    const child = spawn(process.execPath, [entry, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const firstLine = await new Promise<string>((resolveLine, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        if (buffer.includes('\n')) resolveLine(buffer.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      // a child that never prints is ended by the test's own timeout (onTestFinished kills it)
    });
    expect(firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:[0-9]+$/);
    const url = firstLine.slice('listening on '.length);
    expect((await fetch(`${url}/_sim/health`)).status).toBe(200);
    const exitCode = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exitCode).toBe(0);

    const bad = spawn(process.execPath, [entry, '--port', 'nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise<number | null>((r) => bad.once('exit', (code) => r(code)))).toBe(2);
    expect(stderr).toContain('--port');
  }, 30_000);
});
