import { afterEach, describe, expect, it } from 'vitest';
import { requireKonnektorSettings, type KonnektorConfig } from './konnektor-config';
import { KonnektorHttp } from './konnektor-http';
import { KonnektorEndpoints, ServiceDirectoryError, parseServiceDirectory, resolveServiceEndpoint } from './service-directory';
import { FAKE_PATHS, FakeKonnektor } from './testing';

// A connector.sds as spec ti-transport §3.1 describes it: ConnectorServices v3.1, services in ServiceInformation v2.0
const SDS = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectorServices xmlns="http://ws.gematik.de/conn/ServiceDirectory/v3.1" xmlns:si="http://ws.gematik.de/conn/ServiceInformation/v2.0">
  <ProductInformation xmlns="http://ws.gematik.de/int/version/ProductInformation/v1.1"><InformationDate>2026-01-01T00:00:00Z</InformationDate></ProductInformation>
  <TLSMandatory>true</TLSMandatory>
  <ClientAutMandatory>false</ClientAutMandatory>
  <si:ServiceInformation>
    <si:Service Name="EventService">
      <si:Versions>
        <si:Version TargetNamespace="http://ws.gematik.de/conn/EventService/v6.1" Version="6.1.1">
          <si:EndpointTLS Location="https://10.0.0.1/ws/EventService61"/>
        </si:Version>
        <si:Version TargetNamespace="http://ws.gematik.de/conn/EventService/v7.2" Version="7.2.0">
          <si:EndpointTLS Location="https://10.0.0.1/ws/EventService720"/>
        </si:Version>
        <si:Version TargetNamespace="http://ws.gematik.de/conn/EventService/v7.2" Version="7.2.10">
          <si:EndpointTLS Location="https://10.0.0.1/ws/EventService"/>
          <si:Endpoint Location="http://10.0.0.1/ws/EventService"/>
        </si:Version>
      </si:Versions>
    </si:Service>
    <si:Service Name="AuthSignatureService">
      <si:Versions>
        <si:Version TargetNamespace="http://ws.gematik.de/conn/SignatureService/v7.4" Version="7.4.1">
          <si:EndpointTLS Location="/webservices/authsignatureservice"/>
        </si:Version>
      </si:Versions>
    </si:Service>
    <si:Service Name="CertificateService">
      <si:Versions>
        <si:Version TargetNamespace="http://ws.gematik.de/conn/CertificateService/v6.0" Version="6.0.1">
          <si:Endpoint Location="http://10.0.0.1/certificateservice"/>
        </si:Version>
      </si:Versions>
    </si:Service>
    <si:Service Name="CardService">
      <si:Versions>
        <si:Version TargetNamespace="http://ws.gematik.de/conn/CardService/v8.0" Version="8.0.0">
          <si:EndpointTLS Location="https://10.0.0.1/cardservice"/>
        </si:Version>
      </si:Versions>
    </si:Service>
  </si:ServiceInformation>
</ConnectorServices>`;

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof ServiceDirectoryError) return e.problem;
    throw e;
  }
  return 'none';
}

describe('parseServiceDirectory / resolveServiceEndpoint', () => {
  const directory = parseServiceDirectory(SDS);
  const https = new URL('https://10.0.0.1/connector.sds');
  const http = new URL('http://10.0.0.1/connector.sds');

  it('reads TLSMandatory, ClientAutMandatory and every version of every service', () => {
    expect(directory.tlsMandatory).toBe(true);
    expect(directory.clientAuthMandatory).toBe(false);
    expect(directory.services.get('EventService')?.map((entry) => entry.version)).toEqual(['6.1.1', '7.2.0', '7.2.10']);
  });

  it('picks the wanted TargetNamespace, the highest version of it, and its TLS endpoint over https', () => {
    expect(resolveServiceEndpoint(directory, 'EventService', https).href).toBe('https://10.0.0.1/ws/EventService');
  });

  it('prefers the plain endpoint over plain http', () => {
    expect(resolveServiceEndpoint(directory, 'EventService', http).href).toBe('http://10.0.0.1/ws/EventService');
  });

  it('finds AuthSignatureService under the SignatureService v7.4 namespace and resolves a relative location', () => {
    expect(resolveServiceEndpoint(directory, 'AuthSignatureService', https).href).toBe('https://10.0.0.1/webservices/authsignatureservice');
  });

  it('never falls back to a plain endpoint when the directory came over https', () => {
    expect(problemOf(() => resolveServiceEndpoint(directory, 'CertificateService', https))).toBe('no-endpoint');
    expect(resolveServiceEndpoint(directory, 'CertificateService', http).href).toBe('http://10.0.0.1/certificateservice');
  });

  it('reports a service offered only in another version, and a service not offered at all', () => {
    expect(problemOf(() => resolveServiceEndpoint(directory, 'CardService', https))).toBe('version-missing');
    const withoutCard = parseServiceDirectory(SDS.replace(/<si:Service Name="CardService">[\s\S]*?<\/si:Service>/, ''));
    let error: unknown;
    try {
      resolveServiceEndpoint(withoutCard, 'CardService', https);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ hop: 'konnektor', problem: 'service-missing' });
    expect((error as Error).message).toContain('bietet den Dienst CardService nicht an');
  });

  it('finds VSDService (eGK path, spec erezept-pharmacy §3.9) under VSDService v5.2 only', () => {
    const vsd = (namespace: string, version: string, path: string) =>
      `<si:Version TargetNamespace="${namespace}" Version="${version}"><si:EndpointTLS Location="${path}"/></si:Version>`;
    const withVsd = parseServiceDirectory(
      SDS.replace(
        '</si:ServiceInformation>',
        `<si:Service Name="VSDService"><si:Versions>${vsd('http://ws.gematik.de/conn/vsds/VSDService/v5.2', '5.2.0', '/ws/VSDService')}${vsd('http://ws.gematik.de/conn/vsds/VSDService/v5.1', '5.9.0', '/ws/VSDService51')}</si:Versions></si:Service></si:ServiceInformation>`,
      ),
    );
    expect(resolveServiceEndpoint(withVsd, 'VSDService', https).href).toBe('https://10.0.0.1/ws/VSDService');
    expect(problemOf(() => resolveServiceEndpoint(directory, 'VSDService', https))).toBe('service-missing');
  });

  it('refuses what is not a ConnectorServices v3.1 document', () => {
    expect(problemOf(() => parseServiceDirectory('<html><body>Login</body></html>'))).toBe('unreadable');
    expect(problemOf(() => parseServiceDirectory('<ConnectorServices xmlns="http://ws.gematik.de/conn/ServiceDirectory/v3.0"/>'))).toBe('unreadable');
    expect(problemOf(() => parseServiceDirectory('<ConnectorServices'))).toBe('unreadable');
  });
});

describe('KonnektorEndpoints', () => {
  const fakes: FakeKonnektor[] = [];
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
  });

  async function endpointsFor(config: (base: string) => Omit<KonnektorConfig, 'baseUrl'>, setup?: (fake: FakeKonnektor) => void) {
    const fake = new FakeKonnektor();
    fakes.push(fake);
    setup?.(fake);
    const base = await fake.start();
    const settings = requireKonnektorSettings({ baseUrl: base, allowPlainHttp: true, ...config(base) });
    return { fake, base, endpoints: new KonnektorEndpoints(new KonnektorHttp(settings), settings) };
  }

  it('reads connector.sds once and resolves every service from it', async () => {
    const { fake, base, endpoints } = await endpointsFor(() => ({}), (f) => (f.directory = { tlsMandatory: false }));
    expect((await endpoints.endpointOf('EventService')).href).toBe(new URL(FAKE_PATHS.EventService, base).href);
    expect((await endpoints.endpointOf('CardService')).href).toBe(new URL(FAKE_PATHS.CardService, base).href);
    expect(fake.calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /connector.sds']);
  });

  it('uses an override without asking connector.sds', async () => {
    const { fake, endpoints } = await endpointsFor(() => ({ serviceEndpoints: { AuthSignatureService: 'custom/auth' } }));
    expect((await endpoints.endpointOf('AuthSignatureService')).pathname).toBe('/custom/auth');
    expect(fake.calls).toEqual([]);
  });

  it('says TLS is mandatory when the directory demands it of an http:// configuration', async () => {
    const { endpoints } = await endpointsFor(() => ({}), (f) => (f.directory = { tlsMandatory: true }));
    await expect(endpoints.endpointOf('EventService')).rejects.toMatchObject({ problem: 'tls-mandatory', hop: 'konnektor' });
  });

  it('says client authentication is mandatory when none is configured', async () => {
    const { endpoints } = await endpointsFor(() => ({}), (f) => (f.directory = { tlsMandatory: false, clientAuthMandatory: true }));
    await expect(endpoints.endpointOf('EventService')).rejects.toMatchObject({ problem: 'client-auth-mandatory' });
  });

  it('reports a missing directory as unreadable and tries again on the next call', async () => {
    let missing = true;
    const { fake, endpoints } = await endpointsFor(
      () => ({}),
      (f) => {
        f.directory = { tlsMandatory: false };
        f.override = (call) => (missing && call.path === '/connector.sds' ? { status: 404, body: 'not found', contentType: 'text/plain' } : undefined);
      },
    );
    await expect(endpoints.endpointOf('EventService')).rejects.toMatchObject({ problem: 'unreadable', technical: 'GET /connector.sds: HTTP 404' });
    missing = false;
    expect((await endpoints.endpointOf('EventService')).pathname).toBe(FAKE_PATHS.EventService);
    expect(fake.calls).toHaveLength(2);
  });
});
