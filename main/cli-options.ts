/**
 * The command-line options of our Node processes, declared once: the Electron app (main/app/args.ts), browser mode
 * (main/browser-bridge/web-args.ts), the simulator (main/simulator/cli.ts) and the benchmarks (tools/bench/run.ts).
 * Each picks the options it understands from `sharedOptions` (and adds its own in the same shape), so an option
 * the processes share is spelled, checked and explained the same way everywhere.
 *
 * Tokenising is `node:util` `parseArgs` (`--x value` and `--x=value`, `-h`); what it leaves open is decided here,
 * the same for every process: a value that is missing, empty or the next `--option` is refused, an option given
 * twice is refused, and an unknown argument is refused or — for the Electron app, whose command line also carries
 * Chromium's switches — ignored.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { BackendKind } from '../shared/ipc/contract';
import { parseStoreUrl, type PostgresLocation } from './store/store-location';

export type { PostgresLocation } from './store/store-location';

/**
 * A refused command line, in German and English: browser mode and the Electron app print both (`de / en`), the
 * simulator and the benchmarks, whose usage is German, print `de`.
 */
export interface ArgProblem {
  de: string;
  en: string;
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problem: ArgProblem };

/** An option that takes a value (`--port 0`, `--port=0`). */
export interface ValueOption<T> {
  kind: 'value';
  /** checks and converts the value; the text is never empty and never starts with `--` (refused before) */
  read(text: string): ReadResult<T>;
}

/** An option without a value (`--help`, `-h`, `--log`). */
export interface FlagOption {
  kind: 'flag';
  short?: string;
}

export type CliOption = ValueOption<unknown> | FlagOption;
export type OptionTable = Readonly<Record<string, CliOption>>;

/** What a command line said, typed by its table: each option's converted value, `true` for a flag, absent if not given. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]?: T[K] extends ValueOption<infer V> ? V : true;
};

export type CommandLine<T extends OptionTable> =
  | { kind: 'values'; values: OptionValues<T> }
  | { kind: 'help' }
  | { kind: 'error'; problem: ArgProblem };

export const formatBilingual = (problem: ArgProblem): string => `${problem.de} / ${problem.en}`;

export const ok = <T>(value: T): ReadResult<T> => ({ ok: true, value });
export const refused = (de: string, en: string): ReadResult<never> => ({ ok: false, problem: { de, en } });

export const valueOption = <T>(read: (text: string) => ReadResult<T>): ValueOption<T> => ({ kind: 'value', read });
/** Any text (a folder, a file, a name); resolving it is the caller's. */
export const textOption = (): ValueOption<string> => valueOption((text) => ok(text));
export const flagOption = (short?: string): FlagOption => (short === undefined ? { kind: 'flag' } : { kind: 'flag', short });

/** An integer option within [min, max] (digits only: no sign, no exponent, no blanks); the refusal names the text. */
export function integerOption(flag: string, min: number, max: number, problem?: ArgProblem): ValueOption<number> {
  const digits = String(max).length;
  return valueOption((text) =>
    new RegExp(`^\\d{1,${digits}}$`).test(text) && Number(text) >= min && Number(text) <= max
      ? ok(Number(text))
      : refused(
          `${problem?.de ?? `${flag} erwartet eine ganze Zahl von ${min} bis ${max}`}, nicht „${text}“`,
          problem?.en ?? `expects an integer from ${min} to ${max}`,
        ),
  );
}

const backendKinds: readonly BackendKind[] = ['embedded', 'simulator', 'ti'];

/** An http(s) URL; a trailing slash is dropped (and tolerated: the user may copy either form). */
function urlOption(flag: string): ValueOption<string> {
  return valueOption((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return refused(`${flag} ist keine gültige URL: ${text}`, 'is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return refused(`${flag} muss http(s) sein: ${text}`, 'unsupported URL, must be http(s)');
    }
    return ok(url.toString().replace(/\/$/, ''));
  });
}

/**
 * `--store postgres://user@host:port/db` (docs/multi-counter.md §2): the shared PostgreSQL store. The refusal
 * never repeats the text — it may hold a password, which is exactly what gets refused.
 */
function storeOption(): ValueOption<PostgresLocation> {
  return valueOption((text) => {
    const parsed = parseStoreUrl(text);
    return parsed.ok ? ok(parsed.location) : refused(`--store: ${parsed.problem.de}`, parsed.problem.en);
  });
}

/** The options more than one process understands. */
export const sharedOptions = {
  help: flagOption('h'),
  /** the data folder; each process resolves it against its own working directory and default */
  data: textOption(),
  /** a loopback port; 0 = a free one */
  port: integerOption('--port', 0, 65535, {
    de: '--port erwartet eine Zahl von 0 bis 65535 (0 = freier Port)',
    en: 'expects a number from 0 to 65535 (0 = any free port)',
  }),
  /** an external Fachdienst/simulator: http(s), without a trailing slash */
  fachdienst: urlOption('--fachdienst'),
  /** the IDP's base (`--backend ti`): http(s), without a trailing slash */
  idp: urlOption('--idp'),
  /** the Konnektor's base (`--backend ti`): http(s), without a trailing slash */
  konnektor: urlOption('--konnektor'),
  /** which backend; whether it fits `--fachdienst` and may run is main/backend/choice.ts's */
  backend: valueOption((text) => {
    const kind = backendKinds.find((k) => k === text);
    return kind !== undefined
      ? ok(kind)
      : refused(`--backend: „${text}“ gibt es nicht (embedded, simulator oder ti)`, 'expects embedded, simulator or ti');
  }),
  /** deterministic ids and fictional data of a simulator (docs/simulator.md "Deterministic runs") */
  seed: integerOption('--seed', 0, 0xffff_ffff),
  /** a simulator's base clock stands still at this instant (docs/simulator.md "Deterministic runs") */
  'fixed-time': valueOption((text) => {
    const instant = new Date(text);
    return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(instant.getTime())
      ? ok(instant)
      : refused(
          `--fixed-time erwartet einen ISO-8601-Zeitpunkt wie 2026-10-05T09:00:00+02:00, nicht „${text}“`,
          'expects an ISO 8601 instant',
        );
  }),
  /** the shared PostgreSQL store (multi-counter §2); absent = the local SQLite store */
  store: storeOption(),
  /** the file holding the enrolment passphrase (multi-counter §5); read by main/store/pharmacy-keys.ts */
  'enrol-passphrase-file': textOption(),
  /** the one-time code an enrolled counter showed („Kasse hinzufügen“, multi-counter §5), instead of the passphrase */
  'enrol-code': textOption(),
  /** move this data folder's own SQLite store into the shared one, once (main/store/sqlite-import.ts) */
  'import-local-store': flagOption(),
  /** replace the article master with this file (format v1, docs/article-master.md) before the app serves */
  'import-articles': textOption(),
} as const satisfies OptionTable;

/** parseArgs's tokens (node:util does not export their type) */
type Token =
  | { kind: 'option'; index: number; name: string; rawName: string; value?: string; inlineValue?: boolean }
  | { kind: 'positional'; index: number; value: string }
  | { kind: 'option-terminator'; index: number };

function tokenise(argv: readonly string[], table: OptionTable): Token[] {
  const options: ParseArgsConfig['options'] = Object.fromEntries(
    Object.entries(table).map(([name, option]) => [
      name,
      option.kind === 'flag'
        ? { type: 'boolean' as const, ...(option.short !== undefined ? { short: option.short } : {}) }
        : { type: 'string' as const },
    ]),
  );
  // strict: false — unknown options and positionals come back as tokens, so the refusals are ours (German).
  const config: ParseArgsConfig = { args: [...argv], options, strict: false, allowPositionals: true, tokens: true };
  return parseArgs(config).tokens ?? [];
}

const optionOf = (table: OptionTable, name: string): CliOption | undefined =>
  Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;

/** `--data --port 1`: parseArgs hands `--port` to `--data` as its value; we call that a missing value. */
const takesNextOption = (token: Extract<Token, { kind: 'option' }>): boolean =>
  token.inlineValue === false && token.value !== undefined && token.value.startsWith('--');

/**
 * Reads `argv` (without node and script) against `table`. `--help`/`-h` wins when the table has `help`. With
 * `unknown: 'ignore'` arguments the table does not know are skipped (the Electron app's Chromium switches).
 */
export function readCommandLine<T extends OptionTable>(
  argv: readonly string[],
  table: T,
  options: { unknown: 'refuse' | 'ignore' } = { unknown: 'refuse' },
): CommandLine<T> {
  const tokens = tokenise(argv, table);
  if (optionOf(table, 'help')?.kind === 'flag' && tokens.some((t) => t.kind === 'option' && t.name === 'help')) {
    return { kind: 'help' };
  }
  const given = new Map<string, { flag: string; text?: string }>();
  for (const token of tokens) {
    if (token.kind !== 'option') {
      if (options.unknown === 'ignore') continue;
      const text = token.kind === 'positional' ? token.value : '--';
      return problem(`unbekanntes Argument „${text}“`, `unknown argument ${text}`);
    }
    const option = optionOf(table, token.name);
    if (option === undefined) {
      if (options.unknown === 'ignore') continue;
      return problem(`unbekannte Option „${token.rawName}“`, `unknown option ${token.rawName}`);
    }
    const flag = `--${token.name}`;
    if (given.has(token.name)) return problem(`${flag} ist doppelt angegeben`, 'given twice');
    if (option.kind === 'flag') {
      if (token.value !== undefined) return problem(`${flag} nimmt keinen Wert`, 'takes no value');
      given.set(token.name, { flag });
    } else {
      if (token.value === undefined || token.value === '' || takesNextOption(token)) {
        return problem(`${flag} braucht einen Wert`, 'needs a value');
      }
      given.set(token.name, { flag, text: token.value });
    }
  }

  const values: Record<string, unknown> = {};
  for (const [name, { text }] of given) {
    const option = table[name];
    if (option?.kind !== 'value' || text === undefined) {
      values[name] = true;
      continue;
    }
    const read = option.read(text);
    if (!read.ok) return { kind: 'error', problem: read.problem };
    values[name] = read.value;
  }
  return { kind: 'values', values: values as OptionValues<T> };
}

/**
 * Splits a command line into what `table` knows (each option with its value) and what it does not (`npm start`
 * falling back to browser mode names and ignores the Electron app's other arguments). A known
 * option whose value is missing stays alone in `known`, for the parser to refuse; a value of an unknown option
 * cannot be told from a positional argument, so both are named as ignored.
 */
export function partitionCommandLine(argv: readonly string[], table: OptionTable): { known: string[]; ignored: string[] } {
  const known: string[] = [];
  const ignored: string[] = [];
  let seen = -1; // a short-option group (`-abc`) is one argument but several tokens
  for (const token of tokenise(argv, table)) {
    if (token.index === seen) continue;
    seen = token.index;
    const raw = argv[token.index] ?? '';
    if (token.kind !== 'option' || optionOf(table, token.name) === undefined) {
      ignored.push(raw);
    } else if (takesNextOption(token)) {
      // parseArgs took the next option as this one's value: keep this one alone and read on from the next
      known.push(raw);
      const rest = partitionCommandLine(argv.slice(token.index + 1), table);
      return { known: [...known, ...rest.known], ignored: [...ignored, ...rest.ignored] };
    } else {
      known.push(raw);
      if (token.value !== undefined && token.inlineValue === false) known.push(argv[token.index + 1] ?? '');
    }
  }
  return { known, ignored };
}

const problem = (de: string, en: string): { kind: 'error'; problem: ArgProblem } => ({ kind: 'error', problem: { de, en } });
