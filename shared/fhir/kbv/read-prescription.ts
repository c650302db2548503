/**
 * Reads a received prescription — a KBV_PR_ERP_Bundle 1.3 or 1.4 — into the PrescriptionView the pharmacist
 * sees (spec §3.2: "extract KBV bundle from PKCS#7"). Older versions are refused with `unsupported-version`;
 * wrong check digits are findings, not failures (spec §1.3). Nothing here throws on bad input.
 */
import type { Finding } from '../../erezept/findings';
import { prescriptionViewSchema, type PrescriptionView } from '../../erezept/prescription';
import { err, ok, type Result } from '../../ipc/result';
import { extractCmsContent } from '../cms';
import { NamingSystems } from '../profiles';
import { fhirXmlToJson } from '../xml';
import { BundleIndex } from './bundle-index';
import { codeOf, identifierValue, type Json, rec, records, str } from './fhir-json';
import { prescriptionIdFindings } from './id-findings';
import { KbvCodeSystems } from './kbv-urls';
import { checkKbvVersion } from './kbv-version';
import { readLegalBasis } from './legal-basis';
import { mapMedication } from './map-medication';
import { mapCoverage, mapOrganization, mapPatient, mapPractitioner } from './map-parties';
import { mapRequest } from './map-request';
import { malformed, type ReadError } from './read-error';

export function readPrescriptionXml(xml: string): Result<PrescriptionView, ReadError> {
  const json = fhirXmlToJson(xml);
  if (!json.ok) return err(malformed(`Die Verordnung ist kein lesbares FHIR-XML (${json.error}).`));
  return readPrescriptionJson(json.data);
}

export function readPrescriptionJson(bundle: unknown): Result<PrescriptionView, ReadError> {
  try {
    return readBundle(bundle);
  } catch {
    // Defensive: the mapping is written to be total, but a received document must never crash the app.
    return err(malformed('Die Verordnung konnte nicht gelesen werden.'));
  }
}

/** The $accept Binary: CMS → KBV XML → view (spec §3.2). The XML is returned for storage (spec §7). */
export function readPrescriptionFromQes(
  der: Uint8Array,
): Result<{ view: PrescriptionView; xml: string }, ReadError> {
  const cms = extractCmsContent(der);
  if (!cms.ok) return err(malformed(cms.error));
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(cms.data.content);
  } catch {
    return err(malformed('Die Verordnung im QES-Container ist kein UTF-8-Text.'));
  }
  const view = readPrescriptionXml(xml);
  return view.ok ? ok({ view: view.data, xml }) : view;
}

function readBundle(input: unknown): Result<PrescriptionView, ReadError> {
  const bundle = rec(input);
  if (!bundle || bundle['resourceType'] !== 'Bundle') {
    return err({
      code: 'not-kbv-bundle',
      message: 'Kein KBV-Verordnungsdatensatz: ein Bundle wurde erwartet.',
    });
  }
  const version = checkKbvVersion(bundle);
  if (!version.ok) return version;

  const findings: Finding[] = [];
  const index = new BundleIndex(bundle);
  const composition = index.ofType('Composition')[0];

  const prescriptionId =
    identifierValue(bundle['identifier'], NamingSystems.prescriptionId) ??
    identifierValue(bundle['identifier']);
  if (prescriptionId === undefined) return err(malformed('Die Verordnung enthält keine Rezept-ID.'));
  findings.push(...prescriptionIdFindings(prescriptionId, 'Bundle.identifier'));

  const request = index.resolveOrOnly(sectionEntry(composition, 'Prescription'), 'MedicationRequest');
  if (!request)
    return err(malformed('Die Verordnung enthält keine Arzneimittelverordnung (MedicationRequest).'));
  const authoredOn = /^\d{4}-\d{2}-\d{2}/.exec(str(request['authoredOn']) ?? '')?.[0];
  if (authoredOn === undefined) return err(malformed('Die Verordnung enthält kein Ausstellungsdatum.'));

  const medicationResource = index.resolveOrOnly(request['medicationReference'], 'Medication');
  if (!medicationResource) return err(malformed('Die Verordnung enthält kein Arzneimittel (Medication).'));
  const patientResource = index.resolveOrOnly(request['subject'], 'Patient');
  if (!patientResource) return err(malformed('Die Verordnung enthält keine Patientenangaben.'));

  // Findings follow the order of the printout: patient, then prescription, then medication.
  const patient = mapPatient(patientResource, findings);
  const requestPart = mapRequest(request, findings);
  if (!requestPart.ok) return requestPart;
  const medication = mapMedication(medicationResource, findings);
  if (!medication.ok) return medication;

  const coverage = index.resolveOrOnly(records(request['insurance'])[0], 'Coverage');
  // The requester is the prescribing person; with a physician in training the bundle holds a second,
  // attesting Practitioner (Composition.attester), so "the only Practitioner" is no safe fallback.
  const practitioner =
    index.resolve(request['requester'], 'Practitioner') ??
    index.resolveOrOnly(records(composition?.['author'])[0], 'Practitioner');
  const organization = index.resolveOrOnly(composition?.['custodian'], 'Organization');

  const view: PrescriptionView = {
    kbvVersion: version.data,
    prescriptionId,
    authoredOn,
    patient,
    coverage: mapCoverage(coverage, findings),
    practitioner: mapPractitioner(practitioner, findings),
    organization: mapOrganization(organization, findings),
    request: requestPart.data,
    medication: medication.data,
    findings,
  };
  const legalBasis = readLegalBasis(composition);
  if (legalBasis) view.legalBasis = legalBasis;
  // Last line of defence: what leaves the reader always satisfies the view model.
  const checked = prescriptionViewSchema.safeParse(view);
  return checked.success ? ok(checked.data) : err(malformed('Die Verordnung enthält unerwartete Werte.'));
}

/** The reference in the Composition section with this KBV_CS_ERP_Section_Type code. */
function sectionEntry(composition: Json | undefined, code: string): unknown {
  const section = records(composition?.['section']).find(
    (s) => codeOf(s['code'], KbvCodeSystems.sectionType) === code,
  );
  return records(section?.['entry'])[0];
}
