/**
 * CMS SignedData (RFC 5652), enveloping — the signed content travels inside — with the signed attributes of
 * a CAdES-BES signature: content-type, signing-time, message-digest and signing-certificate-v2.
 * Used for the generated prescriptions (the QES inside the $accept Binary, spec §3.2) and for receipts
 * (`Bundle.signature.data`, spec §7).
 *
 * Signing encodes the DER directly (der.ts) and signs with Node's native ECDSA: it runs on every $close, and
 * building the structure through pkijs cost more than the rest of the operation. Reading (parseCms, for tests
 * and checks) uses pkijs.
 */
import { createHash, KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine, toArrayBuffer } from './crypto-engine';
import { octetString, oid, retag, sequence, setOf, smallInteger, Tags, tlv, utcTime } from './der';
import type { SigningIdentity } from './pki';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

export interface CmsSignature {
  /** DER of the ContentInfo */
  der: Uint8Array;
  /** SHA-256 of the content = the message-digest signed attribute */
  messageDigest: Uint8Array;
}

export async function signCms(
  content: Uint8Array,
  signer: SigningIdentity,
  extraCertificates: readonly Uint8Array[],
  signingTime: Date,
): Promise<CmsSignature> {
  const messageDigest = sha256(content);
  const constant = signerConstants(signer);
  const attributes = setOf(
    CONTENT_TYPE_DATA_ATTRIBUTE,
    attribute(SIGNING_TIME_OID, utcTime(signingTime)),
    attribute(MESSAGE_DIGEST_OID, octetString(messageDigest)),
    constant.signingCertificateV2,
  );
  // The signature covers the DER of the signed attributes as a SET (RFC 5652 5.4); ECDSA-Sig-Value in DER.
  const signature = sign('sha256', attributes, { key: constant.privateKey, dsaEncoding: 'der' });
  const signerInfo = sequence(
    smallInteger(1),
    constant.issuerAndSerialNumber,
    SHA256_ALGORITHM,
    retag(attributes, Tags.context0),
    ECDSA_SHA256_ALGORITHM,
    octetString(signature),
  );
  const signedData = sequence(
    smallInteger(1),
    setOf(SHA256_ALGORITHM),
    sequence(DATA_OID, tlv(Tags.context0, octetString(content))),
    tlv(Tags.context0, signer.certificateDer, ...extraCertificates),
    setOf(signerInfo),
  );
  const contentInfo = sequence(SIGNED_DATA_OID, tlv(Tags.context0, signedData));
  return { der: new Uint8Array(contentInfo.buffer, contentInfo.byteOffset, contentInfo.byteLength), messageDigest };
}

/** SHA-256 without parameters (RFC 5754 §2: generated without), ecdsa-with-SHA256 (RFC 5758 §3.2). */
const SHA256_ALGORITHM = sequence(oid('2.16.840.1.101.3.4.2.1'));
const ECDSA_SHA256_ALGORITHM = sequence(oid('1.2.840.10045.4.3.2'));

const attribute = (type: string | Buffer, value: Uint8Array): Buffer => sequence(typeof type === 'string' ? oid(type) : type, setOf(value));

// encoded once
const DATA_OID = oid(OID.data);
const SIGNED_DATA_OID = oid(OID.signedData);
const SIGNING_TIME_OID = oid(OID.signingTime);
const MESSAGE_DIGEST_OID = oid(OID.messageDigest);
const CONTENT_TYPE_DATA_ATTRIBUTE = attribute(OID.contentType, DATA_OID);

interface SignerConstants {
  privateKey: KeyObject;
  issuerAndSerialNumber: Buffer;
  signingCertificateV2: Buffer;
}

/** What stays the same for every signature of one signer, computed once. */
const constantsBySigner = new WeakMap<SigningIdentity, SignerConstants>();

function signerConstants(signer: SigningIdentity): SignerConstants {
  let constants = constantsBySigner.get(signer);
  if (!constants) {
    const certificate = signer.certificate;
    constants = {
      privateKey: KeyObject.from(signer.privateKey),
      issuerAndSerialNumber: sequence(
        new Uint8Array(certificate.issuer.toSchema().toBER(false)),
        new Uint8Array(certificate.serialNumber.toBER(false)),
      ),
      // SigningCertificateV2 { certs: [ ESSCertIDv2 { certHash } ] }, hash algorithm the default SHA-256
      signingCertificateV2: attribute(OID.signingCertificateV2, sequence(sequence(sequence(octetString(sha256(signer.certificateDer)))))),
    };
    constantsBySigner.set(signer, constants);
  }
  return constants;
}

export interface ParsedCms {
  content: Uint8Array;
  /** the message-digest signed attribute of the first signer, if present */
  messageDigest: Uint8Array | undefined;
  signerCertificateDer: Uint8Array | undefined;
  /** checks the first signer's signature against its certificate in the CMS (no chain check) */
  verify(): Promise<boolean>;
}

export function parseCms(der: Uint8Array): ParsedCms {
  const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
  if (contentInfo.contentType !== OID.signedData) throw new Error('CMS: kein SignedData');
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const eContent = signedData.encapContentInfo.eContent;
  if (!eContent) throw new Error('CMS: kein eingebetteter Inhalt');
  const content = new Uint8Array(eContent.getValue());
  const signerInfo = signedData.signerInfos[0];
  const digestAttribute = signerInfo?.signedAttrs?.attributes.find((a) => a.type === OID.messageDigest);
  const digestValue = digestAttribute?.values[0];
  const messageDigest =
    digestValue instanceof asn1js.OctetString ? new Uint8Array(digestValue.valueBlock.valueHexView) : undefined;
  const firstCertificate = signedData.certificates?.find((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  return {
    content,
    messageDigest,
    signerCertificateDer: firstCertificate ? new Uint8Array(firstCertificate.toSchema(true).toBER(false)) : undefined,
    verify: async () => {
      try {
        const result = await signedData.verify({ signer: 0, checkChain: false, extendedMode: true }, cryptoEngine);
        return result.signatureVerified === true;
      } catch {
        return false;
      }
    },
  };
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}
