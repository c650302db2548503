/**
 * A refused submit or close says so (issue 19 item 4): „Nicht gesendet“ with every reason, each named by its position
 * and field — whether the form's validation refused, a live finding blocks (blocksSending), or main refused before
 * sending (AppError `validation`, main/services/preflight.ts). Pure, so the wording rules are testable.
 */
import type { FieldErrors } from 'react-hook-form';
import { blocksSending, type Finding } from '../../../../../shared/erezept/findings';
import type { AppError } from '../../../../../shared/ipc/contract';
import type { DispenseFormInput } from './dispense-form-schema';
import { entryOfFindingPath, fieldOfFindingPath } from './finding-paths';

export interface RefusalReason {
  /** the entry (0-based) it is about; undefined for the list as a whole */
  entry?: number;
  /** i18n key of the field's label, when it is about one */
  label?: string;
  message: string;
  /** the finding's code and path, for „Technische Details“ */
  code?: string;
  path?: string;
}

export interface Refusal {
  /** who refused: the editor before calling main, or main before sending */
  from: 'editor' | 'main';
  /** main's own message; the editor's refusal has none */
  message?: string;
  reasons: RefusalReason[];
}

/** Field labels by the part of an editor path after `entries.N.`, most specific first. */
const labels: readonly [string, string][] = [
  ['medication.pzn', 'dispense.pzn'],
  ['medication.name', 'dispense.name'],
  ['medication.text', 'dispense.text'],
  ['medication.amount', 'dispense.amount'],
  ['medication.ingredients', 'dispense.ingredients'],
  ['medication.components', 'dispense.components'],
  ['medication', 'diff.fields.medication'],
  ['packs', 'dispense.packs'],
  ['batch.lot', 'dispense.batchLot'],
  ['batch.expiry', 'dispense.batchExpiry'],
  ['batch', 'diff.fields.batch'],
  ['serials', 'diff.fields.serials'],
  ['whenHandedOver', 'dispense.handedOver'],
  ['whenPrepared', 'dispense.prepared'],
  ['dosageText', 'diff.fields.dosage'],
  ['substituted', 'diff.fields.substituted'],
  ['overrides', 'dispense.override.reason'],
];

/** Entry and field label of an editor path (`entries.0.batch.lot`). */
function place(path: string): Pick<RefusalReason, 'entry' | 'label'> {
  const m = /^entries\.(\d+)(?:\.(.+))?$/.exec(path);
  if (!m) return {};
  const rest = m[2] ?? '';
  const label = labels.find(([prefix]) => rest === prefix || rest.startsWith(`${prefix}.`))?.[1];
  return { entry: Number(m[1]), label };
}

/** The reasons of findings, in their order (editor or FHIR paths). */
export function reasonsOfFindings(findings: readonly Finding[]): RefusalReason[] {
  return findings.map((f) => {
    const field = fieldOfFindingPath(f.path);
    const placed = place(field ?? f.path ?? '');
    return { entry: placed.entry ?? entryOfFindingPath(f.path), label: placed.label, message: f.message, code: f.code, path: f.path };
  });
}

/** The findings that stop sending; the others (notes, confirmed differences) are no reason. */
export function refusalOfFindings(findings: readonly Finding[]): Refusal {
  return { from: 'editor', reasons: reasonsOfFindings(findings.filter(blocksSending)) };
}

/** The validation messages react-hook-form holds (nested by path), in the order of the list. */
export function reasonsOfFieldErrors(errors: FieldErrors<DispenseFormInput>): RefusalReason[] {
  const reasons: RefusalReason[] = [];
  const visit = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.message === 'string' && 'type' in record) {
      reasons.push({ ...place(path), message: record.message, path });
      return;
    }
    for (const [key, child] of Object.entries(record)) {
      // `ref` is the input element; `root` holds the list's own error (e.g. no entry)
      if (key === 'ref') continue;
      visit(child, key === 'root' ? path : `${path}.${key}`);
    }
  };
  visit(errors.entries, 'entries');
  return reasons;
}

/** Main refused before sending: its message and the findings that block (all of them when none is marked so). */
export function refusalOfAppError(error: AppError): Refusal {
  const findings = error.findings ?? [];
  const blocking = findings.filter(blocksSending);
  return { from: 'main', message: error.message, reasons: reasonsOfFindings(blocking.length > 0 ? blocking : findings) };
}

/** Is this failure main's refusal before anything was sent (the pre-flight), rather than a failed call? */
export const isRefusal = (error: AppError): boolean => error.code === 'validation' && error.system === 'app';
