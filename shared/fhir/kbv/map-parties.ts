/**
 * Patient, Coverage, Practitioner and Organization of a KBV bundle (KBV_PR_FOR_* 1.2 / 1.3) → the parties
 * of the PrescriptionView. Missing optional parts become findings; only the patient is indispensable.
 */
import type { Finding } from '../../erezept/findings';
import { coverageKinds, type PrescriptionView } from '../../erezept/prescription';
import { NamingSystems } from '../profiles';
import { codeOf, extensionOf, identifierValue, type Json, rec, records, str } from './fhir-json';
import { formatAddress, formatHumanName } from './format';
import { kvnrFindings } from './id-findings';
import { KbvCodeSystems, KbvExtensions, KbvNamingSystems } from './kbv-urls';

type View = PrescriptionView;

export function mapPatient(patient: Json, findings: Finding[]): View['patient'] {
  // Since de.basisprofil 1.5 GKV and PKV share the kvid-10 system; older PKV bundles used the pkv one (spec §1.3).
  const kvnr =
    identifierValue(patient['identifier'], NamingSystems.kvnr) ??
    identifierValue(patient['identifier'], NamingSystems.kvnrPkvLegacy);
  findings.push(...kvnrFindings(kvnr, 'Patient.identifier'));
  return {
    name: formatHumanName(patient['name']) ?? '',
    birthDate: str(patient['birthDate']),
    kvnr,
    address: formatAddress(patient['address']),
  };
}

export function mapCoverage(coverage: Json | undefined, findings: Finding[]): View['coverage'] {
  if (!coverage) {
    findings.push(missingPart('coverage-missing', 'Kostenträgerangaben (Coverage)', 'Coverage'));
    return { kind: 'other', code: '', payorName: '' };
  }
  const code = codeOf(coverage['type'], KbvCodeSystems.versicherungsart) ?? codeOf(coverage['type']) ?? '';
  const kind = coverageKinds.find((k) => k === code) ?? 'other';
  const payor = records(coverage['payor'])[0];
  return {
    kind,
    code,
    payorName: str(payor?.['display']) ?? '',
    iknr: identifierValue(payor?.['identifier'], KbvNamingSystems.iknr),
    status: str(rec(extensionOf(coverage, KbvExtensions.versichertenart)?.['valueCoding'])?.['code']),
  };
}

export function mapPractitioner(practitioner: Json | undefined, findings: Finding[]): View['practitioner'] {
  if (!practitioner) {
    findings.push(missingPart('practitioner-missing', 'Angaben zur verordnenden Person', 'Practitioner'));
    return { name: '' };
  }
  // The job title ("Hausarzt", "Fachärztin für Innere Medizin") is the text of the Berufsbezeichnung slice.
  const jobTitle = records(practitioner['qualification'])
    .map((q) => rec(q['code']))
    .find((c) => codeOf(c, KbvCodeSystems.berufsbezeichnung) !== undefined);
  return {
    name: formatHumanName(practitioner['name']) ?? '',
    qualification: str(jobTitle?.['text']),
    lanr:
      identifierValue(practitioner['identifier'], KbvNamingSystems.lanr) ??
      identifierValue(practitioner['identifier'], KbvNamingSystems.zanr),
  };
}

export function mapOrganization(organization: Json | undefined, findings: Finding[]): View['organization'] {
  if (!organization) {
    findings.push(missingPart('organization-missing', 'Angaben zur Praxis (Organization)', 'Organization'));
    return { name: '' };
  }
  const phone = records(organization['telecom']).find((t) => t['system'] === 'phone');
  return {
    name: str(organization['name']) ?? '',
    bsnr: identifierValue(organization['identifier'], KbvNamingSystems.bsnr),
    phone: str(phone?.['value']),
    address: formatAddress(organization['address']),
  };
}

function missingPart(code: string, what: string, path: string): Finding {
  return { severity: 'warning', code, message: `Die Verordnung enthält keine ${what}.`, path };
}
