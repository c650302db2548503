/**
 * CertificateService v6.0 (spec ti-transport §3.4, §3.6).
 *
 * `ReadCardCertificate`: only `C.AUT` exists on the simulated cards (as in E2E's mock Konnektor, §4.3); each
 * `CertRef` must be C.AUT and `CERT:Crypt`, when sent, must match the card's key (ECC for the Ulmendorfer cards) —
 * 4149 otherwise. Without `Crypt` the card's own key type is used: since C_12203 (CertificateService 6.0.2) the
 * default depends on the card generation, and the simulated cards carry one key only.
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
  checkContext(operation, context);
  const { card } = requireCard(operation, state);
  const list = childElement(operation, NS.CERT, 'CertRefList');
  const references = list === undefined ? [] : childElements(list, NS.CERT, 'CertRef').map((element) => element.textContent ?? '');
  if (references.length === 0) throw Faults.syntax('CertRefList/CertRef fehlt');
  const other = references.find((reference) => reference !== AUT);
  if (other !== undefined) throw Faults.certificateReference(`${other.slice(0, 16)}: die simulierte Karte hat nur ${AUT}`);
  const crypt = childText(operation, NS.CERT, 'Crypt');
  if (crypt !== undefined && !CRYPT_VALUES.has(crypt)) throw Faults.syntax(`Crypt ${crypt.slice(0, 16)} unbekannt (ECC oder RSA)`);
  if ((crypt ?? card.keyType) !== card.keyType) {
    throw Faults.certificateReference(`Karte ${card.iccsn} hat kein ${crypt}-Zertifikat, nur ${card.keyType}`);
  }

  return soapResponse('CERT', 'ReadCardCertificateResponse', (response) => {
    addOkStatus(response);
    const infoList = response.add('CERTCMN', 'X509DataInfoList');
    for (const reference of references) {
      const info = infoList.add('CERTCMN', 'X509DataInfo');
      info.add('CERTCMN', 'CertRef', reference);
      const data = info.add('CERTCMN', 'X509Data');
      const issuerSerial = data.add('CERTCMN', 'X509IssuerSerial');
      issuerSerial.add('CERTCMN', 'X509IssuerName', card.issuerName);
      issuerSerial.add('CERTCMN', 'X509SerialNumber', card.serialNumberDecimal);
      data.add('CERTCMN', 'X509SubjectName', card.subjectName);
      data.add('CERTCMN', 'X509Certificate', card.certificateDer.toString('base64'));
    }
  });
};

export const verifyCertificate: OperationHandler = (operation, { context, now, trust }) => {
  checkContext(operation, context);
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
