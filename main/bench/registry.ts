/**
 * Every benchmark `npm run bench` knows, in the order they run. Add a benchmark by writing a `Benchmark`
 * (types.ts) in its own module and listing it here; its figures land in bench/results.json.
 */
import { simulatorCycles } from './simulator-cycles';
import type { Benchmark } from './types';

export const benchmarks: readonly Benchmark[] = [simulatorCycles];
