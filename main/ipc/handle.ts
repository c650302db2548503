/**
 * The single path every renderer call takes (architecture §2, §4, §9.3): sender check → schema parse →
 * exactly one handler → Result. Electron IPC (main/app) and the browser-mode HTTP bridge
 * (main/browser-bridge) both call `dispatch`, so no handler logic exists twice.
 *
 * Nothing throws across the boundary: Electron's structured clone drops an Error's own fields, and the HTTP
 * bridge must answer with JSON — so every outcome is an `IpcResult`.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { contract, type AppError, type Channel, type IpcResult } from '../../shared/ipc/contract';
import type { Finding } from '../../shared/erezept/findings';
import { AppFailure } from '../errors';
import type { HandlerTable } from './types';

export interface CallerCheck {
  /** Electron: the sender frame's URL is our own page; browser mode: always true after the bridge's auth */
  trusted: boolean;
  /** who called, for the log (e.g. the sender URL's origin or "browser bridge"); never a secret */
  description: string;
}

export interface DispatcherOptions {
  now?: () => Date;
  log?: (line: string) => void;
}

export interface Dispatcher {
  dispatch(channel: string, payload: unknown, caller: CallerCheck): Promise<IpcResult<Channel>>;
}

const isChannel = (channel: string): channel is Channel => Object.prototype.hasOwnProperty.call(contract, channel);

/** Caller-controlled text that ends up in a message or a log line: short and printable only. */
const sanitizeForMessage = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);

export function createDispatcher(handlers: HandlerTable, options: DispatcherOptions = {}): Dispatcher {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);

  const fail = (error: Omit<AppError, 'at' | 'system' | 'retry'> & Partial<AppError>): IpcResult<Channel> => ({
    ok: false,
    error: { retry: 'never', system: 'app', ...error, at: error.at ?? now().toISOString() },
  });

  async function dispatch(channel: string, payload: unknown, caller: CallerCheck): Promise<IpcResult<Channel>> {
    const channelText = sanitizeForMessage(String(channel));
    // Electron security checklist #17: validate the sender of every IPC message, before anything else.
    if (!caller.trusted) {
      log(`ipc refused ${channelText}: untrusted caller ${sanitizeForMessage(caller.description)}`);
      return fail({
        code: 'forbidden',
        message: 'Aufruf abgelehnt: Die Anfrage kam nicht von der Oberfläche der App.',
        detail: `Untrusted caller for ${channelText}`,
      });
    }
    if (!isChannel(channel)) {
      return fail({
        code: 'unknown-channel',
        message: `Unbekannte Funktion „${channelText}“. Bitte die App aktualisieren oder neu starten.`,
        detail: `No IPC channel ${channelText}`,
      });
    }

    const parsed = contract[channel].request.safeParse(payload);
    if (!parsed.success) {
      const findings = findingsFromIssues(parsed.error.issues);
      return fail({
        code: 'validation',
        message: summarize(findings),
        // Field paths and issue codes only — the offending values may be secrets (AccessCode, Secret).
        detail: `Invalid request for ${channel}: ${parsed.error.issues.map((i) => `${pathOf(i) || '(root)'} [${i.code}]`).join(', ')}`,
        findings,
      });
    }

    // The table is typed per channel; indexing it with a union channel loses the pairing, which
    // `safeParse` above has just re-established at runtime.
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
    try {
      const data = await handler(parsed.data);
      return { ok: true, data } as IpcResult<Channel>;
    } catch (error) {
      if (error instanceof AppFailure) return { ok: false, error: error.appError };
      const incident = randomUUID().slice(0, 8);
      // The payload is never logged: it may carry AccessCodes, Secrets or patient data.
      log(`ipc ${channel} failed (incident ${incident}): ${redact(describeThrown(error))}`);
      return fail({
        code: 'internal',
        message:
          'Interner Fehler in der App. Bitte den Vorgang wiederholen; tritt der Fehler erneut auf, den Support mit der Vorfallnummer informieren.',
        detail: `Incident ${incident} in ${channel}`,
      });
    }
  }

  return { dispatch };
}

// ---------------------------------------------------------------------------------------------------------
// Validation findings: German, pointing at the field, never echoing a value
// ---------------------------------------------------------------------------------------------------------

const pathOf = (issue: z.core.$ZodIssue): string => issue.path.map(String).join('.');

const germanTypeNames: Record<string, string> = {
  string: 'Text',
  number: 'Zahl',
  int: 'ganze Zahl',
  boolean: 'Ja/Nein',
  object: 'Objekt',
  array: 'Liste',
};

/** A standalone German sentence per issue: forms show it next to the field (setError), lists show it with the path. */
function germanIssueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Angabe fehlt oder hat den falschen Typ (erwartet: ${germanTypeNames[issue.expected] ?? issue.expected}).`;
    case 'too_big':
      return `Angabe ist zu groß oder zu lang (höchstens ${String(issue.maximum)}).`;
    case 'too_small':
      return `Angabe ist zu klein, zu kurz oder leer (mindestens ${String(issue.minimum)}).`;
    case 'invalid_format':
      return 'Angabe hat ein ungültiges Format.';
    case 'invalid_value':
      return 'Angabe hat einen nicht erlaubten Wert.';
    case 'unrecognized_keys':
      return `Unbekannte Felder: ${issue.keys.join(', ')}.`;
    case 'invalid_union':
      return 'Angabe passt zu keiner erlaubten Form.';
    case 'custom':
      // Our own refinements (shared/erezept/identifiers) write German sentences that never echo a secret.
      return issue.message;
    default:
      return 'Angabe ist ungültig.';
  }
}

function findingsFromIssues(issues: readonly z.core.$ZodIssue[]): Finding[] {
  return issues.map((issue) => ({
    severity: 'error',
    code: issue.code,
    message: germanIssueMessage(issue),
    path: pathOf(issue) || undefined,
  }));
}

const SUMMARY_LIMIT = 5;

/** The pharmacist's one-line summary: the first few findings with their field, then a count. */
function summarize(findings: readonly Finding[]): string {
  const listed = findings.slice(0, SUMMARY_LIMIT).map((f) => (f.path ? `${f.path}: ${f.message}` : f.message));
  const more = findings.length - listed.length;
  return `Die Anfrage enthält ungültige Angaben — ${listed.join(' ')}${more > 0 ? ` (und ${more} weitere)` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// Logging unexpected failures without secrets
// ---------------------------------------------------------------------------------------------------------

function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `non-error thrown (${typeof error})`;
}

/**
 * Belt and braces for log lines: AccessCode and Secret are 64 hex characters (spec §1.3), access tokens are
 * JWTs, E-Rezept-Tokens carry `ac=` — mask all of them should an error message ever include one.
 */
export function redact(text: string): string {
  return text
    .replace(/[0-9a-fA-F]{64}/g, '[redacted]')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[redacted-jwt]')
    .replace(/(ac|secret)=[^&\s]+/gi, '$1=[redacted]')
    .replace(/(Bearer\s+)\S+/gi, '$1[redacted]');
}

// ---------------------------------------------------------------------------------------------------------
// Electron sender check
// ---------------------------------------------------------------------------------------------------------

/**
 * Electron sender check (Electron security checklist #17): accept only frames whose URL is our renderer —
 * a file:// URL of the built page (`fileRoot` = the index.html path or file URL) or inside the built renderer
 * folder (`fileRoot` = that folder), or a page of the dev server's origin. Query and fragment do not matter
 * (the router may use the hash). Pure; main/index.ts passes `event.senderFrame.url`.
 */
export function isTrustedSenderUrl(url: string, allowed: { fileRoot?: string; devServerUrl?: string }): boolean {
  let sender: URL;
  try {
    sender = new URL(url);
  } catch {
    return false;
  }

  if (allowed.devServerUrl && (sender.protocol === 'http:' || sender.protocol === 'https:')) {
    try {
      if (sender.origin === new URL(allowed.devServerUrl).origin) return true;
    } catch {
      // A malformed dev server URL trusts nobody.
    }
  }

  if (allowed.fileRoot && sender.protocol === 'file:' && (sender.host === '' || sender.host === 'localhost')) {
    const root = allowed.fileRoot.startsWith('file:') ? new URL(allowed.fileRoot) : pathToFileURL(allowed.fileRoot);
    const rootPath = safeDecode(root.pathname.replace(/\/+$/, ''));
    const senderPath = safeDecode(sender.pathname);
    if (rootPath === undefined || senderPath === undefined || rootPath === '') return false;
    // The URL parser already resolved `..`; an encoded slash could smuggle one back in after decoding.
    if (/(^|\/)\.\.?(\/|$)/.test(senderPath) || senderPath.includes('\\') || senderPath.includes('\0')) return false;
    // A root naming the page itself (…/index.html) trusts exactly that file; a folder trusts what lies below it.
    if (/\.html?$/i.test(rootPath)) return senderPath === rootPath;
    return senderPath.startsWith(`${rootPath}/`);
  }
  return false;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
