/**
 * The securPharm pack code: the 2D DataMatrix on a medicine pack (Delegated Regulation (EU) 2016/161), scanned to
 * fill MedicationDispense batch lot number and expiry (spec §5, A_21105-02) and to identify the product by PZN.
 * Two syntaxes occur on German packs:
 *
 * - GS1 element string, optionally preceded by a symbology identifier (`]d2`): AI (01) GTIN/NTIN, (10) batch,
 *   (17) expiry, (21) serial, plus (11) production date and (710)–(715) national reimbursement numbers
 *   (710 = German PZN). Variable-length elements end with GS (ASCII 29) unless last. Other AIs are refused with a
 *   clear message rather than guessed at: their length rules decide where the next element starts.
 * - IFA PPN format (ISO/IEC 15434 format 06): `[)>` RS `06` GS then ASC data identifiers separated by GS, in any
 *   order — 9N PPN, 1T batch, D expiry, S serial, 8P GTIN, 16D production date — then RS EOT.
 *
 * A keyboard-wedge scanner that cannot send ASCII 29 sends a configured substitute instead (architecture §5).
 * A wedge may also swallow RS and EOT, so those are optional.
 */
import { err, ok, type Result } from '../ipc/result';
import { parsePzn, safeExcerpt, type Pzn } from './identifiers';

export interface PackCode {
  format: 'gs1' | 'ifa';
  pzn?: Pzn;
  gtin?: string;
  batch?: string;
  /** YYYY-MM-DD */
  expiry?: string;
  serial?: string;
}

export type PackCodeErrorReason =
  | 'empty'
  | 'too-long'
  | 'control-characters'
  | 'bad-characters'
  | 'bad-option'
  | 'unknown-format'
  | 'bad-envelope'
  | 'unknown-ai'
  | 'unknown-di'
  | 'bad-field'
  | 'duplicate-field'
  | 'missing-product'
  | 'bad-gtin'
  | 'bad-ppn'
  | 'bad-pzn'
  | 'pzn-mismatch'
  | 'bad-date';

export interface PackCodeError {
  reason: PackCodeErrorReason;
  /** German, for the pharmacist. */
  message: string;
}

export interface PackCodeOptions {
  /** a scanner that cannot send ASCII 29 sends this substitute instead, e.g. '~' or '|' */
  groupSeparatorSubstitute?: string;
}

/** Far above any real pack code (GTIN + batch + expiry + serial + NHRN ≈ 100 characters). */
export const maxPackCodeLength = 512;

const GS = '\u001d';
const RS = '\u001e';
const EOT = '\u0004';

/** GS1 "CSET 82" (also used for IFA batch and serial): the characters a batch or serial may contain. */
const cset82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;
/** Substitutes that cannot be confused with data or with the envelope (`[)>`, `]d2`). */
const allowedSubstitutes = new Set(['~', '|', '#', '$', '@', '^', '`', '{', '}', '\\']);
/** Symbology identifiers that announce GS1 element strings (DataMatrix, QR, GS1-128, DataBar, DotCode). */
const gs1SymbologyIds = new Set([']d2', ']Q3', ']C1', ']e0', ']J1']);

type Fail = { ok: false; error: PackCodeError };
const fail = (reason: PackCodeErrorReason, message: string): Fail => err({ reason, message });

/** What either syntax yields before the product identification is cross-checked. */
interface RawPackFields {
  gtin?: string;
  /** PZN carried explicitly: GS1 AI 710 or the IFA PPN. */
  pzn?: string;
  batch?: string;
  expiry?: string;
  serial?: string;
}

/**
 * Parses a scanned securPharm pack code (GS1 or IFA PPN syntax), verifying the GTIN/NTIN, PPN and PZN check
 * digits and the dates; expiry day 00 means the last day of that month. The batch and expiry feed
 * MedicationDispense batch.lotNumber / batch.expirationDate (A_21105-02).
 */
export function parsePackCode(input: string, options: PackCodeOptions = {}): Result<PackCode, PackCodeError> {
  if (input.length > maxPackCodeLength) {
    return fail('too-long', `Der Packungscode ist zu lang (mehr als ${maxPackCodeLength} Zeichen).`);
  }
  // The Enter of a keyboard-wedge scanner and stray spaces around the code; never GS/RS/EOT.
  const text = input.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (text === '') return fail('empty', 'Der Scan ist leer.');
  const forbidden = forbiddenCharacters(text);
  if (forbidden.control) {
    return fail('control-characters', 'Der Packungscode enthält unzulässige Steuerzeichen.');
  }
  if (forbidden.nonAscii) {
    return fail(
      'bad-characters',
      'Der Packungscode enthält Zeichen, die in einem securPharm-Code nicht vorkommen.',
    );
  }

  const substitute = options.groupSeparatorSubstitute;
  if (substitute !== undefined && !allowedSubstitutes.has(substitute)) {
    return fail(
      'bad-option',
      `Das Ersatzzeichen für das Gruppentrennzeichen muss eines von ${[...allowedSubstitutes].join(' ')} sein.`,
    );
  }

  const symbologyId = /^\][A-Za-z][0-9]/.exec(text)?.[0];
  let body = symbologyId === undefined ? text : text.slice(symbologyId.length);
  if (substitute !== undefined) body = body.split(substitute).join(GS);

  let fields: Result<RawPackFields, PackCodeError>;
  let format: PackCode['format'];
  if (body.startsWith('[)>')) {
    format = 'ifa';
    fields = parseIfaFields(body);
  } else if (
    (symbologyId === undefined || gs1SymbologyIds.has(symbologyId)) &&
    /^[0-9]/.test(withoutFnc1(body))
  ) {
    format = 'gs1';
    fields = parseGs1Fields(withoutFnc1(body));
  } else {
    return fail('unknown-format', 'Unbekanntes Code-Format: weder E-Rezept noch securPharm-Packungscode.');
  }
  if (!fields.ok) return fields;
  return identifyProduct(format, fields.data);
}

/** Control characters other than the separators GS, RS, EOT; characters outside printable ASCII. */
function forbiddenCharacters(text: string): { control: boolean; nonAscii: boolean } {
  let control = false;
  let nonAscii = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x04 || c === 0x1d || c === 0x1e) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) control = true;
    else if (c > 0x7e) nonAscii = true;
  }
  return { control, nonAscii };
}

/** A leading GS is the FNC1 that marks GS1 data; some scanners transmit it. */
const withoutFnc1 = (body: string): string => (body.startsWith(GS) ? body.slice(1) : body);

/** GS1 mod-10 check digit over the data digits (weights 3, 1, 3 … from the right). */
export function gs1CheckDigit(dataDigits: string): number {
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i++) {
    const fromRight = dataDigits.length - 1 - i;
    sum += Number(dataDigits[i]) * (fromRight % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** The two PPN check digits (IFA PPN specification §9): Σ ASCII(char)·weight, weights 2, 3, 4 …, mod 97. */
export function ppnCheckDigits(praAndProduct: string): string {
  let sum = 0;
  for (let i = 0; i < praAndProduct.length; i++) sum += praAndProduct.charCodeAt(i) * (i + 2);
  return (sum % 97).toString().padStart(2, '0');
}

/** The German NTIN of a PZN: `04150` + PZN8 + GS1 check digit (IFA coding rules). */
export function ntinOf(pzn: Pzn): string {
  const data = `04150${pzn}`;
  return `${data}${gs1CheckDigit(data)}`;
}

/** The PPN of a PZN: PRA code `11` + PZN8 + two check digits. */
export function ppnOf(pzn: Pzn): string {
  return `11${pzn}${ppnCheckDigits(`11${pzn}`)}`;
}

// ---------------------------------------------------------------------------------------------
// Product identification shared by both syntaxes
// ---------------------------------------------------------------------------------------------

function identifyProduct(format: PackCode['format'], f: RawPackFields): Result<PackCode, PackCodeError> {
  let pzn: Pzn | undefined;
  if (f.gtin !== undefined) {
    if (Number(f.gtin[13]) !== gs1CheckDigit(f.gtin.slice(0, 13))) {
      return fail('bad-gtin', `Die GTIN/NTIN ${f.gtin} hat eine falsche Prüfziffer.`);
    }
    if (f.gtin.startsWith('04150')) {
      const fromNtin = parsePzn(f.gtin.slice(5, 13));
      if (!fromNtin.ok)
        return fail('bad-pzn', `Die PZN in der NTIN ${f.gtin} ist ungültig. ${fromNtin.error.message}`);
      pzn = fromNtin.data;
    }
  }
  if (f.pzn !== undefined) {
    const explicit = parsePzn(f.pzn);
    if (!explicit.ok) return fail('bad-pzn', explicit.error.message);
    if (pzn !== undefined && pzn !== explicit.data) {
      return fail('pzn-mismatch', `Der Code enthält zwei verschiedene PZN (${pzn} und ${explicit.data}).`);
    }
    pzn = explicit.data;
  }
  if (f.gtin === undefined && pzn === undefined) {
    return fail('missing-product', 'Der Packungscode enthält weder PZN noch GTIN.');
  }
  const code: PackCode = { format };
  if (pzn !== undefined) code.pzn = pzn;
  if (f.gtin !== undefined) code.gtin = f.gtin;
  if (f.batch !== undefined) code.batch = f.batch;
  if (f.expiry !== undefined) code.expiry = f.expiry;
  if (f.serial !== undefined) code.serial = f.serial;
  return ok(code);
}

/**
 * YYMMDD (GS1 AI 17, ASC DI `D`) → YYYY-MM-DD. Years are 20YY: an expiry lies ahead of us. Day 00 means the last
 * day of that month (GS1 General Specifications for AI (17); IFA coding rules for DI `D`).
 */
export function expiryFromYymmdd(yymmdd: string): string | undefined {
  const m = /^([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(yymmdd);
  if (!m) return undefined;
  const year = 2000 + Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  const lastDay = daysInMonth(year, month);
  const day = Number(m[3]) === 0 ? lastDay : Number(m[3]);
  if (day > lastDay) return undefined;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad2 = (n: number): string => n.toString().padStart(2, '0');

function badDate(what: string, value: string): Fail {
  return fail('bad-date', `${what} „${safeExcerpt(value, 12)}“ ist kein gültiges Datum.`);
}

// ---------------------------------------------------------------------------------------------
// GS1 element string
// ---------------------------------------------------------------------------------------------

type FieldKey = keyof RawPackFields | 'ignored';

interface ElementSpec {
  /** German label for messages */
  label: string;
  key: FieldKey;
  fixed?: number;
  max?: number;
  /** checks the value; returns the stored value or a failure */
  read: (value: string, label: string) => string | Fail;
}

const digitsOnly =
  (n: number) =>
  (value: string, label: string): string | Fail =>
    new RegExp(`^[0-9]{${n}}$`).test(value)
      ? value
      : fail('bad-field', `${label} muss aus ${n} Ziffern bestehen.`);

const text20 = (value: string, label: string): string | Fail =>
  cset82.test(value)
    ? value
    : fail('bad-field', `${label} enthält unzulässige Zeichen („${safeExcerpt(value, 12)}“).`);

/** YYMMDD with day 00 = end of month; used for expiry and production date alike. */
const yymmddField = (value: string, label: string): string | Fail => {
  if (!/^[0-9]{6}$/.test(value)) return fail('bad-field', `${label} muss aus 6 Ziffern (JJMMTT) bestehen.`);
  return expiryFromYymmdd(value) ?? badDate(label, value);
};

const gs1Elements = new Map<string, ElementSpec>([
  ['01', { label: 'GTIN (01)', key: 'gtin', fixed: 14, read: digitsOnly(14) }],
  ['10', { label: 'Charge (10)', key: 'batch', max: 20, read: text20 }],
  ['11', { label: 'Herstellungsdatum (11)', key: 'ignored', fixed: 6, read: yymmddField }],
  ['17', { label: 'Verfallsdatum (17)', key: 'expiry', fixed: 6, read: yymmddField }],
  ['21', { label: 'Seriennummer (21)', key: 'serial', max: 20, read: text20 }],
  // National Healthcare Reimbursement Numbers: 710 = Germany (PZN); 711–715 other markets of a multi-market pack.
  ['710', { label: 'PZN (710)', key: 'pzn', max: 20, read: digitsOnly(8) }],
  ['711', { label: 'NHRN Frankreich (711)', key: 'ignored', max: 20, read: text20 }],
  ['712', { label: 'NHRN Spanien (712)', key: 'ignored', max: 20, read: text20 }],
  ['713', { label: 'NHRN Brasilien (713)', key: 'ignored', max: 20, read: text20 }],
  ['714', { label: 'NHRN Portugal (714)', key: 'ignored', max: 20, read: text20 }],
  ['715', { label: 'NHRN USA (715)', key: 'ignored', max: 20, read: text20 }],
]);

function parseGs1Fields(body: string): Result<RawPackFields, PackCodeError> {
  const fields: RawPackFields = {};
  const seen = new Set<string>();
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === GS) return fail('bad-field', 'Der Packungscode enthält ein leeres Datenelement.');
    if (body[pos] === RS || body[pos] === EOT) {
      return fail('control-characters', 'Der Packungscode enthält unzulässige Steuerzeichen.');
    }
    // GS1 AIs are prefix-free, so trying the 2-digit form before the 3-digit one is unambiguous.
    const ai = [body.slice(pos, pos + 2), body.slice(pos, pos + 3)].find((candidate) =>
      gs1Elements.has(candidate),
    );
    const spec = ai === undefined ? undefined : gs1Elements.get(ai);
    if (ai === undefined || spec === undefined) {
      const shown = safeExcerpt(body.slice(pos, pos + 4), 4);
      return fail(
        'unknown-ai',
        `Der Packungscode enthält einen nicht unterstützten GS1-Datenbezeichner („${shown}…“).`,
      );
    }
    pos += ai.length;
    let value: string;
    if (spec.fixed !== undefined) {
      value = body.slice(pos, pos + spec.fixed);
      pos += value.length;
    } else {
      const end = body.indexOf(GS, pos);
      value = body.slice(pos, end < 0 ? body.length : end);
      pos += value.length;
      if (value === '') return fail('bad-field', `${spec.label} ist leer.`);
      if (value.length > (spec.max ?? 20)) {
        return fail(
          'bad-field',
          `${spec.label} ist länger als ${spec.max ?? 20} Zeichen. Sendet der Scanner das Gruppentrennzeichen nicht? ` +
            'Dann in den Einstellungen ein Ersatzzeichen festlegen.',
        );
      }
    }
    // A GS after a fixed-length element is unnecessary but harmless; after a variable one it ends the element.
    if (body[pos] === GS) pos++;

    if (seen.has(ai)) return fail('duplicate-field', `${spec.label} kommt im Packungscode mehrfach vor.`);
    seen.add(ai);
    const read = spec.read(value, spec.label);
    if (typeof read !== 'string') return read;
    if (spec.key !== 'ignored') fields[spec.key] = read;
  }
  return ok(fields);
}

// ---------------------------------------------------------------------------------------------
// IFA PPN format (ISO/IEC 15434, format 06, ASC MH10 data identifiers)
// ---------------------------------------------------------------------------------------------

const ppnRead = (value: string, label: string): string | Fail => {
  const m = /^([0-9]{2})([0-9A-Z]{1,18})([0-9]{2})$/.exec(value);
  if (!m) return fail('bad-ppn', `${label} hat ein ungültiges Format.`);
  const pra = m[1]!;
  const product = m[2]!;
  const check = m[3]!;
  if (ppnCheckDigits(pra + product) !== check)
    return fail('bad-ppn', `${label} ${value} hat eine falsche Prüfziffer.`);
  // PRA code 11 = IFA, the product number is the PZN-8; others are foreign registration agencies.
  if (pra !== '11' || !/^[0-9]{8}$/.test(product)) {
    return fail('bad-ppn', `${label} ${value} enthält keine deutsche PZN.`);
  }
  return product;
};

const productionYyyymmdd = (value: string, label: string): string | Fail => {
  const m = /^([0-9]{4})([0-9]{2})([0-9]{2})$/.exec(value);
  if (!m) return fail('bad-field', `${label} muss aus 8 Ziffern (JJJJMMTT) bestehen.`);
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) ? value : badDate(label, value);
};

const ifaElements = new Map<string, ElementSpec>([
  ['9N', { label: 'PPN (9N)', key: 'pzn', read: ppnRead }],
  ['1T', { label: 'Charge (1T)', key: 'batch', max: 20, read: text20 }],
  ['D', { label: 'Verfallsdatum (D)', key: 'expiry', read: yymmddField }],
  ['S', { label: 'Seriennummer (S)', key: 'serial', max: 20, read: text20 }],
  ['8P', { label: 'GTIN (8P)', key: 'gtin', read: digitsOnly(14) }],
  ['16D', { label: 'Herstellungsdatum (16D)', key: 'ignored', read: productionYyyymmdd }],
]);

function parseIfaFields(body: string): Result<RawPackFields, PackCodeError> {
  // Header `[)>` RS `06` GS; RS may have been swallowed by a keyboard wedge.
  let content = body.slice('[)>'.length);
  if (content.startsWith(RS)) content = content.slice(1);
  if (!content.startsWith(`06${GS}`)) {
    return fail(
      'bad-envelope',
      'Der Packungscode beginnt mit „[)>“, hat aber nicht den Aufbau des IFA-Formats 06.',
    );
  }
  content = content.slice(3);
  // Trailer RS EOT (either may be missing); a GS before it would only end the last element.
  if (content.endsWith(EOT)) content = content.slice(0, -1);
  if (content.endsWith(RS)) content = content.slice(0, -1);
  if (content.endsWith(GS)) content = content.slice(0, -1);
  if (content.includes(RS) || content.includes(EOT)) {
    return fail('bad-envelope', 'Der Packungscode enthält Satz- oder Endezeichen an unerwarteter Stelle.');
  }

  const fields: RawPackFields = {};
  const seen = new Set<string>();
  for (const element of content.split(GS)) {
    if (element === '') return fail('bad-field', 'Der Packungscode enthält ein leeres Datenelement.');
    const di = /^[0-9]{0,3}[A-Z]/.exec(element)?.[0];
    const spec = di === undefined ? undefined : ifaElements.get(di);
    if (di === undefined || spec === undefined) {
      const shown = safeExcerpt(element.slice(0, 4), 4);
      return fail(
        'unknown-di',
        `Der Packungscode enthält einen nicht unterstützten Datenbezeichner („${shown}…“).`,
      );
    }
    const value = element.slice(di.length);
    if (value === '') return fail('bad-field', `${spec.label} ist leer.`);
    if (spec.max !== undefined && value.length > spec.max) {
      return fail('bad-field', `${spec.label} ist länger als ${spec.max} Zeichen.`);
    }
    if (seen.has(di)) return fail('duplicate-field', `${spec.label} kommt im Packungscode mehrfach vor.`);
    seen.add(di);
    const read = spec.read(value, spec.label);
    if (typeof read !== 'string') return read;
    if (spec.key !== 'ignored') fields[spec.key] = read;
  }
  return ok(fields);
}
