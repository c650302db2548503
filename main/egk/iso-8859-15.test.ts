import { describe, expect, it } from 'vitest';
import { decodeIso885915, encodeIso885915 } from './iso-8859-15';

describe('ISO-8859-15', () => {
  it('decodes the eight positions where it differs from Latin-1, and the rest like Latin-1', () => {
    expect(decodeIso885915(Uint8Array.from([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]))).toBe('€ŠšŽžŒœŸ');
    expect(decodeIso885915(Uint8Array.from([0x4c, 0xfc, 0x62, 0xa3, 0xdf, 0xa0]))).toBe('Lüb£ß\u00a0');
  });

  it('encodes back to the same bytes, all 256 of them', () => {
    const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    expect(encodeIso885915(decodeIso885915(all))).toEqual(all);
  });

  it('encodes € as 0xA4 and refuses what it has no byte for — including the Latin-1 characters it replaced', () => {
    expect(encodeIso885915('5 €')).toEqual(Uint8Array.from([0x35, 0x20, 0xa4]));
    for (const text of ['¤', '¼', 'Łódź', '😀', 'ẞ']) expect(encodeIso885915(text)).toBeUndefined();
  });

  it('decodes more than one slice (long input)', () => {
    const long = new Uint8Array(20_000).fill(0xbc);
    expect(decodeIso885915(long)).toBe('Œ'.repeat(20_000));
  });
});
