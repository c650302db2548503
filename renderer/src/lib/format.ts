/**
 * Display formats. Instants are shown in German local time (Europe/Berlin, A_27660), whatever zone the
 * machine runs in; date-only values (YYYY-MM-DD) are already German dates and are only reformatted.
 */
import { germanDate } from '../../../shared/erezept/dates';

const berlinTime = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' });
const berlinTimeSeconds = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const berlinDateTime = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function parseInstant(iso: string): Date | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** HH:MM of an ISO instant; the raw text when it is not a date. */
export function formatTime(iso: string): string {
  const d = parseInstant(iso);
  return d ? berlinTime.format(d) : iso;
}

/** HH:MM:SS of an ISO instant — for retries seconds apart (spec §8 backoff); the raw text when it is not a date. */
export function formatTimeWithSeconds(iso: string): string {
  const d = parseInstant(iso);
  return d ? berlinTimeSeconds.format(d) : iso;
}

/** dd.mm.yyyy, HH:MM of an ISO instant. */
export function formatDateTime(iso: string): string {
  const d = parseInstant(iso);
  return d ? berlinDateTime.format(d) : iso;
}

/** dd.mm.yyyy of a YYYY-MM-DD date (or of the date part of an instant-like string). */
export function formatDate(date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? germanDate(date) : date;
}

/**
 * A duration setting as people read it: "250 ms" below one second, else seconds with a German decimal comma
 * ("1,5 s", "30 s"). Tests run the network settings in milliseconds, the counter in seconds.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  return `${seconds.toLocaleString('de-DE', { maximumFractionDigits: 1 })} s`;
}
