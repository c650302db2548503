/**
 * What the dispense editor starts with: the saved draft when there is one (architecture §7: drafts are
 * autosaved), otherwise one entry derived from the prescription — the prescribed article, pack count and
 * today's German date as hand-over date (A_27660).
 */
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import type { DispenseEntryInput } from './dispense-form-schema';

/** A stable client-side row id (not sent to the Fachdienst, which rewrites ids anyway, A_26527). */
export function newEntryKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `entry-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * An empty entry. The substitution flag stays unset: it is decided against a prescribed PZN (A_28417) — by the PZN
 * lookup or a pack scan — and has no meaning for Wirkstoff, Freitext or Rezeptur prescriptions.
 */
export function blankEntry(today: string): DispenseEntryInput {
  return {
    key: newEntryKey(),
    medication: { kind: 'pzn', pzn: '', name: '' },
    packs: 1,
    serials: [],
    whenHandedOver: today,
  };
}

/**
 * The substitution flag (A_28417) is offered only where a substitution against a prescribed article can happen: a
 * PZN prescription. A Wirkstoff, Freitext or Rezeptur prescription names no article to substitute.
 */
export function offersSubstitution(caseDetail: Pick<CaseDetail, 'prescription'>): boolean {
  return caseDetail.prescription?.medication.kind === 'pzn';
}

/** The list without any substitution flag (for prescriptions that offer none; an older draft may still carry one). */
export function withoutSubstitution<E extends { substituted?: boolean }>(entries: readonly E[]): E[] {
  return entries.map((entry) => {
    if (entry.substituted === undefined) return entry;
    const { substituted: _dropped, ...rest } = entry;
    return rest as E;
  });
}

function entryFromPrescription(prescription: PrescriptionView, today: string): DispenseEntryInput {
  const m = prescription.medication;
  const base = { ...blankEntry(today), packs: Math.max(1, Math.round(prescription.request.quantity)) };
  switch (m.kind) {
    case 'pzn':
      return {
        ...base,
        medication: { kind: 'pzn', pzn: m.pzn, name: m.name, normSize: m.normSize, form: m.form, packSize: m.amount },
      };
    case 'freitext':
      return { ...base, medication: { kind: 'freitext', text: m.text, form: m.form } };
    case 'wirkstoff':
    case 'rezeptur':
      // Usually dispensed as a finished product: the pharmacist picks the article by PZN (spec §6.4).
      return base;
  }
}

export function initialEntries(caseDetail: CaseDetail, today: string): DispenseEntryInput[] {
  const entries = startingEntries(caseDetail, today);
  return offersSubstitution(caseDetail) ? entries : withoutSubstitution(entries);
}

function startingEntries(caseDetail: CaseDetail, today: string): DispenseEntryInput[] {
  if (caseDetail.draft && caseDetail.draft.length > 0) return caseDetail.draft;
  if (caseDetail.prescription) return [entryFromPrescription(caseDetail.prescription, today)];
  return [blankEntry(today)];
}
