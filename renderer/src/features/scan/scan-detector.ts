/**
 * Tells a keyboard-wedge scan from typing (architecture §5, issue 5 item 1). A scanner "types" the whole code
 * as a burst of key events far faster than any person and ends it with Enter; a person types slower and
 * unevenly. Pure: the caller passes each key with its time, so the rule is testable without a clock.
 *
 * Rule: a burst is a run of printable keys with no gap longer than `maxGapMs`. Enter ends it; the burst is a
 * scan when it has at least `minLength` characters and the mean gap (over all its keys and the Enter) is at
 * most `maxMeanGapMs`. The mean (not every single gap) decides, so that one delayed event on a busy machine
 * does not turn a scan into typing, while even the fastest typist (~100 ms per key) stays far above it.
 */

export interface ScanDetectorOptions {
  /** fewest characters of a scan; an E-Rezept token or a securPharm code is far longer */
  minLength: number;
  /** highest mean gap between the keys of a scan (ms) */
  maxMeanGapMs: number;
  /** a longer pause ends the burst: what came before was typed (ms) */
  maxGapMs: number;
}

export const defaultScanDetectorOptions: ScanDetectorOptions = { minLength: 8, maxMeanGapMs: 35, maxGapMs: 80 };

/** The parts of a KeyboardEvent the detector reads. */
export interface KeyStroke {
  key: string;
  /** milliseconds on any monotonic clock */
  time: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export type KeyVerdict =
  /** a character that may belong to a scan; `startsBurst` = the first one of a new burst */
  | { type: 'char'; char: string; startsBurst: boolean }
  /** the Enter that completes a scan: the caller takes the text and undoes what the keys typed */
  | { type: 'scan'; text: string }
  /** anything else: leave the event alone */
  | { type: 'pass' };

/** ASCII 29, the GS1/ISO 15434 group separator of securPharm codes. */
export const GROUP_SEPARATOR = '\u001d';

/** Keys a scanner may send between characters without meaning anything (e.g. Shift for capitals). */
const neutralKeys = new Set(['Shift', 'CapsLock', 'Unidentified', 'Dead']);

/**
 * The character a key stands for, or undefined for control keys. Scanners that cannot send ASCII 29 as a
 * character send Ctrl+] (its traditional key), which is read as the group separator.
 */
export function characterOf(k: KeyStroke): string | undefined {
  if (k.key === GROUP_SEPARATOR) return GROUP_SEPARATOR;
  if (k.ctrlKey && !k.altKey && !k.metaKey && k.key === ']') return GROUP_SEPARATOR;
  if (k.ctrlKey || k.altKey || k.metaKey) return undefined;
  return k.key.length === 1 ? k.key : undefined;
}

export interface ScanDetector {
  feed(k: KeyStroke): KeyVerdict;
  /** forget the current burst (e.g. when focus moved to the scan field) */
  reset(): void;
}

export function createScanDetector(options: Partial<ScanDetectorOptions> = {}): ScanDetector {
  const { minLength, maxMeanGapMs, maxGapMs } = { ...defaultScanDetectorOptions, ...options };
  let chars: string[] = [];
  let firstAt = 0;
  let lastAt = 0;

  const reset = () => {
    chars = [];
  };

  const feed = (k: KeyStroke): KeyVerdict => {
    if (neutralKeys.has(k.key) || k.key === 'Control') return { type: 'pass' };
    if (k.key === 'Enter' && !k.ctrlKey && !k.altKey && !k.metaKey) {
      const count = chars.length;
      const text = chars.join('');
      const withinBurst = count > 0 && k.time - lastAt <= maxGapMs;
      const meanGap = count > 0 ? (k.time - firstAt) / count : Infinity;
      reset();
      return withinBurst && count >= minLength && meanGap <= maxMeanGapMs ? { type: 'scan', text } : { type: 'pass' };
    }
    const char = characterOf(k);
    if (char === undefined) {
      reset();
      return { type: 'pass' };
    }
    const startsBurst = chars.length === 0 || k.time - lastAt > maxGapMs;
    if (startsBurst) {
      chars = [];
      firstAt = k.time;
    }
    chars.push(char);
    lastAt = k.time;
    return { type: 'char', char, startsBurst };
  };

  return { feed, reset };
}
