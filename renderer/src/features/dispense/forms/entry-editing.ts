/**
 * The dispense editor's list operations as pure functions: switch an entry's medication kind,
 * duplicate an entry, and apply a scanned securPharm pack code to the list. The form calls them and writes the
 * result back, so the rules are testable without rendering.
 */
import type { Article } from '../../../../../shared/erezept/catalog/article-catalog';
import type { PackCode } from '../../../../../shared/erezept/pack-code';
import type { PackScanOutcome } from '../../../lib/pack-scan-target';
import type { DispenseEntryInput } from './dispense-form-schema';

type MedicationInput = DispenseEntryInput['medication'];
export type MedicationKind = MedicationInput['kind'];

/** The kinds the pharmacist can choose; a Kombipackung only arrives from the catalogue or a saved list. */
export const selectableKinds = ['pzn', 'freitext', 'wirkstoff', 'rezeptur'] as const satisfies readonly MedicationKind[];

/** The name the pharmacist sees for the current medication, whatever its kind. */
export function medicationName(m: MedicationInput): string {
  switch (m.kind) {
    case 'freitext':
      return m.text;
    case 'wirkstoff':
      return m.name ?? m.ingredients?.map((i) => i.name).join(', ') ?? '';
    default:
      return m.name;
  }
}

/** An empty medication of `kind`; the visible name (or text) carries over, so switching loses no typing. */
export function blankMedication(kind: MedicationKind, from?: MedicationInput): MedicationInput {
  const name = from ? medicationName(from) : '';
  const form = from && 'form' in from ? from.form : undefined;
  switch (kind) {
    case 'pzn':
      return { kind, pzn: from && 'pzn' in from ? from.pzn : '', name, form };
    case 'kombipackung':
      return { kind, pzn: from && 'pzn' in from ? from.pzn : '', name, components: [{ name: '' }] };
    case 'freitext':
      return { kind, text: name, form };
    case 'wirkstoff':
      return { kind, name, form, ingredients: [{ name: '' }] };
    case 'rezeptur':
      return { kind, name, form, components: [{ name: '' }] };
  }
}

/**
 * A copy for a second batch of the same article (the usual reason to duplicate: spec §5, one entry per batch):
 * article, dates and dosage stay; batch, serials and the pack count start fresh.
 */
export function duplicateEntry(entry: DispenseEntryInput, key: string): DispenseEntryInput {
  const copy = structuredClone(entry);
  return { ...copy, key, packs: 1, batch: undefined, serials: [] };
}

/** Article details from the catalogue, as the entry's medication (A_27033-01: substance, strength, trade name). */
function medicationFromArticle(article: Article): MedicationInput {
  return {
    kind: 'pzn',
    pzn: article.pzn,
    name: article.name,
    packSize: article.packSize,
    normSize: article.normSize,
    form: article.form,
    ingredients: article.ingredients,
    category: article.category,
    vaccine: article.vaccine,
  };
}

export interface PackScanInput {
  code: PackCode;
  /** the entry whose field has focus, if any */
  focusedIndex?: number;
  article?: Article;
  /** the prescribed PZN, for the substitution flag (A_28417) */
  prescribedPzn?: string;
  today: string;
  newKey(): string;
}

interface PackScanResult {
  entries: DispenseEntryInput[];
  outcome: PackScanOutcome;
}

const hasPzn = (e: DispenseEntryInput): boolean => e.medication.kind === 'pzn' || e.medication.kind === 'kombipackung';
const pznOf = (e: DispenseEntryInput): string | undefined =>
  e.medication.kind === 'pzn' || e.medication.kind === 'kombipackung' ? e.medication.pzn.trim() : undefined;
const lotOf = (e: DispenseEntryInput): string => e.batch?.lot?.trim() ?? '';

/** An entry a pack can go into: one that is still waiting for its pack (no batch yet) and is not a Rezeptur. */
function waitsForPack(e: DispenseEntryInput, pzn: string): boolean {
  if (lotOf(e) !== '' || e.medication.kind === 'rezeptur') return false;
  const current = pznOf(e);
  // Freitext and Wirkstoff prescriptions are dispensed as a finished product: the scanned pack becomes it.
  return current === undefined || current === '' || current === pzn;
}

/**
 * A scanned pack (A_21105-02: batch and expiry from the securPharm code):
 * 1. another pack of an entry with the same PZN and batch raises that entry's pack count and keeps the serial
 *    (the same serial twice is the same pack scanned twice and is not counted);
 * 2. otherwise it fills the focused entry (unless that is a Rezeptur), or the first entry still waiting for a
 *    pack, with PZN, article data, batch, expiry and serial — one scanned pack = one pack;
 * 3. otherwise it becomes a new entry.
 */
export function applyPackScan(entries: readonly DispenseEntryInput[], input: PackScanInput): PackScanResult {
  const { code } = input;
  const list = entries.map((e) => e);
  if (!code.pzn) return { entries: list, outcome: { kind: 'no-pzn' } };
  const pzn: string = code.pzn;
  const lot = code.batch?.trim() ?? '';

  const same = lot === '' ? -1 : list.findIndex((e) => hasPzn(e) && pznOf(e) === pzn && lotOf(e) === lot);
  if (same >= 0) {
    const entry = list[same]!;
    const serials = entry.serials ?? [];
    if (code.serial && serials.includes(code.serial)) return { entries: list, outcome: { kind: 'duplicate', index: same } };
    const packs = (Number.isFinite(entry.packs) ? Number(entry.packs) : 0) + 1;
    list[same] = {
      ...entry,
      packs,
      serials: code.serial ? [...serials, code.serial] : serials,
      batch: { lot, expiry: entry.batch?.expiry || code.expiry || '' },
    };
    return { entries: list, outcome: { kind: 'counted', index: same, packs } };
  }

  const focused = input.focusedIndex !== undefined ? list[input.focusedIndex] : undefined;
  const target =
    focused && focused.medication.kind !== 'rezeptur' ? input.focusedIndex! : list.findIndex((e) => waitsForPack(e, pzn));
  const base = target >= 0 ? list[target]! : { ...blankEntryFor(input.today), key: input.newKey() };
  const filled = fillFromPack(base, code, pzn, lot, input);
  if (target >= 0) {
    list[target] = filled;
    return { entries: list, outcome: { kind: 'filled', index: target } };
  }
  list.push(filled);
  return { entries: list, outcome: { kind: 'added', index: list.length - 1 } };
}

function blankEntryFor(today: string): DispenseEntryInput {
  // the substitution flag stays unset unless a prescribed PZN decides it (fillFromPack)
  return { key: '', medication: { kind: 'pzn', pzn: '', name: '' }, packs: 1, serials: [], whenHandedOver: today };
}

function fillFromPack(entry: DispenseEntryInput, code: PackCode, pzn: string, lot: string, input: PackScanInput): DispenseEntryInput {
  const samePzn = pznOf(entry) === pzn;
  const medication: MedicationInput = input.article
    ? medicationFromArticle(input.article)
    : samePzn
      ? entry.medication
      : // Not in the catalogue: the PZN is certain, the name must be entered by hand.
        { kind: 'pzn', pzn, name: '' };
  // A_28417: only a prescribed PZN decides the flag; on other prescriptions it stays as it was (unset)
  const substituted = input.prescribedPzn ? pzn !== input.prescribedPzn.trim() : entry.substituted;
  return {
    ...entry,
    medication,
    packs: 1,
    batch: lot === '' && !code.expiry ? undefined : { lot, expiry: code.expiry ?? '' },
    serials: code.serial ? [code.serial] : [],
    substituted,
    // a confirmed difference was about the article before; another article must be confirmed anew (docs/checks.md)
    overrides: samePzn ? entry.overrides : undefined,
  };
}

/** The index of the entry a focused element belongs to (its fieldset carries `data-entry-index`). */
export function entryIndexOf(element: Element | null): number | undefined {
  const holder = element?.closest('[data-entry-index]');
  const raw = holder?.getAttribute('data-entry-index');
  return raw === undefined || raw === null || raw === '' ? undefined : Number(raw);
}
