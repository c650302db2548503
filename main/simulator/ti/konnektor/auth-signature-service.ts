/**
 * AuthSignatureService `ExternalAuthenticate` (namespace SignatureService v7.4, spec ti-transport §3.5, §4.3):
 * the card signs the 32-byte hash it is sent, without hashing again, and the Konnektor returns the signature.
 *
 * Checks, in a Konnektor's order (arguments, then the card): context; card handle; the signature type the card's
 * key calls for (§3.5's table, 4111 otherwise); `SIG:BinaryString/dss:Base64Data` holding exactly 32 bytes (4000
 * otherwise); PIN.SMC verified (4085 otherwise).
 * - ECC card: `dss:SignatureType` = `urn:bsi:tr:03111:ecdsa` — also when it is missing it is 4111, since a
 *   Konnektor then assumes RSA; the answer is ECDSA in DER (digest-signature.ts).
 * - RSA card: `urn:ietf:rfc:3447` (or none, the RSA default) with `SIG:SignatureSchemes` `RSASSA-PSS` (or none);
 *   the answer is the raw RSASSA-PSS signature (digest-signature-rsa.ts). `RSASSA-PKCS1-v1_5`, which the schema
 *   also lists, is not simulated (4111): the IDP sign-in uses PS256 only (§2.4).
 */
import type { KeyObject } from 'node:crypto';
import { checkContext } from './call-context';
import type { CardKeyType } from './card-material';
import { signDigest, DIGEST_LENGTH, type RandomSource } from './digest-signature';
import { signDigestRsaPss } from './digest-signature-rsa';
import { Faults } from './konnektor-fault';
import { addOkStatus, decodeBase64, requireCard, type OperationHandler } from './operation';
import { NS, SIGNATURE_TYPE_ECDSA } from './namespaces';
import { childElement, childText, soapResponse } from './soap-envelope';

/** PKCS#1 (RFC 3447): the RSA signature type of §3.5, with the scheme in `SIG:SignatureSchemes` */
const SIGNATURE_TYPE_RSA = 'urn:ietf:rfc:3447';
const SCHEME_PSS = 'RSASSA-PSS';

export const externalAuthenticate: OperationHandler = (operation, { state, context, random }) => {
  checkContext(operation, context, state);
  const slot = requireCard(operation, state);
  const { card } = slot;

  const optionalInputs = childElement(operation, NS.SIG, 'OptionalInputs');
  const signatureType = optionalInputs === undefined ? undefined : childText(optionalInputs, NS.DSS, 'SignatureType');
  const scheme = optionalInputs === undefined ? undefined : childText(optionalInputs, NS.SIG, 'SignatureSchemes');
  const signing = cardSigning(card.keyType, signatureType, scheme);

  const binaryString = childElement(operation, NS.SIG, 'BinaryString');
  const base64Data = binaryString === undefined ? undefined : childText(binaryString, NS.DSS, 'Base64Data');
  if (base64Data === undefined) throw Faults.syntax('SIG:BinaryString/dss:Base64Data fehlt');
  const digest = decodeBase64(base64Data, 'Base64Data');
  if (digest.length !== DIGEST_LENGTH) {
    throw Faults.syntax(`Base64Data muss genau ${DIGEST_LENGTH} Bytes (SHA-256) enthalten, erhalten: ${digest.length}`);
  }

  if (!state.pinVerified(card.iccsn)) {
    throw Faults.accessConditionsNotMet(`SMC-B ${card.iccsn} ist nicht freigeschaltet (PIN.SMC nicht verifiziert)`);
  }

  const signature = signing.sign(card.privateKey, digest, random);
  return soapResponse('SIG', 'ExternalAuthenticateResponse', (response) => {
    addOkStatus(response);
    response
      .add('DSS', 'SignatureObject')
      .add('DSS', 'Base64Signature', signature.toString('base64'), { Type: signing.type });
  });
};

interface CardSigning {
  /** what `Base64Signature/@Type` echoes (§3.5) */
  type: string;
  sign: (privateKey: KeyObject, digest: Uint8Array, random: RandomSource | undefined) => Buffer;
}

/** §3.5's table: the signature the card's key makes, or 4111 for a type (or scheme) that does not fit it. */
function cardSigning(keyType: CardKeyType, signatureType: string | undefined, scheme: string | undefined): CardSigning {
  const asked = signatureType === undefined ? 'SignatureType fehlt' : `SignatureType ${signatureType.slice(0, 64)}`;
  if (keyType === 'ECC') {
    if (signatureType !== SIGNATURE_TYPE_ECDSA) throw Faults.signatureType(`${asked}; ECC-Karten brauchen ${SIGNATURE_TYPE_ECDSA}`);
    return { type: SIGNATURE_TYPE_ECDSA, sign: signDigest };
  }
  if ((signatureType ?? SIGNATURE_TYPE_RSA) !== SIGNATURE_TYPE_RSA) {
    throw Faults.signatureType(`${asked}; RSA-Karten brauchen ${SIGNATURE_TYPE_RSA}`);
  }
  if ((scheme ?? SCHEME_PSS) !== SCHEME_PSS) {
    throw Faults.signatureType(`SignatureSchemes ${(scheme ?? '').slice(0, 64)}: der Konnektor-Simulator signiert mit RSA-Karten nur ${SCHEME_PSS}`);
  }
  return { type: SIGNATURE_TYPE_RSA, sign: signDigestRsaPss };
}
