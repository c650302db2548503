/**
 * Hostile input on the eGK path (spec erezept-pharmacy §3.9): what a Konnektor's ReadVSD hands over — or something
 * pretending to be a Konnektor or a card — meets the readers of main/egk/ as random text, random bytes behind valid
 * base64 and gzip, and gematik's recorded documents (KoCoBox, RISE, secunet) mutated byte by byte inside the gzip,
 * where the XML and field checks live. Each call returns a typed `EgkReadError` or a valid result, never throws,
 * and never hangs: the oversized cases are timed as a hang guard (CPU time, not a performance target). No error
 * text repeats the patient's data (architecture §7).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKvnr } from '../../../shared/erezept/identifiers';
import type { EgkReadCode, EgkReadError } from '../../../main/egk/egk-error';
import { readEgkProof, type VsdAnswer } from '../../../main/egk/egk-proof';
import { computeHcv } from '../../../main/egk/hcv';
import { decodeIso885915, encodeIso885915 } from '../../../main/egk/iso-8859-15';
import { recordedFields, type Vendor } from '../../../main/egk/testing';
import { readInsuranceData, readPersonalData, readProof } from '../../../main/egk/vsd-documents';
import { withCpuTime } from '../support/cpu-time';

const seed = process.env.CI === 'true' ? 20260606 : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

/** Hang guard for one call on an oversized input, in CPU time (support/cpu-time.ts). */
const HANG_LIMIT_MS = 2_000;
const FIVE_MB = 5 * 1024 * 1024;

// Every code a reader may give; `satisfies Record<…>` keeps the list complete and exact.
const codes = new Set(
  Object.keys({
    'not-base64': 1, 'too-large': 1, 'not-gzip': 1, 'bad-encoding': 1, 'not-xml': 1, 'wrong-document': 1,
    'missing-field': 1, 'bad-field': 1, 'bad-kvnr': 1, unencodable: 1, 'no-proof': 1, 'bad-proof-result': 1,
  } satisfies Record<EgkReadCode, 1>),
);

const VENDORS: readonly Vendor[] = ['KOCO', 'RISE', 'SECUNET'];
const RECORDED = VENDORS.map((vendor) => recordedFields(vendor));
/** What the recordings say about the patients: never in an error text. */
const PERSONAL = /F405001079|F801004277|Wagner|Gematik|Tvsd|Kortrijker|Lübecker|Friedrich-Ebert|19561007|19810830/;

type DocumentField = keyof VsdAnswer;
const FIELDS: readonly DocumentField[] = ['persoenlicheVersichertendaten', 'allgemeineVersicherungsdaten', 'pruefungsnachweis'];

/** The recorded documents unpacked: the bytes inside the gzip (ISO-8859-15 or UTF-8 XML). */
const UNPACKED = RECORDED.map((fields) =>
  Object.fromEntries(FIELDS.map((field) => [field, gunzipSync(Buffer.from((fields[field] ?? '').replace(/\s+/g, ''), 'base64'))])) as Record<DocumentField, Buffer>,
);

const pack = (bytes: Uint8Array): string => gzipSync(bytes).toString('base64');

// ------------------------------------------------------------------------------------------------------------
// Byte mutations inside the gzip: flips, cuts, insertions of XML-ish and encoding-ish pieces, deletions, copies
// ------------------------------------------------------------------------------------------------------------

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'copy'; at: number; length: number };

const piece = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc.constantFrom('<', '>', '</', '/>', '&amp;', '&#0;', '&#x1b;', ']]>', '<![CDATA[x]]>', '<!--c-->', '<!DOCTYPE x>', '<?pi x?>', 'xmlns="urn:x"', 'xmlns:a="urn:a"', '<Strasse>', '<E>3</E>', '<E>9</E>', '<b>', ' encoding="UTF-16"', ' encoding="ISO-8859-15"', '\u00bc', '\u00ff\u00fe', '\u0000', '<Versicherten_ID>X123456789</Versicherten_ID>', '<Geburtsdatum>00000000</Geburtsdatum>')
    .map((text) => Uint8Array.from(Buffer.from(text, 'latin1'))),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: piece }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('copy' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 300 }) }),
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

function mutate(input: Uint8Array, steps: readonly Mutation[]): Uint8Array {
  let bytes = Array.from(input);
  for (const step of steps) {
    const at = step.at % (bytes.length + 1);
    if (step.kind === 'flip' && at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << step.bit);
    else if (step.kind === 'cut') bytes = bytes.slice(0, at);
    else if (step.kind === 'insert') bytes.splice(at, 0, ...step.bytes);
    else if (step.kind === 'delete') bytes.splice(at, step.length);
    else if (step.kind === 'copy') bytes = [...bytes.slice(0, at + step.length), ...bytes.slice(at)];
  }
  return Uint8Array.from(bytes);
}

function mutateText(text: string, steps: readonly Mutation[]): string {
  return Buffer.from(mutate(Buffer.from(text, 'latin1'), steps)).toString('latin1');
}

// ------------------------------------------------------------------------------------------------------------
// What a well-behaved answer looks like
// ------------------------------------------------------------------------------------------------------------

function expectTypedError(error: EgkReadError): void {
  expect(codes.has(error.code)).toBe(true);
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.message.length).toBeLessThan(600);
  expect(error.detail.length).toBeLessThan(400);
  expect(`${error.message} ${error.detail}`).not.toMatch(PERSONAL);
}

/** Runs a reader: it must not throw, and must give a typed error or a result that `valid` accepts. */
function expectAnswer<T>(read: () => { ok: true; data: T } | { ok: false; error: EgkReadError }, valid: (data: T) => void): void {
  const result = read();
  if (result.ok) valid(result.data);
  else expectTypedError(result.error);
}

const isoDate = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function expectProof(answer: VsdAnswer): void {
  expectAnswer(
    () => readEgkProof(answer),
    (proof) => {
      expect(parseKvnr(proof.kvnr).ok).toBe(true);
      expect(proof.hcv).toMatch(/^[A-Za-z0-9_-]{7}$/);
      expect(Buffer.from(proof.hcv, 'base64url')[0]).toBeLessThan(0x80);
      expect(proof.pnw).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(proof.pnw).toBe((answer.pruefungsnachweis ?? '').replace(/[ \t\r\n]+/g, ''));
      expect([1, 2, 3]).toContain(proof.pnResult);
      expect(proof.patient.name.trim().length).toBeGreaterThan(0);
      if (proof.patient.birthDate !== undefined) expect(proof.patient.birthDate).toMatch(isoDate);
    },
  );
}

function expectEachReader(base64: string): void {
  expectAnswer(() => readPersonalData(base64), (data) => expect(parseKvnr(data.kvnr).ok).toBe(true));
  expectAnswer(() => readInsuranceData(base64), (data) => expect(data.versicherungsbeginn.replace(/ /g, '')).toMatch(/^\d{8}$/));
  expectAnswer(() => readProof(base64), (data) => {
    expect(data.timestamp).toMatch(/^\d{14}$/);
    expect([1, 2, 3]).toContain(data.result);
  });
}

function timed<T>(call: () => T): T {
  const { result, cpuMs } = withCpuTime(call);
  expect(cpuMs).toBeLessThan(HANG_LIMIT_MS);
  return result;
}

// ------------------------------------------------------------------------------------------------------------

describe('the eGK readers under hostile input', () => {
  it('the starting points are valid (otherwise the mutations below prove little)', () => {
    for (const fields of RECORDED) expect(readEgkProof(fields).ok).toBe(true);
  });

  it('random text as a field: a typed error, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.base64String({ maxLength: 300 })), (text) => {
        expectEachReader(text);
      }),
      runs(500),
    );
  });

  it('random bytes behind valid gzip and base64: a typed error, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expectEachReader(pack(bytes));
      }),
      runs(500),
    );
  });

  it('the recorded documents mutated inside the gzip: a typed error or a valid reading', () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNPACKED), fc.constantFrom(...FIELDS), mutations, (documents, field, steps) => {
        expectEachReader(pack(mutate(documents[field], steps)));
      }),
      runs(1_500),
    );
  });

  it('whole answers with mutated fields (packed or as base64 text): a typed error or a valid proof', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RECORDED.keys()),
        fc.constantFrom(...FIELDS),
        mutations,
        fc.boolean(),
        (index, field, steps, insideGzip) => {
          const original = RECORDED[index];
          const documents = UNPACKED[index];
          if (!original || !documents) throw new Error('no recording');
          const changed = insideGzip ? pack(mutate(documents[field], steps)) : mutateText(original[field], steps);
          expectProof({ ...original, [field]: changed });
        },
      ),
      runs(1_000),
    );
  });

  it('fields swapped between documents and vendors: a typed error or a valid proof', () => {
    const everyField = RECORDED.flatMap((fields) => FIELDS.map((field) => fields[field]));
    fc.assert(
      fc.property(fc.constantFrom(...everyField), fc.constantFrom(...everyField), fc.option(fc.constantFrom(...everyField), { nil: undefined }), (personal, insurance, proof) => {
        expectProof({ persoenlicheVersichertendaten: personal, allgemeineVersicherungsdaten: insurance, ...(proof === undefined ? {} : { pruefungsnachweis: proof }) });
      }),
      runs(300),
    );
  });

  it('computeHcv on any text: seven base64url characters with the top bit cleared, or unencodable', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.option(fc.string({ unit: 'grapheme', maxLength: 60 }), { nil: undefined }), (beginn, strasse) => {
        const result = computeHcv(beginn, strasse);
        if (result.ok) {
          expect(result.data).toMatch(/^[A-Za-z0-9_-]{7}$/);
          expect(Buffer.from(result.data, 'base64url')[0]).toBeLessThan(0x80);
        } else {
          expect(result.error.code).toBe('unencodable');
          expect(encodeIso885915(`${beginn}${strasse ?? ''}`)).toBeUndefined();
        }
      }),
      runs(500),
    );
  });

  it('ISO-8859-15: every byte string decodes and encodes back to itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(encodeIso885915(decodeIso885915(bytes))).toEqual(bytes);
      }),
      runs(300),
    );
  });

  it('oversized input — 5 MB of text, a gzip bomb, a document nested to the size cap — is refused quickly', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64');
    const deep = pack(Buffer.from(`<UC_PersoenlicheVersichertendatenXML xmlns="http://ws.gematik.de/fa/vsdm/vsd/v5.2">${'<a>'.repeat(9_300)}${'</a>'.repeat(9_300)}</UC_PersoenlicheVersichertendatenXML>`, 'latin1'));
    for (const input of ['A'.repeat(FIVE_MB), ' '.repeat(FIVE_MB), `${RECORDED[0]?.pruefungsnachweis ?? ''}${'='.repeat(FIVE_MB)}`, bomb, deep]) {
      for (const read of [readPersonalData, readInsuranceData, readProof]) {
        const result = timed(() => read(input));
        expect(result.ok).toBe(false);
        if (!result.ok) expectTypedError(result.error);
      }
      expectProof({ persoenlicheVersichertendaten: input, allgemeineVersicherungsdaten: input, pruefungsnachweis: input });
    }
  });
});
