import { describe, expect, it } from 'vitest';
import { createScanDetector, GROUP_SEPARATOR, type KeyVerdict, type ScanDetector } from './scan-detector';

/** Feeds `text` + Enter with the given gaps (ms) and returns the verdict of the Enter. */
function run(text: string, gapMs: number | ((i: number) => number), detector: ScanDetector = createScanDetector(), start = 1000): KeyVerdict {
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
    expect(run(token, 4)).toEqual({ type: 'scan', text: token, startIndex: 0 });
  });

  it('takes typing at human speed for typing, even when it is long', () => {
    expect(run('B2026-11X', 110)).toEqual({ type: 'pass' });
    expect(run('12345678', 60)).toEqual({ type: 'pass' });
  });

  it('needs at least eight characters', () => {
    expect(run('1234567', 3)).toEqual({ type: 'pass' });
    expect(run('12345678', 3)).toEqual({ type: 'scan', text: '12345678', startIndex: 0 });
  });

  it('keeps a scan whole when a busy machine delays some of its events', () => {
    // delays of 70, 300 and twice 150 ms among 40 keys at 5 ms, also right at the start: the mean stays low
    const delays: Record<number, number> = { 2: 300, 20: 70, 30: 150, 31: 150 };
    expect(run(token.slice(0, 40), (i) => delays[i] ?? 5)).toEqual({ type: 'scan', text: token.slice(0, 40), startIndex: 0 });
  });

  it('leaves out what a person typed just before the scan, and reports where the scan began', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of 'abc') detector.feed({ key, time: (t += 150) });
    t += 200;
    for (const key of '0123456789') detector.feed({ key, time: (t += 4) });
    expect(detector.feed({ key: 'Enter', time: t + 4 })).toEqual({ type: 'scan', text: '0123456789', startIndex: 3 });
  });

  it('starts afresh after a real pause', () => {
    // 600 ms pause: only the 4 keys after it count, too few
    expect(run('abcdefghij', (i) => (i === 6 ? 600 : 5))).toEqual({ type: 'pass' });
    const detector = createScanDetector();
    expect(detector.feed({ key: 'a', time: 0 })).toEqual({ type: 'char', char: 'a', index: 0 });
    expect(detector.feed({ key: 'b', time: 5 })).toEqual({ type: 'char', char: 'b', index: 1 });
    expect(detector.feed({ key: 'c', time: 1000 })).toEqual({ type: 'char', char: 'c', index: 0 });
  });

  it('reads Ctrl+] and ASCII 29 as the group separator of a pack code', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of '0104150063137281') detector.feed({ key, time: (t += 3) });
    detector.feed({ key: 'Control', ctrlKey: true, time: (t += 3) });
    detector.feed({ key: ']', ctrlKey: true, time: (t += 3) });
    for (const key of '21SER') detector.feed({ key, time: (t += 3) });
    detector.feed({ key: GROUP_SEPARATOR, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', time: (t += 3) })).toEqual({
      type: 'scan',
      text: `0104150063137281${GROUP_SEPARATOR}21SER${GROUP_SEPARATOR}`,
      startIndex: 0,
    });
  });

  it('ignores Shift between characters but starts afresh after other control keys and shortcuts', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of 'abcd') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Shift', time: (t += 3) })).toEqual({ type: 'pass' });
    for (const key of 'EFGH') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', time: (t += 3) })).toEqual({ type: 'scan', text: 'abcdEFGH', startIndex: 0 });

    for (const key of 'abcd') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Backspace', time: (t += 3) })).toEqual({ type: 'pass' });
    for (const key of 'efgh') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', time: (t += 3) })).toEqual({ type: 'pass' });

    for (const key of 'abcdefgh') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'a', altKey: true, time: (t += 3) })).toEqual({ type: 'pass' });
    expect(detector.feed({ key: 'Enter', time: (t += 3) })).toEqual({ type: 'pass' });
  });

  it('does not count an Enter that comes long after the keys', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of 'abcdefghij') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', time: t + 800 })).toEqual({ type: 'pass' });
  });

  it('never treats a Ctrl+Enter (submit shortcut) as the end of a scan', () => {
    const detector = createScanDetector();
    let t = 0;
    for (const key of 'abcdefghij') detector.feed({ key, time: (t += 3) });
    expect(detector.feed({ key: 'Enter', ctrlKey: true, time: (t += 3) })).toEqual({ type: 'pass' });
  });
});
