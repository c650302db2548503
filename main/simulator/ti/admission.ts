/**
 * What a TI certificate says about its holder (spec ti-transport §2.8, IDPREF X509ClaimExtraction): the
 * Admission extension (1.3.36.8.3.3, Common PKI) holds the professionOID(s) and, for an SMC-B, the
 * Telematik-ID as `registrationNumber`; the subject gives the organisation name (CN) and GN/SN.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const ADMISSION_OID = '1.3.36.8.3.3';

export interface CertificateHolder {
  professionOids: string[];
  registrationNumber: string | undefined;
  commonName: string | undefined;
  givenName: string | undefined;
  surname: string | undefined;
}

const SUBJECT_OIDS = { commonName: '2.5.4.3', givenName: '2.5.4.42', surname: '2.5.4.4' } as const;

export function holderOf(der: Uint8Array): CertificateHolder {
  const certificate = pkijs.Certificate.fromBER(der);
  const subject = (oid: string): string | undefined => {
    const value = certificate.subject.typesAndValues.find((entry) => entry.type === oid)?.value.valueBlock.value;
    return typeof value === 'string' ? value : undefined;
  };
  const holder: CertificateHolder = {
    professionOids: [],
    registrationNumber: undefined,
    commonName: subject(SUBJECT_OIDS.commonName),
    givenName: subject(SUBJECT_OIDS.givenName),
    surname: subject(SUBJECT_OIDS.surname),
  };
  const extension = certificate.extensions?.find((entry) => entry.extnID === ADMISSION_OID);
  if (!extension) return holder;
  const parsed = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  if (parsed.offset === -1) return holder;
  // AdmissionSyntax ::= SEQUENCE { admissionAuthority OPTIONAL, contentsOfAdmissions SEQUENCE OF Admissions }
  for (const admissions of sequencesIn(lastSequence(parsed.result))) {
    // Admissions ::= SEQUENCE { [0] authority OPTIONAL, [1] namingAuthority OPTIONAL, professionInfos SEQUENCE OF ProfessionInfo }
    for (const info of sequencesIn(lastSequence(admissions))) {
      // ProfessionInfo ::= SEQUENCE { [0] namingAuthority OPTIONAL, professionItems SEQUENCE, professionOIDs SEQUENCE OPTIONAL,
      //                               registrationNumber PrintableString OPTIONAL, addProfessionInfo OCTET STRING OPTIONAL }
      const children = childrenOf(info);
      const sequences = children.filter((child) => child instanceof asn1js.Sequence);
      for (const oid of childrenOf(sequences[1])) {
        if (oid instanceof asn1js.ObjectIdentifier) holder.professionOids.push(oid.valueBlock.toString());
      }
      const registration = children.find((child) => child instanceof asn1js.PrintableString);
      if (registration instanceof asn1js.PrintableString && holder.registrationNumber === undefined) {
        holder.registrationNumber = registration.valueBlock.value;
      }
    }
  }
  return holder;
}

function childrenOf(node: asn1js.AsnType | undefined): asn1js.AsnType[] {
  return node instanceof asn1js.Sequence ? (node.valueBlock.value as asn1js.AsnType[]) : [];
}

function sequencesIn(node: asn1js.AsnType | undefined): asn1js.Sequence[] {
  return childrenOf(node).filter((child): child is asn1js.Sequence => child instanceof asn1js.Sequence);
}

function lastSequence(node: asn1js.AsnType | undefined): asn1js.Sequence | undefined {
  return sequencesIn(node).at(-1);
}
