/**
 * The simulated SMC-Bs: per card a folder with the C.HCI.AUT certificate as DER (`<ICCSN>-….crt`, exactly what a
 * Konnektor returns from `ReadCardCertificate`, spec ti-transport §3.4) and its private key as unencrypted PKCS#8
 * (`….prv.pem`; Node cannot read the `.p12`, §1.8, §3.8). The vendored gematik TEST-ONLY cards have this layout
 * (`test/fixtures/gematik/test-cards/smcb/<ICCSN>/`, README there).
 *
 * Read from the certificate: holder (subject CN, what `GetCards` reports as `CardHolderName`, §3.3), Telematik-ID
 * (Admission → registrationNumber, §2.8), professionOIDs and the key type. The ICCSN comes from the file name:
 * the subject's serialNumber (`16.<ICCSN>` on the Ulmendorfer cards) is not an ICCSN in general.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isBrainpoolKey } from '../../../ti-crypto/brainpool';
import { readCertificateFields } from '../certificate-fields';

export type CardKeyType = 'ECC' | 'RSA';

export interface CardMaterial {
  cardType: 'SMC-B';
  /** 20 digits */
  iccsn: string;
  /** subject CN of the C.HCI.AUT certificate */
  holderName: string;
  telematikId: string;
  professionOids: readonly string[];
  keyType: CardKeyType;
  certificateDer: Buffer;
  certificate: X509Certificate;
  privateKey: KeyObject;
  /** RFC 4514 strings and the decimal serial for `X509IssuerSerial` / `X509SubjectName` (§3.4) */
  issuerName: string;
  subjectName: string;
  serialNumberDecimal: string;
  notAfter: Date;
}

export class CardMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardMaterialError';
  }
}

const CERTIFICATE_SUFFIX = '.crt';
const KEY_SUFFIX = '.prv.pem';
const ICCSN_PATTERN = /^(\d{20})-/;

/** One card from a folder holding exactly one `.crt` and its `.prv.pem`. */
export function loadCard(folder: string): CardMaterial {
  const certificates = readdirSync(folder).filter((name) => name.endsWith(CERTIFICATE_SUFFIX));
  if (certificates.length !== 1) {
    throw new CardMaterialError(`${folder}: genau eine ${CERTIFICATE_SUFFIX}-Datei erwartet, gefunden ${certificates.length}`);
  }
  const certificateFile = certificates[0] as string;
  const iccsn = ICCSN_PATTERN.exec(certificateFile)?.[1];
  if (iccsn === undefined) throw new CardMaterialError(`${certificateFile}: Dateiname beginnt nicht mit der 20-stelligen ICCSN`);
  const keyFile = certificateFile.slice(0, -CERTIFICATE_SUFFIX.length) + KEY_SUFFIX;

  const certificateDer = readFileSync(join(folder, certificateFile));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(join(folder, keyFile)));
  } catch (e) {
    throw new CardMaterialError(`${keyFile}: privater Schlüssel nicht lesbar (${e instanceof Error ? e.message : 'unbekannt'})`);
  }
  return cardFromCertificate(iccsn, certificateDer, privateKey, certificateFile);
}

/**
 * A card from its C.HCI.AUT certificate and key, whether read from the material folder or generated for training
 * (training-smcb.ts). `source` names the certificate in error messages.
 */
export function cardFromCertificate(iccsn: string, certificateDer: Buffer, privateKey: KeyObject, source: string): CardMaterial {
  const certificate = new X509Certificate(certificateDer);
  if (!sameKey(createPublicKey(privateKey), certificate.publicKey)) {
    throw new CardMaterialError(`${source}: Schlüssel passt nicht zum Zertifikat`);
  }
  const fields = readCertificateFields(certificateDer);
  const telematikId = fields.admission?.registrationNumber;
  if (telematikId === undefined) throw new CardMaterialError(`${source}: keine Telematik-ID (Admission registrationNumber)`);
  return {
    cardType: 'SMC-B',
    iccsn,
    holderName: fields.subjectCommonName ?? telematikId,
    telematikId,
    professionOids: fields.admission?.professionOids ?? [],
    keyType: keyTypeOf(certificate.publicKey, source),
    certificateDer,
    certificate,
    privateKey,
    issuerName: fields.issuerName,
    subjectName: fields.subjectName,
    serialNumberDecimal: fields.serialNumberDecimal,
    notAfter: new Date(certificate.validTo),
  };
}

/**
 * Every card below `root`: each sub-folder with a `.crt`, in name order. Folders without one are skipped — the
 * vendored material also holds cards that exist only as `.p12`, which Node cannot read.
 */
export function loadCards(root: string): CardMaterial[] {
  const folders = readdirSync(root)
    .map((name) => join(root, name))
    .filter((path) => statSync(path).isDirectory() && readdirSync(path).some((name) => name.endsWith(CERTIFICATE_SUFFIX)))
    .sort((left, right) => basename(left).localeCompare(basename(right)));
  return folders.map(loadCard);
}

function keyTypeOf(publicKey: KeyObject, file: string): CardKeyType {
  if (isBrainpoolKey(publicKey)) return 'ECC';
  if (publicKey.asymmetricKeyType === 'rsa') return 'RSA';
  throw new CardMaterialError(`${file}: Schlüsseltyp ${publicKey.asymmetricKeyType ?? 'unbekannt'} wird nicht unterstützt`);
}

function sameKey(left: KeyObject, right: KeyObject): boolean {
  return left.export({ format: 'der', type: 'spki' }).equals(right.export({ format: 'der', type: 'spki' }));
}
