import { describe, expect, it } from 'vitest';
import { refusedCharacters, replyTextLength, replyTextLimit, withoutRefusedCharacters } from './reply-text';

describe('characters a reply may not carry (spec §3.11)', () => {
  it('allows ordinary German text with line breaks, tabs, umlauts, € and emoji', () => {
    expect(
      refusedCharacters('Grüße aus der Löwen-Apotheke:\r\n\tAbholung ab 14 Uhr, 5 € Zuzahlung 😀'),
    ).toEqual([]);
  });

  it('names C0 controls, DEL, C1 controls, the BOM, U+FFFD and half an emoji — each once, in order', () => {
    const text = 'a\u0007b\u001bc\u0007\u007f\u0085\u009f\ufeffd\ufffd\u0000 \ud83d';
    expect(refusedCharacters(text)).toEqual([
      { codePoint: 'U+0007', kind: 'control' },
      { codePoint: 'U+001B', kind: 'control' },
      { codePoint: 'U+007F', kind: 'control' },
      { codePoint: 'U+0085', kind: 'control' },
      { codePoint: 'U+009F', kind: 'control' },
      { codePoint: 'U+FEFF', kind: 'bom' },
      { codePoint: 'U+FFFD', kind: 'replacement' },
      { codePoint: 'U+0000', kind: 'control' },
      { codePoint: 'U+D83D', kind: 'surrogate' },
    ]);
  });

  it('keeps the characters just outside the control ranges (space, ~, NBSP)', () => {
    expect(refusedCharacters(' ~\u00a0\u001f')).toEqual([{ codePoint: 'U+001F', kind: 'control' }]);
  });

  it('removes only the refused characters, and a lone half of an emoji but not a whole one', () => {
    expect(withoutRefusedCharacters('\ufeffAb\u0007holung\r\nbereit\ufffd 😀\ude00')).toBe(
      'Abholung\r\nbereit 😀',
    );
  });

  it('limits v1 texts to 500 and v3 texts to 800 characters, an emoji counting as one', () => {
    expect(replyTextLimit(1)).toBe(500);
    expect(replyTextLimit(3)).toBe(800);
    expect(replyTextLength('Ä€')).toBe(2);
    expect(replyTextLength('😀x')).toBe(2);
  });
});
