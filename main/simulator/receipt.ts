/**
 * The receipt ("Quittung") $close returns and stores (spec §7, A_19233-06): Bundle GEM_ERP_PR_Bundle|1.6,
 * type document, identifier = PrescriptionID, entries Composition (beneficiary = the closing pharmacy,
 * event.period = in-progress time … completion time, author → Device, section → Digest), Device, Digest
 * (SHA-256 messageDigest of the prescription's QES SignerInfo), and `signature` = CMS (enveloping) over the
 * XML-serialised bundle, signed with the simulator's FD.SIG test key, who → Device.
 */
import { CodeSystems, Extensions, gemProfile, NamingSystems } from '../../shared/fhir/profiles';
import { fhirJsonToXml, type FhirResourceJson } from '../../shared/fhir/xml';
import { signCms } from './cms-sign';
import type { IdSource } from './ids';
import type { TestPki } from './pki';

/** What the simulator calls itself in Device.version (spec §7: FD release). */
export const SIMULATOR_VERSION = '1.22.0-sim';

export interface ReceiptInput {
  prescriptionId: string;
  receiptId: string;
  /** Telematik-ID of the closing pharmacy (Composition beneficiary) */
  beneficiary: string;
  /** when the Task went in-progress ($accept) */
  inProgressAt: string;
  completedAt: Date;
  /** base64 SHA-256 messageDigest of the prescription's QES */
  prescriptionDigest: string;
  /** e.g. http://127.0.0.1:1234 */
  baseUrl: string;
}

/** The receipt without signature: what gets serialised to XML and signed. */
export function unsignedReceipt(input: ReceiptInput, ids: IdSource): FhirResourceJson {
  const completed = input.completedAt.toISOString();
  const compositionId = ids.uuid();
  const deviceId = ids.uuid();
  const digestId = ids.uuid();
  return {
    resourceType: 'Bundle',
    id: input.receiptId,
    meta: { profile: [gemProfile('GEM_ERP_PR_Bundle')] },
    identifier: { system: NamingSystems.prescriptionId, value: input.prescriptionId },
    type: 'document',
    timestamp: completed,
    link: [{ relation: 'self', url: `${input.baseUrl}/Task/${input.prescriptionId}/$close/` }],
    entry: [
      {
        fullUrl: `urn:uuid:${compositionId}`,
        resource: {
          resourceType: 'Composition',
          id: compositionId,
          meta: { profile: [gemProfile('GEM_ERP_PR_Composition')] },
          extension: [
            {
              url: Extensions.beneficiary,
              valueIdentifier: { system: NamingSystems.telematikId, value: input.beneficiary },
            },
          ],
          status: 'final',
          type: { coding: [{ system: CodeSystems.documentType, code: '3', display: 'Receipt' }] },
          date: completed,
          author: [{ reference: `urn:uuid:${deviceId}` }],
          title: 'Quittung',
          event: [{ period: { start: input.inProgressAt, end: completed } }],
          section: [{ entry: [{ reference: `urn:uuid:${digestId}` }] }],
        },
      },
      {
        fullUrl: `urn:uuid:${deviceId}`,
        resource: {
          resourceType: 'Device',
          id: deviceId,
          meta: { profile: [gemProfile('GEM_ERP_PR_Device')] },
          status: 'active',
          serialNumber: SIMULATOR_VERSION,
          deviceName: [{ name: 'E-Rezept-Fachdienst', type: 'user-friendly-name' }],
          version: [{ value: SIMULATOR_VERSION }],
          contact: [{ system: 'email', value: 'betrieb@gematik.de' }],
        },
      },
      {
        fullUrl: `urn:uuid:${digestId}`,
        resource: {
          resourceType: 'Binary',
          id: digestId,
          meta: { profile: [gemProfile('GEM_ERP_PR_Digest')] },
          contentType: 'application/octet-stream',
          data: input.prescriptionDigest,
        },
      },
    ],
  };
}

/** Builds and signs the receipt. */
export async function createReceipt(input: ReceiptInput, ids: IdSource, pki: TestPki): Promise<FhirResourceJson> {
  const receipt = unsignedReceipt(input, ids);
  const xml = fhirJsonToXml(receipt);
  const cms = await signCms(new TextEncoder().encode(xml), pki.fdSig, [pki.caCertificateDer], input.completedAt);
  const device = (receipt['entry'] as { fullUrl: string; resource: FhirResourceJson }[])[1]!;
  return {
    ...receipt,
    signature: {
      type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }],
      when: input.completedAt.toISOString(),
      who: { reference: device.fullUrl },
      sigFormat: 'application/pkcs7-mime',
      data: Buffer.from(cms.der).toString('base64'),
    },
  };
}
