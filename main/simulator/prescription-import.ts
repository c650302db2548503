/**
 * `POST /_sim/prescriptions` with `{"kbvBundleXml": "…"}`: a real KBV prescription bundle (e.g. one of gematik's
 * end-to-end examples) becomes a ready Task, as if a practice had run $create + $activate with it (spec §4):
 * - PrescriptionID: the bundle's own, if it is valid (format + Mod-97, spec §1.3), of the requested flow type
 *   and not used by any Task yet; otherwise the next free one of the sequence, written into Bundle.identifier;
 * - flow type: `flowType`, or the one the bundle's PrescriptionID names;
 * - Task.for: the patient's KVNR as written (format only — a wrong check digit is the app's finding to show,
 *   the Fachdienst compares KVNRs as strings, spec §1.3);
 * - signing day: MedicationRequest.authoredOn; accept/expiry dates per flow type from it (spec §1.2), MVO dates
 *   from the Mehrfachverordnung extension (A_22635-02);
 * - the XML is enveloped in a CMS signature of the test "QES" like every generated prescription.
 *
 * Refused with 400, like the Fachdienst's $activate would refuse them: no KBV_PR_ERP_Bundle, a KBV version the
 * Fachdienst no longer (or not yet) takes on that signing day — only 1.3 up to 2027-01-14 and 1.4 from
 * 2026-07-01 (spec §0) — so e.g. the 1.1.0 example of `e2e-examples-2025-10` is refused — and bundles without
 * PrescriptionID, KVNR or authoredOn.
 */
import { z } from 'zod';
import { berlinDate } from '../../shared/erezept/dates';
import {
  flowTypeOf,
  parseKvnrFormat,
  parsePrescriptionId,
  pharmacyFlowTypes,
  type FlowType,
} from '../../shared/erezept/identifiers';
import { claimedKbvVersion, readPrescriptionJson } from '../../shared/fhir/kbv';
import { NamingSystems } from '../../shared/fhir/profiles';
import { fhirJsonToXml, fhirXmlToJson, type FhirResourceJson } from '../../shared/fhir/xml';
import { ControlError } from './control-error';
import type { SimulatorState } from './operations/context';
import { nextFreePrescriptionId, storeSignedPrescription, type CreatedPrescription } from './prescriptions';

/** The largest bundle we take (the Fachdienst's request limit, spec §3). */
const MAX_BUNDLE_CHARS = 1024 * 1024;

export const importRequestSchema = z
  .object({
    kbvBundleXml: z
      .string()
      .min(1, 'kbvBundleXml ist leer')
      .max(MAX_BUNDLE_CHARS, 'kbvBundleXml ist größer als 1 MB'),
    flowType: z.enum(['160', '166', '169', '200', '209']).optional(),
  })
  .strict();
export type ImportRequest = z.infer<typeof importRequestSchema>;

/** KBV versions and the signing days for which the Fachdienst takes them (spec §0 package validity). */
const KBV_WINDOWS: Record<string, { from?: string; until?: string }> = {
  '1.3': { until: '2027-01-14' },
  '1.4': { from: '2026-07-01' },
};

export async function importPrescription(
  state: SimulatorState,
  request: ImportRequest,
): Promise<CreatedPrescription> {
  const parsed = fhirXmlToJson(request.kbvBundleXml);
  if (!parsed.ok)
    throw new ControlError(400, `kbvBundleXml: kein lesbares FHIR-XML (${parsed.error.slice(0, 200)})`);
  const bundle = parsed.data;

  const claimed = claimedKbvVersion(bundle);
  if (claimed === undefined)
    throw new ControlError(
      400,
      'kbvBundleXml: kein KBV-Verordnungsdatensatz (Profil KBV_PR_ERP_Bundle fehlt)',
    );
  const version = /^(\d+\.\d+)(\.\d+)?$/.exec(claimed)?.[1];
  const window = version === undefined ? undefined : KBV_WINDOWS[version];
  if (window === undefined) {
    throw new ControlError(
      400,
      `kbvBundleXml: KBV-Version ${claimed || '(ohne Version)'} nimmt der E-Rezept-Fachdienst nicht an (angenommen: 1.3 und ab 2026-07-01 1.4)`,
    );
  }

  const view = readPrescriptionJson(bundle);
  if (!view.ok) throw new ControlError(400, `kbvBundleXml: ${view.error.message}`);
  const { authoredOn, prescriptionId: bundleId } = view.data;
  if (
    (window.from !== undefined && authoredOn < window.from) ||
    (window.until !== undefined && authoredOn > window.until)
  ) {
    throw new ControlError(
      400,
      `kbvBundleXml: KBV-Version ${claimed} ist für das Ausstellungsdatum ${authoredOn} nicht zulässig`,
    );
  }
  const kvnr = view.data.patient.kvnr;
  if (kvnr === undefined || !parseKvnrFormat(kvnr).ok) {
    throw new ControlError(
      400,
      'kbvBundleXml: die Verordnung enthält keine KVNR (Großbuchstabe + 9 Ziffern)',
    );
  }

  const parsedId = parsePrescriptionId(bundleId);
  const idFlowType = parsedId.ok ? flowTypeOf(parsedId.data) : undefined;
  const flowType = (request.flowType ?? idFlowType) as FlowType | undefined;
  if (flowType === undefined || !pharmacyFlowTypes.includes(flowType)) {
    throw new ControlError(
      400,
      'flowType: die Rezept-ID der Verordnung nennt keinen Flowtype für Apotheken, bitte flowType angeben',
    );
  }
  const keepId = parsedId.ok && idFlowType === flowType && state.repository.get(bundleId) === undefined;
  const prescriptionId = keepId ? bundleId : nextFreePrescriptionId(state, flowType);
  const kbvXml = keepId ? request.kbvBundleXml : fhirJsonToXml(withPrescriptionId(bundle, prescriptionId));

  const mvo = view.data.request.mvo;
  return storeSignedPrescription(state, {
    prescriptionId,
    flowType,
    kvnr,
    kbvXml,
    signingDay: authoredOn,
    issuedAt: signingInstant(bundle, authoredOn),
    mvo: mvo
      ? {
          id: mvo.id ?? '',
          start: mvo.start ?? authoredOn,
          ...(mvo.end !== undefined ? { end: mvo.end } : {}),
        }
      : undefined,
    // an Entlassrezept's Belieferungsfrist is the Fachdienst's 3 working days (A_19517)
    legalBasis: view.data.legalBasis?.code,
  });
}

/** Bundle.timestamp when it lies on the signing day (German date), else that morning. */
function signingInstant(bundle: FhirResourceJson, authoredOn: string): Date {
  const timestamp = typeof bundle['timestamp'] === 'string' ? new Date(bundle['timestamp']) : undefined;
  if (timestamp && !Number.isNaN(timestamp.getTime()) && berlinDate(timestamp) === authoredOn)
    return timestamp;
  return new Date(`${authoredOn}T08:00:00.000Z`);
}

function withPrescriptionId(bundle: FhirResourceJson, prescriptionId: string): FhirResourceJson {
  return { ...bundle, identifier: { system: NamingSystems.prescriptionId, value: prescriptionId } };
}
