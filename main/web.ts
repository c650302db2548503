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
import { runBrowserMode } from './browser-bridge/web-main';

export async function main(argv: string[]): Promise<void> {
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
