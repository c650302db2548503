/**
 * CertificateService v6.0 (spec ti-transport §3.4, §3.6).
 *
 * `ReadCardCertificate`: only `C.AUT` exists on the simulated cards (as in E2E's mock Konnektor, §4.3); each
 * `CertRef` must be C.AUT (4149 otherwise). Each simulated card carries one key only — ECC for the Ulmendorfer cards,
 * RSA for the RSA-only card (material/smcb-rsa/). `CERT:Crypt` asking for the other key type gets the answer for a
 * certificate the card does not have: `X509DataInfo` with its `CertRef` and without `X509Data`, which the schema
 * leaves optional (CertificateServiceCommon v2.0) — the client then asks again with `Crypt=RSA` (§3.4: RSA only for
 * a card without ECC key). Without `Crypt` the card's own key type is used: since C_12203 (CertificateService 6.0.2)
 * the default depends on the card generation.
 *
 * `VerifyCertificate`: see certificate-check.ts for what VALID means here.
 */
import { checkContext } from './call-context';
import { checkCertificate } from './certificate-check';
import { Faults } from './konnektor-fault';
import { addOkStatus, decodeBase64, requireCard, type OperationHandler } from './operation';
import { NS } from './namespaces';
import { childElement, childElements, childText, soapResponse } from './soap-envelope';

const AUT = 'C.AUT';
const CRYPT_VALUES = new Set(['ECC', 'RSA']);

export const readCardCertificate: OperationHandler = (operation, { state, context }) => {
  checkContext(operation, context, state);
  const { card } = requireCard(operation, state);
  const list = childElement(operation, NS.CERT, 'CertRefList');
  const references = list === undefined ? [] : childElements(list, NS.CERT, 'CertRef').map((element) => element.textContent ?? '');
  if (references.length === 0) throw Faults.syntax('CertRefList/CertRef fehlt');
  const other = references.find((reference) => reference !== AUT);
  if (other !== undefined) throw Faults.certificateReference(`${other.slice(0, 16)}: die simulierte Karte hat nur ${AUT}`);
  const crypt = childText(operation, NS.CERT, 'Crypt');
  if (crypt !== undefined && !CRYPT_VALUES.has(crypt)) throw Faults.syntax(`Crypt ${crypt.slice(0, 16)} unbekannt (ECC oder RSA)`);
  const present = (crypt ?? card.keyType) === card.keyType;

  return soapResponse('CERT', 'ReadCardCertificateResponse', (response) => {
    addOkStatus(response);
    const infoList = response.add('CERTCMN', 'X509DataInfoList');
    for (const reference of references) {
      const info = infoList.add('CERTCMN', 'X509DataInfo');
      info.add('CERTCMN', 'CertRef', reference);
      if (!present) continue; // no C.AUT of the asked key type on this card
      const data = info.add('CERTCMN', 'X509Data');
      const issuerSerial = data.add('CERTCMN', 'X509IssuerSerial');
      issuerSerial.add('CERTCMN', 'X509IssuerName', card.issuerName);
      issuerSerial.add('CERTCMN', 'X509SerialNumber', card.serialNumberDecimal);
      data.add('CERTCMN', 'X509SubjectName', card.subjectName);
      data.add('CERTCMN', 'X509Certificate', card.certificateDer.toString('base64'));
    }
  });
};

export const verifyCertificate: OperationHandler = (operation, { state, context, now, trust }) => {
  checkContext(operation, context, state);
  const encoded = childText(operation, NS.CERTCMN, 'X509Certificate');
  if (encoded === undefined) throw Faults.syntax('CERTCMN:X509Certificate fehlt');
  const der = decodeBase64(encoded, 'X509Certificate');
  const time = childText(operation, NS.CERT, 'VerificationTime');
  const at = time === undefined ? now() : new Date(time);
  if (Number.isNaN(at.getTime())) throw Faults.syntax('VerificationTime ist kein xs:dateTime');

  let outcome;
  try {
    outcome = checkCertificate(der, at, trust);
  } catch {
    throw Faults.syntax('X509Certificate ist kein DER-Zertifikat');
  }
  const { result, roles } = outcome;
  return soapResponse('CERT', 'VerifyCertificateResponse', (response) => {
    addOkStatus(response);
    response.add('CERT', 'VerificationStatus').add('CERT', 'VerificationResult', result);
    const roleList = response.add('CERT', 'RoleList');
    for (const role of roles) roleList.add('CERT', 'Role', role);
  });
};
