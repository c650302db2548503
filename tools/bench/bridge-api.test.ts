import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeApi, bridgeKeyOf } from './bridge-api';

const KEY = 'k'.repeat(64);
let server: Server;
let url: string;
const seen: { path: string; authorization?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      if (req.url === '/') {
        res.end(`<html><head><meta name="erx-bridge-key" content="${KEY}">\n</head></html>`);
      } else if (req.url === '/api/getAppInfo') {
        res.end(
          JSON.stringify({
            ok: false,
            error: { code: 'staff-required', message: 'Bitte zuerst das eigene Kürzel wählen' },
          }),
        );
      } else {
        res.end(JSON.stringify({ ok: true, data: { savedAt: '2026-10-05T09:00:00Z' } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('bridgeKeyOf', () => {
  it('reads the key the bridge injects into the page', () => {
    expect(bridgeKeyOf(`<head><meta name="erx-bridge-key" content="${KEY}">\n</head>`)).toBe(KEY);
    expect(bridgeKeyOf('<head></head>')).toBeUndefined();
  });
});

describe('BridgeApi', () => {
  it('calls /api/<method> with the page key and returns the data', async () => {
    const api = await BridgeApi.connect(url);
    const data = await api.call('erx:saveDraft', { prescriptionId: '160.000.000.000.001.54', entries: [] });
    expect(data).toEqual({ savedAt: '2026-10-05T09:00:00Z' });
    const call = seen.find((s) => s.path === '/api/saveDraft');
    expect(call?.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(call!.body)).toEqual({ prescriptionId: '160.000.000.000.001.54', entries: [] });
    api.close();
  });

  it("throws main's German message for a refused call", async () => {
    const api = await BridgeApi.connect(url);
    await expect(api.call('erx:getAppInfo', {})).rejects.toThrow(
      'getAppInfo: staff-required: Bitte zuerst das eigene Kürzel wählen',
    );
    api.close();
  });
});
