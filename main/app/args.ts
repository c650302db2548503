/** Command-line options of the Electron app: `npm start [-- --data DIR --fachdienst URL]` (issue 2 item 2). */
export interface AppArgs {
  dataDir?: string;
  fachdienstUrl?: string;
}

export function parseAppArgs(argv: readonly string[]): AppArgs {
  const args: AppArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--data' && value) {
      args.dataDir = value;
      i++;
    } else if (arg === '--fachdienst' && value) {
      const url = new URL(value); // throws on garbage: the app refuses to start with a broken backend URL
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--fachdienst: unsupported URL ${value}`);
      args.fachdienstUrl = url.toString().replace(/\/$/, '');
      i++;
    }
  }
  return args;
}
