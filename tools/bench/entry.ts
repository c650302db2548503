// Entry of `npm run bench`, bundled by scripts/build.mjs into out/node/bench.mjs. The same file runs the
// benchmark's client threads (tools/bench/worker.ts), so the bundle needs no second entry.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { main } from './run';
import { isWorkerRequest, runBenchWorker } from './worker';

if (isMainThread) {
  main(process.argv.slice(2), undefined, undefined, new URL(import.meta.url)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
} else if (parentPort && isWorkerRequest(workerData)) {
  void runBenchWorker(workerData, parentPort);
}
