/**
 * The receipt ("Quittung") $close returns and stores (spec §7, A_19233-06): Bundle GEM_ERP_PR_Bundle|1.6,
 * type document, identifier = PrescriptionID, entries Composition (beneficiary = the closing pharmacy,
 * event.period = in-progress time … completion time, author → Device, section → Digest), Device, Digest
 * (SHA-256 messageDigest of the prescription's QES SignerInfo), and `signature` = CMS (enveloping) over the
 * XML-serialised bundle, signed with the simulator's FD.SIG test key, who → Device.
 */
import { CodeSystems, Extensions, NamingSystems, Profiles, versioned } from '../../shared/fhir/profiles';
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

/** Every value that differs between two receipts. */
interface ReceiptValues {
  receiptId: string;
  prescriptionId: string;
  baseUrl: string;
  completed: string;
  inProgressAt: string;
  beneficiary: string;
  compositionId: string;
  deviceId: string;
  digestId: string;
  digest: string;
}

function receiptValues(input: ReceiptInput, ids: IdSource): ReceiptValues {
  return {
    receiptId: input.receiptId,
    prescriptionId: input.prescriptionId,
    baseUrl: input.baseUrl,
    completed: input.completedAt.toISOString(),
    inProgressAt: input.inProgressAt,
    beneficiary: input.beneficiary,
    compositionId: ids.uuid(),
    deviceId: ids.uuid(),
    digestId: ids.uuid(),
    digest: input.prescriptionDigest,
  };
}

function receiptResource(v: ReceiptValues): FhirResourceJson {
  return {
    resourceType: 'Bundle',
    id: v.receiptId,
    meta: { profile: [versioned(Profiles.receiptBundle)] },
    identifier: { system: NamingSystems.prescriptionId, value: v.prescriptionId },
    type: 'document',
    timestamp: v.completed,
    link: [{ relation: 'self', url: `${v.baseUrl}/Task/${v.prescriptionId}/$close/` }],
    entry: [
      {
        fullUrl: `urn:uuid:${v.compositionId}`,
        resource: {
          resourceType: 'Composition',
          id: v.compositionId,
          meta: { profile: [versioned(Profiles.composition)] },
          extension: [
            {
              url: Extensions.beneficiary,
              valueIdentifier: { system: NamingSystems.telematikId, value: v.beneficiary },
            },
          ],
          status: 'final',
          type: { coding: [{ system: CodeSystems.documentType, code: '3', display: 'Receipt' }] },
          date: v.completed,
          author: [{ reference: `urn:uuid:${v.deviceId}` }],
          title: 'Quittung',
          event: [{ period: { start: v.inProgressAt, end: v.completed } }],
          section: [{ entry: [{ reference: `urn:uuid:${v.digestId}` }] }],
        },
      },
      {
        fullUrl: `urn:uuid:${v.deviceId}`,
        resource: {
          resourceType: 'Device',
          id: v.deviceId,
          meta: { profile: [versioned(Profiles.device)] },
          status: 'active',
          serialNumber: SIMULATOR_VERSION,
          deviceName: [{ name: 'E-Rezept-Fachdienst', type: 'user-friendly-name' }],
          version: [{ value: SIMULATOR_VERSION }],
          contact: [{ system: 'email', value: 'betrieb@gematik.de' }],
        },
      },
      {
        fullUrl: `urn:uuid:${v.digestId}`,
        resource: {
          resourceType: 'Binary',
          id: v.digestId,
          meta: { profile: [versioned(Profiles.digest)] },
          contentType: 'application/octet-stream',
          data: v.digest,
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The signed XML. Serialising through the FHIR library costs about a millisecond per receipt — more than
// everything else $close does. Every receipt has the same structure and only the values above differ, so the
// library serialises it once with placeholder values, and each receipt fills in its values. That is byte for
// byte what the library writes (receipt.test.ts compares), as long as no value needs XML escaping; a value
// that would (outside the characters below) sends the receipt through the library as a whole.
// ---------------------------------------------------------------------------------------------

const VERBATIM = /^[A-Za-z0-9.:/_+=-]*$/;
const valueKeys = [
  'receiptId',
  'prescriptionId',
  'baseUrl',
  'completed',
  'inProgressAt',
  'beneficiary',
  'compositionId',
  'deviceId',
  'digestId',
  'digest',
] as const satisfies readonly (keyof ReceiptValues)[];

interface XmlTemplate {
  /** the library's XML split at the placeholders: text, value, text, value, …, text */
  texts: string[];
  slots: (keyof ReceiptValues)[];
}

let template: XmlTemplate | undefined;

function receiptTemplate(): XmlTemplate {
  if (template) return template;
  const placeholders = Object.fromEntries(valueKeys.map((key, i) => [key, `QQSLOT${i}QQ`])) as unknown as ReceiptValues;
  const xml = fhirJsonToXml(receiptResource(placeholders));
  const texts: string[] = [];
  const slots: (keyof ReceiptValues)[] = [];
  let last = 0;
  for (const m of xml.matchAll(/QQSLOT(\d+)QQ/g)) {
    texts.push(xml.slice(last, m.index));
    slots.push(valueKeys[Number(m[1])]!);
    last = m.index + m[0].length;
  }
  texts.push(xml.slice(last));
  template = { texts, slots };
  return template;
}

/** The receipt bundle (without signature) as FHIR XML, exactly as fhirJsonToXml writes it. */
function receiptXml(values: ReceiptValues): string {
  if (!valueKeys.every((key) => VERBATIM.test(values[key]))) return fhirJsonToXml(receiptResource(values));
  const { texts, slots } = receiptTemplate();
  let xml = texts[0]!;
  for (let i = 0; i < slots.length; i++) xml += values[slots[i]!] + texts[i + 1]!;
  return xml;
}

/** For tests: the XML a receipt is signed over, by the fast path. */
export function receiptXmlForTest(input: ReceiptInput, ids: IdSource): { xml: string; unsigned: FhirResourceJson } {
  const values = receiptValues(input, ids);
  return { xml: receiptXml(values), unsigned: receiptResource(values) };
}

/** Builds and signs the receipt. */
export async function createReceipt(input: ReceiptInput, ids: IdSource, pki: TestPki): Promise<FhirResourceJson> {
  const values = receiptValues(input, ids);
  const receipt = receiptResource(values);
  const xml = receiptXml(values);
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
