/**
 * Tells a keyboard-wedge scan from typing (architecture §5). A scanner "types" the whole code
 * as a burst of key events far faster than any person and ends it with Enter; a person types slower and
 * unevenly. Pure: the caller passes each key with its time, so the rule is testable without a clock.
 *
 * Rule, decided when Enter comes: the keys since the last real pause (> `maxPauseMs`) or control key are the
 * candidates. Leading keys that are followed by a typing-speed gap (> `maxGapMs`) were typed by a person and
 * are dropped. What remains is a scan when it has at least `minLength` characters and its mean gap (Enter
 * included) is at most `maxMeanGapMs`. The mean — not every single gap — decides, so that a busy machine
 * delaying a few events inside a scan does not cut it in two, while even the fastest typist (~100 ms per key)
 * stays far above it.
 */

export interface ScanDetectorOptions {
  /** fewest characters of a scan; an E-Rezept token or a securPharm code is far longer */
  minLength: number;
  /** highest mean gap between the keys of a scan (ms) */
  maxMeanGapMs: number;
  /** a gap after a leading key longer than this marks that key as typed by a person (ms) */
  maxGapMs: number;
  /** a pause longer than this separates bursts for good; shorter ones may be a delayed event (ms) */
  maxPauseMs: number;
}

const defaultScanDetectorOptions: ScanDetectorOptions = { minLength: 8, maxMeanGapMs: 35, maxGapMs: 80, maxPauseMs: 500 };

/** The parts of a KeyboardEvent the detector reads. */
interface KeyStroke {
  key: string;
  /** milliseconds on any monotonic clock */
  time: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export type KeyVerdict =
  /** a character that may belong to a scan; `index` = its place among the current candidates (0 = first) */
  | { type: 'char'; char: string; index: number }
  /** the Enter that completes a scan: the text, and the index of its first character among the candidates */
  | { type: 'scan'; text: string; startIndex: number }
  /** anything else: leave the event alone */
  | { type: 'pass' };

/** ASCII 29, the GS1/ISO 15434 group separator of securPharm codes. */
export const GROUP_SEPARATOR = '\u001d';

/** Keys a scanner may send between characters without meaning anything (e.g. Shift for capitals). */
const neutralKeys = new Set(['Shift', 'CapsLock', 'Control', 'Unidentified', 'Dead']);

/** Far more than any code: a longer run is not a scan, and memory stays bounded. */
const maxCandidates = 4096;

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
  /** forget the candidates (e.g. when focus moved to the scan field) */
  reset(): void;
}

export function createScanDetector(options: Partial<ScanDetectorOptions> = {}): ScanDetector {
  const { minLength, maxMeanGapMs, maxGapMs, maxPauseMs } = { ...defaultScanDetectorOptions, ...options };
  let chars: string[] = [];
  let times: number[] = [];

  const reset = () => {
    chars = [];
    times = [];
  };

  const decide = (enterAt: number): KeyVerdict => {
    const n = chars.length;
    if (n === 0 || enterAt - times[n - 1]! > maxPauseMs) return { type: 'pass' };
    // A person's keys before the scan: each is followed by a typing-speed gap.
    let start = 0;
    while (start < n - 1 && times[start + 1]! - times[start]! > maxGapMs) start++;
    const count = n - start;
    const meanGap = (enterAt - times[start]!) / count;
    return count >= minLength && meanGap <= maxMeanGapMs
      ? { type: 'scan', text: chars.slice(start).join(''), startIndex: start }
      : { type: 'pass' };
  };

  const feed = (k: KeyStroke): KeyVerdict => {
    if (neutralKeys.has(k.key)) return { type: 'pass' };
    if (k.key === 'Enter' && !k.ctrlKey && !k.altKey && !k.metaKey) {
      const verdict = decide(k.time);
      reset();
      return verdict;
    }
    const char = characterOf(k);
    if (char === undefined) {
      reset();
      return { type: 'pass' };
    }
    const last = times.at(-1);
    if (last !== undefined && (k.time - last > maxPauseMs || chars.length >= maxCandidates)) reset();
    chars.push(char);
    times.push(k.time);
    return { type: 'char', char, index: chars.length - 1 };
  };

  return { feed, reset };
}
