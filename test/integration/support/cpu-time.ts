/**
 * The CPU time this process spends on a call, for the fuzz tests' hang guards. Unlike wall time it does not grow
 * while other processes keep the machine busy (a load test, a parallel test file), so the guard still says "hangs"
 * only for a call that itself burns seconds — catastrophic backtracking, a quadratic copy — and is no timed test of
 * speed (architecture §9.9: performance targets live in benchmarks).
 */
import { cpuUsage } from 'node:process';

/** CPU milliseconds (user + system) since `since`. */
function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Runs `call`; returns its result and the CPU time it took in ms. */
export function withCpuTime<T>(call: () => T): { result: T; cpuMs: number } {
  const since = cpuUsage();
  const result = call();
  return { result, cpuMs: cpuMsSince(since) };
}

/** Awaits `call`; returns its result and the CPU time the process spent meanwhile in ms. */
export async function withCpuTimeAsync<T>(call: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const since = cpuUsage();
  const result = await call();
  return { result, cpuMs: cpuMsSince(since) };
}
