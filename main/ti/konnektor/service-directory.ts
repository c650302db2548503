/**
 * The Konnektor's service directory `connector.sds` (spec ti-transport §3.1): whether TLS and client authentication
 * are mandatory, and for each service the endpoint of the version this client speaks. Vendors put the same service
 * under entirely different paths, so endpoints come from here — or from the admin's override for odd installations.
 */
import { DOMParser, onErrorStopParsing, type Element } from '@xmldom/xmldom';
import { TiError } from '../ti-error';
import type { KonnektorSettings } from './konnektor-config';
import type { KonnektorHttp } from './konnektor-http';
import { NS, SERVICE_NAMESPACE, type KonnektorService } from './namespaces';

export interface ServiceVersion {
  targetNamespace: string;
  version: string;
  /** `EndpointTLS Location` (mandatory in the schema, but not every Konnektor fills it) */
  endpointTls?: string;
  /** `Endpoint Location`, plain HTTP, optional */
  endpoint?: string;
}

export interface ServiceDirectory {
  tlsMandatory: boolean;
  clientAuthMandatory: boolean;
  /** by `Service Name` */
  services: ReadonlyMap<string, readonly ServiceVersion[]>;
}

export type ServiceDirectoryProblem = 'unreadable' | 'service-missing' | 'version-missing' | 'no-endpoint' | 'tls-mandatory' | 'client-auth-mandatory';

/** A `TiError` on hop `konnektor` that also says which of the directory's checks failed. */
export class ServiceDirectoryError extends TiError {
  constructor(
    readonly problem: ServiceDirectoryProblem,
    message: string,
    technical: string,
  ) {
    super('konnektor', message, technical);
    this.name = 'ServiceDirectoryError';
  }
}

const UNREADABLE = 'Das Dienstverzeichnis des Konnektors (connector.sds) ist nicht lesbar. Bitte die Konnektor-Adresse in den Einstellungen prüfen.';

export function parseServiceDirectory(xml: string): ServiceDirectory {
  let root: Element | null;
  try {
    root = new DOMParser({ onError: onErrorStopParsing }).parseFromString(xml, 'text/xml').documentElement;
  } catch (e) {
    throw new ServiceDirectoryError('unreadable', UNREADABLE, `connector.sds: kein XML (${e instanceof Error ? e.message.split('\n')[0] : 'unbekannt'})`);
  }
  if (!root || root.namespaceURI !== NS.serviceDirectory || root.localName !== 'ConnectorServices') {
    throw new ServiceDirectoryError('unreadable', UNREADABLE, `connector.sds: Wurzel {${root?.namespaceURI ?? ''}}${root?.localName ?? ''} statt ConnectorServices v3.1`);
  }
  const services = new Map<string, ServiceVersion[]>();
  for (const service of descendants(root, NS.serviceInformation, 'Service')) {
    const name = service.getAttribute('Name');
    if (!name) continue;
    const versions = services.get(name) ?? [];
    for (const version of descendants(service, NS.serviceInformation, 'Version')) {
      const targetNamespace = version.getAttribute('TargetNamespace');
      if (!targetNamespace) continue;
      const endpointTls = descendants(version, NS.serviceInformation, 'EndpointTLS')[0]?.getAttribute('Location') || undefined;
      const endpoint = descendants(version, NS.serviceInformation, 'Endpoint')[0]?.getAttribute('Location') || undefined;
      versions.push({ targetNamespace, version: version.getAttribute('Version') ?? '', ...(endpointTls ? { endpointTls } : {}), ...(endpoint ? { endpoint } : {}) });
    }
    services.set(name, versions);
  }
  return {
    tlsMandatory: booleanChild(root, 'TLSMandatory'),
    clientAuthMandatory: booleanChild(root, 'ClientAutMandatory'),
    services,
  };
}

function descendants(parent: Element, namespace: string, localName: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(namespace, localName));
}

function booleanChild(root: Element, localName: string): boolean {
  const value = descendants(root, NS.serviceDirectory, localName)[0]?.textContent?.trim();
  // xs:boolean
  return value === 'true' || value === '1';
}

/**
 * The endpoint of `service` in the version this client speaks (its `TargetNamespace`, §3.3–§3.6), resolved against
 * the directory's own URL. Over https only `EndpointTLS` counts; over plain http (allowed for test setups) the
 * plain `Endpoint` is preferred.
 */
export function resolveServiceEndpoint(directory: ServiceDirectory, service: KonnektorService, sdsUrl: URL): URL {
  const wanted = SERVICE_NAMESPACE[service];
  const offered = directory.services.get(service);
  if (!offered) {
    throw new ServiceDirectoryError(
      'service-missing',
      `Der Konnektor bietet den Dienst ${service} nicht an. Bitte den Konnektor-Administrator fragen oder die Adresse des Dienstes in den Einstellungen eintragen.`,
      `connector.sds: kein Service Name="${service}" (vorhanden: ${[...directory.services.keys()].join(', ') || 'keine'})`,
    );
  }
  const matching = offered.filter((entry) => entry.targetNamespace === wanted).sort((a, b) => compareVersions(b.version, a.version));
  const chosen = matching[0];
  if (!chosen) {
    throw new ServiceDirectoryError(
      'version-missing',
      `Der Konnektor bietet den Dienst ${service} nicht in der benötigten Version an. Bitte den Konnektor-Administrator fragen (Firmware-Stand) oder die Adresse des Dienstes in den Einstellungen eintragen.`,
      `connector.sds: ${service} ohne TargetNamespace ${wanted} (angeboten: ${offered.map((entry) => entry.targetNamespace).join(', ') || 'nichts'})`,
    );
  }
  const secure = sdsUrl.protocol === 'https:';
  const candidates = secure ? [chosen.endpointTls] : [chosen.endpoint, chosen.endpointTls];
  for (const location of candidates) {
    if (!location) continue;
    let url: URL;
    try {
      url = new URL(location, sdsUrl);
    } catch {
      continue;
    }
    // an https directory never sends a call over plain http
    if (url.protocol === 'https:' || (!secure && url.protocol === 'http:')) return url;
  }
  throw new ServiceDirectoryError(
    'no-endpoint',
    `Der Konnektor nennt für den Dienst ${service} keine passende Adresse. Bitte die Adresse des Dienstes in den Einstellungen eintragen.`,
    `connector.sds: ${service} ${chosen.version} ohne ${secure ? 'EndpointTLS' : 'Endpoint/EndpointTLS'} (https: ${chosen.endpointTls ?? '-'}, http: ${chosen.endpoint ?? '-'})`,
  );
}

/** Numeric comparison of dotted versions ("7.2.10" > "7.2.9"). */
function compareVersions(a: string, b: string): number {
  const left = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The endpoints for one configuration: overrides first, otherwise `connector.sds`, read once and kept (a failed
 * read is retried on the next call). The directory's own demands are checked against the configuration so the
 * admin reads what is missing instead of a failed handshake.
 */
export class KonnektorEndpoints {
  private directory?: Promise<ServiceDirectory>;

  constructor(
    private readonly http: KonnektorHttp,
    private readonly settings: KonnektorSettings,
  ) {}

  get serviceDirectoryUrl(): URL {
    return new URL('connector.sds', this.settings.baseUrl);
  }

  async endpointOf(service: KonnektorService): Promise<URL> {
    const override = this.settings.serviceEndpoints[service];
    if (override) return override;
    return resolveServiceEndpoint(await this.serviceDirectory(), service, this.serviceDirectoryUrl);
  }

  serviceDirectory(): Promise<ServiceDirectory> {
    if (!this.directory) {
      const loading = this.load();
      this.directory = loading;
      loading.catch(() => {
        if (this.directory === loading) this.directory = undefined;
      });
    }
    return this.directory;
  }

  private async load(): Promise<ServiceDirectory> {
    const url = this.serviceDirectoryUrl;
    const response = await this.http.get(url);
    if (response.status !== 200) {
      throw new ServiceDirectoryError('unreadable', UNREADABLE, `GET ${url.pathname}: HTTP ${response.status}`);
    }
    const directory = parseServiceDirectory(response.body.toString('utf8'));
    if (directory.tlsMandatory && url.protocol !== 'https:') {
      throw new ServiceDirectoryError(
        'tls-mandatory',
        'Der Konnektor verlangt TLS. Bitte die Konnektor-Adresse mit https:// eintragen und das CA-Zertifikat oder den Fingerabdruck hinterlegen.',
        'connector.sds: TLSMandatory=true, Adresse ist http://',
      );
    }
    if (directory.clientAuthMandatory && this.settings.clientAuth.kind === 'none') {
      throw new ServiceDirectoryError(
        'client-auth-mandatory',
        'Der Konnektor verlangt eine Anmeldung des Clientsystems. Bitte in den Einstellungen das Client-Zertifikat oder Benutzername und Passwort eintragen.',
        'connector.sds: ClientAutMandatory=true, keine Client-Authentisierung konfiguriert',
      );
    }
    return directory;
  }
}
