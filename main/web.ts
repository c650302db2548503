/**
 * Browser-mode entry (architecture §2 "Browser mode"; `npm run start:web`): the real core services behind the
 * loopback HTTP bridge, for e2e tests and demos where no Electron runtime exists (stack notes).
 * main/entries/web.ts calls `main(process.argv.slice(2))`; importing this module starts nothing.
 *
 * Defaults: port 5180 on 127.0.0.1; data in ~/.erx-counter/browser-mode (apart from the Electron app's data);
 * renderer from $ERX_RENDERER_DIR or ./out/renderer relative to the working directory (npm runs scripts from
 * the package root).
 */
import { homedir } from 'node:os';
import { createCore } from './core';
import { partitionWebArgs } from './browser-bridge/web-args';
import { runBrowserMode } from './browser-bridge/web-main';

/**
 * Set by `npm start` when it falls back to browser mode (scripts/start-electron.mjs): the
 * Electron app's command line may hold arguments browser mode does not know — they are named and ignored.
 */
export const IGNORE_UNKNOWN_ARGS_ENV = 'ERX_IGNORE_UNKNOWN_ARGS';

export async function main(commandLine: string[]): Promise<void> {
  let argv = commandLine;
  if (process.env[IGNORE_UNKNOWN_ARGS_ENV] === '1') {
    const { known, ignored } = partitionWebArgs(commandLine);
    if (ignored.length > 0) {
      process.stderr.write(`Im Browser-Modus unbekannt, ignoriert / ignored in browser mode: ${ignored.join(' ')}\n`);
    }
    argv = known;
  }
  await runBrowserMode(argv, {
    createCore,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    exit: (code) => process.exit(code),
    onShutdownSignal: (handler) => {
      process.on('SIGINT', () => handler('SIGINT'));
      process.on('SIGTERM', () => handler('SIGTERM'));
    },
    env: { homeDir: homedir(), cwd: process.cwd(), rendererDirEnv: process.env.ERX_RENDERER_DIR || undefined },
  });
}
