import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lastMemoryLine, MEMORY_NODE_ARGS, vmRssMb } from './main-memory';

describe('vmRssMb', () => {
  it('reads VmRSS from /proc/<pid>/status in MB', () => {
    expect(vmRssMb('Name:\tnode\nVmHWM:\t  300000 kB\nVmRSS:\t  204800 kB\nThreads: 11\n')).toBe(200);
    expect(vmRssMb('Name:\tnode\n')).toBeUndefined();
  });
});

describe('the memory probe', () => {
  it('makes any Node process report its heap before and after a GC on SIGUSR2, and nothing else', async () => {
    const child = spawn(
      process.execPath,
      [
        ...MEMORY_NODE_ARGS,
        '-e',
        "globalThis.keep = Buffer.alloc(1); console.log('ready'); setInterval(() => {}, 1000)",
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      while (!output.includes('ready')) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(lastMemoryLine(output)).toBeUndefined();
      child.kill('SIGUSR2');
      while (!output.includes('bench-memory: ')) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const heap = lastMemoryLine(output);
      expect(heap?.heapUsed).toBeGreaterThan(1024 * 1024);
      expect(heap?.heapUsedAfterGc).toBeGreaterThan(0);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
