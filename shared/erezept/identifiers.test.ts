import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listFixtures, readFixture } from '../../test/fixtures';
import {
  flowTypes,
  isPharmacyFlowType,
  isPharmacyTelematikId,
  kvnrCheckDigit,
  makePrescriptionId,
  parseAccessCode,
  parseKvnr,
  parseKvnrFormat,
  parsePrescriptionId,
  parsePzn,
  parsePznFormat,
  parseSecret,
  parseTelematikId,
  prescriptionIdCheckDigits,
  pznCheckDigit,
  safeExcerpt,
  type TelematikId,
} from './identifiers';

// Reproducible in CI, random elsewhere; fast-check prints the seed of a failing run either way.
if (process.env.CI === 'true') fc.configureGlobal({ seed: 42 });

/** Every string that differs from `s` in exactly one digit (replaced by a different digit). */
function singleDigitChange(s: string): fc.Arbitrary<string> {
  const positions = [...s].flatMap((c, i) => (/[0-9]/.test(c) ? [i] : []));
  return fc
    .tuple(fc.constantFrom(...positions), fc.integer({ min: 1, max: 9 }))
    .map(([i, delta]) => s.slice(0, i) + String((Number(s[i]) + delta) % 10) + s.slice(i + 1));
}

const prescriptionIdArb = fc
  .tuple(fc.constantFrom(...flowTypes), fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }))
  .map(([flow, seq]) => makePrescriptionId(flow, seq));

const kvnrArb = fc
  .tuple(fc.integer({ min: 65, max: 90 }), fc.stringMatching(/^[0-9]{8}$/))
  .map(([code, digits]) => {
    const letter = String.fromCharCode(code);
    return `${letter}${digits}${kvnrCheckDigit(letter, digits)}`;
  });

const pznArb = fc
  .stringMatching(/^[0-9]{7}$/)
  .filter((seven) => pznCheckDigit(seven) !== 10)
  .map((seven) => `${seven}${pznCheckDigit(seven)}`);

describe('PrescriptionID (spec §1.3, ISO 7064 Mod 97-10)', () => {
  it.each([
    '160.000.033.491.280.78',
    '160.000.036.967.704.52',
    '160.000.000.000.123.76',
    '160.123.456.789.123.58',
    '160.000.000.000.000.57',
    '160.000.000.000.001.54',
    '200.000.000.000.001.68',
    '169.000.000.000.001.62',
    '166.000.000.000.001.27',
    '209.000.000.000.001.76',
  ])('accepts the valid example %s', (id) => {
    expect(parsePrescriptionId(id)).toEqual({ ok: true, data: id });
  });

  it.each(['160.000.000.000.000.01', '160.000.000.000.000.02', '200.000.000.000.000.01'])(
    'rejects the api-erp example %s with its wrong check digits',
    (id) => {
      const r = parsePrescriptionId(id);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ id: 'PrescriptionId', reason: 'checksum' });
    },
  );

  it.each([
    '',
    '160000000000012376',
    '160.000.000.000.123.7',
    '160.000.000.000.123.766',
    '160-000-000-000-123-76',
    ' 160.000.000.000.123.76',
    '160.000.000.000.123.76\n',
    '160.000.000.000.12a.76',
    '١٦٠.000.000.000.123.76',
  ])('rejects the malformed %j', (id) => {
    const r = parsePrescriptionId(id);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe('format');
  });

  it('computes the check digits of the spec examples', () => {
    expect(prescriptionIdCheckDigits('160', 123n)).toBe('76');
    expect(prescriptionIdCheckDigits('160', 0n)).toBe('57');
    expect(makePrescriptionId('166', 1n)).toBe('166.000.000.000.001.27');
  });

  it('always accepts a generated id', () => {
    fc.assert(fc.property(prescriptionIdArb, (id) => parsePrescriptionId(id).ok));
  });

  it('catches every single-digit change', () => {
    fc.assert(
      fc.property(
        prescriptionIdArb.chain((id) => singleDigitChange(id)),
        (changed) => {
          const r = parsePrescriptionId(changed);
          return !r.ok && r.error.reason === 'checksum';
        },
      ),
    );
  });

  it('accepts every PrescriptionID of the gematik end-to-end examples', () => {
    const ids = new Set<string>();
    const files = listFixtures('gematik/e2e-examples-2025-10', /\.xml$/);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      for (const m of readFixture(file).matchAll(/\b[0-9]{3}(?:\.[0-9]{3}){4}\.[0-9]{2}\b/g)) ids.add(m[0]);
    }
    expect(ids.size).toBeGreaterThan(10);
    for (const id of ids) expect(parsePrescriptionId(id).ok, id).toBe(true);
  });

  it('knows which flow types belong to a pharmacy (spec §1.2)', () => {
    expect(['160', '166', '169', '200', '209'].every(isPharmacyFlowType)).toBe(true);
    expect(isPharmacyFlowType('162')).toBe(false);
    expect(isPharmacyFlowType('165')).toBe(false);
    expect(isPharmacyFlowType('999')).toBe(false);
  });
});

describe('KVNR (spec §1.3)', () => {
  it.each(['X110580065', 'X110411675', 'K220635158', 'A123456780', 'X110614233', 'X110609524'])(
    'accepts the valid %s',
    (kvnr) => {
      expect(parseKvnr(kvnr)).toEqual({ ok: true, data: kvnr });
    },
  );

  it.each(['X123456789', 'X234567890', 'P987654321'])(
    'rejects %s (wrong check digit) without repeating it',
    (kvnr) => {
      const r = parseKvnr(kvnr);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.reason).toBe('checksum');
        // A KVNR identifies a person: it must not end up in a message that may be logged.
        expect(r.error.message).not.toContain(kvnr);
      }
      // …but the format-only parser accepts it for comparing received data (fixtures README).
      expect(parseKvnrFormat(kvnr).ok).toBe(true);
    },
  );

  it.each(['', 'x110411675', 'X11041167', 'X1104116750', '1110411675', 'X11041167O', 'Ä110411675'])(
    'rejects the malformed %j',
    (kvnr) => {
      const r = parseKvnr(kvnr);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.reason).toBe('format');
      expect(parseKvnrFormat(kvnr).ok).toBe(false);
    },
  );

  it('always accepts a generated KVNR', () => {
    fc.assert(fc.property(kvnrArb, (kvnr) => parseKvnr(kvnr).ok));
  });

  it('catches every single-digit change', () => {
    fc.assert(
      fc.property(
        kvnrArb.chain((kvnr) => singleDigitChange(kvnr)),
        (changed) => !parseKvnr(changed).ok,
      ),
    );
  });
});

describe('PZN (spec §1.3, mod 11)', () => {
  it.each(['06313728', '14186244', '05454378', '17377588', '04773414', '12345678'])(
    'accepts the valid %s',
    (pzn) => {
      expect(parsePzn(pzn)).toEqual({ ok: true, data: pzn });
    },
  );

  it.each(['06313727', '14186245', '12345670'])('rejects %s with a wrong check digit', (pzn) => {
    const r = parsePzn(pzn);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe('checksum');
    expect(parsePznFormat(pzn).ok).toBe(true);
  });

  it.each(['1746517', '', '063137280', 'PZN06313', '0631372 '])('rejects the malformed %j', (pzn) => {
    const r = parsePzn(pzn);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe('format');
  });

  it('never accepts a prefix whose check sum is 10 (such PZNs are never issued)', () => {
    // 7·3 = 21, 21 mod 11 = 10
    expect(pznCheckDigit('0000003')).toBe(10);
    for (let d = 0; d <= 9; d++) expect(parsePzn(`0000003${d}`).ok).toBe(false);
  });

  it('always accepts a generated PZN', () => {
    fc.assert(fc.property(pznArb, (pzn) => parsePzn(pzn).ok));
  });

  it('catches every single-digit change', () => {
    fc.assert(
      fc.property(
        pznArb.chain((pzn) => singleDigitChange(pzn)),
        (changed) => !parsePzn(changed).ok,
      ),
    );
  });
});

describe('AccessCode and Secret (spec §1.3, A_19169-01)', () => {
  const hex = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';

  it('accept exactly 64 lowercase hex characters', () => {
    expect(parseAccessCode(hex)).toEqual({ ok: true, data: hex });
    expect(parseSecret(hex)).toEqual({ ok: true, data: hex });
  });

  it.each([
    ['uppercase', hex.toUpperCase()],
    ['63 characters', hex.slice(1)],
    ['65 characters', `${hex}0`],
    ['a non-hex letter', `${hex.slice(1)}g`],
    ['surrounding space', ` ${hex}`],
    ['empty', ''],
  ])('reject %s without echoing the value', (_label, value) => {
    for (const r of [parseAccessCode(value), parseSecret(value)]) {
      expect(r.ok).toBe(false);
      if (!r.ok && value.length > 8) expect(r.error.message).not.toContain(value.trim().slice(0, 16));
    }
  });
});

describe('Telematik-ID (spec §1.3)', () => {
  it.each([
    '3-SMC-B-Testkarte-883110000095957',
    '3-01.2.2023001.16.101',
    '3-SMC-B-Testkarte--883110000163973',
    '5-2-KH-1',
  ])('accepts %s', (id) => {
    expect(parseTelematikId(id)).toEqual({ ok: true, data: id });
  });

  it.each([
    '',
    '3-',
    '-3-abc',
    '3 SMC-B',
    '3-SMC B',
    'X-abc',
    `3-${'a'.repeat(127)}`,
    '3-Apotheke-Müller',
    '3-abc\n',
  ])('rejects %j', (id) => {
    expect(parseTelematikId(id).ok).toBe(false);
  });

  it('recognises pharmacies by their prefix', () => {
    expect(isPharmacyTelematikId('3-01.2.2023001.16.101' as TelematikId)).toBe(true);
    expect(isPharmacyTelematikId('9-abc' as TelematikId)).toBe(true);
    expect(isPharmacyTelematikId('5-2-KH-1' as TelematikId)).toBe(false);
  });
});

describe('safeExcerpt', () => {
  it('keeps plain identifier characters and replaces everything else', () => {
    expect(safeExcerpt('160.000.000.000.123.76')).toBe('160.000.000.000.123.76');
    expect(safeExcerpt('<script>alert(1)</script>', 12)).toBe('·script·aler…');
    expect(safeExcerpt('Grüße\u200b\u00a0')).toBe('Gr··e··');
  });

  it('never shows a long hex run such as an AccessCode', () => {
    const ac = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';
    expect(safeExcerpt(`ac=${ac}`)).toBe('ac=…');
    expect(safeExcerpt(`${'x'.repeat(20)}${ac}`)).not.toMatch(/[0-9a-f]{5}/);
  });

  it('bounds its output on huge input', () => {
    expect(safeExcerpt('y'.repeat(100_000)).length).toBeLessThanOrEqual(25);
  });
});
