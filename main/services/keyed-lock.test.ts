import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock';

/** A promise the test settles when it wants: an operation stays "on the wire" until then. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('KeyedLock', () => {
  it('runs operations on one key strictly one after another, even after a failure', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const gates = { '1': gate(), '2': gate(), '3': gate() };
    const op = (name: keyof typeof gates, fail = false) => async () => {
      log.push(`start ${name}`);
      await gates[name].opened;
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const runs = [lock.run('a', op('1', true)), lock.run('a', op('2')), lock.run('b', op('3'))];

    // another key does not wait: 3 runs to its end while 1 is still on the wire, and 2 has not started
    gates['3'].open();
    await expect(runs[2]).resolves.toBe('3');
    expect(log).toEqual(['start 1', 'start 3', 'end 3']);

    gates['1'].open();
    await expect(runs[0]).rejects.toThrow('1');
    gates['2'].open();
    await expect(runs[1]).resolves.toBe('2');
    expect(log.indexOf('end 1')).toBeLessThan(log.indexOf('start 2'));
    expect(log).toEqual(['start 1', 'start 3', 'end 3', 'end 1', 'start 2', 'end 2']);
  });
});
