import { describe, expect, it } from 'vitest';
import { stableEntryKeys } from './DispenseForm';

describe('stableEntryKeys', () => {
  it('keys entries by their own key, so a reset with new field ids keeps them mounted', () => {
    const before = stableEntryKeys([{ id: 'f1', key: 'a' }, { id: 'f2', key: 'b' }]);
    const afterReset = stableEntryKeys([{ id: 'f9', key: 'a' }, { id: 'f10', key: 'b' }]);
    expect(afterReset).toEqual(before);
  });

  it('falls back to the field id where a key is missing or not unique', () => {
    expect(stableEntryKeys([{ id: 'f1', key: 'a' }, { id: 'f2', key: 'a' }, { id: 'f3' }])).toEqual(['f1', 'f2', 'f3']);
  });
});
