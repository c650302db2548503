/**
 * The simulator's clock: the base time source (injected, real time by default) plus an offset a trainer or a
 * test sets through `/_sim/clock` (e.g. "three months later" to see an expired prescription, spec §4).
 * The offset is kept in the repository's settings, so it survives a restart with a data directory.
 */
import { ControlError } from './control-error';

export interface SimClock {
  now(): Date;
  /** make now() return this instant (the offset is kept, time keeps running) */
  set(instant: Date): void;
  advance(milliseconds: number): void;
  /** back to the base time */
  reset(): void;
}

export interface OffsetStore {
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string | undefined): void;
}

const OFFSET_KEY = 'clock.offsetMs';

export function createClock(base: () => Date, store: OffsetStore): SimClock {
  // Read once and kept in memory: now() runs several times per request. Whoever empties the store
  // (reset, scenario load) calls reset() as well.
  const stored = store.getSetting(OFFSET_KEY);
  let offset = stored === undefined ? 0 : Number(stored);
  if (!Number.isFinite(offset)) offset = 0;
  const writeOffset = (ms: number): void => {
    offset = ms;
    store.setSetting(OFFSET_KEY, ms === 0 ? undefined : String(ms));
  };
  return {
    now: () => new Date(base().getTime() + offset),
    set: (instant) => writeOffset(instant.getTime() - base().getTime()),
    advance: (ms) => writeOffset(offset + ms),
    reset: () => writeOffset(0),
  };
}

const durationPattern =
  /^(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration in weeks, days, hours, minutes, seconds (`P1D`, `PT2H30M`, `-P3D`) as milliseconds.
 * Months and years are refused: their length depends on the start date and would surprise a trainer.
 */
export function parseDuration(text: string): number | undefined {
  const m = durationPattern.exec(text.trim());
  if (!m || text.trim() === 'P' || /T$/.test(text.trim())) return undefined;
  const [, minus, w, d, h, min, s] = m;
  if ([w, d, h, min, s].every((part) => part === undefined)) return undefined;
  const num = (part: string | undefined): number => (part === undefined ? 0 : Number(part));
  const ms =
    num(w) * 7 * 86_400_000 + num(d) * 86_400_000 + num(h) * 3_600_000 + num(min) * 60_000 + num(s) * 1000;
  return minus ? -ms : ms;
}

/** A change of the simulated time as `/_sim/clock` and scenarios express it. */
export type ClockChange = { set: string } | { advance: string } | { reset: true };

/**
 * Applies a clock change; a malformed instant or duration is a ControlError (400). `set` needs a full
 * ISO 8601 instant (date and time, with offset or Z), so a trainer's "2026-10-05" is not silently UTC midnight.
 */
export function applyClockChange(clock: SimClock, change: ClockChange): void {
  if ('set' in change) {
    const instant = new Date(change.set);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(change.set) || Number.isNaN(instant.getTime())) {
      throw new ControlError(400, 'set: Zeitpunkt im ISO-8601-Format erwartet, z. B. 2026-10-05T09:00:00+02:00');
    }
    clock.set(instant);
  } else if ('advance' in change) {
    const ms = parseDuration(change.advance);
    if (ms === undefined) throw new ControlError(400, 'advance: ISO-8601-Dauer in W/D/H/M/S erwartet, z. B. P1D oder PT2H');
    clock.advance(ms);
  } else {
    clock.reset();
  }
}
