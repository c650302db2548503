/**
 * The subscription WebSocket over a real socket (spec erezept-pharmacy §3.11, TI-Flow IG query-api-subscription):
 * register with POST /Subscription, upgrade `/subscription` with the bearer token, `bind:` → `bound:`, and a
 * Zuweisung to this pharmacy → `ping:`. The client side is written here from RFC 6455 (handshake, masked text frame).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { startSimulatorServer, type SimulatorHandle } from './server';

const PHARMACY = '3-SMC-B-Testkarte-883110000095957';
let server: SimulatorHandle;

beforeAll(async () => {
  server = await startSimulatorServer({ now: () => new Date('2026-10-05T08:00:00Z') });
});
afterAll(() => server.close());

async function control(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/_sim/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Opens the WebSocket; resolves with the status line and, on 101, a reader of text messages and a sender. */
function openSocket(token: string | undefined): Promise<{ status: string; socket: Socket; messages: string[]; send(text: string): void }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    const messages: string[] = [];
    let buffer = Buffer.alloc(0);
    let status: string | undefined;
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (status === undefined) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        status = head.split('\r\n')[0] ?? '';
        const accept = /sec-websocket-accept: (\S+)/i.exec(head)?.[1];
        if (status.includes(' 101 ')) {
          expect(accept).toBe(createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'));
        }
        buffer = buffer.subarray(end + 4);
        resolve({ status, socket, messages, send });
      }
      // server frames: FIN + opcode, unmasked length < 126 here
      while (buffer.length >= 2 && buffer.length >= 2 + (buffer[1]! & 0x7f)) {
        const length = buffer[1]! & 0x7f;
        if ((buffer[0]! & 0x0f) === 0x1) messages.push(buffer.subarray(2, 2 + length).toString('utf8'));
        buffer = buffer.subarray(2 + length);
      }
    });
    const send = (text: string): void => {
      const payload = Buffer.from(text, 'utf8');
      const mask = randomBytes(4);
      const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
      socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
    };
    socket.write(
      'GET /subscription HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`,
    );
  });
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

it('bind → bound, a Zuweisung to this pharmacy → ping; without the token 401', async () => {
  const access = (await control('token', { professionOID: ProfessionOids.publicPharmacy, telematikId: PHARMACY }))['access_token'];
  const registered = await fetch(`${server.url}/Subscription`, {
    method: 'POST',
    headers: { authorization: `Bearer ${String(access)}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Subscription', status: 'requested', criteria: `Communication?received=null&recipient=${PHARMACY}`, channel: { type: 'websocket' } }),
  });
  expect(registered.status).toBe(200);
  const subscription = (await registered.json()) as { id: string; channel: { header: string[] } };
  const token = subscription.channel.header[0]!.replace('Authorization: Bearer ', '');

  const refused = await openSocket(undefined);
  expect(refused.status).toBe('HTTP/1.1 401 Unauthorized');
  refused.socket.destroy();

  const ws = await openSocket(token);
  expect(ws.status).toBe('HTTP/1.1 101 Switching Protocols');
  ws.send(`bind: ${subscription.id}`);
  await until(() => ws.messages.length > 0);
  expect(ws.messages).toEqual([`bound: ${subscription.id}`]);

  const created = await control('prescriptions', { flowType: '160' });
  expect((await control('communications/dispreq', { taskId: created['taskId'], pharmacy: PHARMACY }))['id']).toBeTruthy();
  await until(() => ws.messages.length > 1);
  expect(ws.messages).toEqual([`bound: ${subscription.id}`, `ping: ${subscription.id}`]);
  ws.socket.destroy();
});
