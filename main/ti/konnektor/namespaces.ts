/**
 * The Konnektor's XML namespaces and the service versions this client speaks (spec ti-transport §3.7, §3.1).
 * One table, so the request builders, the response readers and the service directory cannot disagree.
 */
export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  conn: 'http://ws.gematik.de/conn/ConnectorCommon/v5.0',
  cctx: 'http://ws.gematik.de/conn/ConnectorContext/v2.0',
  evt: 'http://ws.gematik.de/conn/EventService/v7.2',
  card: 'http://ws.gematik.de/conn/CardService/v8.1',
  cardcmn: 'http://ws.gematik.de/conn/CardServiceCommon/v2.0',
  cert: 'http://ws.gematik.de/conn/CertificateService/v6.0',
  certcmn: 'http://ws.gematik.de/conn/CertificateServiceCommon/v2.0',
  // ExternalAuthenticate lives in the SignatureService namespace although the service is AuthSignatureService (§3.5)
  sig: 'http://ws.gematik.de/conn/SignatureService/v7.4',
  dss: 'urn:oasis:names:tc:dss:1.0:core:schema',
  // ReadVSD for the eGK path (spec erezept-pharmacy §3.9), as in gematik's recorded requests (erp_abrufen_egk)
  vsd: 'http://ws.gematik.de/conn/vsds/VSDService/v5.2',
  gerror: 'http://ws.gematik.de/tel/error/v2.0',
  serviceDirectory: 'http://ws.gematik.de/conn/ServiceDirectory/v3.1',
  serviceInformation: 'http://ws.gematik.de/conn/ServiceInformation/v2.0',
} as const;

/** The Konnektor services this client calls, by their name in `connector.sds`. */
export type KonnektorService = 'EventService' | 'CertificateService' | 'AuthSignatureService' | 'CardService' | 'VSDService';

export const KONNEKTOR_SERVICES: readonly KonnektorService[] = ['EventService', 'CertificateService', 'AuthSignatureService', 'CardService', 'VSDService'];

/** The `TargetNamespace` each service must offer in `connector.sds` for the calls built here (§3.3–§3.6; VSDService: erezept-pharmacy §3.9). */
export const SERVICE_NAMESPACE: Record<KonnektorService, string> = {
  EventService: NS.evt,
  CertificateService: NS.cert,
  AuthSignatureService: NS.sig,
  CardService: NS.card,
  VSDService: NS.vsd,
};
