/**
 * The body of `POST /_sim/prescriptions` (and of a scenario's prescription): either the fields of a generated
 * prescription (`flowType`, `kvnr`, `medication`, `authoredOn`, `mvo`, `count`) or a real KBV bundle
 * (`kbvBundleXml`, optional `flowType`). Which one is decided by the presence of `kbvBundleXml`.
 */
import { parseOrRefuse } from './control-error';
import { importPrescription, importRequestSchema, type ImportRequest } from './prescription-import';
import {
  createPrescriptions,
  prescriptionRequestSchema,
  type CreatedPrescription,
  type PrescriptionDeps,
  type PrescriptionRequest,
} from './prescriptions';

export type PrescriptionBody =
  { kind: 'generate'; request: PrescriptionRequest } | { kind: 'import'; request: ImportRequest };

/** Parses a control body; a ControlError (400) names the first problem, prefixed with `where`. */
export function parsePrescriptionBody(
  body: unknown,
  where: readonly (string | number)[] = [],
): PrescriptionBody {
  if (typeof body === 'object' && body !== null && 'kbvBundleXml' in body) {
    return { kind: 'import', request: parseOrRefuse(importRequestSchema, body, where) };
  }
  return { kind: 'generate', request: parseOrRefuse(prescriptionRequestSchema, body, where) };
}

export async function createFromBody(
  deps: PrescriptionDeps,
  body: PrescriptionBody,
): Promise<CreatedPrescription[]> {
  return body.kind === 'import'
    ? [await importPrescription(deps.state, body.request)]
    : createPrescriptions(deps, body.request);
}
