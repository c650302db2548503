import { createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCms, sha256, signCms } from './cms-sign';
import * as pkijs from 'pkijs';
import { loadOrCreateTestPki, type TestPki } from './pki';

/** The DER of the signed attributes (as SET, what is actually signed) and the signature value. */
function signerInfoParts(der: Uint8Array): { signedAttrsDer: Buffer; signature: Buffer } {
  const contentInfo = pkijs.ContentInfo.fromBER(Buffer.from(der));
  const signerInfo = new pkijs.SignedData({ schema: contentInfo.content }).signerInfos[0]!;
  return {
    signedAttrsDer: Buffer.from(signerInfo.signedAttrs!.encodedValue),
    signature: Buffer.from(signerInfo.signature.valueBlock.valueHexView),
  };
}

const now = new Date('2026-10-05T08:00:00Z');
let pki: TestPki;
const dirs: string[] = [];

beforeAll(async () => {
  pki = await loadOrCreateTestPki(undefined, now);
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('test PKI', () => {
  it('issues P-256 certificates chained to the test CA, valid now', () => {
    const ca = new X509Certificate(Buffer.from(pki.caCertificateDer));
    const qes = new X509Certificate(Buffer.from(pki.qes.certificateDer));
    const fdSig = new X509Certificate(Buffer.from(pki.fdSig.certificateDer));
    expect(ca.ca).toBe(true);
    expect(qes.ca).toBe(false);
    expect(qes.verify(ca.publicKey)).toBe(true);
    expect(fdSig.verify(ca.publicKey)).toBe(true);
    expect(qes.subject).toContain('QES');
    expect(fdSig.subject).toContain('FD.SIG');
    expect(qes.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(new Date(qes.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(new Date(qes.validTo).getTime()).toBeGreaterThan(now.getTime());
  });

  it('keeps the same keys across restarts when given a data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-pki-'));
    dirs.push(dir);
    const first = await loadOrCreateTestPki(dir, now);
    expect(readdirSync(join(dir, 'pki')).sort()).toEqual(
      ['ca.cert.pem', 'fd-sig.cert.pem', 'fd-sig.key.pem', 'qes.cert.pem', 'qes.key.pem'].sort(),
    );
    const second = await loadOrCreateTestPki(dir, now);
    expect(Buffer.from(second.fdSig.certificateDer)).toEqual(Buffer.from(first.fdSig.certificateDer));
    // the reloaded key still signs verifiably under the stored certificate
    const cms = await signCms(new TextEncoder().encode('x'), second.fdSig, [], now);
    expect(await parseCms(cms.der).verify()).toBe(true);
  });
});

describe('signCms', () => {
  it('envelops the content with a message-digest = SHA-256 of it and a valid signature', async () => {
    const content = new TextEncoder().encode('<Bundle xmlns="http://hl7.org/fhir"/>');
    const signed = await signCms(content, pki.qes, [pki.caCertificateDer], now);
    const parsed = parseCms(signed.der);
    expect(Buffer.from(parsed.content).toString()).toBe('<Bundle xmlns="http://hl7.org/fhir"/>');
    expect(Buffer.from(parsed.messageDigest ?? [])).toEqual(Buffer.from(sha256(content)));
    expect(Buffer.from(signed.messageDigest)).toEqual(Buffer.from(sha256(content)));
    expect(Buffer.from(parsed.signerCertificateDer ?? [])).toEqual(Buffer.from(pki.qes.certificateDer));
    expect(await parsed.verify()).toBe(true);
  });

  it('fails verification when the content was tampered with', async () => {
    const signed = await signCms(new TextEncoder().encode('AAAA'), pki.fdSig, [], now);
    const tampered = Buffer.from(signed.der);
    const at = tampered.indexOf(Buffer.from('AAAA'));
    tampered[at] = 0x42; // 'B'
    const parsed = parseCms(new Uint8Array(tampered));
    expect(Buffer.from(parsed.content).toString()).toBe('BAAA');
    expect(await parsed.verify()).toBe(false);
  });

  it('produces a signature Node verifies independently over the DER of the signed attributes', async () => {
    const signed = await signCms(new TextEncoder().encode('hello'), pki.fdSig, [], now);
    const { signedAttrsDer, signature } = signerInfoParts(signed.der);
    const verifier = createVerify('sha256');
    verifier.update(signedAttrsDer);
    const key = new X509Certificate(Buffer.from(pki.fdSig.certificateDer)).publicKey;
    expect(verifier.verify(key, signature)).toBe(true);
  });
});
