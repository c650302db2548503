/**
 * A training SMC-B made at start for a simulated Konnektor that has no card material — an installed app ships no
 * TEST-ONLY cards (fixtures/README), yet training reads eGKs through the Konnektor, and `ReadVSD` names the
 * pharmacy's SMC-B beside the eGK (HpcHandle, spec erezept-pharmacy §3.9). Without a card there, the eGK path of an
 * installed training app would stop at „Keine SMC-B im Kartenterminal“.
 *
 * The card looks like a real one to everything that reads it (spec ti-transport §3.3, §3.4, §2.8): a brainpoolP256r1
 * key (what `Crypt=ECC` means, §1.8), a C.HCI.AUT certificate with the Admission extension (1.3.36.8.3.3) carrying
 * the Telematik-ID as registrationNumber and the profession OID of a public pharmacy (1.2.276.0.76.4.54). It is
 * self-signed and marked NUR TEST in its names: no TI trusts it, and the app's trust policy for the real TI refuses
 * anything that is not issued by the TI's CAs (main/ti/certificate-trust.ts).
 *
 * The certificate is encoded with the simulator's small DER writer (der.ts) and signed with `node:crypto`, which knows
 * brainpool; WebCrypto (and so pkijs's signing) does not (stack notes).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { oid, sequence, setOf, tlv, Tags, utcTime, octetString } from '../../der';
import { cardFromCertificate, type CardMaterial } from './card-material';

/** 20 digits like every ICCSN (80 276 = health care, Germany); not one of the vendored test cards' */
export const TRAINING_SMCB_ICCSN = '80276001011699999901';
export const TRAINING_SMCB_HOLDER = 'Trainings-Apotheke (NUR TEST)';

const OIDS = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  organisation: '2.5.4.10',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  admission: '1.3.36.8.3.3',
  publicPharmacy: '1.2.276.0.76.4.54',
} as const;

const DER = {
  boolean: 0x01,
  bitString: 0x03,
  utf8String: 0x0c,
  printableString: 0x13,
  /** [3] EXPLICIT: the extensions of a TBSCertificate (RFC 5280 4.1) */
  context3: 0xa3,
} as const;

const DAY_MS = 86_400_000;
/** a real C.HCI.AUT is valid for five years */
const VALIDITY_DAYS = 5 * 365;

/** the card for a pharmacy with this Telematik-ID, valid from a day before `now` */
export function createTrainingSmcb(telematikId: string, now: Date): CardMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
  const name = distinguishedName(TRAINING_SMCB_HOLDER);
  const algorithm = sequence(oid(OIDS.ecdsaWithSha256));
  const tbs = sequence(
    tlv(Tags.context0, integer(Buffer.from([2]))), // v3
    integer(serialNumber()),
    algorithm,
    name, // issuer = subject: self-signed
    sequence(utcTime(new Date(now.getTime() - DAY_MS)), utcTime(new Date(now.getTime() + VALIDITY_DAYS * DAY_MS))),
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
    tlv(
      DER.context3,
      sequence(
        extension(OIDS.basicConstraints, true, sequence()),
        // digitalSignature only: the card authenticates (ExternalAuthenticate), it does not sign documents
        extension(OIDS.keyUsage, true, tlv(DER.bitString, Buffer.from([0x07, 0x80]))),
        extension(OIDS.admission, false, admission(telematikId)),
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const certificateDer = sequence(tbs, algorithm, tlv(DER.bitString, Buffer.from([0x00]), signature));
  return cardFromCertificate(TRAINING_SMCB_ICCSN, certificateDer, privateKey, 'Trainings-SMC-B');
}

/**
 * AdmissionSyntax (Common PKI, as gematik profiles it; certificate-fields.ts reads the same):
 * SEQUENCE { contentsOfAdmissions SEQUENCE OF SEQUENCE { professionInfos SEQUENCE OF ProfessionInfo } } with
 * ProfessionInfo ::= SEQUENCE { professionItems, professionOIDs, registrationNumber }.
 */
function admission(telematikId: string): Buffer {
  const professionInfo = sequence(
    sequence(tlv(DER.utf8String, Buffer.from('Öffentliche Apotheke', 'utf8'))),
    sequence(oid(OIDS.publicPharmacy)),
    tlv(DER.printableString, Buffer.from(telematikId, 'ascii')),
  );
  return sequence(sequence(sequence(sequence(professionInfo))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), tlv(DER.boolean, Buffer.from([0xff])), octetString(value)) : sequence(oid(id), octetString(value));
}

function distinguishedName(commonName: string): Buffer {
  const attribute = (type: string, value: Buffer): Buffer => setOf(sequence(oid(type), value));
  return sequence(
    attribute(OIDS.country, tlv(DER.printableString, Buffer.from('DE', 'ascii'))),
    attribute(OIDS.organisation, tlv(DER.utf8String, Buffer.from('eRx Counter Fachdienst-Simulator (NUR TEST)', 'utf8'))),
    attribute(OIDS.commonName, tlv(DER.utf8String, Buffer.from(commonName, 'utf8'))),
  );
}

function integer(bytes: Buffer): Buffer {
  return tlv(Tags.integer, bytes);
}

/** 16 random bytes, positive and minimally encoded (first byte 0x40–0x7f, as pki.ts explains) */
function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}
