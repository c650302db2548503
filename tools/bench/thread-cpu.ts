/**
 * CPU time of this process's main thread (Linux: /proc/self/task/<pid>/stat, utime + stime), in ms — or
 * undefined elsewhere. Unlike wall-clock figures it hardly changes when other processes compete for the CPU,
 * so the runner logs it next to the figures as a measure of the simulator's own cost.
 */
import { readFileSync } from 'node:fs';

/** clock ticks per second of /proc (USER_HZ, 100 on Linux) */
const TICKS_PER_SECOND = 100;

export function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // fields after "(comm) ": state is [0], utime [11], stime [12]
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
