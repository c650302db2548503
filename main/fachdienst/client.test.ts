import { describe, expect, it } from 'vitest';
import type { AccessCode, PrescriptionId, Secret } from '../../shared/erezept/identifiers';
import { FachdienstClient } from './client';
import { FixedTokenProvider, jsonResponse, ScriptedTransport } from './testing';
import { TransportError, type TransportResponse } from './transport';
import { failureOf } from '../testing';
import { AppFailure, HopFailure, type TiHop } from '../errors';

const id = '160.000.000.000.001.54' as PrescriptionId;
const ac = 'a'.repeat(64) as AccessCode;
const secret = 'b'.repeat(64) as Secret;
const now = () => new Date('2026-10-05T08:00:00Z');
const parameters = { resourceType: 'Parameters', parameter: [] };

function setup(answer: (index: number) => TransportResponse | Promise<TransportResponse>) {
  const transport = new ScriptedTransport((_r, i) => answer(i));
  const tokens = new FixedTokenProvider();
  return { transport, tokens, client: new FachdienstClient({ transport, tokens, now }) };
}


describe('FachdienstClient', () => {
  it('$accept: POST Task/<id>/$accept?ac=, asks for JSON, sends the bearer token, returns the bundle', async () => {
    const { client, transport } = setup(() => jsonResponse(200, { resourceType: 'Bundle', type: 'collection' }));
    const bundle = await client.accept(id, ac);
    expect(bundle).toEqual({ resourceType: 'Bundle', type: 'collection' });
    const req = transport.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('Task/160.000.000.000.001.54/$accept');
    expect(req.query).toEqual({ ac });
    expect(req.headers?.['Accept']).toBe('application/fhir+json');
    expect(req.headers?.['Authorization']).toBe('Bearer token-1');
    expect(req.body).toBeUndefined();
  });

  it('$dispense sends the Parameters as FHIR JSON in UTF-8 with the secret in the query', async () => {
    const { client, transport } = setup(() => jsonResponse(204));
    await client.dispense(id, secret, parameters);
    const req = transport.requests[0]!;
    expect(req.path).toBe('Task/160.000.000.000.001.54/$dispense');
    expect(req.query).toEqual({ secret });
    expect(req.headers?.['Content-Type']).toBe('application/fhir+json; charset=UTF-8');
    expect(JSON.parse(req.body ?? '')).toEqual(parameters);
  });

  it('$reject and $abort: POST without body, the secret in the query; a 403 becomes an AppFailure', async () => {
    const { client, transport } = setup((i) =>
      i < 2
        ? jsonResponse(204)
        : jsonResponse(403, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text: 'Task not in status in progress, is: completed' } }] }),
    );
    await client.reject(id, secret);
    await client.abort(id, secret);
    expect(transport.requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['POST', 'Task/160.000.000.000.001.54/$reject', { secret }, undefined],
      ['POST', 'Task/160.000.000.000.001.54/$abort', { secret }, undefined],
    ]);
    const failed = await failureOf(client.reject(id, secret));
    expect(failed.appError).toMatchObject({ httpStatus: 403, system: 'fachdienst' });
    expect(failed.appError.message).toContain('Zurückgeben des Rezepts');
    expect(failed.appError.detail).not.toContain(secret);
  });

  it('$close without parameters sends no body and no Content-Type', async () => {
    const { client, transport } = setup(() => jsonResponse(200, { resourceType: 'Bundle', type: 'document' }));
    await expect(client.close(id, secret)).resolves.toEqual({ resourceType: 'Bundle', type: 'document' });
    expect(transport.requests[0]?.body).toBeUndefined();
    expect(transport.requests[0]?.headers?.['Content-Type']).toBeUndefined();
  });

  it('GET by secret and by AccessCode use the Task path with the right query', async () => {
    const { client, transport } = setup(() => jsonResponse(200, { resourceType: 'Bundle' }));
    await client.getBySecret(id, secret);
    await client.getByAccessCode(id, ac);
    expect(transport.requests.map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', 'Task/160.000.000.000.001.54', { secret }],
      ['GET', 'Task/160.000.000.000.001.54', { ac }],
    ]);
  });

  it('maps an OperationOutcome answer to a typed error', async () => {
    const { client } = setup(() =>
      jsonResponse(409, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'conflict', details: { text: 'Task has invalid status completed' } }],
      }),
    );
    const f = await failureOf(client.accept(id, ac));
    expect(f.appError.httpStatus).toBe(409);
    expect(f.appError.code).toBe('conflict');
    expect(f.appError.detail).toContain('Task has invalid status completed');
  });

  it('retries once with a fresh token after 401', async () => {
    const { client, transport, tokens } = setup((i) => (i === 0 ? jsonResponse(401) : jsonResponse(204)));
    await client.dispense(id, secret, parameters);
    expect(tokens.invalidations).toBe(1);
    expect(transport.requests.map((r) => r.headers?.['Authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('a failure on a TI hop before anything was sent keeps its German message and names the hop', async () => {
    const hopError = (hop: TiHop, message: string) => new HopFailure(hop, message, 'GetPinStatus: VERIFIABLE');
    const transport = new ScriptedTransport(() => jsonResponse(200, {}));
    const pinMissing = new FachdienstClient({
      transport,
      tokens: { getToken: () => Promise.reject(hopError('smcb', 'SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben.')), invalidate: () => undefined },
      now,
    });
    const f = await failureOf(pinMissing.accept(id, ac));
    expect(f.appError).toMatchObject({ code: 'ti-smcb', retry: 'never', system: 'ti' });
    expect(f.appError.message).toMatch(/^SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben\. Es wurde nichts/);
    expect(f.appError.detail).toBe('accept: smcb: GetPinStatus: VERIFIABLE');
    expect(transport.requests).toHaveLength(0);
    const vauRefused = new FachdienstClient({ transport: { send: () => Promise.reject(hopError('vau', 'VAU-Zertifikat nicht vertrauenswürdig.')) }, tokens: new FixedTokenProvider(), now });
    expect((await failureOf(vauRefused.accept(id, ac))).appError).toMatchObject({ code: 'ti-vau', retry: 'backoff' });
  });

  it('a timeout on $accept becomes a network error that must be reconciled', async () => {
    const { client } = setup(() => Promise.reject(new TransportError('timeout', 'nach 10 ms abgebrochen')));
    const f = await failureOf(client.accept(id, ac));
    expect(f.appError.system).toBe('network');
    expect(f.appError.code).toBe('timeout');
    expect(f.appError.retry).toBe('reconcile');
  });

  it('an answer in XML instead of JSON after $close leaves the outcome unknown', async () => {
    const { client } = setup(() => ({ status: 200, headers: { 'content-type': 'application/fhir+xml' }, body: '<Bundle/>' }));
    const f = await failureOf(client.close(id, secret));
    expect(f.appError.retry).toBe('reconcile');
  });

  it('a failing token request means nothing was sent', async () => {
    const transport = new ScriptedTransport(() => jsonResponse(204));
    const client = new FachdienstClient({
      transport,
      tokens: { getToken: () => Promise.reject(new TransportError('network', 'ECONNREFUSED')), invalidate: () => undefined },
      now,
    });
    const f = await failureOf(client.dispense(id, secret, parameters));
    expect(transport.requests).toHaveLength(0);
    expect(f.appError.retry).toBe('backoff');
    expect(f.appError.system).toBe('network');
  });
});

describe('FachdienstClient: the Fachdienst clock from the Date header', () => {
  const withDate = (response: TransportResponse, date: string): TransportResponse => ({ ...response, headers: { ...response.headers, date } });

  it('is unknown before any answer carried a Date header', async () => {
    const { client } = setup(() => jsonResponse(204));
    expect(client.clockOffsetMs()).toBeUndefined();
    await client.dispense(id, secret, parameters);
    expect(client.clockOffsetMs()).toBeUndefined();
  });

  it('offset = Date header − the app clock when the answer arrived; the latest answer wins, error answers count', async () => {
    // app clock 2026-10-05T08:00:00Z (now); the Fachdienst 5 minutes behind, then 10 minutes ahead
    const { client } = setup((i) =>
      i === 0
        ? withDate(jsonResponse(204), 'Mon, 05 Oct 2026 07:55:00 GMT')
        : withDate(jsonResponse(503, { resourceType: 'OperationOutcome', issue: [] }), 'Mon, 05 Oct 2026 08:10:00 GMT'),
    );
    await client.dispense(id, secret, parameters);
    expect(client.clockOffsetMs()).toBe(-300_000);
    await failureOf(client.dispense(id, secret, parameters));
    expect(client.clockOffsetMs()).toBe(600_000);
  });

  it('an unreadable Date header and a call without answer keep the last offset', async () => {
    const { client } = setup((i) => {
      if (i === 0) return withDate(jsonResponse(204), 'Mon, 05 Oct 2026 08:00:02 GMT');
      if (i === 1) return withDate(jsonResponse(204), 'gestern');
      throw new TransportError('timeout', 'nach 20 ms abgebrochen');
    });
    await client.dispense(id, secret, parameters);
    await client.dispense(id, secret, parameters);
    await failureOf(client.dispense(id, secret, parameters));
    expect(client.clockOffsetMs()).toBe(2000);
  });
});

describe('FachdienstClient: GET /Task with the eGK proof (spec §3.9)', () => {
  const vsdm = { kind: 'vsdm' as const, kvnr: 'X110411675', hcv: 'F9ZD7cI', pnw: 'H4sI+/abc=' };
  const outcome = (text: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text } }] });

  it('VSDM: kvnr, hcv and pnw as query parameters; a PoPP token as X-PoPP-Token; 202 lists like 200', async () => {
    const { transport, client } = setup((i) => jsonResponse(i === 0 ? 200 : 202, { resourceType: 'Bundle', type: 'searchset', total: 0 }));
    expect(await client.listByEgk(vsdm)).toMatchObject({ status: 200, body: { type: 'searchset' } });
    expect(transport.requests[0]).toMatchObject({ method: 'GET', path: 'Task', query: { kvnr: 'X110411675', hcv: 'F9ZD7cI', pnw: 'H4sI+/abc=' } });
    expect((await client.listByEgk({ kind: 'popp', token: 'eyJ.x.y' })).status).toBe(202);
    expect(transport.requests[1]).toMatchObject({ query: {}, headers: { 'X-PoPP-Token': 'eyJ.x.y' } });
  });

  it('a next page repeats the Fachdienst\'s own query on /Task', async () => {
    const { transport, client } = setup(() => jsonResponse(200, { resourceType: 'Bundle', type: 'searchset', total: 0 }));
    await client.listByEgk(vsdm, 'kvnr=X110411675&hcv=F9ZD7cI&pnw=H4sI%2B%2Fabc%3D&__offset=50');
    expect(transport.requests[0]).toMatchObject({ path: 'Task', query: { kvnr: 'X110411675', pnw: 'H4sI+/abc=', __offset: '50' } });
  });

  it.each([
    [403, 'egk-proof', 'Anwesenheitsnachweis der Gesundheitskarte nicht an'],
    [423, 'egk-locked', 'bis zum Ende des Tages gesperrt'],
    [454, 'egk-offline-check', 'Online-Prüfung der Gesundheitskarte war nicht möglich'],
    [455, 'egk-kvnr-missing', 'keine Versichertennummer'],
    [456, 'egk-kvnr-mismatch', 'Versichertennummer passt nicht zum Prüfungsnachweis'],
    [457, 'egk-hcv-missing', 'Prüfwert der Gesundheitskarte (hcv)'],
    [458, 'egk-hcv-mismatch', 'Versichertendaten der Karte passen nicht'],
  ])('HTTP %i → %s with German advice and the Fachdienst\'s text', async (status, code, text) => {
    const { client } = setup(() => jsonResponse(status, outcome('Anwesenheitsnachweis konnte nicht erfolgreich durchgeführt werden (Fehler)')));
    const error = await client.listByEgk(vsdm).then(
      () => undefined,
      (e: unknown) => (e instanceof AppFailure ? e.appError : undefined),
    );
    expect(error).toMatchObject({ code, httpStatus: status, system: 'fachdienst', retry: 'never', message: expect.stringContaining(text) });
    expect(error?.message).toContain('Meldung des Fachdienstes: „Anwesenheitsnachweis konnte nicht erfolgreich durchgeführt werden (Fehler)“');
  });
});

describe('FachdienstClient: the messages (spec §3.11)', () => {
  const reply = { resourceType: 'Communication', basedOn: [{ reference: 'Task/160.000.000.000.001.54' }], payload: [{ contentString: '{"version":1}' }] };
  const outcome = (status: number, text: string) => jsonResponse(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: { text } }] });

  it('lists newest first; unread only adds received=NULL; a next page repeats the Fachdienst\'s own query', async () => {
    const { transport, client } = setup(() => jsonResponse(200, { resourceType: 'Bundle', type: 'searchset', total: 0 }));
    expect(await client.listCommunications()).toEqual({ status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: 0 } });
    await client.listCommunications({ unreadOnly: true });
    await client.listCommunications({ unreadOnly: true, page: 'received=NULL&_sort=-sent&_count=50&__offset=50' });
    expect(transport.requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['GET', 'Communication', { _sort: '-sent' }, undefined],
      ['GET', 'Communication', { received: 'NULL', _sort: '-sent' }, undefined],
      ['GET', 'Communication', { received: 'NULL', _sort: '-sent', _count: '50', __offset: '50' }, undefined],
    ]);
    expect(transport.requests[0]?.headers?.['Accept']).toBe('application/fhir+json');
  });

  it('a list answer that is not JSON is a failure, not an empty inbox', async () => {
    const { client } = setup(() => ({ status: 200, headers: { 'content-type': 'application/fhir+xml' }, body: '<Bundle/>' }));
    const failed = await failureOf(client.listCommunications({ unreadOnly: true }));
    expect(failed.appError).toMatchObject({ retry: 'never', httpStatus: 200 });
  });

  it('sends a reply as FHIR JSON with POST Communication; the id comes from the body, else from the Location header', async () => {
    const { transport, client } = setup((i) =>
      i === 0
        ? jsonResponse(201, { ...reply, id: '79cc4c08-0e7b-4e52-acee-6ec7519ce67f', sent: '2026-10-05T08:00:00Z' })
        : { status: 201, headers: { location: 'http://prescriptionserver.telematik/Communication/0b8e7a3c-5f1d-4c2e-9a6b-3d2f1e0c9b8a' }, body: '' },
    );
    const first = await client.sendCommunication(reply);
    expect(first.id).toBe('79cc4c08-0e7b-4e52-acee-6ec7519ce67f');
    expect(first.body).toMatchObject({ sent: '2026-10-05T08:00:00Z' });
    const req = transport.requests[0]!;
    expect([req.method, req.path, req.query]).toEqual(['POST', 'Communication', {}]);
    expect(req.headers?.['Content-Type']).toBe('application/fhir+json; charset=UTF-8');
    expect(JSON.parse(req.body ?? '')).toEqual(reply);
    expect(await client.sendCommunication(reply)).toEqual({ id: '0b8e7a3c-5f1d-4c2e-9a6b-3d2f1e0c9b8a', body: undefined });
  });

  it('a 201 that names no usable id is still a success (the message exists): id is empty', async () => {
    const { client } = setup(() => ({ status: 201, headers: { location: 'https://evil.example/Communication/../../Task' }, body: '{"id":"a/b"}' }));
    expect(await client.sendCommunication(reply)).toEqual({ id: '', body: { id: 'a/b' } });
  });

  it('a refused reply and a reply without answer become typed failures; the reply is sent once', async () => {
    const refused = setup(() => outcome(400, 'Invalid request body'));
    const failed = await failureOf(refused.client.sendCommunication(reply));
    expect(failed.appError).toMatchObject({ code: 'validation', httpStatus: 400, retry: 'never' });
    expect(failed.appError.message).toContain('sie wurde nicht gesendet');
    expect(refused.transport.requests).toHaveLength(1);

    const lost = setup(() => Promise.reject(new TransportError('timeout', 'nach 15000 ms abgebrochen')));
    const unknown = await failureOf(lost.client.sendCommunication(reply));
    expect(unknown.appError).toMatchObject({ code: 'timeout', retry: 'reconcile', system: 'network' });
    expect(lost.transport.requests).toHaveLength(1);
  });

  it('deletes with DELETE Communication/<id> (204)', async () => {
    const { transport, client } = setup(() => jsonResponse(204));
    await client.deleteCommunication('79cc4c08-0e7b-4e52-acee-6ec7519ce67f');
    expect(transport.requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['DELETE', 'Communication/79cc4c08-0e7b-4e52-acee-6ec7519ce67f', {}, undefined],
    ]);
  });

  it.each(['', '.', '..', '../Task', 'a b', 'x'.repeat(65), '79cc4c08?_format=xml'])('an id like %j is refused before anything is sent', async (bad) => {
    const { transport, client } = setup(() => jsonResponse(204));
    const failed = await failureOf(client.deleteCommunication(bad));
    expect(failed.appError.code).toBe('validation');
    expect(transport.requests).toHaveLength(0);
  });

  it('deleting someone else\'s message: the Fachdienst\'s 401 is tried once more with a fresh token, then said plainly', async () => {
    const { transport, tokens, client } = setup(() => outcome(401, '3-SMC-B-Testkarte is not allowed to delete communication for id 79cc4c08-0e7b-4e52-acee-6ec7519ce67f'));
    const failed = await failureOf(client.deleteCommunication('79cc4c08-0e7b-4e52-acee-6ec7519ce67f'));
    expect(failed.appError.message).toContain('Nur Nachrichten, die diese Apotheke selbst gesendet hat');
    expect(tokens.invalidations).toBe(1);
    expect(transport.requests).toHaveLength(2);
  });
});

describe('FachdienstClient: the registration for the ping on new Zuweisungen (POST /Subscription, spec §3.11)', () => {
  const PHARMACY = '3-SMC-B-Testkarte-883110000095957';
  const JWS = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWJzY3JpcHRpb25JZCI6IjBmM2M1ZTdhIn0.c2lnbmF0dXJl';
  const answer = (overrides: Record<string, unknown> = {}) => ({
    resourceType: 'Subscription',
    id: '0f3c5e7a9b1d2f4a6c8e0a2b4c6d8e0f',
    status: 'active',
    reason: 'communication notifications',
    criteria: `Communication?received=null&recipient=${PHARMACY}`,
    end: '2026-10-05T20:00:00.000Z',
    channel: { type: 'websocket', header: [`Authorization: Bearer ${JWS}`] },
    ...overrides,
  });

  it('posts a Subscription for the own Telematik-ID and answers id, end and the token from channel.header', async () => {
    const { transport, client } = setup(() => jsonResponse(200, answer()));
    expect(await client.subscribeCommunications(PHARMACY)).toEqual({ id: '0f3c5e7a9b1d2f4a6c8e0a2b4c6d8e0f', end: new Date('2026-10-05T20:00:00Z'), token: JWS });
    const req = transport.requests[0]!;
    // the path's first segment is what the VAU sends as X-erp-resource (vau-transport.ts)
    expect([req.method, req.path, req.query]).toEqual(['POST', 'Subscription', {}]);
    expect(req.headers?.['Content-Type']).toBe('application/fhir+json; charset=UTF-8');
    expect(JSON.parse(req.body ?? '')).toEqual({
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'Communication notifications',
      criteria: `Communication?received=null&recipient=${PHARMACY}`,
      channel: { type: 'websocket' },
    });
  });

  it('a Telematik-ID that is none is refused before anything is sent; its characters never add a search parameter', async () => {
    const { transport, client } = setup(() => jsonResponse(200, answer()));
    for (const bad of ['', 'SMC-B', '3-a b']) {
      expect((await failureOf(client.subscribeCommunications(bad))).appError.code).toBe('validation');
    }
    expect(transport.requests).toHaveLength(0);
    await client.subscribeCommunications('3-x&recipient=3-other#');
    expect(JSON.parse(transport.requests[0]?.body ?? '').criteria).toBe('Communication?received=null&recipient=3-x%26recipient%3D3-other%23');
  });

  it.each([
    ['no Subscription', { resourceType: 'OperationOutcome' }],
    ['an id that would break the bind message', { id: 'abc def' }],
    ['an id longer than a FHIR id', { id: 'a'.repeat(65) }],
    ['status off', { status: 'off' }],
    ['an end without zone', { end: '2026-10-05T20:00:00' }],
    ['an end that is no date', { end: 'morgen' }],
    ['another channel', { channel: { type: 'rest-hook', header: [`Authorization: Bearer ${JWS}`] } }],
    ['no Authorization header', { channel: { type: 'websocket', header: ['X-Other: 1'] } }],
    ['a Basic Authorization', { channel: { type: 'websocket', header: ['Authorization: Basic dXNlcjpwdw=='] } }],
    ['two tokens', { channel: { type: 'websocket', header: [`Authorization: Bearer ${JWS}`, 'Authorization: Bearer other'] } }],
    ['a token with a line break', { channel: { type: 'websocket', header: [`Authorization: Bearer ${JWS}\r\nX-Evil: 1`] } }],
    ['a token too long', { channel: { type: 'websocket', header: [`Authorization: Bearer ${'a'.repeat(5000)}`] } }],
    ['too many headers', { channel: { type: 'websocket', header: Array.from({ length: 17 }, () => `Authorization: Bearer ${JWS}`) } }],
  ])('an answer with %s is not usable — a failure that never quotes the token', async (_what, overrides) => {
    const { client } = setup(() => jsonResponse(200, { ...answer(), ...overrides }));
    const failed = await failureOf(client.subscribeCommunications(PHARMACY));
    expect(failed.appError).toMatchObject({ code: 'fachdienst', retry: 'never', httpStatus: 200 });
    expect(failed.appError.message).toContain('Anmeldung für Benachrichtigungen war nicht lesbar');
    expect(JSON.stringify(failed.appError)).not.toContain(JWS);
  });

  it('an oversized answer is not read at all', async () => {
    const { client } = setup(() => jsonResponse(200, { ...answer(), padding: 'x'.repeat(70_000) }));
    expect((await failureOf(client.subscribeCommunications(PHARMACY))).appError.detail).toContain('Subscription answer of');
  });

  it('other Authorization headers beside it and other fields are fine; `Bearer` in any case', async () => {
    const { client } = setup(() => jsonResponse(200, answer({ channel: { type: 'websocket', header: ['X-Trace: 1', `authorization: bearer ${JWS}`] } })));
    expect((await client.subscribeCommunications(PHARMACY)).token).toBe(JWS);
  });

  it('403 „ID mismatch“ becomes a typed failure', async () => {
    const { client } = setup(() =>
      jsonResponse(403, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text: 'ID mismatch' } }] }),
    );
    const failed = await failureOf(client.subscribeCommunications(PHARMACY));
    expect(failed.appError).toMatchObject({ httpStatus: 403, system: 'fachdienst' });
    expect(failed.appError.message).toContain('Telematik-ID der Anfrage ist nicht die der angemeldeten Apotheke');
  });
});
