/**
 * The XML namespaces of the Konnektor's SOAP interface (spec ti-transport §3.7) and of `connector.sds` (§3.1).
 * The prefixes are only the ones this simulator writes; readers match on the namespace URI, never the prefix.
 */
export const NS = {
  SOAP: 'http://schemas.xmlsoap.org/soap/envelope/',
  CONN: 'http://ws.gematik.de/conn/ConnectorCommon/v5.0',
  CCTX: 'http://ws.gematik.de/conn/ConnectorContext/v2.0',
  EVT: 'http://ws.gematik.de/conn/EventService/v7.2',
  CARD: 'http://ws.gematik.de/conn/CardService/v8.1',
  CARDCMN: 'http://ws.gematik.de/conn/CardServiceCommon/v2.0',
  CERT: 'http://ws.gematik.de/conn/CertificateService/v6.0',
  CERTCMN: 'http://ws.gematik.de/conn/CertificateServiceCommon/v2.0',
  /** ExternalAuthenticate lives in the SignatureService namespace although the service is AuthSignatureService (§3.5) */
  SIG: 'http://ws.gematik.de/conn/SignatureService/v7.4',
  DSS: 'urn:oasis:names:tc:dss:1.0:core:schema',
  /** ReadVSD for the eGK path (spec erezept-pharmacy §3.9; gematik's recorded requests, erp_abrufen_egk) */
  VSD: 'http://ws.gematik.de/conn/vsds/VSDService/v5.2',
  GERROR: 'http://ws.gematik.de/tel/error/v2.0',
  SDS: 'http://ws.gematik.de/conn/ServiceDirectory/v3.1',
  SI: 'http://ws.gematik.de/conn/ServiceInformation/v2.0',
  PI: 'http://ws.gematik.de/int/version/ProductInformation/v1.1',
  XMLNS: 'http://www.w3.org/2000/xmlns/',
} as const;

export type NamespaceKey = Exclude<keyof typeof NS, 'XMLNS'>;

/** Prefix per namespace for what the simulator writes (as in the spec's tables). */
export const PREFIX: Record<NamespaceKey, string> = {
  SOAP: 'soap',
  CONN: 'CONN',
  CCTX: 'CCTX',
  EVT: 'EVT',
  CARD: 'CARD',
  CARDCMN: 'CARDCMN',
  CERT: 'CERT',
  CERTCMN: 'CERTCMN',
  SIG: 'SIG',
  DSS: 'dss',
  VSD: 'VSD',
  GERROR: 'GERROR',
  SDS: 'SDS',
  SI: 'SI',
  PI: 'PI',
};

/** `dss:SignatureType` of an ECDSA card signature (spec ti-transport §3.5, table "Signature type"). */
export const SIGNATURE_TYPE_ECDSA = 'urn:bsi:tr:03111:ecdsa';
