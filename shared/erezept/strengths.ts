/**
 * Strengths of active substances as value + unit (A_27033-01), from either side of the prescribed-vs-dispensed
 * comparison (docs/checks.md, PH_STRENGTH_DIFFERS): a Wirkstoffverordnung prints "2,5 mg" or "20 mg/ml", an article
 * has 2.5 + "mg". Masses compare across units (1 g = 1000 mg); other units only with themselves.
 */

export interface Strength {
  value: number;
  /** as written, trimmed */
  unit: string;
}

/** "2,5" or "2.5" or "1.000,5" → number; undefined for anything else. */
export function parseGermanNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d+(?:[.,]\d+)?$/.test(t)) return undefined;
  const plain = /^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(t) ? t.replace(/\./g, '') : t;
  const value = Number(plain.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

/** German display: 2.5 → "2,5". */
export const formatGermanNumber = (value: number): string => String(Number(value.toPrecision(12))).replace('.', ',');

/** "100 mg", "2,5 mg", "20 mg/ml", "0,1 %" → value + unit; undefined for "ad 100 g", "1-2 mg" or a bare number. */
export function parseStrength(text: string): Strength | undefined {
  const m = /^\s*(\d[\d.,]*)\s*([A-Za-zÄÖÜäöüµμ%].*?)\s*$/.exec(text);
  if (!m) return undefined;
  const value = parseGermanNumber(m[1]!);
  return value === undefined ? undefined : { value, unit: m[2]! };
}

/** Unit spellings that mean the same: µg/μg/ug/mcg, I.E./IE/IU, case. */
function canonicalUnit(unit: string): string {
  return unit
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/μ/g, 'µ')
    .replace(/^(?:ug|mcg)(?=$|\/)/, 'µg')
    .replace(/^(?:i\.e\.|ie|iu|i\.u\.)(?=$|\/)/, 'ie');
}

/** Mass units in mg, so that "1 g" and "1000 mg" are one strength. */
const MASS_IN_MG: Record<string, number> = { g: 1000, mg: 1, 'µg': 0.001, ng: 0.000001 };

/** value in a base unit and that unit's dimension key: "1 g/ml" → 1000 "mg/ml". */
function comparable(strength: Strength): { value: number; key: string } {
  const unit = canonicalUnit(strength.unit);
  const [numerator = '', ...rest] = unit.split('/');
  const factor = MASS_IN_MG[numerator];
  if (factor === undefined) return { value: strength.value, key: unit };
  return { value: strength.value * factor, key: ['mg', ...rest].join('/') };
}

/** The same strength: equal after unit spelling and mass conversion (relative tolerance for decimal noise). */
export function sameStrength(a: Strength, b: Strength): boolean {
  const x = comparable(a);
  const y = comparable(b);
  if (x.key !== y.key) return false;
  return Math.abs(x.value - y.value) <= 1e-9 * Math.max(Math.abs(x.value), Math.abs(y.value), 1);
}

/** "2,5 mg" */
export const formatStrength = (s: Strength): string => `${formatGermanNumber(s.value)} ${s.unit.trim()}`;
