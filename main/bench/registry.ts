/**
 * Every benchmark `npm run bench` knows, in the order they run. Add a benchmark by writing a `Benchmark`
 * (types.ts) in its own module and listing it here; its figures land in bench/results.json.
 */
import { inbox10k } from './inbox-10k';
import { scanOverhead } from './scan-overhead';
import { simulatorCycles } from './simulator-cycles';
import { submitOverhead } from './submit-overhead';
import { typingLatency } from './typing-latency';
import type { Benchmark } from './types';

export const benchmarks: readonly Benchmark[] = [simulatorCycles, scanOverhead, submitOverhead, typingLatency, inbox10k];
