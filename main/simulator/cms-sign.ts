/**
 * CMS SignedData (RFC 5652), enveloping — the signed content travels inside — with the signed attributes of
 * a CAdES-BES signature: content-type, signing-time, message-digest and signing-certificate-v2.
 * Used for the generated prescriptions (the QES inside the $accept Binary, spec §3.2) and for receipts
 * (`Bundle.signature.data`, spec §7).
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine, toArrayBuffer } from './crypto-engine';
import { parseCertificate, type SigningIdentity } from './pki';

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
  const certificate = signer.certificate;
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: signingTime })] }),
    new pkijs.Attribute({
      type: OID.messageDigest,
      values: [new asn1js.OctetString({ valueHex: toArrayBuffer(messageDigest) })],
    }),
    // SigningCertificateV2 { certs: [ ESSCertIDv2 { certHash } ] } with the default hash algorithm SHA-256.
    new pkijs.Attribute({
      type: OID.signingCertificateV2,
      values: [
        new asn1js.Sequence({
          value: [
            new asn1js.Sequence({
              value: [
                new asn1js.Sequence({
                  value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(signer.certificateDer)) })],
                }),
              ],
            }),
          ],
        }),
      ],
    }),
  ];
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.data,
      eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(content) }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: [certificate, ...extraCertificates.map(parseCertificate)],
  });
  await signedData.sign(signer.privateKey, 0, 'SHA-256', undefined, cryptoEngine);
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return { der: new Uint8Array(contentInfo.toSchema().toBER(false)), messageDigest };
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
