/**
 * FHIR date search values as the Fachdienst reads them (FD 1.22 SearchArgument / TimePeriod::fromFhirSearchDate,
 * UrlArguments::addDateSearchArguments): an optional prefix (eq, ne, gt, lt, ge, le, sa, eb; default eq) and one or
 * more comma-separated values (any of them may match). Each value is a period by its precision: `YYYY`, `YYYY-MM`,
 * `YYYY-MM-DD` (German local time, A_27660), `YYYY-MM-DDThh:mm`, `YYYY-MM-DDThh:mm:ss` with `Z` or `±hh:mm` (without
 * one: German local time). `NULL` stands for „no value“: `received=NULL` are the unread messages, `ne`NULL the
 * read ones. A value the FD cannot read → 400 „Unable to add search argument <name>“.
 */
import { FachdienstError } from '../operation-outcome';

type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb';
const PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'];

/** [start, end) in epoch milliseconds, or null for `NULL` */
type Period = { start: number; end: number } | null;

/** Whether an instant (or no value, `undefined`) matches a search argument. */
export type DateMatcher = (value: string | undefined) => boolean;

export function parseDateSearch(name: string, raw: string): DateMatcher {
  const given = PREFIXES.find((p) => raw.startsWith(p));
  const prefix = given ?? 'eq';
  const values = (given === undefined ? raw : raw.slice(2)).split(',');
  const refuse = (): FachdienstError => new FachdienstError(400, `Unable to add search argument ${name}`);
  if (values.some((v) => v === '')) throw refuse();
  const periods = values.map((value) => {
    if (value === 'NULL') return null;
    const period = periodOf(value);
    if (!period) throw refuse();
    return period;
  });
  return (value) => {
    const instant = value === undefined ? undefined : Date.parse(value);
    return periods.some((period) => matches(prefix, period, instant));
  };
}

function matches(prefix: Prefix, period: Period, instant: number | undefined): boolean {
  if (period === null) return prefix === 'ne' ? instant !== undefined : instant === undefined;
  if (instant === undefined) return false;
  switch (prefix) {
    case 'eq':
      return instant >= period.start && instant < period.end;
    case 'ne':
      return instant < period.start || instant >= period.end;
    case 'gt':
    case 'sa':
      return instant >= period.end;
    case 'lt':
    case 'eb':
      return instant < period.start;
    case 'ge':
      return instant >= period.start;
    case 'le':
      return instant < period.end;
  }
}

const FORMAT = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function periodOf(value: string): Period | undefined {
  const m = FORMAT.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  const year = Number(y);
  if (h !== undefined) {
    const fields = [year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)] as const;
    const start = zone === undefined ? berlinToUtc(...fields) : Date.UTC(...fields) - zoneOffsetMs(zone);
    return Number.isNaN(start) ? undefined : { start, end: start + (s === undefined ? 60_000 : 1_000) };
  }
  if (d !== undefined) return { start: berlinToUtc(year, Number(mo) - 1, Number(d)), end: berlinToUtc(year, Number(mo) - 1, Number(d) + 1) };
  if (mo !== undefined) return { start: berlinToUtc(year, Number(mo) - 1, 1), end: berlinToUtc(year, Number(mo), 1) };
  return { start: berlinToUtc(year, 0, 1), end: berlinToUtc(year + 1, 0, 1) };
}

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
}

const berlinWallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Berlin',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The instant of a German local wall-clock time (month 0-based; overflowing fields roll over as in Date.UTC). */
function berlinToUtc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const asUtc = Date.UTC(year, month, day, hour, minute, second);
  // Berlin is UTC+1 or UTC+2: correct the guess by the offset at the guess, then once more at the result.
  let instant = asUtc - berlinOffsetMs(asUtc);
  instant = asUtc - berlinOffsetMs(instant);
  return instant;
}

function berlinOffsetMs(instant: number): number {
  const parts = Object.fromEntries(berlinWallClock.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts['year']!, parts['month']! - 1, parts['day'], parts['hour'], parts['minute'], parts['second']);
  return wall - Math.floor(instant / 1000) * 1000;
}
