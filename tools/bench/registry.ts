/**
 * Every benchmark `npm run bench` knows, in the order they run. Add a benchmark by writing a `Benchmark`
 * (types.ts) in its own module and listing it here; its figures land in bench/results.json.
 */
import { articleMaster } from './article-master';
import { coldStart } from './cold-start';
import { inbox10k } from './inbox-10k';
import { mainMemory } from './main-memory';
import { rendererBundle } from './renderer-bundle';
import { scanOverhead } from './scan-overhead';
import { sharedStoreCounters } from './shared-store-counters';
import { simulatorCycles } from './simulator-cycles';
import { submitOverhead } from './submit-overhead';
import { typingLatency } from './typing-latency';
import type { Benchmark } from './types';

export const benchmarks: readonly Benchmark[] = [
  simulatorCycles,
  coldStart,
  scanOverhead,
  submitOverhead,
  typingLatency,
  inbox10k,
  rendererBundle,
  mainMemory,
  sharedStoreCounters,
  articleMaster,
];
