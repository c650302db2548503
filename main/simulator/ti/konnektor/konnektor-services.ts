/**
 * The services the simulated Konnektor offers: name and version as `connector.sds` lists them (spec ti-transport
 * §3.1), the SOAP path (relative to the Konnektor's base URL; clients must find it through connector.sds, which is
 * why it looks like one vendor's — secunet's `/ws/<Service>`), the operations' namespace and their handlers.
 */
import { externalAuthenticate } from './auth-signature-service';
import { getPinStatus } from './card-service';
import { readCardCertificate, verifyCertificate } from './certificate-service';
import { getCards } from './event-service';
import { NS } from './namespaces';
import type { OperationHandler } from './operation';
import { readVsd } from './vsd-service';

export interface KonnektorService {
  name: string;
  /** `Version` attribute in connector.sds */
  version: string;
  /** `TargetNamespace` in connector.sds = namespace of the operations' elements */
  namespace: string;
  path: string;
  abstract: string;
  operations: Readonly<Record<string, OperationHandler>>;
}

export const KONNEKTOR_SERVICES: readonly KonnektorService[] = [
  {
    name: 'EventService',
    version: '7.2.0',
    namespace: NS.EVT,
    path: 'ws/EventService',
    abstract: 'Ereignisdienst: gesteckte Karten',
    operations: { GetCards: getCards },
  },
  {
    name: 'CertificateService',
    version: '6.0.1',
    namespace: NS.CERT,
    path: 'ws/CertificateService',
    abstract: 'Zertifikatsdienst: Kartenzertifikate lesen und prüfen',
    operations: { ReadCardCertificate: readCardCertificate, VerifyCertificate: verifyCertificate },
  },
  {
    name: 'AuthSignatureService',
    version: '7.4.1',
    // ExternalAuthenticate is defined in the SignatureService namespace (§3.5)
    namespace: NS.SIG,
    path: 'ws/AuthSignatureService',
    abstract: 'Authentisierungsdienst: ExternalAuthenticate',
    operations: { ExternalAuthenticate: externalAuthenticate },
  },
  {
    name: 'CardService',
    version: '8.1.2',
    namespace: NS.CARD,
    path: 'ws/CardService',
    abstract: 'Kartendienst: PIN-Status',
    operations: { GetPinStatus: getPinStatus },
  },
  {
    // the eGK path (spec erezept-pharmacy §3.9): VSDService v5.2 as in gematik's recorded ReadVSD exchange
    name: 'VSDService',
    version: '5.2.0',
    namespace: NS.VSD,
    path: 'ws/VSDService',
    abstract: 'Versichertenstammdatendienst: eGK lesen (ReadVSD)',
    operations: { ReadVSD: readVsd },
  },
];
