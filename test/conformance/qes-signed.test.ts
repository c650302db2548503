/**
 * The six real CAdES-enveloping QES containers of gematik/api-erp (three Konnektor products, two
 * prescriptions; spec §11.5): the prescription is extracted from each, and — being KBV 1.0.1 — refused by
 * the reader. Plus the $accept response of api-erp whose Binary carries a real QES (KBV 1.1.0), and a QES we
 * build around a KBV 1.3 example to prove the whole path Binary → view.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import * as asn1js from 'asn1js';
import { ContentInfo, EncapsulatedContentInfo, SignedData } from 'pkijs';
import { describe, expect, it } from 'vitest';
import { extractCmsContent } from '../../shared/fhir/cms';
import { readAcceptBundle } from '../../shared/fhir/fachdienst-responses';
import { readPrescriptionFromQes } from '../../shared/fhir/kbv';
import { fhirXmlToJson } from '../../shared/fhir/xml';
import { listFixtures, readFixture, readFixtureBytes } from '../fixtures';

const qesFiles = listFixtures('gematik/qes-signed', /\.p7$/);
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

describe('qes-signed/*.p7', () => {
  it('holds six containers', () => {
    expect(qesFiles).toHaveLength(6);
  });

  describe.each(qesFiles)('%s', (file) => {
    it('yields the KBV bundle XML, one signer, its certificate and the digest of the content', () => {
      const result = extractCmsContent(readFixtureBytes(file));
      if (!result.ok) throw new Error(result.error);
      const { content, messageDigest, signerCount, certificateCount } = result.data;
      const xml = decode(content);
      expect(xml.startsWith('<Bundle xmlns="http://hl7.org/fhir">')).toBe(true);
      // The file name starts with the Bundle.id of the prescription inside.
      expect(xml).toContain(`<id value="${basename(file).slice(0, 36)}" />`);
      expect(signerCount).toBe(1);
      expect(certificateCount).toBeGreaterThanOrEqual(1);
      expect(Buffer.from(messageDigest ?? []).equals(createHash('sha256').update(content).digest())).toBe(
        true,
      );
    });

    it('is refused by the reader as KBV 1.0.1', () => {
      expect(readPrescriptionFromQes(readFixtureBytes(file))).toEqual({
        ok: false,
        error: {
          code: 'unsupported-version',
          message: 'KBV-Version nicht unterstützt: 1.0.1',
          kbvVersion: '1.0.1',
        },
      });
    });
  });

  it('gives the same content for the same prescription, whichever Konnektor signed it', () => {
    const byPrescription = new Map<string, Set<string>>();
    for (const file of qesFiles) {
      const result = extractCmsContent(readFixtureBytes(file));
      if (!result.ok) throw new Error(result.error);
      const id = basename(file).slice(0, 36);
      byPrescription.set(id, (byPrescription.get(id) ?? new Set()).add(decode(result.data.content)));
    }
    expect(byPrescription.size).toBe(2);
    for (const contents of byPrescription.values()) expect(contents.size).toBe(1);
  });
});

describe('QES inside a Fachdienst $accept response', () => {
  it('reads the api-erp $accept response with Consent and refuses its KBV 1.1.0 prescription', () => {
    const json = fhirXmlToJson(
      readFixture('gematik/api-examples-2025-01-15/02_response_taskAcceptWithConsent.xml'),
    );
    if (!json.ok) throw new Error(json.error);
    const accepted = readAcceptBundle(json.data);
    if (!accepted.ok) throw new Error(accepted.error);
    expect(readPrescriptionFromQes(accepted.data.qes)).toEqual({
      ok: false,
      error: {
        code: 'unsupported-version',
        message: 'KBV-Version nicht unterstützt: 1.1.0',
        kbvVersion: '1.1.0',
      },
    });
  });

  it('reads a KBV 1.3 prescription from a QES container and returns its XML for storage', () => {
    const xml = readFixture(
      'gematik/e2e-examples-2025-10/PZN-Verordnung_Noctu/PZN-Verordnung_Noctu_1/PZN_Noctu_VerordnungArzt.xml',
    );
    const signedData = new SignedData({
      version: 1,
      encapContentInfo: new EncapsulatedContentInfo({
        eContentType: '1.2.840.113549.1.7.1',
        eContent: new asn1js.OctetString({ valueHex: new TextEncoder().encode(xml) }),
      }),
      signerInfos: [],
    });
    const der = new ContentInfo({ contentType: ContentInfo.SIGNED_DATA, content: signedData.toSchema(true) })
      .toSchema()
      .toBER();
    const result = readPrescriptionFromQes(new Uint8Array(der));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.data.xml).toBe(xml);
    expect(result.data.view).toMatchObject({
      kbvVersion: '1.3',
      prescriptionId: '160.100.000.000.003.33',
      request: { noctu: true },
      medication: { kind: 'pzn', pzn: '03386388' },
    });
  });
});
