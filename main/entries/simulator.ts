// Entry of `npm run simulator`, bundled by scripts/build.mjs into out/node/simulator.mjs.
import { main } from '../simulator/cli';

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
