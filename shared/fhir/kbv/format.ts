/**
 * Human-readable strings from FHIR datatypes, the way a German prescription printout shows them
 * (names with title, "Straße 1, 12345 Ort", "100 mg", German decimal comma).
 */
import { decimal, extensionOf, type Json, rec, records, str, strings } from './fhir-json';
import { NameAddressExtensions } from './kbv-urls';

/** HumanName → "Dr. med. Hans Topp-Glücklich". The KBV name's `family` already holds Vorsatzwort and Zusatz. */
export function formatHumanName(names: unknown): string | undefined {
  const all = records(names);
  const name = all.find((n) => n['use'] === 'official') ?? all[0];
  if (!name) return undefined;
  const text = str(name['text']);
  const parts = [...strings(name['prefix']), ...strings(name['given']), str(name['family'])].filter(
    (p): p is string => p !== undefined,
  );
  return parts.length > 0 ? parts.join(' ') : text;
}

/** Address → "Musterstr. 1, 10623 Berlin" (country "D" omitted, other countries appended). */
export function formatAddress(addresses: unknown): string | undefined {
  const all = records(addresses);
  // Prefer the street address; a Postfach-only address is still better than nothing.
  const address = all.find((a) => a['type'] !== 'postal') ?? all[0];
  if (!address) return undefined;
  const text = str(address['text']);
  const lineExtensions = Array.isArray(address['_line']) ? (address['_line'] as unknown[]) : [];
  // A line marked as ADXP-postBox is a Postfach number and reads as such on the printout.
  const rawLines = Array.isArray(address['line']) ? (address['line'] as unknown[]) : [];
  const lines = rawLines.flatMap((raw, i) => {
    const line = str(raw);
    if (line === undefined) return [];
    return [extensionOf(rec(lineExtensions[i]), NameAddressExtensions.postBox) ? `Postfach ${line}` : line];
  });
  const cityLine = [str(address['postalCode']), str(address['city'])].filter(Boolean).join(' ');
  const country = str(address['country']);
  const parts = [
    ...lines,
    cityLine,
    country !== undefined && country !== 'D' && country !== 'DE' ? country : '',
  ]
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.length > 0 ? parts.join(', ') : text;
}

/** 875 → "875", 0.5 → "0,5" (display only; the value as sent stays in the QES). */
export function formatNumber(value: number): string {
  return String(value).replace('.', ',');
}

/** Quantity → "100 mg" (value and unit, either may be absent). */
export function formatQuantity(quantity: unknown): string | undefined {
  const q = rec(quantity);
  const value = decimal(q?.['value']);
  const unit = str(q?.['unit']) ?? str(q?.['code']);
  const text = [value === undefined ? undefined : formatNumber(value), unit].filter(Boolean).join(' ');
  return text === '' ? undefined : text;
}

/** Ratio → "5 mg" or "5 mg/1 Tbl." — a bare denominator of 1 is left out, as on the printout. */
export function formatRatio(ratio: unknown): string | undefined {
  const r = rec(ratio);
  const numerator = formatQuantity(r?.['numerator']);
  if (numerator === undefined) return undefined;
  const denominator: Json | undefined = rec(r?.['denominator']);
  const denominatorValue = decimal(denominator?.['value']);
  const denominatorUnit = str(denominator?.['unit']);
  if (denominatorUnit === undefined && (denominatorValue === undefined || denominatorValue === 1))
    return numerator;
  return `${numerator}/${formatQuantity(denominator) ?? ''}`;
}
