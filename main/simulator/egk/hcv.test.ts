import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeIso885915, hcvOf, isIso885915 } from './hcv';

describe('hcv (spec erezept-pharmacy §3.9)', () => {
  it('the spec\'s test vector: VB 20180111, street Beispielstrasse ⇒ 17d643edc2 (F9ZD7cI as Base64URL)', () => {
    const hcv = hcvOf('20180111', 'Beispielstrasse');
    expect(hcv.toString('hex')).toBe('17d643edc2');
    expect(hcv.toString('base64url')).toBe('F9ZD7cI');
  });

  it('removes spaces from the Versicherungsbeginn and trims the street; no street counts as ""', () => {
    expect(hcvOf('2018 01 11', '  Beispielstrasse ')).toEqual(hcvOf('20180111', 'Beispielstrasse'));
    expect(hcvOf('20180111', undefined)).toEqual(hcvOf('20180111', ''));
    expect(hcvOf('20180111', undefined)).not.toEqual(hcvOf('20180111', 'Beispielstrasse'));
  });

  it('clears the top bit of byte 0 and hashes the street as ISO-8859-15 (ß, ü one byte each)', () => {
    // find a Versicherungsbeginn whose plain SHA-256 starts with a byte ≥ 0x80, so the clearing is visible
    const day = Array.from({ length: 31 }, (_, i) => `201801${String(i + 1).padStart(2, '0')}`).find(
      (vb) => (createHash('sha256').update(`${vb}Lübecker Straße`, 'latin1').digest()[0] ?? 0) >= 0x80,
    );
    expect(day).toBeDefined();
    const plain = createHash('sha256').update(`${day}Lübecker Straße`, 'latin1').digest();
    const hcv = hcvOf(day ?? '', 'Lübecker Straße');
    expect(hcv[0]).toBe((plain[0] ?? 0) - 0x80);
    expect(hcv.subarray(1)).toEqual(plain.subarray(1, 5));
  });
});

describe('ISO-8859-15', () => {
  it('writes Latin-1 letters as one byte and the euro sign at 0xA4; refuses what the encoding lacks', () => {
    expect(encodeIso885915('Müller-Lüdenscheidt ß')).toEqual(Buffer.from('Müller-Lüdenscheidt ß', 'latin1'));
    expect(encodeIso885915('€ Š Œ')).toEqual(Buffer.from([0xa4, 0x20, 0xa6, 0x20, 0xbc]));
    expect(new TextDecoder('iso-8859-15').decode(encodeIso885915('Žofie Œuvre 5 €'))).toBe('Žofie Œuvre 5 €');
    expect(isIso885915('Aydın')).toBe(false);
    expect(isIso885915('¤')).toBe(false);
    expect(() => encodeIso885915('Aydın')).toThrow(RangeError);
  });
});
