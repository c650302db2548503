/**
 * Pack contents as value + unit, for the quantity comparison (docs/checks.md, „Menge“): the prescribed amount is
 * packs × pack size, the dispensed one Σ packs × pack size over the list. Pack sizes are printed as "20 St",
 * "100 ml", "3x10 St" (three blisters of ten) or "2 x 5 ml"; "N1" or "1 Packung" say nothing about the contents.
 */
import { formatGermanNumber, parseGermanNumber } from './strengths';

export interface PackAmount {
  value: number;
  /** canonical unit: St, ml, g, … (see `canonicalPackUnit`) */
  unit: string;
}

/** Spellings of one unit: "Stück", "Stk", "st" → "St"; litres and kilograms in ml and g. */
const UNITS: Record<string, { unit: string; factor: number }> = {
  st: { unit: 'St', factor: 1 },
  stk: { unit: 'St', factor: 1 },
  stck: { unit: 'St', factor: 1 },
  stueck: { unit: 'St', factor: 1 },
  'stück': { unit: 'St', factor: 1 },
  ml: { unit: 'ml', factor: 1 },
  l: { unit: 'ml', factor: 1000 },
  g: { unit: 'g', factor: 1 },
  kg: { unit: 'g', factor: 1000 },
  mg: { unit: 'g', factor: 0.001 },
};

/** "1 Packung" or "1 OP" counts packs, not contents. */
const PACK_WORDS = new Set(['packung', 'packungen', 'pckg', 'pck', 'op', 'n1', 'n2', 'n3']);

function canonicalPackUnit(unit: string): { unit: string; factor: number } | undefined {
  const key = unit.trim().toLowerCase().replace(/\.$/, '');
  if (PACK_WORDS.has(key)) return undefined;
  return UNITS[key] ?? { unit: unit.trim(), factor: 1 };
}

/** "20 St" → {20, St}; "3x10 St" / "3 × 10 St" → {30, St}; "1 l" → {1000, ml}; undefined when no amount is printed. */
export function parsePackAmount(text: string | undefined): PackAmount | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(?:(\d+)\s*[x×]\s*)?(\d[\d.,]*)\s*([A-Za-zÄÖÜäöü][A-Za-zÄÖÜäöü.]*)\s*$/.exec(text);
  if (!m) return undefined;
  const count = m[1] === undefined ? 1 : Number(m[1]);
  const value = parseGermanNumber(m[2]!);
  if (value === undefined || value <= 0 || count <= 0) return undefined;
  const unit = canonicalPackUnit(m[3]!);
  return unit && { value: round(count * value * unit.factor), unit: unit.unit };
}

/** Removes floating-point noise (0.1 × 3), keeps real fractions. */
const round = (n: number): number => Number(n.toPrecision(12));

/** n packs of one size. */
export const timesPacks = (amount: PackAmount, packs: number): PackAmount => ({ value: round(amount.value * packs), unit: amount.unit });

/** The sum of amounts of one unit; undefined when the list is empty or the units differ. */
export function sumPackAmounts(amounts: readonly PackAmount[]): PackAmount | undefined {
  const [first] = amounts;
  if (first === undefined || amounts.some((a) => a.unit !== first.unit)) return undefined;
  return { value: round(amounts.reduce((sum, a) => sum + a.value, 0)), unit: first.unit };
}

export const samePackAmount = (a: PackAmount, b: PackAmount): boolean => a.unit === b.unit && a.value === b.value;

/** "100 St" */
export const formatPackAmount = (a: PackAmount): string => `${formatGermanNumber(a.value)} ${a.unit}`;
