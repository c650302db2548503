import { describe, expect, it } from 'vitest';
import { generatePickUpCode, PICKUP_CODE_ALPHABET } from './pickup-code';

describe('pick-up code (payload pickUpCodeHR ≤ 8, spec §3.11)', () => {
  it('has 32 symbols without the easily confused 0/O and 1/I', () => {
    expect(new Set(PICKUP_CODE_ALPHABET).size).toBe(32);
    expect(PICKUP_CODE_ALPHABET).not.toMatch(/[01OI]/);
  });

  it('is six characters of the alphabet, from the cryptographic random source by default', () => {
    for (let i = 0; i < 50; i += 1) {
      const code = generatePickUpCode();
      expect(code).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$/);
    }
    expect(new Set(Array.from({ length: 20 }, () => generatePickUpCode())).size).toBeGreaterThan(1);
  });

  it('maps each random byte evenly onto the alphabet (byte mod 32)', () => {
    const bytes = [0, 31, 32, 255, 8, 40];
    expect(generatePickUpCode((target) => (target.set(bytes), target))).toBe('2Z2ZAA');
  });
});
