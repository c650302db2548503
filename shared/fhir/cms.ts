/**
 * Unwraps the QES container of a prescription: the $accept Binary carries a CAdES-enveloping PKCS#7
 * SignedData whose encapsulated content is the KBV bundle as XML (spec §3.2, RFC 5652).
 *
 * The signature is deliberately not verified here: the Fachdienst verified the QES at $activate and a
 * pharmacy-side check via the Konnektor is optional (A_19745-01, spec §3.2).
 */
import * as asn1js from 'asn1js';
import { ContentInfo, SignedData } from 'pkijs';
import { err, ok, type Result } from '../ipc/result';

export interface CmsContent {
  content: Uint8Array;
  /** messageDigest signed attribute of the first SignerInfo (spec §7: the receipt's Digest) */
  messageDigest?: Uint8Array;
  signerCount: number;
  certificateCount: number;
}

// RFC 5652 §11.2: the messageDigest signed attribute.
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

/** Extracts the enveloped content of an attached CMS SignedData (DER or BER). Never throws. */
export function extractCmsContent(der: Uint8Array): Result<CmsContent, string> {
  if (der.byteLength === 0) return err('QES-Container ist leer');

  const asn = berOf(der);
  if (!asn || asn.offset === -1 || asn.result.error !== '') {
    return err('QES-Container ist kein gültiges ASN.1 (beschädigt oder unvollständig)');
  }

  let signedData: SignedData;
  try {
    const contentInfo = new ContentInfo({ schema: asn.result });
    if (contentInfo.contentType !== ContentInfo.SIGNED_DATA) {
      return err('QES-Container enthält keine signierten Daten (CMS SignedData erwartet)');
    }
    signedData = new SignedData({ schema: contentInfo.content });
  } catch {
    return err('QES-Container hat nicht die Struktur einer CMS-Signatur (PKCS#7)');
  }

  const eContent = signedData.encapContentInfo.eContent;
  if (!(eContent instanceof asn1js.OctetString)) {
    // A detached signature would need the document from elsewhere; the Fachdienst always sends it enveloped.
    return err('QES-Container enthält keine eingebettete Verordnung (nur die Signatur)');
  }
  // getValue() joins the chunks of a constructed (BER, indefinite-length) OCTET STRING, as some
  // Konnektors produce them.
  const content = new Uint8Array(eContent.getValue());
  if (content.byteLength === 0) return err('Die eingebettete Verordnung im QES-Container ist leer');

  return ok({
    content,
    messageDigest: firstMessageDigest(signedData),
    signerCount: signedData.signerInfos.length,
    certificateCount: signedData.certificates?.length ?? 0,
  });
}

function firstMessageDigest(signedData: SignedData): Uint8Array | undefined {
  const attributes = signedData.signerInfos[0]?.signedAttrs?.attributes ?? [];
  const attribute = attributes.find((a) => a.type === OID_MESSAGE_DIGEST);
  const value: unknown = attribute?.values[0];
  return value instanceof asn1js.OctetString ? new Uint8Array(value.getValue()) : undefined;
}

/**
 * asn1js reports most broken input in `result.error`, but a few primitive types throw while decoding their value
 * (an empty GeneralizedTime, `18 00`, found by the fuzz suite): both are "not ASN.1" here.
 */
function berOf(der: Uint8Array): ReturnType<typeof asn1js.fromBER> | undefined {
  try {
    return asn1js.fromBER(der);
  } catch {
    return undefined;
  }
}
