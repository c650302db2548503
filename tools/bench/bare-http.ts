/**
 * The machine's bare HTTP rate, measured beside the simulator in the same run (issue 20 item 2): a `node:http`
 * server on 127.0.0.1 that does nothing but read the request and answer a small FHIR JSON body. The clients are as
 * many keep-alive connections as the simulator's clients, one request in flight on each (the request shape of
 * `$accept`: POST with Bearer token, no body), in a worker thread — but written as raw bytes on the socket and
 * read by Content-Length, because Node's own HTTP client costs about as much CPU per request as the bare server
 * and would measure itself (≈ 8,000 requests/s here instead of the server's ≈ 20,000+). Its requests per second
 * are what one Node thread serving HTTP reaches on this machine; the simulator's cycles per second are reported
 * as a share of it, so a slow or busy machine moves both.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { absoluteNow } from './cycle-clients';

/** A small answer like the Fachdienst's for a GET of one resource (FHIR JSON, a few hundred bytes). */
const ANSWER = JSON.stringify({
  resourceType: 'Task',
  id: '160.000.000.000.000.00',
  status: 'ready',
  intent: 'order',
  meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Task|1.6'] },
});

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

/** Loopback only, like every local server of the project (architecture §6). */
export async function startBareServer(): Promise<BareServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // read (and drop) the body as a real server has to
    request.on('data', () => undefined);
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/fhir+json;charset=utf-8', 'content-length': Buffer.byteLength(ANSWER) });
      response.end(ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BareClientsInput {
  baseUrl: string;
  clients: number;
  /** unmeasured requests first (JIT warm-up of both sides), ms */
  warmupMs: number;
  /** measured time, ms */
  measureMs: number;
}

export interface BareClientsOutput {
  /** absolute ms the measured phase started */
  started: number;
  /** absolute ms of each answered request in the measured phase */
  completions: number[];
}

/**
 * One keep-alive connection that sends a fixed request and resolves with the status of the answer. The answer is
 * framed by its Content-Length (the bare server always sends one), which is all a benchmark client needs.
 */
class RawConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('Verbindung geschlossen')));
  }

  static open(url: URL): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(new RawConnection(socket)));
      socket.setNoDelay(true);
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffered.subarray(0, headerEnd).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? '0');
    const total = headerEnd + 4 + length;
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(Number(head.slice(9, 12)));
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

/** `clients` connections, each one request after the other, as the cycle clients do. */
export async function runBareClients(input: BareClientsInput): Promise<BareClientsOutput> {
  const url = new URL(input.baseUrl);
  const request = Buffer.from(
    `POST /Task/160.000.000.000.000.00/$accept?ac=bench HTTP/1.1\r\nHost: ${url.host}\r\n` +
      'Authorization: Bearer bench\r\nAccept: application/fhir+json\r\nContent-Length: 0\r\n\r\n',
    'latin1',
  );
  const connections = await Promise.all(Array.from({ length: input.clients }, () => RawConnection.open(url)));
  const loop = async (connection: RawConnection, until: number, completions: number[] | undefined): Promise<void> => {
    while (absoluteNow() < until) {
      const status = await connection.send(request);
      if (status !== 200) throw new Error(`nackter Server: HTTP ${status}`);
      completions?.push(absoluteNow());
    }
  };
  try {
    const warmupEnd = absoluteNow() + input.warmupMs;
    await Promise.all(connections.map((c) => loop(c, warmupEnd, undefined)));
    const completions: number[] = [];
    const started = absoluteNow();
    await Promise.all(connections.map((c) => loop(c, started + input.measureMs, completions)));
    return { started, completions };
  } finally {
    for (const connection of connections) connection.close();
  }
}
