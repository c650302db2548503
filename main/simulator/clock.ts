/**
 * The simulator's clock: the base time source (injected, real time by default) plus an offset a trainer or a
 * test sets through `/_sim/clock` (e.g. "three months later" to see an expired prescription, spec §4).
 * The offset is kept in the repository's settings, so it survives a restart with a data directory.
 */
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
  const readOffset = (): number => {
    const raw = store.getSetting(OFFSET_KEY);
    const n = raw === undefined ? 0 : Number(raw);
    return Number.isFinite(n) ? n : 0;
  };
  const writeOffset = (ms: number): void => store.setSetting(OFFSET_KEY, ms === 0 ? undefined : String(ms));
  return {
    now: () => new Date(base().getTime() + readOffset()),
    set: (instant) => writeOffset(instant.getTime() - base().getTime()),
    advance: (ms) => writeOffset(readOffset() + ms),
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
