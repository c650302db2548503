import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyedLock', () => {
  it('runs operations on one key strictly one after another, even after a failure', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const op = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([lock.run('a', op('1', true)), lock.run('a', op('2')), lock.run('b', op('3'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('end 1')).toBeLessThan(log.indexOf('start 2'));
    // another key does not wait
    expect(log.indexOf('start 3')).toBeLessThan(log.indexOf('end 1'));
  });
});
