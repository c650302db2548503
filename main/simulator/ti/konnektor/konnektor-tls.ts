/**
 * The simulated Konnektor over TLS on loopback, for the client's tests (spec ti-transport §4.3: "one configuration
 * with TLSMandatory=true plus Basic auth, and one with mutual TLS"; §3.2 options 2 and 3). The same `konnektorApp`
 * and card state as under `--ti`, served by `node:https` at the root of its own port with the konnektor-tls
 * material; `connector.sds` then names https endpoints on that port.
 *
 * - `basic`: any TLS client may connect; every request needs the credentials (konnektorApp's own check, 401).
 * - `certificate`: the handshake requires a client certificate issued by the konnektor-tls CA; without one, or with
 *   one from another CA, the handshake fails and no request reaches the app.
 */
import { createServer, type ServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { getRequestListener } from '@hono/node-server';
import { createTiSimulation, type TiSimulation } from '../ti-simulation';
import { konnektorApp } from './konnektor-app';
import { loadKonnektorTlsMaterial } from './konnektor-tls-material';

export type KonnektorTlsClientAuth = { clientAuth: 'basic'; username: string; password: string } | { clientAuth: 'certificate' };

export type KonnektorTlsOptions = KonnektorTlsClientAuth & {
  /** cards, PIN status and down switch (default: a fresh TI simulation — one SMC-B inserted, PIN verified) */
  simulation?: TiSimulation;
};

/** A request that got through the handshake (whatever the app answered). */
export interface KonnektorTlsRequest {
  method: string;
  path: string;
  /** subject CN of the client certificate the handshake accepted */
  clientCertificate?: string;
}

export interface KonnektorTlsServer {
  /** `https://127.0.0.1:PORT/`: connector.sds lies directly below */
  url: string;
  serverCertificatePem: string;
  /** `AB:CD:…`, what the client pins */
  serverFingerprint: string;
  /** in arrival order; a refused or distrusted handshake adds nothing */
  requests: readonly KonnektorTlsRequest[];
  /** why the server refused a handshake, per handshake (a missing or foreign client certificate): Node's code */
  refusedHandshakes: readonly string[];
  close(): Promise<void>;
}

export async function startKonnektorTls(options: KonnektorTlsOptions): Promise<KonnektorTlsServer> {
  const material = loadKonnektorTlsMaterial();
  const simulation = options.simulation ?? createTiSimulation();
  const listening: { url?: string } = {};
  const url = (): string => listening.url ?? 'https://127.0.0.1/';
  const app = konnektorApp({
    state: simulation.konnektor,
    baseUrl: url,
    tlsBaseUrl: url,
    // §3.1: the directory says what this Konnektor insists on
    tlsMandatory: true,
    clientAutMandatory: true,
    ...(options.clientAuth === 'basic' ? { basicAuth: { username: options.username, password: options.password } } : {}),
    // VerifyCertificate trusts what it trusts under --ti: the simulation's CA and the TEST PKI's card CA (§3.6)
    trustAnchors: [simulation.material.simulationCa.raw, ...simulation.material.cardCas.map((ca) => ca.raw)],
  });

  const requests: KonnektorTlsRequest[] = [];
  const refusedHandshakes: string[] = [];
  const listener = getRequestListener(app.fetch);
  const tls: ServerOptions = {
    key: material.server.keyPem,
    cert: material.server.certificatePem,
    ...(options.clientAuth === 'certificate' ? { ca: material.caPem, requestCert: true, rejectUnauthorized: true } : {}),
  };
  const server = createServer(tls, (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const clientCertificate = peerCommonName(incoming.socket as TLSSocket);
    requests.push({ method: incoming.method ?? '', path: incoming.url ?? '', ...(clientCertificate === undefined ? {} : { clientCertificate }) });
    void listener(incoming, outgoing);
  });
  // Node checks a client certificate only once the handshake is done and then drops the connection without a TLS
  // alert; its reason stays on the socket (`authorizationError`). A missing certificate fails inside OpenSSL (alert
  // certificate_required) and comes as the error's code.
  server.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
    refusedHandshakes.push(String(socket.authorizationError ?? error.code ?? error.message));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  listening.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  let closed: Promise<void> | undefined;
  return {
    url: listening.url,
    serverCertificatePem: material.server.certificatePem,
    serverFingerprint: material.serverFingerprint,
    requests,
    refusedHandshakes,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // kept-alive connections would hold close() open
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function peerCommonName(socket: TLSSocket): string | undefined {
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[]> | undefined;
  const name = subject?.['CN'];
  return Array.isArray(name) ? name[0] : name;
}
