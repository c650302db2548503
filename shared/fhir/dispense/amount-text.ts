/**
 * Reads the amounts the pharmacist types ("20 St", "100 ml", "2x25 St", "ad 100,0 g") into the pieces the
 * epa-medication profiles want: a number and a unit where they exist, the original text otherwise.
 */
export interface ParsedAmount {
  /** the quantity part as written, e.g. "20", "2x25", "100,0" */
  quantityText: string;
  /** the quantity as a number when it is one ("100,0" → 100), else undefined */
  value?: number;
  unit?: string;
  /** true for the Latin "ad" notation of a Rezeptur component */
  ad: boolean;
}

const amountPattern = /^(ad\s+)?([0-9]+(?:[.,][0-9]+)?(?:\s*x\s*[0-9]+(?:[.,][0-9]+)?)?)\s*(.*)$/i;

export function parseAmount(text: string): ParsedAmount | undefined {
  const m = amountPattern.exec(text.trim());
  if (!m) return undefined;
  const quantityText = (m[2] ?? '').replace(/\s+/g, '');
  const plain = /^[0-9]+(?:[.,][0-9]+)?$/.test(quantityText);
  const unit = (m[3] ?? '').trim();
  return {
    quantityText,
    value: plain ? Number(quantityText.replace(',', '.')) : undefined,
    unit: unit === '' ? undefined : unit,
    ad: m[1] !== undefined,
  };
}
