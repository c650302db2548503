import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { ContentInfo, EncapsulatedContentInfo, SignedData } from 'pkijs';
import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureBytes } from '../../test/fixtures';
import { extractCmsContent } from './cms';

const ID_DATA = '1.2.840.113549.1.7.1';
const xml = new TextEncoder().encode('<Bundle xmlns="http://hl7.org/fhir"><id value="x"/></Bundle>');

/** An unsigned SignedData around content — enough for extraction, which never verifies (A_19745-01). */
function signedDataDer(eContent: asn1js.OctetString | undefined): Uint8Array {
  const signedData = new SignedData({
    version: 1,
    // pkijs fills in an empty eContent when the key is present, even as undefined.
    encapContentInfo: new EncapsulatedContentInfo(
      eContent ? { eContentType: ID_DATA, eContent } : { eContentType: ID_DATA },
    ),
    signerInfos: [],
  });
  const contentInfo = new ContentInfo({
    contentType: ContentInfo.SIGNED_DATA,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(contentInfo.toSchema().toBER());
}

function expectErr<T>(result: { ok: true; data: T } | { ok: false; error: string }): string {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('extractCmsContent', () => {
  it('returns the enveloped content of a SignedData', () => {
    const result = extractCmsContent(signedDataDer(new asn1js.OctetString({ valueHex: xml })));
    expect(result).toEqual({
      ok: true,
      data: { content: xml, messageDigest: undefined, signerCount: 0, certificateCount: 0 },
    });
  });

  it('joins the chunks of a constructed (BER) OCTET STRING', () => {
    const chunks = [xml.subarray(0, 10), xml.subarray(10, 30), xml.subarray(30)].map(
      (chunk) => new asn1js.OctetString({ valueHex: chunk }),
    );
    const constructed = new asn1js.OctetString({
      isConstructed: true,
      idBlock: { isConstructed: true },
      value: chunks,
    });
    const result = extractCmsContent(signedDataDer(constructed));
    expect(result.ok && new TextDecoder().decode(result.data.content)).toBe(new TextDecoder().decode(xml));
  });

  it('reads the messageDigest of a real Konnektor QES, which is the SHA-256 of the content', () => {
    const [file] = listFixtures('gematik/qes-signed', /\.p7$/);
    const result = extractCmsContent(readFixtureBytes(file!));
    if (!result.ok) throw new Error(result.error);
    const sha256 = createHash('sha256').update(result.data.content).digest();
    expect(Buffer.from(result.data.messageDigest ?? []).equals(sha256)).toBe(true);
  });

  it('works on a view into a larger buffer', () => {
    const der = signedDataDer(new asn1js.OctetString({ valueHex: xml }));
    const padded = new Uint8Array(der.length + 8);
    padded.set(der, 4);
    const result = extractCmsContent(padded.subarray(4, 4 + der.length));
    expect(result.ok && result.data.content).toEqual(xml);
  });

  it('says what is wrong instead of throwing', () => {
    expect(expectErr(extractCmsContent(new Uint8Array(0)))).toBe('QES-Container ist leer');
    expect(expectErr(extractCmsContent(xml))).toMatch(/kein gültiges ASN\.1/);
    const dataOnly = new ContentInfo({
      contentType: ID_DATA,
      content: new asn1js.OctetString({ valueHex: xml }),
    });
    expect(expectErr(extractCmsContent(new Uint8Array(dataOnly.toSchema().toBER())))).toMatch(
      /keine signierten Daten/,
    );
    expect(expectErr(extractCmsContent(signedDataDer(undefined)))).toMatch(/keine eingebettete Verordnung/);
    expect(expectErr(extractCmsContent(signedDataDer(new asn1js.OctetString())))).toMatch(/leer/);
    const notCms = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 })] });
    expect(expectErr(extractCmsContent(new Uint8Array(notCms.toBER())))).toMatch(/nicht die Struktur/);
  });

  it('refuses every truncation of a real QES without throwing', () => {
    const [file] = listFixtures('gematik/qes-signed', /\.p7$/);
    const der = readFixtureBytes(file!);
    for (const length of [1, 2, 16, 100, 1000, Math.floor(der.length / 2), der.length - 1]) {
      expect(extractCmsContent(der.subarray(0, length)).ok).toBe(false);
    }
  });
});
