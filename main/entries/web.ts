// Entry of `npm run start:web` (browser mode), bundled by scripts/build.mjs into out/node/web.mjs.
import { main } from '../web';

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
