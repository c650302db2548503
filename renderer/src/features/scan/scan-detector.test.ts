import { describe, expect, it } from 'vitest';
import { createScanDetector, GROUP_SEPARATOR, type KeyVerdict } from './scan-detector';

/** Feeds `text` + Enter with the given gaps (ms) and returns the verdict of the Enter. */
function run(text: string, gapMs: number | ((i: number) => number), start = 1000): KeyVerdict {
  const detector = createScanDetector();
  let t = start;
  [...text].forEach((key, i) => {
    if (i > 0) t += typeof gapMs === 'number' ? gapMs : gapMs(i);
    detector.feed({ key, time: t });
  });
  return detector.feed({ key: 'Enter', time: t + (typeof gapMs === 'number' ? gapMs : 5) });
}

const token = 'Task/160.000.000.000.123.76/$accept?ac=777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';

describe('scan detector', () => {
  it('recognises a fast burst ending in Enter as a scan and returns its text', () => {
    expect(run(token, 4)).toEqual({ type: 'scan', text: token });
  });

  it('takes typing at human speed for typing, even when it is long', () => {
    expect(run('B2026-11X', 110)).toEqual({ type: 'pass' });
    expect(run('12345678', 60)).toEqual({ type: 'pass' });
  });

  it('needs at least eight characters', () => {
    expect(run('1234567', 3)).toEqual({ type: 'pass' });
    expect(run('12345678', 3)).toEqual({ type: 'scan', text: '12345678' });
  });

  it('tolerates a delayed event inside a running scan (a busy machine), but not a real pause', () => {
    // one 70 ms and one 300 ms hiccup among 40 keys at 5 ms: the scan stays whole
    expect(run(token.slice(0, 40), (i) => (i === 20 ? 70 : i === 30 ? 300 : 5))).toEqual({ type: 'scan', text: token.slice(0, 40) });
    // a 600 ms pause ends the burst: only what follows counts, and that is too short
    expect(run('abcdefghij', (i) => (i === 6 ? 600 : 5))).toEqual({ type: 'pass' });
  });

  it('does not glue a quickly typed pair of letters to a scan that follows a moment later', () => {
    const detector = createScanDetector();
    detector.feed({ key: 'a', time: 0 });
    detector.feed({ key: 'b', time: 20 });
    let t = 400;
    expect(detector.feed({ key: '0', time: t })).toMatchObject({ startsBurst: true });
    for (const key of '123456789') detector.feed({ key, time: (t += 4) });
    expect(detector.feed({ key: 'Enter', time: (t += 4) })).toEqual({ type: 'scan', text: '0123456789' });
  });

  it('marks the first key of every burst, so the caller can remember the field before it', () => {
    const detector = createScanDetector();
    expect(detector.feed({ key: 'a', time: 0 })).toEqual({ type: 'char', char: 'a', startsBurst: true });
    expect(detector.feed({ key: 'b', time: 5 })).toEqual({ type: 'char', char: 'b', startsBurst: false });
    expect(detector.feed({ key: 'c', time: 500 })).toEqual({ type: 'char', char: 'c', startsBurst: true });
  });

  it('reads Ctrl+] and ASCII 29 as the group separator of a pack code', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of '0104150063137281') detector.feed({ key, time: (t += 3) });
    detector.feed({ key: ']', ctrlKey: true, time: (t += 3) });
    for (const key of '21SER') detector.feed({ key, time: (t += 3) });
    detector.feed({ key: GROUP_SEPARATOR, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', time: (t += 3) })).toEqual({
      type: 'scan',
      text: `0104150063137281${GROUP_SEPARATOR}21SER${GROUP_SEPARATOR}`,
    });
  });

  it('ignores Shift between characters but breaks the burst on other control keys and shortcuts', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of 'abcd') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Shift', time: (t += 3) })).toEqual({ type: 'pass' });
    for (const key of 'EFGH') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', time: (t += 3) })).toEqual({ type: 'scan', text: 'abcdEFGH' });

    for (const key of 'abcd') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Backspace', time: (t += 3) })).toEqual({ type: 'pass' });
    for (const key of 'efgh') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', time: (t += 3) })).toEqual({ type: 'pass' });

    for (const key of 'abcdefgh') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'a', altKey: true, time: (t += 3) })).toEqual({ type: 'pass' });
    expect(detector.feed({ key: 'Enter', time: (t += 3) })).toEqual({ type: 'pass' });
  });

  it('does not count an Enter that comes long after the burst', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of 'abcdefghij') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', time: t + 500 })).toEqual({ type: 'pass' });
  });

  it('never treats a Ctrl+Enter (submit shortcut) as the end of a scan', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of 'abcdefghij') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', ctrlKey: true, time: (t += 3) })).toEqual({ type: 'pass' });
  });
});
