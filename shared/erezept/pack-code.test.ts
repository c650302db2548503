import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pznCheckDigit, type Pzn } from './identifiers';
import {
  expiryFromYymmdd,
  gs1CheckDigit,
  ntinOf,
  parsePackCode,
  ppnCheckDigits,
  ppnOf,
  type PackCodeErrorReason,
  type PackCodeOptions,
} from './pack-code';

if (process.env.CI === 'true') fc.configureGlobal({ seed: 42 });

const GS = '\u001d';
const RS = '\u001e';
const EOT = '\u0004';

// securPharm's sample: PZN 12345678 ⇒ NTIN 04150123456782.
const PZN = '12345678';
const NTIN = '04150123456782';
// The IFA sample PPN 11 03752864 14 (PZN 03752864).
const PPN = '110375286414';
const PPN_PZN = '03752864';

function reasonOf(input: string, options?: PackCodeOptions): PackCodeErrorReason | 'ok' {
  const r = parsePackCode(input, options);
  return r.ok ? 'ok' : r.error.reason;
}

describe('check digits', () => {
  it('computes GS1 mod-10 check digits (known answers)', () => {
    expect(gs1CheckDigit('0415012345678')).toBe(2);
    expect(gs1CheckDigit('0400638133393')).toBe(1); // GTIN-13 4006381333931
    expect(ntinOf(PZN as Pzn)).toBe(NTIN);
  });

  it('computes the PPN check digits (weighted ASCII sum mod 97, weights from 2)', () => {
    expect(ppnCheckDigits('1103752864')).toBe('14');
    expect(ppnOf(PPN_PZN as Pzn)).toBe(PPN);
  });
});

describe('expiryFromYymmdd', () => {
  it.each([
    ['261231', '2026-12-31'],
    ['260200', '2026-02-28'],
    ['280200', '2028-02-29'],
    ['280229', '2028-02-29'],
    ['000229', '2000-02-29'],
    ['270400', '2027-04-30'],
    ['270100', '2027-01-31'],
  ])('reads %s as %s (day 00 = last day of the month)', (yymmdd, iso) => {
    expect(expiryFromYymmdd(yymmdd)).toBe(iso);
  });

  it.each(['270229', '261301', '260001', '260431', '261232', '2612', '26123A', '20261231'])(
    'rejects %s',
    (v) => {
      expect(expiryFromYymmdd(v)).toBeUndefined();
    },
  );
});

describe('parsePackCode: GS1 element strings', () => {
  const full = `01${NTIN}10ABC-123${GS}17261231` + `21SN0001XYZ`;

  it('reads GTIN/NTIN, PZN, batch, expiry and serial', () => {
    expect(parsePackCode(full)).toEqual({
      ok: true,
      data: {
        format: 'gs1',
        pzn: PZN,
        gtin: NTIN,
        batch: 'ABC-123',
        expiry: '2026-12-31',
        serial: 'SN0001XYZ',
      },
    });
  });

  it('accepts the symbology identifier ]d2, a leading FNC1 and the Enter of the scanner', () => {
    for (const code of [
      `]d2${full}`,
      `${GS}${full}`,
      `]d2${GS}${full}`,
      `${full}\r\n`,
      ` ${full} `,
      `${full}${GS}`,
    ]) {
      const r = parsePackCode(code);
      expect(r.ok && r.data.batch, JSON.stringify(code)).toBe('ABC-123');
    }
  });

  it('accepts elements in any order and a GS after fixed-length elements', () => {
    const r = parsePackCode(`21SN1${GS}17270100${GS}10LOT7${GS}01${NTIN}`);
    expect(r.ok && r.data).toEqual({
      format: 'gs1',
      pzn: PZN,
      gtin: NTIN,
      batch: 'LOT7',
      expiry: '2027-01-31',
      serial: 'SN1',
    });
  });

  it.each(['~', '|', '#'])('accepts the group separator substitute %s', (sub) => {
    const r = parsePackCode(`]d201${NTIN}10ABC${sub}17260200${sub}21S1`, { groupSeparatorSubstitute: sub });
    expect(r.ok && r.data).toMatchObject({ batch: 'ABC', expiry: '2026-02-28', serial: 'S1' });
  });

  it('explains a missing group separator', () => {
    const r = parsePackCode(`01${NTIN}10ABC123172612312` + `1SN0001`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toBe('bad-field');
      expect(r.error.message).toMatch(/Gruppentrennzeichen/);
    }
  });

  it('keeps a foreign GTIN without inventing a PZN', () => {
    const r = parsePackCode(`0104006381333931${GS}10B1`);
    expect(r.ok && r.data).toEqual({ format: 'gs1', gtin: '04006381333931', batch: 'B1' });
  });

  it('reads the PZN from AI 710 (multi-market packs) and checks it against the NTIN', () => {
    const r = parsePackCode(`0104006381333931710${PZN}${GS}10B1`);
    expect(r.ok && r.data).toMatchObject({ pzn: PZN, gtin: '04006381333931' });
    expect(reasonOf(`01${NTIN}710${PZN}`)).toBe('ok');
    expect(reasonOf(`01${NTIN}710${PPN_PZN}`)).toBe('pzn-mismatch');
    expect(reasonOf(`710${PZN}${GS}10B1`)).toBe('ok');
    expect(reasonOf(`71012345670${GS}10B1`)).toBe('bad-pzn');
    expect(reasonOf(`7101234567${GS}10B1`)).toBe('bad-field');
  });

  it('skips a production date and foreign reimbursement numbers, but validates them', () => {
    expect(parsePackCode(`01${NTIN}11250115711ABC${GS}10B1`)).toMatchObject({
      ok: true,
      data: { batch: 'B1' },
    });
    expect(reasonOf(`01${NTIN}11251315`)).toBe('bad-date');
  });

  const bad: Array<[string, string, PackCodeErrorReason]> = [
    ['wrong GTIN check digit', `0104150123456783${GS}10B1`, 'bad-gtin'],
    ['NTIN with an invalid PZN', `010415012345670${gs1CheckDigit('0415012345670')}`, 'bad-pzn'],
    ['no product', `10ABC${GS}17261231`, 'missing-product'],
    ['unknown AI', `01${NTIN}240XYZ`, 'unknown-ai'],
    ['AI 00 (SSCC, not a pack)', `00123456789012345675`, 'unknown-ai'],
    ['truncated GTIN', '010415012345678', 'bad-field'],
    ['letters in the GTIN', `01041501234567AB`, 'bad-field'],
    ['empty batch', `01${NTIN}10${GS}17261231`, 'bad-field'],
    ['double GS', `01${NTIN}10B1${GS}${GS}17261231`, 'bad-field'],
    ['batch longer than 20', `01${NTIN}10${'A'.repeat(21)}`, 'bad-field'],
    ['serial longer than 20', `01${NTIN}21${'1'.repeat(21)}`, 'bad-field'],
    ['space in the batch', `01${NTIN}10AB C${GS}17261231`, 'bad-field'],
    ['duplicate batch', `01${NTIN}10A${GS}10B`, 'duplicate-field'],
    ['expiry month 13', `01${NTIN}17261300`, 'bad-date'],
    ['expiry 29 Feb of a common year', `01${NTIN}17270229`, 'bad-date'],
    ['expiry 31 April', `01${NTIN}17260431`, 'bad-date'],
    ['short expiry', `01${NTIN}172612`, 'bad-field'],
    ['NUL byte', `01${NTIN}\u000010B1`, 'control-characters'],
    ['bell', `\u000701${NTIN}`, 'control-characters'],
    ['DEL', `01${NTIN}10B1\u007f`, 'control-characters'],
    ['record separator in GS1 data', `01${NTIN}${RS}10B1`, 'control-characters'],
    ['umlaut', `01${NTIN}10Grüße`, 'bad-characters'],
    ['full-width digits', '０１04150123456782', 'bad-characters'],
    ['zero-width space', `01${NTIN}\u200b`, 'bad-characters'],
    ['NBSP', `\u00a001${NTIN}`, 'bad-characters'],
    ['empty', '', 'empty'],
    ['only the Enter', '\r\n', 'empty'],
    ['oversized', `01${NTIN}10B1${GS}${'9'.repeat(600)}`, 'too-long'],
    ['plain text', 'hello', 'unknown-format'],
    ['E-Rezept token', 'Task/160.000.000.000.123.76/$accept?ac=00', 'unknown-format'],
    ['non-GS1 DataMatrix identifier', `]d1${'01'}${NTIN}`, 'unknown-format'],
    ['symbology identifier only', ']d2', 'unknown-format'],
  ];

  it.each(bad)('rejects %s', (_label, input, reason) => {
    expect(reasonOf(input)).toBe(reason);
  });

  it('keeps CSET 82 data as it is, but never echoes markup in a message', () => {
    // '<' and '>' belong to GS1 CSET 82, so this batch is legal data (the UI must escape it, as React does).
    const r = parsePackCode(`01${NTIN}10<script>`);
    expect(r.ok && r.data.batch).toBe('<script>');
    const illegal = parsePackCode(`01${NTIN}10<script>{}`);
    expect(illegal.ok).toBe(false);
    if (!illegal.ok) {
      expect(illegal.error.reason).toBe('bad-field');
      expect(illegal.error.message).not.toContain('<');
    }
  });
});

describe('parsePackCode: IFA PPN format (ISO/IEC 15434)', () => {
  const ifa = (...elements: string[]): string => `[)>${RS}06${GS}${elements.join(GS)}${RS}${EOT}`;

  it('reads PPN, batch, expiry and serial', () => {
    expect(parsePackCode(ifa(`9N${PPN}`, '1TABC-12_3', 'D261200', 'S12345ABCDE'))).toEqual({
      ok: true,
      data: { format: 'ifa', pzn: PPN_PZN, batch: 'ABC-12_3', expiry: '2026-12-31', serial: '12345ABCDE' },
    });
  });

  it('accepts the data identifiers in any order, with GTIN and production date', () => {
    const r = parsePackCode(
      ifa('SN1', `8P${NTIN}`, '16D20250131', 'D280200', `9N${ppnOf(PZN as Pzn)}`, '1TL1'),
    );
    expect(r.ok && r.data).toEqual({
      format: 'ifa',
      pzn: PZN,
      gtin: NTIN,
      batch: 'L1',
      expiry: '2028-02-29',
      serial: 'N1',
    });
  });

  it('tolerates a wedge that swallows RS and EOT, a trailing GS and a symbology identifier', () => {
    for (const code of [
      `[)>06${GS}9N${PPN}${GS}1TB1`,
      `[)>${RS}06${GS}9N${PPN}${GS}1TB1${GS}${RS}${EOT}`,
      `[)>${RS}06${GS}9N${PPN}${GS}1TB1${EOT}`,
      `]d2[)>${RS}06${GS}9N${PPN}${GS}1TB1${RS}${EOT}`,
      `[)>${RS}06${GS}9N${PPN}${GS}1TB1${RS}${EOT}\n`,
    ]) {
      const r = parsePackCode(code);
      expect(r.ok && r.data, JSON.stringify(code)).toEqual({ format: 'ifa', pzn: PPN_PZN, batch: 'B1' });
    }
  });

  it('accepts a group separator substitute', () => {
    const r = parsePackCode(`[)>06~9N${PPN}~1TB1~D280229~SX7`, { groupSeparatorSubstitute: '~' });
    expect(r.ok && r.data).toMatchObject({ pzn: PPN_PZN, batch: 'B1', expiry: '2028-02-29', serial: 'X7' });
  });

  const bad: Array<[string, string, PackCodeErrorReason]> = [
    ['wrong PPN check digits', ifa('9N110375286415', '1TB1'), 'bad-ppn'],
    ['PPN with a bad PZN (correct PPN check)', ifa(`9N1112345670${ppnCheckDigits('1112345670')}`), 'bad-pzn'],
    ['PPN of another registration agency', ifa(`9N12ABC${ppnCheckDigits('12ABC')}`), 'bad-ppn'],
    ['malformed PPN', ifa('9N11037528641'), 'bad-ppn'],
    ['no PPN', ifa('1TB1', 'D261231', 'S1'), 'missing-product'],
    ['GTIN disagreeing with the PPN', ifa(`9N${PPN}`, `8P${NTIN}`), 'pzn-mismatch'],
    ['wrong GTIN check digit', ifa(`9N${PPN}`, '8P04150123456781'), 'bad-gtin'],
    ['unknown data identifier', ifa(`9N${PPN}`, 'Q12'), 'unknown-di'],
    ['lower-case identifier', ifa(`9n${PPN}`), 'unknown-di'],
    ['empty element', ifa(`9N${PPN}`, '', '1TB1'), 'bad-field'],
    ['empty batch', ifa(`9N${PPN}`, '1T'), 'bad-field'],
    ['batch longer than 20', ifa(`9N${PPN}`, `1T${'A'.repeat(21)}`), 'bad-field'],
    ['duplicate serial', ifa(`9N${PPN}`, 'S1', 'S2'), 'duplicate-field'],
    ['expiry 30 February', ifa(`9N${PPN}`, 'D280230'), 'bad-date'],
    ['expiry month 00', ifa(`9N${PPN}`, 'D280015'), 'bad-date'],
    ['expiry with 8 digits', ifa(`9N${PPN}`, 'D20281231'), 'bad-field'],
    ['bad production date', ifa(`9N${PPN}`, '16D20250230'), 'bad-date'],
    ['format 05 instead of 06', `[)>${RS}05${GS}9N${PPN}${RS}${EOT}`, 'bad-envelope'],
    ['header without GS', `[)>${RS}069N${PPN}`, 'bad-envelope'],
    ['RS in the middle', `[)>${RS}06${GS}9N${PPN}${RS}1TB1${RS}${EOT}`, 'bad-envelope'],
    ['control character in the batch', ifa(`9N${PPN}`, '1TB\u00011'), 'control-characters'],
  ];

  it.each(bad)('rejects %s', (_label, input, reason) => {
    expect(reasonOf(input)).toBe(reason);
  });
});

describe('parsePackCode options', () => {
  it.each(['A', '1', '-', '~~', '', ' ', ']', '['])('refuses the ambiguous substitute %j', (sub) => {
    expect(reasonOf(`01${NTIN}`, { groupSeparatorSubstitute: sub })).toBe('bad-option');
  });

  it('without a configured substitute, a ~ is just an illegal batch character', () => {
    expect(reasonOf(`01${NTIN}10ABC~17261231`)).toBe('bad-field');
  });
});

describe('parsePackCode properties', () => {
  const pznArb = fc
    .stringMatching(/^[0-9]{7}$/)
    .filter((seven) => pznCheckDigit(seven) !== 10)
    .map((seven) => `${seven}${pznCheckDigit(seven)}` as Pzn);
  const dataArb = fc.stringMatching(/^[0-9A-Z_-]{1,20}$/);
  const dateArb = fc
    .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 28 }))
    .map(([y, m, d]) => [y, m, d].map((n) => n.toString().padStart(2, '0')).join(''));
  const separatorArb = fc.constantFrom<[string, PackCodeOptions]>(
    [GS, {}],
    ['~', { groupSeparatorSubstitute: '~' }],
    ['|', { groupSeparatorSubstitute: '|' }],
  );

  it('reads back every GS1 code built from valid data, in any element order', () => {
    fc.assert(
      fc.property(
        pznArb,
        dataArb,
        dateArb,
        dataArb,
        separatorArb,
        fc.nat(),
        (pzn, batch, date, serial, [sep, options], seed) => {
          const elements = [`01${ntinOf(pzn)}`, `10${batch}`, `17${date}`, `21${serial}`];
          const order = elements.map((e, i) => ({ e, k: (seed >> (i * 3)) & 7 })).sort((a, b) => a.k - b.k);
          const code = `]d2${order.map((o) => o.e).join(sep)}`;
          const r = parsePackCode(code, options);
          return (
            r.ok &&
            r.data.pzn === pzn &&
            r.data.batch === batch &&
            r.data.serial === serial &&
            r.data.expiry === expiryFromYymmdd(date)
          );
        },
      ),
    );
  });

  it('reads back every IFA code built from valid data', () => {
    fc.assert(
      fc.property(
        pznArb,
        dataArb,
        dateArb,
        dataArb,
        separatorArb,
        (pzn, batch, date, serial, [sep, options]) => {
          const code = `[)>${RS}06${sep}9N${ppnOf(pzn)}${sep}1T${batch}${sep}D${date}${sep}S${serial}${RS}${EOT}`;
          const r = parsePackCode(code, options);
          return (
            r.ok &&
            r.data.pzn === pzn &&
            r.data.batch === batch &&
            r.data.serial === serial &&
            r.data.expiry === expiryFromYymmdd(date)
          );
        },
      ),
    );
  });

  it('catches every single-digit change in the NTIN', () => {
    fc.assert(
      fc.property(
        pznArb,
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 1, max: 9 }),
        (pzn, i, delta) => {
          const ntin = ntinOf(pzn);
          const changed = ntin.slice(0, i) + String((Number(ntin[i]) + delta) % 10) + ntin.slice(i + 1);
          // GS1 mod 10 (weights 3 and 1) detects every single-digit error.
          const r = parsePackCode(`01${changed}`);
          return !r.ok && r.error.reason === 'bad-gtin';
        },
      ),
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary-ascii', maxLength: 200 }),
        fc.option(fc.constantFrom('~', '|')),
        (input, sub) => {
          const r = parsePackCode(input, sub === null ? {} : { groupSeparatorSubstitute: sub });
          return typeof r.ok === 'boolean';
        },
      ),
    );
  });
});
