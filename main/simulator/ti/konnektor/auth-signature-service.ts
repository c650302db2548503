/**
 * AuthSignatureService `ExternalAuthenticate` (namespace SignatureService v7.4, spec ti-transport §3.5, §4.3):
 * the card signs the 32-byte hash it is sent, without hashing again, and the Konnektor returns the DER signature.
 *
 * Checks, in a Konnektor's order (arguments, then the card): context; card handle; for an ECC card
 * `dss:SignatureType` = `urn:bsi:tr:03111:ecdsa` (4111 otherwise — also when it is missing, since a Konnektor then
 * assumes RSA); `SIG:BinaryString/dss:Base64Data` holding exactly 32 bytes (4000 otherwise); PIN.SMC verified
 * (4085 otherwise). RSA cards are not simulated (no RSA card material exists here).
 */
import { checkContext } from './call-context';
import { signDigest, DIGEST_LENGTH } from './digest-signature';
import { Faults } from './konnektor-fault';
import { addOkStatus, decodeBase64, requireCard, type OperationHandler } from './operation';
import { NS, SIGNATURE_TYPE_ECDSA } from './namespaces';
import { childElement, childText, soapResponse } from './soap-envelope';

export const externalAuthenticate: OperationHandler = (operation, { state, context, random }) => {
  checkContext(operation, context);
  const slot = requireCard(operation, state);
  const { card } = slot;
  if (card.keyType !== 'ECC') throw Faults.internal('RSA-Karten signiert der Konnektor-Simulator nicht');

  const optionalInputs = childElement(operation, NS.SIG, 'OptionalInputs');
  const signatureType = optionalInputs === undefined ? undefined : childText(optionalInputs, NS.DSS, 'SignatureType');
  if (signatureType !== SIGNATURE_TYPE_ECDSA) {
    throw Faults.signatureType(
      `${signatureType === undefined ? 'SignatureType fehlt' : `SignatureType ${signatureType}`}; ECC-Karten brauchen ${SIGNATURE_TYPE_ECDSA}`,
    );
  }

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

  const signature = signDigest(card.privateKey, digest, random);
  return soapResponse('SIG', 'ExternalAuthenticateResponse', (response) => {
    addOkStatus(response);
    response
      .add('DSS', 'SignatureObject')
      .add('DSS', 'Base64Signature', signature.toString('base64'), { Type: SIGNATURE_TYPE_ECDSA });
  });
};
