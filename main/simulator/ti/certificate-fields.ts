/**
 * What the simulated Konnektor reads from an X.509 certificate: subject CN, issuer and subject as RFC 4514
 * strings, the serial number in decimal (`X509IssuerSerial`, spec ti-transport §3.4) and the Admission extension
 * (1.3.36.8.3.3): professionOIDs (the role, §3.6) and registrationNumber (the Telematik-ID, §2.8).
 *
 * Admission (Common PKI / ISIS-MTT, as gematik profiles it):
 *   AdmissionSyntax ::= SEQUENCE { admissionAuthority GeneralName OPTIONAL, contentsOfAdmissions SEQUENCE OF Admissions }
 *   Admissions      ::= SEQUENCE { [0] admissionAuthority OPTIONAL, [1] namingAuthority OPTIONAL,
 *                                  professionInfos SEQUENCE OF ProfessionInfo }
 *   ProfessionInfo  ::= SEQUENCE { [0] namingAuthority OPTIONAL, professionItems SEQUENCE OF DirectoryString,
 *                                  professionOIDs SEQUENCE OF OID OPTIONAL, registrationNumber PrintableString OPTIONAL,
 *                                  addProfessionInfo OCTET STRING OPTIONAL }
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export const ADMISSION_OID = '1.3.36.8.3.3';
const COMMON_NAME_OID = '2.5.4.3';
const GIVEN_NAME_OID = '2.5.4.42';
const SURNAME_OID = '2.5.4.4';

export interface Admission {
  professionOids: string[];
  /** the Telematik-ID for SMC-B and HBA; absent for an eGK */
  registrationNumber: string | undefined;
}

export interface CertificateFields {
  subjectCommonName: string | undefined;
  /** GN and SN of the subject, when present (optional for an SMC-B; the IDP's given_name/family_name, §2.8) */
  subjectGivenName: string | undefined;
  subjectSurname: string | undefined;
  /** RFC 4514, e.g. `CN=GEM.SMCB-CA51 TEST-ONLY,OU=…,O=…,C=DE` */
  subjectName: string;
  issuerName: string;
  serialNumberDecimal: string;
  admission: Admission | undefined;
}

export class CertificateFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateFormatError';
  }
}

export function readCertificateFields(der: Uint8Array): CertificateFields {
  let certificate: pkijs.Certificate;
  try {
    certificate = pkijs.Certificate.fromBER(Uint8Array.from(der));
  } catch (e) {
    throw new CertificateFormatError(`kein X.509-Zertifikat (${e instanceof Error ? e.message : 'unbekannt'})`);
  }
  const serialHex = Buffer.from(certificate.serialNumber.valueBlock.valueHexView).toString('hex');
  return {
    subjectCommonName: attributeValue(certificate.subject, COMMON_NAME_OID),
    subjectGivenName: attributeValue(certificate.subject, GIVEN_NAME_OID),
    subjectSurname: attributeValue(certificate.subject, SURNAME_OID),
    subjectName: distinguishedName(certificate.subject),
    issuerName: distinguishedName(certificate.issuer),
    serialNumberDecimal: BigInt(`0x${serialHex || '0'}`).toString(10),
    admission: readAdmission(certificate),
  };
}

function readAdmission(certificate: pkijs.Certificate): Admission | undefined {
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === ADMISSION_OID);
  if (extension === undefined) return undefined;
  // asn1js throws on a few broken primitives instead of reporting them (shared/fhir/cms.ts)
  let parsed: ReturnType<typeof asn1js.fromBER> | undefined;
  try {
    parsed = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) {
    throw new CertificateFormatError('Admission-Erweiterung nicht lesbar');
  }
  const professionOids: string[] = [];
  let registrationNumber: string | undefined;
  // The first SEQUENCE in AdmissionSyntax is contentsOfAdmissions (admissionAuthority is a tagged GeneralName).
  for (const admissions of sequences(firstSequence(parsed.result.valueBlock.value))) {
    for (const professionInfo of sequences(firstSequence(admissions.valueBlock.value))) {
      const [, oidList] = sequences(professionInfo.valueBlock.value); // professionItems, then professionOIDs
      for (const oid of oidList?.valueBlock.value ?? []) {
        if (oid instanceof asn1js.ObjectIdentifier) professionOids.push(oid.valueBlock.toString());
      }
      const number = professionInfo.valueBlock.value.find((item) => item instanceof asn1js.PrintableString);
      if (number instanceof asn1js.PrintableString && registrationNumber === undefined) {
        registrationNumber = number.valueBlock.value;
      }
    }
  }
  return { professionOids, registrationNumber };
}

function sequences(items: readonly asn1js.AsnType[] | undefined): asn1js.Sequence[] {
  return (items ?? []).filter((item): item is asn1js.Sequence => item instanceof asn1js.Sequence);
}

function firstSequence(items: readonly asn1js.AsnType[]): asn1js.AsnType[] | undefined {
  return sequences(items)[0]?.valueBlock.value;
}

function attributeValue(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const attribute = name.typesAndValues.find((candidate) => candidate.type === oid);
  return attribute === undefined ? undefined : stringValue(attribute);
}

/** The value of a string-typed attribute (DirectoryString, PrintableString, …); undefined for anything else. */
function stringValue(attribute: pkijs.AttributeTypeAndValue): string | undefined {
  const value: unknown = attribute.value.valueBlock.value;
  return typeof value === 'string' ? value : undefined;
}

// Short names of RFC 4514 §3 plus the ones the gematik certificates carry (RFC 4519).
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
};

/** RFC 4514: the RDNs in reverse order, separated by commas, special characters escaped. */
function distinguishedName(name: pkijs.RelativeDistinguishedNames): string {
  return [...name.typesAndValues]
    .reverse()
    .map((attribute) => {
      const text = stringValue(attribute);
      // RFC 4514 §2.4: a value that is not a string is written as `#` + the hex of its BER encoding
      const value = text === undefined ? `#${Buffer.from(attribute.value.toBER()).toString('hex')}` : escapeValue(text);
      return `${SHORT_NAMES[attribute.type] ?? attribute.type}=${value}`;
    })
    .join(',');
}

function escapeValue(value: string): string {
  return value
    .replace(/[\\,+"<>;]/g, (char) => `\\${char}`)
    .replace(/^[ #]/, (char) => `\\${char}`)
    .replace(/ $/, '\\ ');
}
