import { describe, expect, it } from 'vitest';
import { findUnsendableCharacters, unsendableCharacters } from './message-characters';

describe('unsendableCharacters (api-erp: no C0/C1, BOM, U+FFFD in a message)', () => {
  it('lets ordinary text with umlauts, line breaks, tabs and emoji pass', () => {
    expect(unsendableCharacters('Grüße!\nAbholung ab 14 Uhr\tbitte 😊')).toEqual([]);
  });

  it('names a bell, a C1 control, a BOM and a replacement character with their positions', () => {
    expect(findUnsendableCharacters('a\u0007b\u0085c\uFEFFd\uFFFD')).toEqual([
      { codePoint: 'U+0007', kind: 'control', position: 2 },
      { codePoint: 'U+0085', kind: 'control', position: 4 },
      { codePoint: 'U+FEFF', kind: 'bom', position: 6 },
      { codePoint: 'U+FFFD', kind: 'replacement', position: 8 },
    ]);
  });

  it('counts an emoji as one character for the position and names a repeated character once', () => {
    expect(findUnsendableCharacters('😊\u0000\u0000')).toEqual([{ codePoint: 'U+0000', kind: 'control', position: 2 }]);
    expect(unsendableCharacters('x\u0007')[0]).toMatch(/^Zeichen 2 \(U\+0007\) ist ein Steuerzeichen/);
  });
});
