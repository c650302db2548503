/**
 * Hostile input: the parsers that read what a scanner, a patient's code or the Fachdienst
 * delivers — the E-Rezept-Token (spec §2, A_22078: validate scanned content before use), the securPharm pack
 * code (A_21105-02), the QES container and the KBV bundle inside it (spec §3.2) — meet random, mutated and
 * oversized input. Each call returns a typed error or a valid result, never throws, and never hangs: the 5 MB
 * cases are timed as a hang guard (not a performance target).
 *
 * Mutations start from a valid input (bit flips, truncations, insertions, deletions, duplications), because
 * purely random text is refused at the first character and never reaches the deeper code paths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseErezeptCode, type TokenErrorReason } from '../../../shared/erezept/token';
import { parsePackCode, type PackCodeErrorReason } from '../../../shared/erezept/pack-code';
import { prescriptionViewSchema } from '../../../shared/erezept/prescription';
import { extractCmsContent } from '../../../shared/fhir/cms';
import { readPrescriptionFromQes, readPrescriptionXml, type ReadErrorCode } from '../../../shared/fhir/kbv';
import { fhirXmlToJson } from '../../../shared/fhir/xml';
import { listFixtures, readFixture, readFixtureBytes } from '../../fixtures';
import { withCpuTime } from '../support/cpu-time';

const seed = process.env.CI === 'true' ? 20260606 : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

/** Hang guard for one call on a 5 MB input, in CPU time (support/cpu-time.ts). */
const HANG_LIMIT_MS = 2_000;
const FIVE_MB = 5 * 1024 * 1024;

// Every reason a parser may give; `satisfies Record<…>` makes the compiler keep these lists complete and exact.
const tokenReasons = new Set(
  Object.keys({
    empty: 1, 'too-long': 1, 'control-characters': 1, 'not-json': 1, 'bad-shape': 1, 'no-tokens': 1,
    'too-many-tokens': 1, 'absolute-url': 1, 'bad-token': 1, 'bad-prescription-id': 1, 'bad-access-code': 1,
    'trailing-garbage': 1, 'duplicate-token': 1, 'foreign-flow-type': 1,
  } satisfies Record<TokenErrorReason, 1>),
);
const packReasons = new Set(
  Object.keys({
    empty: 1, 'too-long': 1, 'control-characters': 1, 'bad-characters': 1, 'bad-option': 1, 'unknown-format': 1,
    'bad-envelope': 1, 'unknown-ai': 1, 'unknown-di': 1, 'bad-field': 1, 'duplicate-field': 1,
    'missing-product': 1, 'bad-gtin': 1, 'bad-ppn': 1, 'bad-pzn': 1, 'pzn-mismatch': 1, 'bad-date': 1,
  } satisfies Record<PackCodeErrorReason, 1>),
);
const readErrorCodes = new Set(
  Object.keys({ 'unsupported-version': 1, 'not-kbv-bundle': 1, malformed: 1 } satisfies Record<ReadErrorCode, 1>),
);

const HEX64 = /[0-9a-fA-F]{64}/;
const GS = '\u001d';
/** Strings that look like GS1 element strings (AIs 01, 10, 17, 21, 710, separated by GS), to get past the first checks. */
const gs1ish = new RegExp(`^(\\]d2)?(01\\d{14}|10[A-Z0-9]{1,20}|17\\d{6}|21[A-Z0-9]{1,20}|710\\d{8}|${GS}){1,8}$`);

// Valid starting points: the spec §2 example token, a securPharm GS1 code (NTIN of PZN 12345678) and an IFA PPN code.
const AC = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';
const TOKEN = `Task/160.000.000.000.123.76/$accept?ac=${AC}`;
const TOKEN2 = `Task/200.000.000.000.001.68/$accept?ac=${'0123456789abcdef'.repeat(4)}`;
const VALID_CODES = [TOKEN, `{"urls":["${TOKEN}"]}`, `{ "urls" : [ "${TOKEN}", "${TOKEN2}" ] }\r\n`];
const NTIN = '04150123456782';
const VALID_PACKS = [
  `]d201${NTIN}10LOT7${GS}17270100${GS}21SN1`,
  `21SN1${GS}17270100${GS}10LOT7${GS}01${NTIN}`,
  `[)>\u001e06${GS}9N110375286414${GS}1TLOT7${GS}D270131${GS}SSN1\u001e\u0004`,
];

const PZN_XML = readFixture(
  'gematik/e2e-examples-2025-10/PZN-Verordnung/PZN-Verordnung_1/PZN_Nr1_VerordnungArzt.xml',
);
const QES_FILE = listFixtures('gematik/qes-signed', /\.p7$/)[0];
if (QES_FILE === undefined) throw new Error('no QES fixture found in gematik/qes-signed');
const QES = readFixtureBytes(QES_FILE);

// ------------------------------------------------------------------------------------------------------------
// Mutations
// ------------------------------------------------------------------------------------------------------------

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number };

const insertion = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', '/', '..', '%2F', '?', '&ac=', '\u0000', '\u001d', '\u001e',
    '\u00a0', '\u200b', '\ud800', '<', '>', '&amp;', ']]>', '<!--', '<!DOCTYPE x>', '&#0;', 'xmlns="x"', AC),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: insertion }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

function mutateText(text: string, steps: readonly Mutation[]): string {
  let out = text;
  for (const step of steps) {
    const at = out.length === 0 ? 0 : step.at % (out.length + 1);
    switch (step.kind) {
      case 'flip': {
        if (at >= out.length) break;
        const flipped = String.fromCharCode(out.charCodeAt(at) ^ (1 << step.bit));
        out = out.slice(0, at) + flipped + out.slice(at + 1);
        break;
      }
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'insert':
        out = out.slice(0, at) + step.text + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + step.length);
        break;
      case 'duplicate':
        out = out.slice(0, at + step.length) + out.slice(at);
        break;
    }
  }
  return out;
}

function mutateBytes(bytes: Uint8Array, steps: readonly Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const step of steps) {
    const at = out.length === 0 ? 0 : step.at % (out.length + 1);
    switch (step.kind) {
      case 'flip':
        if (at < out.length) out[at] = (out[at] ?? 0) ^ (1 << step.bit % 8);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'insert':
        out.splice(at, 0, ...Array.from(step.text, (c) => c.charCodeAt(0) & 0xff));
        break;
      case 'delete':
        out.splice(at, step.length);
        break;
      case 'duplicate':
        out = [...out.slice(0, at + step.length), ...out.slice(at)];
        break;
    }
  }
  return new Uint8Array(out);
}

/** Runs `call`, failing when it throws or — for oversized input — takes longer than the hang guard. */
function timed<T>(call: () => T): T {
  const { result, cpuMs } = withCpuTime(call);
  expect(cpuMs).toBeLessThan(HANG_LIMIT_MS);
  return result;
}

// ------------------------------------------------------------------------------------------------------------
// What a well-behaved answer looks like
// ------------------------------------------------------------------------------------------------------------

function expectTokenAnswer(input: string): void {
  const result = parseErezeptCode(input);
  if (result.ok) {
    expect(result.data.length).toBeGreaterThanOrEqual(1);
    expect(result.data.length).toBeLessThanOrEqual(3);
    for (const token of result.data) {
      // What passed is canonical: it re-parses to itself and carries nothing but the id and the AccessCode.
      expect(token.token).toMatch(/^Task\/\d{3}\.\d{3}\.\d{3}\.\d{3}\.\d{3}\.\d{2}\/\$accept\?ac=[0-9a-f]{64}$/);
      expect(parseErezeptCode(token.token)).toEqual({ ok: true, data: [token] });
    }
    return;
  }
  expect(tokenReasons.has(result.error.reason)).toBe(true);
  expect(result.error.message.length).toBeGreaterThan(0);
  expect(result.error.message.length).toBeLessThan(400);
  // An AccessCode is a secret (architecture §9.4): never in a message.
  expect(result.error.message).not.toMatch(HEX64);
}

function expectPackAnswer(input: string, substitute?: string): void {
  const result = parsePackCode(input, substitute === undefined ? {} : { groupSeparatorSubstitute: substitute });
  if (result.ok) {
    expect(['gs1', 'ifa']).toContain(result.data.format);
    if (result.data.pzn !== undefined) expect(result.data.pzn).toMatch(/^\d{8}$/);
    if (result.data.expiry !== undefined) expect(result.data.expiry).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    if (result.data.gtin !== undefined) expect(result.data.gtin).toMatch(/^\d{14}$/);
    return;
  }
  expect(packReasons.has(result.error.reason)).toBe(true);
  expect(result.error.message.length).toBeGreaterThan(0);
  expect(result.error.message.length).toBeLessThan(400);
}

function expectPrescriptionAnswer(result: ReturnType<typeof readPrescriptionXml>): void {
  if (result.ok) {
    expect(prescriptionViewSchema.safeParse(result.data).success).toBe(true);
    return;
  }
  expect(readErrorCodes.has(result.error.code)).toBe(true);
  expect(result.error.message.length).toBeGreaterThan(0);
}

function expectStringError(result: { ok: true } | { ok: false; error: string }): void {
  if (!result.ok) {
    expect(typeof result.error).toBe('string');
    expect(result.error.length).toBeGreaterThan(0);
  }
}

// ------------------------------------------------------------------------------------------------------------
// The E-Rezept-Token (spec §2)
// ------------------------------------------------------------------------------------------------------------

describe('parseErezeptCode under hostile input', () => {
  it('the starting points are valid (otherwise the mutations below prove little)', () => {
    for (const code of VALID_CODES) expect(parseErezeptCode(code).ok).toBe(true);
  });

  it('random text: a typed error or a canonical token, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.json(), fc.string({ unit: 'grapheme' })), (input) => {
        expectTokenAnswer(input);
      }),
      runs(1_000),
    );
  });

  it('mutated valid codes: a typed error or a canonical token', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_CODES), mutations, (code, steps) => {
        expectTokenAnswer(mutateText(code, steps));
      }),
      runs(2_000),
    );
  });

  it('JSON codes with hostile structure: extra keys, __proto__, deep nesting, many tokens', () => {
    const structure = fc.oneof(
      fc.array(fc.constantFrom(TOKEN, TOKEN2, 42, null, {}, [TOKEN]), { maxLength: 6 }).map((urls) => JSON.stringify({ urls })),
      fc.constantFrom(
        `{"urls":["${TOKEN}"],"urls":["${TOKEN2}"]}`,
        `{"__proto__":{"urls":["${TOKEN}"]}}`,
        `{"urls":["${TOKEN}"],"__proto__":[]}`,
        `{"constructor":["${TOKEN}"]}`,
        `[{"urls":["${TOKEN}"]}]`,
        `{"urls":"${TOKEN}"}`,
      ),
      fc.integer({ min: 1, max: 1_000 }).map((depth) => `${'['.repeat(depth)}"${TOKEN}"${']'.repeat(depth)}`),
      fc.integer({ min: 1, max: 1_000 }).map((depth) => `${'{"urls":'.repeat(depth)}["${TOKEN}"]${'}'.repeat(depth)}`),
    );
    fc.assert(
      fc.property(structure, (input) => {
        const result = parseErezeptCode(input);
        expectTokenAnswer(input);
        // Only the exact {"urls":[…]} shape passes (A_19553-01).
        if (result.ok) expect(input).toMatch(/^\s*\{\s*"urls"\s*:\s*\[/);
      }),
      runs(300),
    );
  });

  it('5 MB inputs are refused quickly', () => {
    const huge = [
      'x'.repeat(FIVE_MB),
      `{"urls":["${TOKEN}"${`,"${TOKEN}"`.repeat(FIVE_MB / TOKEN.length)}]}`,
      '['.repeat(FIVE_MB),
      `${TOKEN}${'a'.repeat(FIVE_MB)}`,
      ' '.repeat(FIVE_MB) + TOKEN,
    ];
    for (const input of huge) {
      const result = timed(() => parseErezeptCode(input));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.reason).toBe('too-long');
    }
  });
});

// ------------------------------------------------------------------------------------------------------------
// The securPharm pack code (A_21105-02)
// ------------------------------------------------------------------------------------------------------------

describe('parsePackCode under hostile input', () => {
  it('the starting points are valid', () => {
    for (const code of VALID_PACKS) expect(parsePackCode(code).ok).toBe(true);
  });

  it('random text and random substitutes: a typed error or a plausible pack code', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.stringMatching(gs1ish)),
        fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
        (input, substitute) => {
          expectPackAnswer(input, substitute);
        },
      ),
      runs(1_000),
    );
  });

  it('mutated valid codes: a typed error or a plausible pack code', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_PACKS), mutations, (code, steps) => {
        expectPackAnswer(mutateText(code, steps));
      }),
      runs(2_000),
    );
  });

  it('5 MB inputs are refused quickly', () => {
    const huge = ['1'.repeat(FIVE_MB), `]d201${NTIN}10${'A'.repeat(FIVE_MB)}`, GS.repeat(FIVE_MB), `${VALID_PACKS[0]}${' '.repeat(FIVE_MB)}`];
    for (const input of huge) {
      const result = timed(() => parsePackCode(input, { groupSeparatorSubstitute: '~' }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.reason).toBe('too-long');
    }
  });
});

// ------------------------------------------------------------------------------------------------------------
// FHIR XML and the KBV prescription reader (spec §3.2)
// ------------------------------------------------------------------------------------------------------------

describe('fhirXmlToJson and readPrescriptionXml under hostile input', () => {
  it('the starting point is a readable prescription', () => {
    expect(readPrescriptionXml(PZN_XML).ok).toBe(true);
  });

  it('random text: a typed error, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string().map((s) => `<Bundle xmlns="http://hl7.org/fhir">${s}</Bundle>`)), (input) => {
        expectStringError(fhirXmlToJson(input));
        expectPrescriptionAnswer(readPrescriptionXml(input));
      }),
      runs(300),
    );
  });

  it('mutated prescription XML: a typed error or a valid view', () => {
    fc.assert(
      fc.property(mutations, (steps) => {
        const xml = mutateText(PZN_XML, steps);
        expectStringError(fhirXmlToJson(xml));
        expectPrescriptionAnswer(readPrescriptionXml(xml));
      }),
      runs(300),
    );
  });

  it('5 MB documents — XML or not, well-formed or not — are refused quickly', () => {
    const fiveMbInFixture = (inner: string) => PZN_XML.replace('</Bundle>', `${inner}</Bundle>`);
    for (const xml of [
      '<'.repeat(FIVE_MB),
      'x'.repeat(FIVE_MB),
      `<!DOCTYPE x>${'<a>'.repeat(FIVE_MB / 3)}`,
      `<Bundle xmlns="http://hl7.org/fhir">${'<a>'.repeat(FIVE_MB / 3)}`,
      fiveMbInFixture('<meta><lastUpdated value="2026-01-01"/></meta>'.repeat(104_857)),
      fiveMbInFixture(`<!--${'c'.repeat(FIVE_MB)}-->`),
    ]) {
      expectStringError(timed(() => fhirXmlToJson(xml)));
      const read = timed(() => readPrescriptionXml(xml));
      expect(read.ok).toBe(false);
      expectPrescriptionAnswer(read);
    }
  });

  it('deeply nested elements (20 000 levels) end in a typed error, not a stack overflow', () => {
    const depth = 20_000;
    const xml = `<Bundle xmlns="http://hl7.org/fhir">${'<extension url="x">'.repeat(depth)}${'</extension>'.repeat(depth)}</Bundle>`;
    expectStringError(fhirXmlToJson(xml));
    expectPrescriptionAnswer(readPrescriptionXml(xml));
    const deepInFixture = PZN_XML.replace('</Bundle>', `${'<entry>'.repeat(depth)}${'</entry>'.repeat(depth)}</Bundle>`);
    expectStringError(fhirXmlToJson(deepInFixture));
    expectPrescriptionAnswer(readPrescriptionXml(deepInFixture));
  });
});

// ------------------------------------------------------------------------------------------------------------
// The QES container (CMS SignedData, RFC 5652) and the whole path QES → KBV XML → view
// ------------------------------------------------------------------------------------------------------------

describe('extractCmsContent and readPrescriptionFromQes under hostile input', () => {
  it('the starting point is a readable container', () => {
    expect(extractCmsContent(QES).ok).toBe(true);
  });

  it('random bytes: a typed error, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expectStringError(extractCmsContent(bytes));
        const read = readPrescriptionFromQes(bytes);
        if (!read.ok) expect(readErrorCodes.has(read.error.code)).toBe(true);
      }),
      // found once: an empty GeneralizedTime made asn1js throw instead of reporting an error
      { ...runs(500), examples: [[Uint8Array.from([0x18, 0x00])]] },
    );
  });

  it('mutated containers: a typed error or a valid view', () => {
    fc.assert(
      fc.property(mutations, (steps) => {
        const bytes = mutateBytes(QES, steps);
        expectStringError(extractCmsContent(bytes));
        const read = readPrescriptionFromQes(bytes);
        if (read.ok) expect(prescriptionViewSchema.safeParse(read.data.view).success).toBe(true);
        else expect(readErrorCodes.has(read.error.code)).toBe(true);
      }),
      runs(300),
    );
  });

  it('5 MB containers end in a typed error, quickly', () => {
    const random = new Uint8Array(FIVE_MB);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2_654_435_761) >>> 24;
    // SEQUENCE with indefinite length, nested over and over (BER allows it): a recursion bomb for a decoder.
    const nestedIndefinite = new Uint8Array(FIVE_MB).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    // Definite lengths that claim gigabytes.
    const claimsHuge = new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, ...new Uint8Array(1024)]);
    const padded = new Uint8Array(QES.length + FIVE_MB);
    padded.set(QES);
    for (const bytes of [random, nestedIndefinite, claimsHuge, padded, new Uint8Array(FIVE_MB)]) {
      expectStringError(timed(() => extractCmsContent(bytes)));
      const read = timed(() => readPrescriptionFromQes(bytes));
      if (!read.ok) expect(readErrorCodes.has(read.error.code)).toBe(true);
    }
  });
});
