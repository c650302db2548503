/**
 * The subscription service's WebSocket `GET /subscription` (spec erezept-pharmacy §3.11; TI-Flow IG
 * query-api-subscription; subscriptions.ts): the upgrade needs `Authorization: Bearer <token from POST
 * /Subscription>` (else 401), the client binds with the text message `bind: <subscription id>` and gets
 * `bound: <subscription id>`, later `ping: <subscription id>` for each new Zuweisung. A bind to another id than the
 * token's closes the connection (1008). Ping frames are answered with pong, a close frame with close.
 *
 * Written on the Node HTTP server's `upgrade` event with the bare RFC 6455 framing the service needs (text, ping,
 * close; client frames masked, server frames not): the stack has no WebSocket library and this endpoint needs none.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SubscriptionHub } from './subscriptions';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** a bind message is some 45 bytes; anything much larger is not a client of this service */
const MAX_FRAME = 4096;

const enum Opcode {
  Text = 0x1,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xa,
}

/** Serves `/subscription` on the server's upgrades; answers the function that closes every open connection. */
export function attachSubscriptionSocket(server: Server, hub: SubscriptionHub, now: () => Date): () => void {
  // Upgraded sockets leave the HTTP server's bookkeeping (closeAllConnections does not reach them), so they are
  // tracked here for the simulator's close.
  const open = new Set<Duplex>();
  server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    void upgrade(request, socket, hub, now).catch(() => socket.destroy());
  });
  return () => {
    for (const socket of open) socket.destroy();
  };
}

async function upgrade(request: IncomingMessage, socket: Duplex, hub: SubscriptionHub, now: () => Date): Promise<void> {
  const path = (request.url ?? '').split('?')[0];
  const key = request.headers['sec-websocket-key'];
  if (path !== '/subscription' || request.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
    return refuse(socket, '400 Bad Request');
  }
  const bearer = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const subscriptionId = bearer === undefined ? undefined : await hub.verifyToken(bearer, now());
  if (subscriptionId === undefined) return refuse(socket, '401 Unauthorized');

  const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);

  let unbind: (() => void) | undefined;
  const send = (opcode: Opcode, payload: Buffer): void => {
    if (!socket.destroyed) socket.write(frame(opcode, payload));
  };
  const close = (code: number): void => {
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    send(Opcode.Close, payload);
    socket.end();
  };
  socket.on('close', () => unbind?.());
  socket.on('error', () => unbind?.());
  // the HTTP server keeps sockets half-open: when the client has ended, this side ends too
  socket.on('end', () => socket.end());

  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (let next = readFrame(pending); next !== undefined; next = readFrame(pending)) {
      pending = pending.subarray(next.length);
      if (next.frame === 'invalid') return close(1002);
      const { opcode, payload } = next.frame;
      if (opcode === Opcode.Close) return close(1000);
      if (opcode === Opcode.Ping) send(Opcode.Pong, payload);
      if (opcode === Opcode.Text) {
        const message = payload.toString('utf8').trim();
        const bound = /^bind: *(\S+)$/.exec(message)?.[1];
        if (bound !== subscriptionId) return close(1008);
        unbind ??= hub.bind(subscriptionId, (text) => send(Opcode.Text, Buffer.from(text, 'utf8')));
        send(Opcode.Text, Buffer.from(`bound: ${subscriptionId}`, 'utf8'));
      }
    }
  });
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** One server frame: FIN set, not masked. */
function frame(opcode: Opcode, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  return Buffer.concat([header, payload]);
}

type ReadFrame = { length: number; frame: { opcode: number; payload: Buffer } | 'invalid' };

/** The first complete client frame in `data`, or undefined when more bytes are needed. */
function readFrame(data: Buffer): ReadFrame | undefined {
  if (data.length < 2) return undefined;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    return { length: data.length, frame: 'invalid' };
  }
  // RFC 6455 §5.1: a client masks every frame; fragmented and oversized messages are not this service's
  if (!masked || (data[0]! & 0x80) === 0 || length > MAX_FRAME) return { length: data.length, frame: 'invalid' };
  if (data.length < offset + 4 + length) return undefined;
  const mask = data.subarray(offset, offset + 4);
  const payload = Buffer.from(data.subarray(offset + 4, offset + 4 + length));
  for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
  return { length: offset + 4 + length, frame: { opcode, payload } };
}
