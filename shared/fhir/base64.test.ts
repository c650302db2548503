import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64';

describe('base64', () => {
  it('encodes and decodes like Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = bytesToBase64(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64ToBytes(encoded)).toEqual({ ok: true, data: bytes });
      }),
      { seed: 4648, numRuns: 200 },
    );
  });

  it('handles content larger than one encoding chunk', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual({ ok: true, data: bytes });
  });

  it('ignores whitespace of line-wrapped FHIR XML values', () => {
    expect(base64ToBytes(' RGll\ncyBp\r\nc3Q= ')).toEqual({
      ok: true,
      data: new TextEncoder().encode('Dies ist'),
    });
  });

  it('refuses text that is no base64', () => {
    for (const bad of ['ab$c', 'a', '====', 'YQ==YQ==', 'Zm9v-_']) {
      expect(base64ToBytes(bad).ok).toBe(false);
    }
  });
});
