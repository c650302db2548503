/**
 * Identifiers of the E-Rezept as branded types (spec §1.3), so that a Secret can never be passed where an
 * AccessCode belongs (architecture §9.4). Every parser returns a typed error instead of throwing.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../ipc/result';

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type PrescriptionId = Brand<string, 'PrescriptionId'>;
export type AccessCode = Brand<string, 'AccessCode'>;
export type Secret = Brand<string, 'Secret'>;
export type Kvnr = Brand<string, 'Kvnr'>;
export type Pzn = Brand<string, 'Pzn'>;
export type TelematikId = Brand<string, 'TelematikId'>;

export type IdKind = 'PrescriptionId' | 'AccessCode' | 'Secret' | 'Kvnr' | 'Pzn' | 'TelematikId';

export interface IdError {
  readonly id: IdKind;
  readonly reason: 'format' | 'checksum';
  /** German, for the pharmacist. */
  readonly message: string;
}

const idNames: Record<IdKind, string> = {
  PrescriptionId: 'Rezept-ID',
  AccessCode: 'AccessCode',
  Secret: 'Secret',
  Kvnr: 'KVNR',
  Pzn: 'PZN',
  TelematikId: 'Telematik-ID',
};

function idError(id: IdKind, reason: IdError['reason'], detail: string): IdError {
  const what = reason === 'format' ? 'hat ein ungültiges Format' : 'hat eine falsche Prüfziffer';
  return {
    id,
    reason,
    message: detail === '' ? `${idNames[id]} ${what}.` : `${idNames[id]} ${what}: ${detail}`,
  };
}

/**
 * A short, harmless excerpt of untrusted input for a message (A_22078: scanned content is hostile until
 * validated). Keeps only characters that can occur in our identifiers, masks long hex runs (they may be an
 * AccessCode or Secret, which never go into messages or logs) and cuts after `max` characters.
 */
export function safeExcerpt(input: string, max = 24): string {
  // Cut first (bounded work on huge input); a hex run starting inside the shown part stays ≥ 16 long.
  const masked = input.slice(0, max + 64).replace(/[0-9a-fA-F]{16,}/g, '…');
  const chars = Array.from(masked);
  const shown = chars
    .slice(0, max)
    .map((c) => (/^[A-Za-z0-9 .\-_:/$?=…]$/.test(c) ? c : '·'))
    .join('');
  return chars.length > max || input.length > max + 64 ? `${shown}…` : shown;
}

/** Flow types a pharmacy deals with (spec §1.2); 162 (DiGA) and 165 (BtM) exist but are not ours. */
export const flowTypes = ['160', '162', '165', '166', '169', '200', '209'] as const;
export type FlowType = (typeof flowTypes)[number];
export const pharmacyFlowTypes: readonly FlowType[] = ['160', '166', '169', '200', '209'];

// ---------------------------------------------------------------------------------------------
// PrescriptionID: aaa.bbb.bbb.bbb.bbb.cc, cc = ISO 7064 Mod 97-10 over flowtype·10^12 + seq (spec §1.3)
// ---------------------------------------------------------------------------------------------

const prescriptionIdPattern = /^([0-9]{3})\.([0-9]{3})\.([0-9]{3})\.([0-9]{3})\.([0-9]{3})\.([0-9]{2})$/;

/** The two check digits for flow type + 12-digit sequence number: 98 − ((n·100) mod 97). */
export function prescriptionIdCheckDigits(flowType: string, sequence: bigint): string {
  const n = BigInt(flowType) * 10n ** 12n + sequence;
  const cc = 98n - ((n * 100n) % 97n);
  return cc.toString().padStart(2, '0');
}

export function parsePrescriptionId(input: string): Result<PrescriptionId, IdError> {
  const m = prescriptionIdPattern.exec(input);
  if (!m) return err(idError('PrescriptionId', 'format', safeExcerpt(input)));
  const digits = input.replace(/\./g, '');
  // Validate: the whole 17-digit number mod 97 must be 1 (spec §1.3).
  // The input matched the strict pattern above, so echoing it is safe.
  if (BigInt(digits) % 97n !== 1n) return err(idError('PrescriptionId', 'checksum', input));
  return ok(input as PrescriptionId);
}

/** Builds a valid PrescriptionID from flow type and sequence (0 ≤ seq < 10^12). */
export function makePrescriptionId(flowType: FlowType, sequence: bigint): PrescriptionId {
  if (sequence < 0n || sequence >= 10n ** 12n) throw new RangeError('sequence out of range');
  const seq = sequence.toString().padStart(12, '0');
  const groups = seq.match(/.{3}/g) ?? [];
  return `${flowType}.${groups.join('.')}.${prescriptionIdCheckDigits(flowType, sequence)}` as PrescriptionId;
}

export function flowTypeOf(id: PrescriptionId): string {
  return id.slice(0, 3);
}

/** Whether a pharmacy may $accept prescriptions of this flow type (spec §1.2, §3.2, A_19166-02). */
export function isPharmacyFlowType(flowType: string): boolean {
  return (pharmacyFlowTypes as readonly string[]).includes(flowType);
}

// ---------------------------------------------------------------------------------------------
// KVNR: letter + 9 digits; letter → 01..26, weights 1,2,1,2… over the first 10 digits, cross sum (spec §1.3)
// ---------------------------------------------------------------------------------------------

export function kvnrCheckDigit(letter: string, eightDigits: string): number {
  const letterNumber = (letter.charCodeAt(0) - 64).toString().padStart(2, '0');
  const digits = letterNumber + eightDigits;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let p = Number(digits[i]) * (i % 2 === 0 ? 1 : 2);
    if (p > 9) p -= 9;
    sum += p;
  }
  return sum % 10;
}

// A KVNR identifies a person: messages never repeat it, because they may end up in logs (architecture §7).
const kvnrFormatHint = 'ein Großbuchstabe und 9 Ziffern erwartet';

export function parseKvnr(input: string): Result<Kvnr, IdError> {
  if (!/^[A-Z][0-9]{9}$/.test(input)) return err(idError('Kvnr', 'format', kvnrFormatHint));
  if (kvnrCheckDigit(input[0]!, input.slice(1, 9)) !== Number(input[9])) {
    return err(idError('Kvnr', 'checksum', ''));
  }
  return ok(input as Kvnr);
}

/** Accepts the format only — for comparing a received KVNR whose check digit may be wrong (fixtures README). */
export function parseKvnrFormat(input: string): Result<Kvnr, IdError> {
  if (!/^[A-Z][0-9]{9}$/.test(input)) return err(idError('Kvnr', 'format', kvnrFormatHint));
  return ok(input as Kvnr);
}

// ---------------------------------------------------------------------------------------------
// PZN-8: check = Σ i·d_i (i = 1..7) mod 11 = digit 8; a result of 10 is never issued (spec §1.3)
// ---------------------------------------------------------------------------------------------

export function pznCheckDigit(sevenDigits: string): number {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += (i + 1) * Number(sevenDigits[i]);
  return sum % 11;
}

export function parsePzn(input: string): Result<Pzn, IdError> {
  if (!/^[0-9]{8}$/.test(input)) return err(idError('Pzn', 'format', safeExcerpt(input)));
  const check = pznCheckDigit(input.slice(0, 7));
  if (check === 10 || check !== Number(input[7])) return err(idError('Pzn', 'checksum', input));
  return ok(input as Pzn);
}

/** Format only (8 digits): received data whose check digit is wrong is a finding, not a parse failure. */
export function parsePznFormat(input: string): Result<Pzn, IdError> {
  if (!/^[0-9]{8}$/.test(input)) return err(idError('Pzn', 'format', safeExcerpt(input)));
  return ok(input as Pzn);
}

// ---------------------------------------------------------------------------------------------
// Telematik-ID: free string with '-'; no check digit (spec §1.3). Pharmacies start 3- (or 9-).
// ---------------------------------------------------------------------------------------------

export function parseTelematikId(input: string): Result<TelematikId, IdError> {
  // Printable ASCII without spaces, a digit then '-' first, at most 128 characters.
  if (!/^[0-9]-[\x21-\x7e]{1,126}$/.test(input)) {
    return err(idError('TelematikId', 'format', safeExcerpt(input, 40)));
  }
  return ok(input as TelematikId);
}

export const isPharmacyTelematikId = (id: TelematikId): boolean => id.startsWith('3-') || id.startsWith('9-');

// ---------------------------------------------------------------------------------------------
// AccessCode and Secret: 64 lowercase hex characters, 256-bit random (spec §1.3, A_19169-01)
// ---------------------------------------------------------------------------------------------

const hex64 = /^[0-9a-f]{64}$/;

export function parseAccessCode(input: string): Result<AccessCode, IdError> {
  return hex64.test(input)
    ? ok(input as AccessCode)
    : err(idError('AccessCode', 'format', '64 Hex-Zeichen erwartet'));
}

export function parseSecret(input: string): Result<Secret, IdError> {
  // The value itself is never echoed into a message: secrets stay out of logs.
  return hex64.test(input)
    ? ok(input as Secret)
    : err(idError('Secret', 'format', '64 Hex-Zeichen erwartet'));
}

// ---------------------------------------------------------------------------------------------
// zod schemas for the IPC contract: validate and brand in one step.
// ---------------------------------------------------------------------------------------------

function brandedSchema<T>(parse: (s: string) => Result<T, IdError>) {
  return z.string().transform((s, ctx): T => {
    const r = parse(s);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.error.message });
      return z.NEVER;
    }
    return r.data;
  });
}

export const prescriptionIdSchema = brandedSchema(parsePrescriptionId);
