/**
 * The simulator's test PKI: a self-made CA, a "QES" certificate (signs the generated prescriptions like a
 * doctor's HBA would) and an "FD.SIG" certificate (signs receipts like the Fachdienst's ID.FD.SIG, spec §7).
 * P-256 ECDSA instead of brainpoolP256r1 because WebCrypto has no brainpool (stack notes).
 *
 * Created on first start and kept in `<dataDir>/pki/` (PEM), so signatures stay verifiable across restarts;
 * in memory when the simulator has no data directory. These are TEST keys, worthless outside the simulator.
 *
 * Certificates are built with pkijs (already needed for CMS): @peculiar/x509 2.2 loads tsyringe, which
 * demands a global `reflect-metadata` polyfill that is not installed.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, type webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine, EC_KEY_ALGORITHM, subtle, toArrayBuffer } from './crypto-engine';

export interface SigningIdentity {
  certificate: pkijs.Certificate;
  certificateDer: Uint8Array;
  privateKey: webcrypto.CryptoKey;
}

export interface TestPki {
  caCertificateDer: Uint8Array;
  /** stands in for the prescriber's QES (HBA) */
  qes: SigningIdentity;
  /** stands in for the Fachdienst's ID.FD.SIG (receipts) */
  fdSig: SigningIdentity;
}

const SIGN_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const TEN_YEARS_MS = 10 * 365 * 86_400_000;
const ORGANISATION = 'eRx Counter Fachdienst-Simulator (NUR TEST)';

// X.509 KeyUsage bits (RFC 5280 4.2.1.3): one byte, most significant bit = bit 0.
const KEY_USAGE = {
  digitalSignature: 0x80,
  nonRepudiation: 0x40,
  keyCertSign: 0x04,
  cRLSign: 0x02,
};

export async function loadOrCreateTestPki(dataDir: string | undefined, now: Date): Promise<TestPki> {
  const dir = dataDir === undefined ? undefined : join(dataDir, 'pki');
  if (dir !== undefined) {
    const loaded = await loadPki(dir);
    if (loaded) return loaded;
  }
  const pki = await createPki(now);
  if (dir !== undefined) await savePki(dir, pki.stored);
  return pki.pki;
}

interface StoredPki {
  caCert: Uint8Array;
  qesCert: Uint8Array;
  qesKey: Uint8Array;
  fdSigCert: Uint8Array;
  fdSigKey: Uint8Array;
}

const FILES = {
  caCert: 'ca.cert.pem',
  qesCert: 'qes.cert.pem',
  qesKey: 'qes.key.pem',
  fdSigCert: 'fd-sig.cert.pem',
  fdSigKey: 'fd-sig.key.pem',
} as const;

async function createPki(now: Date): Promise<{ pki: TestPki; stored: StoredPki }> {
  const notBefore = new Date(now.getTime() - 86_400_000);
  const notAfter = new Date(now.getTime() + TEN_YEARS_MS);
  const caKeys = await generateKeys();
  const caName = 'Simulator Test-CA';
  const ca = await issueCertificate({
    subject: caName,
    issuer: caName,
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    isCa: true,
    keyUsage: KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign,
    notBefore,
    notAfter,
  });
  const leaf = async (subject: string, keyUsage: number): Promise<{ identity: SigningIdentity; key: Uint8Array }> => {
    const keys = await generateKeys();
    const certificate = await issueCertificate({
      subject,
      issuer: caName,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      isCa: false,
      keyUsage,
      notBefore,
      notAfter,
    });
    const key = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey));
    const certificateDer = new Uint8Array(certificate.toSchema(true).toBER(false));
    return { identity: { certificate, certificateDer, privateKey: keys.privateKey }, key };
  };
  const qes = await leaf('Dr. med. Sim Ulator (QES, NUR TEST)', KEY_USAGE.nonRepudiation);
  const fdSig = await leaf('E-Rezept-Fachdienst-Simulator FD.SIG (NUR TEST)', KEY_USAGE.digitalSignature);
  const caCertificateDer = new Uint8Array(ca.toSchema(true).toBER(false));
  return {
    pki: { caCertificateDer, qes: qes.identity, fdSig: fdSig.identity },
    stored: {
      caCert: caCertificateDer,
      qesCert: qes.identity.certificateDer,
      qesKey: qes.key,
      fdSigCert: fdSig.identity.certificateDer,
      fdSigKey: fdSig.key,
    },
  };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return subtle.generateKey(SIGN_ALGORITHM, true, ['sign', 'verify']);
}

interface IssueParams {
  subject: string;
  issuer: string;
  publicKey: webcrypto.CryptoKey;
  signingKey: webcrypto.CryptoKey;
  isCa: boolean;
  keyUsage: number;
  notBefore: Date;
  notAfter: Date;
}

async function issueCertificate(params: IssueParams): Promise<pkijs.Certificate> {
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  const serial = randomBytes(16);
  // Positive AND minimally encoded: a first byte 0x00 followed by one < 0x80 is not DER, and OpenSSL then refuses
  // the certificate (this made one test fail about once in 250 runs). 0x40–0x7f is neither negative nor padding.
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  certificate.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(serial) });
  setName(certificate.issuer, params.issuer);
  setName(certificate.subject, params.subject);
  certificate.notBefore.value = params.notBefore;
  certificate.notAfter.value = params.notAfter;
  const basicConstraints = new pkijs.BasicConstraints({ cA: params.isCa });
  const unusedBits = params.keyUsage === 0 ? 0 : Math.log2(params.keyUsage & -params.keyUsage);
  certificate.extensions = [
    new pkijs.Extension({
      extnID: '2.5.29.19',
      critical: true,
      extnValue: basicConstraints.toSchema().toBER(false),
      parsedValue: basicConstraints,
    }),
    new pkijs.Extension({
      extnID: '2.5.29.15',
      critical: true,
      extnValue: new asn1js.BitString({
        valueHex: new Uint8Array([params.keyUsage]).buffer,
        unusedBits,
      }).toBER(false),
    }),
  ];
  await certificate.subjectPublicKeyInfo.importKey(params.publicKey, cryptoEngine);
  await certificate.sign(params.signingKey, 'SHA-256', cryptoEngine);
  return certificate;
}

function setName(name: pkijs.RelativeDistinguishedNames, commonName: string): void {
  name.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.6', value: new asn1js.PrintableString({ value: 'DE' }) }),
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.10', value: new asn1js.Utf8String({ value: ORGANISATION }) }),
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: commonName }) }),
  );
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(toArrayBuffer(der));
}

// ---------------------------------------------------------------------------------------------
// Persistence (PEM files in <dataDir>/pki/)
// ---------------------------------------------------------------------------------------------

async function loadPki(dir: string): Promise<TestPki | undefined> {
  if (!Object.values(FILES).every((file) => existsSync(join(dir, file)))) return undefined;
  const read = (file: string): Uint8Array => fromPem(readFileSync(join(dir, file), 'utf8'));
  const identity = async (certFile: string, keyFile: string): Promise<SigningIdentity> => {
    const certificateDer = read(certFile);
    const privateKey = await subtle.importKey('pkcs8', toArrayBuffer(read(keyFile)), EC_KEY_ALGORITHM, true, ['sign']);
    return { certificate: parseCertificate(certificateDer), certificateDer, privateKey };
  };
  return {
    caCertificateDer: read(FILES.caCert),
    qes: await identity(FILES.qesCert, FILES.qesKey),
    fdSig: await identity(FILES.fdSigCert, FILES.fdSigKey),
  };
}

async function savePki(dir: string, stored: StoredPki): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const write = (file: string, label: string, der: Uint8Array, secret: boolean): void =>
    writeFileSync(join(dir, file), toPem(label, der), secret ? { mode: 0o600 } : {});
  write(FILES.caCert, 'CERTIFICATE', stored.caCert, false);
  write(FILES.qesCert, 'CERTIFICATE', stored.qesCert, false);
  write(FILES.qesKey, 'PRIVATE KEY', stored.qesKey, true);
  write(FILES.fdSigCert, 'CERTIFICATE', stored.fdSigCert, false);
  write(FILES.fdSigKey, 'PRIVATE KEY', stored.fdSigKey, true);
}

function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(body, 'base64'));
}
