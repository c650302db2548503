/**
 * Check digits of received identifiers become findings, not failures: the Fachdienst checks the KVNR only at
 * $activate and many published prescriptions carry wrong check digits (spec §1.3, fixtures README), so the
 * pharmacist is told and decides.
 */
import type { Finding } from '../../erezept/findings';
import { parseKvnr, parsePrescriptionId, parsePzn, type IdError } from '../../erezept/identifiers';

function idFinding(error: IdError, path: string): Finding {
  return {
    severity: 'warning',
    code: `${error.id === 'PrescriptionId' ? 'prescription-id' : error.id.toLowerCase()}-${error.reason}`,
    message: error.message,
    path,
  };
}

export function prescriptionIdFindings(prescriptionId: string, path: string): Finding[] {
  const parsed = parsePrescriptionId(prescriptionId);
  return parsed.ok ? [] : [idFinding(parsed.error, path)];
}

export function kvnrFindings(kvnr: string | undefined, path: string): Finding[] {
  if (kvnr === undefined) {
    return [
      { severity: 'warning', code: 'kvnr-missing', message: 'Die Verordnung enthält keine KVNR.', path },
    ];
  }
  const parsed = parseKvnr(kvnr);
  return parsed.ok ? [] : [idFinding(parsed.error, path)];
}

export function pznFindings(pzn: string, path: string): Finding[] {
  const parsed = parsePzn(pzn);
  return parsed.ok ? [] : [idFinding(parsed.error, path)];
}
