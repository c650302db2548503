/**
 * The shared database unreachable (issue 18 item 7, docs/multi-counter.md §6): a connection that cannot be made or
 * breaks becomes one German refusal the pharmacist understands — nothing was sent to the Fachdienst, because every
 * operation is written to the store first (docs/reliability.md) — instead of the app's „Interner Fehler“. SQL errors
 * that are not about the connection stay what they are (they are bugs to report).
 */
import { AppFailure, failure } from '../../errors';

/** SQLSTATE classes/codes of a lost or refused connection (PostgreSQL Appendix A: 08, 57P01–57P03, 53300). */
const CONNECTION_STATES = /^(08|57P0[123]|53300)/;
/** node's own socket errors and node-postgres' messages for a connection that ended or never came */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const PG_CONNECTION_MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i;

export const STORE_UNREACHABLE_MESSAGE =
  'Die Datenbank der Apotheke ist nicht erreichbar. Es wurde nichts an den E-Rezept-Fachdienst gesendet (jeder Vorgang wird zuerst dort vermerkt). Entwürfe bleiben in diesem Fenster erhalten. Bitte später erneut versuchen; besteht die Störung weiter, Netzwerk und Datenbankserver prüfen bzw. den IT-Dienstleister informieren.';

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_STATES.test(code) || SOCKET_CODES.has(code))) return true;
  return PG_CONNECTION_MESSAGES.test(error.message);
}

/** The German refusal for a connection error; anything else unchanged. */
export function asStoreFailure(error: unknown): unknown {
  if (error instanceof AppFailure || !isConnectionError(error)) return error;
  const code = (error as { code?: unknown }).code;
  return failure('store-unavailable', STORE_UNREACHABLE_MESSAGE, {
    detail: `Datenbank: ${typeof code === 'string' ? `${code} ` : ''}${(error as Error).message}`.slice(0, 300),
    retry: 'reconcile',
    system: 'network',
  });
}
