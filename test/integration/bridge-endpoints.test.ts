/**
 * Browser mode's bridge on EVERY endpoint (architecture §2 "Browser mode"): the real browser-mode
 * start sequence (runBrowserMode + createCore, embedded simulator, temp data dir) over real HTTP on a free
 * loopback port. The channel list comes from the contract, so a new channel is covered without touching this
 * file — except for its valid sample request, which the type of `validRequests` demands.
 *
 * Requests go through node:http so that forged Host headers reach the server unchanged. One server for the
 * whole file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  appErrorSchema,
  appEventSchema,
  appInfoSchema,
  channels,
  contract,
  type Channel,
  type Req,
} from '../../shared/ipc/contract';
import { contentSecurityPolicy } from '../../main/security/csp';
import { PAGE_CSP } from '../../main/browser-bridge/server';
import { MAX_JSON_BODY_BYTES, maxBodyBytes } from '../../main/browser-bridge/body-limits';
import { runBrowserMode, type RunningBrowserMode } from '../../main/browser-bridge/web-main';
import { createCore } from '../../main/core';
import type { HandlerTable } from '../../main/ipc/types';

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A valid PrescriptionID (check digits correct) of which the app has no case. */
const UNKNOWN_PRESCRIPTION = '160.000.000.000.123.76';
const SECRET_OUTSIDE_RENDERER = 'TOP-SECRET-OUTSIDE-THE-RENDERER';

/** One valid request per channel; the mapped type turns a channel without a sample into a compile error. */
function validRequests(staffKuerzel: string): { [C in Channel]: Req<C> } {
  const entry = {
    key: 'row-1',
    medication: { kind: 'freitext' as const, text: 'Ibuprofen 400 mg Filmtabletten' },
    packs: 1,
    whenHandedOver: '2025-03-03',
  };
  const byId = { prescriptionId: UNKNOWN_PRESCRIPTION };
  return {
    'erx:getAppInfo': {},
    'erx:setStaff': { kuerzel: staffKuerzel },
    'erx:scanCode': { text: 'kein E-Rezept-Code' },
    'erx:listCases': { query: 'Mustermann', filter: 'all' },
    'erx:getCase': byId,
    'erx:saveDraft': { ...byId, entries: [entry] },
    'erx:submitDispense': { ...byId, entries: [entry] },
    'erx:closeCase': { ...byId, entries: [entry] },
    'erx:rejectCase': { ...byId, confirmed: true },
    'erx:abortCase': { ...byId, confirmed: true },
    'erx:refetchReceipt': byId,
    'erx:recoverSecret': byId,
    'erx:previewPatientView': byId,
    'erx:getConnection': {},
    'erx:getTiSettings': {},
    'erx:saveTiSettings': {
      environment: 'ru',
      fachdienstUrl: '',
      idpUrl: '',
      clientId: 'gematikTestPs',
      konnektor: {
        baseUrl: 'https://192.168.1.10/',
        mandantId: 'Mandant1',
        clientSystemId: 'CS1',
        workplaceId: 'AP1',
        userId: '',
        trust: { kind: 'none' },
        allowPlainHttp: false,
        smcbIccsn: '',
        clientAuth: { kind: 'none' },
      },
    },
    'erx:listSmcbs': {},
    // one counter (SQLite): every case is this counter's, an unknown one too; nothing is refused
    'erx:holdCase': byId,
    'erx:takeOverCase': { ...byId, confirmed: true },
    'erx:releaseCase': byId,
    // one counter (SQLite): refused with not-shared — there is no shared store to let a new counter into
    'erx:createEnrolmentCode': { confirmed: true },
    'erx:egkPoll': {},
    'erx:egkLookup': {},
    'erx:egkAccept': { lookupId: 'gibt-es-nicht', prescriptionIds: [UNKNOWN_PRESCRIPTION] },
    'erx:setMessageRetentionDays': { days: 30 },
    'erx:getPharmacySetup': {},
    // the demo staff as they are, with a counter name: every other sample keeps its Kürzel
    'erx:savePharmacySetup': {
      staff: [
        { kuerzel: 'AB', name: 'Anna Becker', active: true },
        { kuerzel: 'CD', name: 'Can Demir', active: true },
      ],
      counterName: 'Kasse 1',
    },
    'erx:listMessages': {},
    'erx:refreshMessages': {},
    // a Zuweisung the app never received: a typed refusal
    'erx:acceptMessage': { communicationId: 'gibt-es-nicht' },
    'erx:dismissMessage': { communicationId: 'gibt-es-nicht' },
    'erx:caseMessages': byId,
    // no KVNR known for this prescription: refused before anything is sent
    'erx:sendReply': { ...byId, text: 'Liegt bereit.' },
    'erx:deleteReply': { communicationId: 'gibt-es-nicht' },
    'erx:acknowledgeIdpConsent': { confirmed: true },
    'erx:diagnoseConnection': {},
    'erx:listPendingOperations': {},
    'erx:resumePendingOperations': {},
    'erx:cancelPendingOperation': { id: 987_654 },
    'erx:cancelRetry': byId,
    // a demo PZN and one no catalogue knows: the known one comes back
    'erx:lookupArticles': { pzns: ['41879197', '00000000'] },
    'erx:searchArticles': { text: 'ibu', limit: 5 },
    'erx:articleCatalogInfo': {},
    // a file without the format line: refused with line and field, the catalogue stays as it is
    'erx:importArticles': { fileName: 'kein-artikelstamm.csv', text: 'pzn;name\n01234567;Test' },
    'erx:selectBackend': { backend: 'ti', confirmed: true },
    'erx:trainerListScenarios': {},
    // a scenario the deck does not have: a typed refusal, and the other channels' state stays as it is
    'erx:trainerLoadScenario': { name: 'gibt-es-nicht' },
    'erx:trainerCurrentScenario': {},
    'erx:trainerReset': {},
    'erx:trainerAdvanceClock': { duration: 'PT1H' },
    'erx:trainerPatientView': byId,
    // no patient known for this prescription: a typed refusal, nothing read
    'erx:trainerPatientReplies': byId,
    // a prescription main knows no patient of: a typed refusal, no card inserted
    'erx:trainerInsertEgk': { ...byId, staleCard: true },
  };
}

const refusalSchema = z.object({ ok: z.literal(false), error: appErrorSchema }).strict();
const methodOf = (channel: Channel): string => channel.slice('erx:'.length);

let root: string;
let running: RunningBrowserMode;
let port: number;
let key: string;
let seededTokens: string[];
let simulatorUrl: string;
let staffKuerzel: string;
const stderr: string[] = [];
/** every channel a request reached a handler for — refused requests must never appear here */
let reached: Channel[];

/** Wraps the real handlers so the test sees which requests got through the bridge. */
function recording(handlers: HandlerTable): HandlerTable {
  const table: Partial<Record<Channel, (req: unknown) => Promise<unknown>>> = {};
  for (const channel of channels) {
    const real = handlers[channel] as ((req: unknown) => Promise<unknown>) | undefined;
    table[channel] = async (req: unknown) => {
      reached.push(channel);
      if (!real) throw new Error(`no handler for ${channel}`);
      return real(req);
    };
  }
  return table as HandlerTable;
}

function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const auth = (): Record<string, string> => ({ authorization: `Bearer ${key}` });
const json = { 'content-type': 'application/json' };
const call = (channel: Channel, payload: unknown, headers: Record<string, string> = auth()): Promise<HttpAnswer> =>
  send(`/api/${methodOf(channel)}`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(payload) });

/** A transport refusal: the status, and a typed `{ ok: false, error: AppError }` with a German message. */
function expectRefusal(answer: HttpAnswer, status: number | number[], code?: string): void {
  expect(status instanceof Array ? status : [status]).toContain(answer.status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const parsed = refusalSchema.parse(JSON.parse(answer.body));
  if (code) expect(parsed.error.code).toBe(code);
  expect(parsed.error.httpStatus).toBe(answer.status);
  expect(parsed.error.message.length).toBeGreaterThan(0);
  expect(answer.body).not.toContain(key);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'erx-bridge-endpoints-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}"><title>eRx Counter</title></head><body><div id="root"></div></body></html>`,
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(root, 'secret.txt'), SECRET_OUTSIDE_RENDERER);
  reached = [];
  const stdout: string[] = [];
  const exits: number[] = [];
  const started = await runBrowserMode(['--port', '0', '--data', join(root, 'data'), '--renderer', rendererDir], {
    createCore: async (options) => {
      const core = await createCore(options);
      return { ...core, handlers: recording(core.handlers) };
    },
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    exit: (code) => exits.push(code),
    onShutdownSignal: () => undefined,
    env: { homeDir: root, cwd: root },
  });
  if (!started) throw new Error(`browser mode did not start (exit ${exits.join(',')}): ${stderr.join('\n')}`);
  running = started;
  port = running.bridge.port;
  key = running.bridge.key;
  seededTokens = stdout.filter((line) => line.startsWith('token: ')).map((line) => line.slice('token: '.length));
  simulatorUrl = stdout.find((line) => line.startsWith('simulator: '))?.slice('simulator: '.length) ?? '';
  const info = await call('erx:getAppInfo', {});
  staffKuerzel = appInfoSchema.parse((JSON.parse(info.body) as { data: unknown }).data).staffList[0]!.kuerzel;
}, 30_000);

afterAll(async () => {
  await running?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  reached = [];
});

describe.each(channels)('%s over HTTP', (channel) => {
  const path = `/api/${methodOf(channel)}`;

  it('refuses a missing, wrong or malformed key with 401 before any handler', async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${'0'.repeat(64)}` },
      { authorization: `Bearer ${key}x` },
      { authorization: `Basic ${key}` },
      { authorization: key },
    ];
    for (const headers of refused) {
      expectRefusal(await call(channel, validRequests(staffKuerzel)[channel], headers), [401, 403], 'unauthorized');
    }
    expect(reached).toEqual([]);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin with 403, also with the right key', async () => {
    const payload = validRequests(staffKuerzel)[channel];
    expectRefusal(await call(channel, payload, { ...auth(), host: `evil.example:${port}` }), 403, 'host');
    expectRefusal(await call(channel, payload, { ...auth(), host: `127.0.0.1:${port + 1}` }), 403, 'host');
    for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', `https://127.0.0.1:${port}`]) {
      expectRefusal(await call(channel, payload, { ...auth(), origin }), 403, 'origin');
    }
    expectRefusal(await call(channel, payload, { ...auth(), 'sec-fetch-site': 'cross-site' }), 403, 'origin');
    expect(reached).toEqual([]);
  });

  it('accepts only POST: GET, PUT, DELETE and OPTIONS get 405 with Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const answer = await send(path, { method, headers: auth() });
      expectRefusal(answer, 405, 'method-not-allowed');
      expect(answer.headers.allow, method).toBe('POST');
    }
    expect(reached).toEqual([]);
  });

  it('refuses non-JSON, broken JSON and bodies over the limit (1 MB; the article import more) with a typed 4xx', async () => {
    expectRefusal(await send(path, { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' }), 415, 'validation');
    expectRefusal(await send(path, { method: 'POST', headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }), 415, 'validation');
    expectRefusal(await send(path, { method: 'POST', headers: { ...auth(), ...json }, body: '{"prescriptionId":' }), 400, 'validation');
    expectRefusal(await send(path, { method: 'POST', headers: { ...auth(), ...json } }), 400, 'validation');
    const limit = maxBodyBytes(methodOf(channel));
    if (limit === MAX_JSON_BODY_BYTES) {
      const oversized = JSON.stringify({ ...validRequests(staffKuerzel)[channel], pad: 'x'.repeat(MAX_JSON_BODY_BYTES) });
      expectRefusal(await send(path, { method: 'POST', headers: { ...auth(), ...json }, body: oversized }), 413, 'validation');
    } else {
      // the article import's larger limit (a file of 64 MiB): a declared length beyond it is refused before reading
      expectRefusal(await send(path, { method: 'POST', headers: { ...auth(), ...json, 'content-length': String(limit + 1) }, body: '{}' }), 413, 'validation');
    }
    expect(reached).toEqual([]);
  });

  it('answers JSON of the wrong shape with HTTP 200 and a typed validation error, before any handler', async () => {
    const wrongFields = { prescriptionId: 7, id: 'x', text: 1, kuerzel: false, entries: {}, confirmed: 'yes', query: [] };
    // channels whose request is `{}` accept any object (unknown keys are dropped): only non-objects are wrong there
    const wrong = [null, [], 'text', 42, true, wrongFields].filter((payload) => !contract[channel].request.safeParse(payload).success);
    expect(wrong.length).toBeGreaterThanOrEqual(5);
    for (const payload of wrong) {
      const answer = await call(channel, payload);
      expect(answer.status).toBe(200);
      const parsed = refusalSchema.parse(JSON.parse(answer.body));
      expect(parsed.error.code, JSON.stringify(payload)).toBe('validation');
      expect(parsed.error.findings?.length, JSON.stringify(payload)).toBeGreaterThan(0);
    }
    expect(reached).toEqual([]);
  });

  it('answers a valid request with the right key with HTTP 200 and a Result matching the contract', async () => {
    const answer = await call(channel, validRequests(staffKuerzel)[channel]);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['cache-control']).toBe('no-store');
    const result = z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), data: contract[channel].response }),
      z.object({ ok: z.literal(false), error: appErrorSchema }),
    ]).parse(JSON.parse(answer.body));
    // a valid request may be refused by the business rules (unknown case …) — never by a crash
    if (!result.ok) expect(result.error.code, result.error.message).not.toBe('internal');
    expect(reached).toEqual([channel]);
    expect(answer.body).not.toContain(key);
  });
});

describe('the API beyond the contract', () => {
  it('answers method names that are no channel — prototype names included — with unknown-channel', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'formatDisk']) {
      const answer = await send(`/api/${name}`, { method: 'POST', headers: { ...auth(), ...json }, body: '{}' });
      expect(answer.status, name).toBe(200);
      expect(refusalSchema.parse(JSON.parse(answer.body)).error.code, name).toBe('unknown-channel');
    }
    for (const path of ['/api/__proto__', '/api/get%2e%2e', '/api/a/b', '/api', '/api/']) {
      expectRefusal(await send(path, { method: 'POST', headers: { ...auth(), ...json }, body: '{}' }), 404, 'not-found');
    }
    expect(reached).toEqual([]);
  });

  it('survives a hostile body: deep nesting and __proto__ keys', async () => {
    const depth = 200_000;
    const nested = await send('/api/scanCode', { method: 'POST', headers: { ...auth(), ...json }, body: `${'['.repeat(depth)}${']'.repeat(depth)}` });
    expect([200, 400]).toContain(nested.status);
    expect(refusalSchema.parse(JSON.parse(nested.body)).error.code).toBe('validation');
    const polluting = await send('/api/listCases', { method: 'POST', headers: { ...auth(), ...json }, body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}' });
    expect(polluting.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // still serving
    expect((await call('erx:getAppInfo', {})).status).toBe(200);
  });

  it('never forwards the simulator control API', async () => {
    for (const path of ['/_sim', '/_sim/reset', '/_sim/prescriptions']) {
      for (const method of ['GET', 'POST']) {
        expectRefusal(await send(path, { method, headers: { ...auth(), ...json }, body: method === 'POST' ? '{}' : undefined }), 404, 'not-found');
      }
    }
  });
});

describe('event stream', () => {
  it('refuses a missing or wrong key, a foreign Host or Origin, cross-site requests and other methods', async () => {
    expectRefusal(await send('/api/events'), 401, 'unauthorized');
    expectRefusal(await send('/api/events', { headers: { authorization: `Bearer ${'f'.repeat(64)}` } }), 401, 'unauthorized');
    expectRefusal(await send('/api/events', { headers: { ...auth(), host: `evil.example:${port}` } }), 403, 'host');
    expectRefusal(await send('/api/events', { headers: { ...auth(), origin: 'http://evil.example' } }), 403, 'origin');
    expectRefusal(await send('/api/events', { headers: { ...auth(), 'sec-fetch-site': 'cross-site' } }), 403, 'origin');
    const post = await send('/api/events', { method: 'POST', headers: { ...auth(), ...json }, body: '{}' });
    expectRefusal(post, 405, 'method-not-allowed');
    expect(post.headers.allow).toBe('GET');
  });

  it('streams uncached NDJSON and delivers the event of a real state change (a scanned prescription)', async () => {
    expect(seededTokens.length).toBeGreaterThan(0);
    // a prescription of its own: the channel tests above ran `erx:trainerReset`, which emptied the simulator
    const created = await fetch(`${simulatorUrl}/_sim/prescriptions`, { method: 'POST', headers: json, body: JSON.stringify({ flowType: '160' }) });
    expect(created.status).toBe(201);
    const { token } = z.object({ token: z.string() }).parse(await created.json());
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/events`, { headers: auth(), signal: controller.signal });
    try {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');

      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      const lines: string[] = [];
      const nextLine = async (): Promise<string> => {
        while (!buffered.includes('\n')) {
          const { value, done } = await reader.read();
          if (done) throw new Error('event stream ended');
          buffered += decoder.decode(value, { stream: true });
        }
        const line = buffered.slice(0, buffered.indexOf('\n'));
        buffered = buffered.slice(buffered.indexOf('\n') + 1);
        lines.push(line);
        return line;
      };
      // the first line flushes the headers: the client is subscribed from here on
      expect(await nextLine()).toBe('{"type":"heartbeat"}');

      expect((await call('erx:setStaff', { kuerzel: staffKuerzel })).status).toBe(200);
      const scanned = await call('erx:scanCode', { text: token });
      expect(scanned.status).toBe(200);
      const scan = contract['erx:scanCode'].response.parse((JSON.parse(scanned.body) as { data: unknown }).data);
      const outcome = scan.results[0];
      expect(outcome?.ok, JSON.stringify(outcome)).toBe(true);
      const prescriptionId = outcome?.prescriptionId;

      const deadline = Date.now() + 4000;
      let seen = false;
      while (!seen && Date.now() < deadline) {
        const line = await nextLine();
        const event: unknown = JSON.parse(line);
        if (line === '{"type":"heartbeat"}') continue;
        // every line is a valid AppEvent, and none carries the token's AccessCode
        const parsed = appEventSchema.parse(event);
        seen = parsed.type === 'case-changed' && parsed.prescriptionId === prescriptionId;
      }
      expect(seen, lines.join('\n')).toBe(true);
      expect(lines.join('\n')).not.toContain(token.split('ac=')[1]);
    } finally {
      controller.abort();
    }
  });
});

describe('the page and static files', () => {
  it('serves the index with the key, uncached, with the CSP header', async () => {
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain(key);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(page.headers['content-security-policy']).toContain(contentSecurityPolicy);
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('refuses the page to a foreign Host or Origin, without the key', async () => {
    const foreign: Record<string, string>[] = [{ host: `evil.example:${port}` }, { origin: 'http://evil.example' }];
    for (const headers of foreign) {
      const page = await send('/', { headers });
      expect(page.status).toBe(403);
      expect(page.body).not.toContain(key);
    }
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%2e%2e%2fsecret.txt']) {
      for (const headers of [{}, { accept: 'text/html', 'sec-fetch-mode': 'navigate' }] as Record<string, string>[]) {
        const answer = await send(path, { headers });
        expect(answer.body, path).not.toContain(SECRET_OUTSIDE_RENDERER);
        if (!headers.accept) expect(answer.status, path).toBe(404);
      }
    }
  });

  it('keeps the key out of every log line', () => {
    expect(stderr.join('\n')).not.toContain(key);
  });
});
