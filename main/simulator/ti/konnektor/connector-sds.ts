/**
 * `connector.sds`, the Konnektor's service directory (spec ti-transport §3.1; ServiceDirectory v3.1,
 * ServiceInformation v2.0, ProductInformation v1.1): product information, whether TLS and client authentication
 * are mandatory, and per service its version with absolute endpoint URLs.
 *
 * `Endpoint` (plain HTTP) and `EndpointTLS` (mandatory in the schema) both name the simulator's own paths; the
 * TLS one uses the TLS base URL when one is configured, else the same URL — the simulator itself serves HTTP.
 */
import type { KonnektorService } from './konnektor-services';
import { xmlDocument } from './soap-envelope';

export interface ServiceDirectoryOptions {
  /** e.g. `http://127.0.0.1:8080/konnektor/` */
  baseUrl: string;
  tlsBaseUrl: string;
  tlsMandatory: boolean;
  clientAutMandatory: boolean;
  now: Date;
}

export function connectorSds(services: readonly KonnektorService[], options: ServiceDirectoryOptions): string {
  return xmlDocument('SDS', 'ConnectorServices', (root) => {
    const product = root.add('PI', 'ProductInformation');
    product.add('PI', 'InformationDate', options.now.toISOString());
    const type = product.add('PI', 'ProductTypeInformation');
    type.add('PI', 'ProductType', 'Konnektor');
    type.add('PI', 'ProductTypeVersion', '5.0.0');
    const identification = product.add('PI', 'ProductIdentification');
    identification.add('PI', 'ProductVendorID', 'ERXSM');
    identification.add('PI', 'ProductCode', 'KONSIM');
    const local = identification.add('PI', 'ProductVersion').add('PI', 'Local');
    local.add('PI', 'HWVersion', '1.0.0');
    local.add('PI', 'FWVersion', '1.0.0');
    const miscellaneous = product.add('PI', 'ProductMiscellaneous');
    miscellaneous.add('PI', 'ProductVendorName', 'eRx Counter');
    miscellaneous.add('PI', 'ProductName', 'Konnektor-Simulator (NUR TEST)');

    root.add('SDS', 'TLSMandatory', String(options.tlsMandatory));
    root.add('SDS', 'ClientAutMandatory', String(options.clientAutMandatory));
    const information = root.add('SI', 'ServiceInformation');
    for (const service of services) {
      const entry = information.add('SI', 'Service', undefined, { Name: service.name });
      entry.add('SI', 'Abstract', service.abstract);
      const version = entry
        .add('SI', 'Versions')
        .add('SI', 'Version', undefined, { TargetNamespace: service.namespace, Version: service.version });
      version.add('SI', 'Abstract', `${service.name} ${service.version}`);
      version.add('SI', 'Endpoint', undefined, { Location: endpoint(options.baseUrl, service.path) });
      version.add('SI', 'EndpointTLS', undefined, { Location: endpoint(options.tlsBaseUrl, service.path) });
    }
  });
}

export function endpoint(baseUrl: string, path: string): string {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}
