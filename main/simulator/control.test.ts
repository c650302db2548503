import { decodeJwt } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseKvnr, parsePrescriptionId } from '../../shared/erezept/identifiers';
import { parseErezeptCode } from '../../shared/erezept/token';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { parseCms } from './cms-sign';
import { createTestSimulator, LOOPBACK, type TestSimulator } from './test-kit';

let sim: TestSimulator;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
});

async function control(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await sim.app.request(`/_sim${path}`, {
    method,
    headers: { ...LOOPBACK, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(response.headers.get('content-type')).toContain('application/json');
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('POST /_sim/token', () => {
  it('issues a pharmacy token with professionOID, idNummer = Telematik-ID, sub, iat, exp', async () => {
    const { status, json } = await control('POST', '/token', { professionOID: ProfessionOids.publicPharmacy, telematikId: '3-SMC-B-1' });
    expect(status).toBe(200);
    expect(json['token_type']).toBe('Bearer');
    expect(json['expires_in']).toBe(12 * 3600);
    const claims = decodeJwt(String(json['access_token']));
    expect(claims).toMatchObject({ professionOID: ProfessionOids.publicPharmacy, idNummer: '3-SMC-B-1' });
    expect(typeof claims.sub).toBe('string');
    expect(claims.iat).toBe(Date.parse('2026-10-05T08:00:00Z') / 1000);
    expect(claims.exp).toBe(claims.iat! + 12 * 3600);
  });

  it('issues an insurant token with idNummer = KVNR and an optional lifetime', async () => {
    const { json } = await control('POST', '/token', { professionOID: ProfessionOids.insurant, kvnr: 'X110411675', expiresIn: 300 });
    const claims = decodeJwt(String(json['access_token']));
    expect(claims).toMatchObject({ professionOID: ProfessionOids.insurant, idNummer: 'X110411675' });
    expect(claims.exp! - claims.iat!).toBe(300);
  });

  it.each([
    [{}],
    [{ professionOID: ProfessionOids.publicPharmacy }],
    [{ professionOID: ProfessionOids.publicPharmacy, telematikId: 'no telematik id' }],
    [{ professionOID: ProfessionOids.insurant, telematikId: '3-1' }],
    [{ professionOID: ProfessionOids.insurant, kvnr: 'x1' }],
    [{ professionOID: 'pharmacy', telematikId: '3-1' }],
    [{ professionOID: ProfessionOids.publicPharmacy, telematikId: '3-1', extra: true }],
  ])('400 {"error"} for %j', async (body) => {
    const { status, json } = await control('POST', '/token', body);
    expect(status).toBe(400);
    expect(typeof json['error']).toBe('string');
  });

  it('400 for a body that is not JSON or not sent as JSON', async () => {
    expect((await control('POST', '/token', '{nope')).status).toBe(400);
    expect((await control('POST', '/token', '{}', { 'content-type': 'text/plain' })).status).toBe(400);
  });
});

describe('POST /_sim/prescriptions', () => {
  it('201 with taskId, accessCode, kvnr (valid check digit), token and a one-token DataMatrix', async () => {
    const { status, json } = await control('POST', '/prescriptions', { flowType: '160' });
    expect(status).toBe(201);
    expect(Object.keys(json).sort()).toEqual(['accessCode', 'dataMatrix', 'kvnr', 'taskId', 'token']);
    expect(parsePrescriptionId(String(json['taskId'])).ok).toBe(true);
    expect(String(json['taskId']).startsWith('160.')).toBe(true);
    expect(json['accessCode']).toMatch(/^[0-9a-f]{64}$/);
    expect(parseKvnr(String(json['kvnr'])).ok).toBe(true);
    expect(json['token']).toBe(`Task/${String(json['taskId'])}/$accept?ac=${String(json['accessCode'])}`);
    expect(JSON.parse(String(json['dataMatrix']))).toEqual({ urls: [json['token']] });
    // the app's own token parser reads the DataMatrix content
    const parsed = parseErezeptCode(String(json['dataMatrix']));
    expect(parsed.ok).toBe(true);
    expect(sim.repository.get(String(json['taskId']))).toMatchObject({ status: 'ready', kvnr: json['kvnr'] });
  });

  it('count 3: three Tasks of one patient, all tokens in one DataMatrix, increasing unique ids', async () => {
    const { status, json } = await control('POST', '/prescriptions', { flowType: '160', count: 3, kvnr: 'X110411675' });
    expect(status).toBe(201);
    const list = json['prescriptions'] as { taskId: string; accessCode: string; kvnr: string; token: string }[];
    expect(list).toHaveLength(3);
    expect(list[0]).toEqual({ taskId: json['taskId'], accessCode: json['accessCode'], kvnr: 'X110411675', token: json['token'] });
    expect(new Set(list.map((p) => p.taskId)).size).toBe(3);
    expect(list.every((p) => p.kvnr === 'X110411675')).toBe(true);
    expect(JSON.parse(String(json['dataMatrix']))).toEqual({ urls: list.map((p) => p.token) });
    const next = await control('POST', '/prescriptions', { flowType: '160' });
    const seq = (id: string): number => Number(id.slice(4, 19).replace(/\./g, ''));
    expect(seq(String(next.json['taskId']))).toBeGreaterThan(Math.max(...list.map((p) => seq(p.taskId))));
  });

  it.each([
    ['166', '2026-10-11', '2026-10-11'],
    ['169', '2026-11-02', '2027-01-05'],
    ['200', '2027-01-05', '2027-01-05'],
    ['209', '2027-01-05', '2027-01-05'],
  ])('flowType %s: accept %s, expiry %s', async (flowType, acceptDate, expiryDate) => {
    const { json } = await control('POST', '/prescriptions', { flowType });
    expect(String(json['taskId']).startsWith(`${flowType}.`)).toBe(true);
    expect(sim.repository.get(String(json['taskId']))).toMatchObject({ flowType, acceptDate, expiryDate });
  });

  it('takes a Rechtsgrundlage: an Entlassrezept gets the Fachdienst\'s 3 working days as Belieferungsfrist', async () => {
    const { status, json } = await control('POST', '/prescriptions', { flowType: '160', legalBasis: '04', authoredOn: '2026-10-09' });
    expect(status).toBe(201);
    const task = sim.repository.get(String(json['taskId']))!;
    // Friday 09.10., Saturday 10.10., Monday 12.10. (A_19517); the Einlösefrist stays three months
    expect(task).toMatchObject({ acceptDate: '2026-10-12', expiryDate: '2027-01-09' });
    const kbv = new TextDecoder().decode(parseCms(new Uint8Array(Buffer.from(task.prescription!.cms, 'base64'))).content);
    expect(kbv).toContain('KBV_CS_SFHIR_KBV_STATUSKENNZEICHEN"/><code value="04"');
  });

  it('takes authoredOn, medication and mvo', async () => {
    const { status, json } = await control('POST', '/prescriptions', {
      flowType: '160',
      medication: 'rezeptur',
      authoredOn: '2026-09-01',
      mvo: { part: 1, of: 3, start: '2026-09-01', end: '2026-12-31' },
      count: 2,
    });
    expect(status).toBe(201);
    const [first, second] = (json['prescriptions'] as { taskId: string }[]).map((p) => sim.repository.get(p.taskId)!);
    expect(first!.mvo?.start).toBe('2026-09-01');
    expect(second!.mvo?.start).toBe('2026-12-01');
    expect(first!.mvo?.id).toBe(second!.mvo?.id);
    expect(first!.expiryDate).toBe('2026-12-31');
    expect(first!.authoredOn).toBe('2026-09-01T08:00:00.000Z');
    const kbv = new TextDecoder().decode(parseCms(new Uint8Array(Buffer.from(first!.prescription!.cms, 'base64'))).content);
    expect(kbv).toContain('KBV_PR_ERP_Medication_Compounding|1.4');
  });

  it.each([
    [{}],
    [{ flowType: '162' }],
    [{ flowType: 160 }],
    [{ flowType: '160', count: 4 }],
    [{ flowType: '160', count: 0 }],
    [{ flowType: '160', kvnr: 'X12' }],
    [{ flowType: '160', medication: 'homöopathie' }],
    [{ flowType: '160', authoredOn: '05.10.2026' }],
    [{ flowType: '166', mvo: { part: 1, of: 2, start: '2026-10-05' } }],
    [{ flowType: '160', mvo: { part: 3, of: 2, start: '2026-10-05' } }],
    [{ flowType: '160', mvo: { part: 2, of: 3, start: '2026-10-05' }, count: 3 }],
    [{ flowType: '160', unknown: 1 }],
    [{ flowType: '160', legalBasis: '05' }],
    [{ flowType: '160', legalBasis: '04', mvo: { part: 1, of: 2, start: '2026-10-05' } }],
  ])('400 {"error"} for %j', async (body) => {
    const { status, json } = await control('POST', '/prescriptions', body);
    expect(status).toBe(400);
    expect(typeof json['error']).toBe('string');
  });
});

describe('POST /_sim/reset', () => {
  it('clears Tasks, clock and faults but keeps PKI, JWT key and the id sequence', async () => {
    const before = await control('POST', '/prescriptions', { flowType: '160' });
    const token = await sim.pharmacyToken();
    await control('POST', '/clock', { advance: 'P1D' });
    await control('POST', '/faults', { operation: 'accept', count: 5 });
    const { status } = await control('POST', '/reset');
    expect(status).toBe(200);
    expect(sim.repository.list()).toEqual([]);
    expect((await control('GET', '/clock')).json['now']).toBe('2026-10-05T08:00:00.000Z');
    expect((await control('GET', '/faults')).json['faults']).toEqual([]);
    const after = await control('POST', '/prescriptions', { flowType: '160' });
    expect(after.json['taskId']).not.toBe(before.json['taskId']);
    // tokens issued before the reset still work (same JWT key)
    const response = await sim.fhir('POST', `/Task/${String(after.json['taskId'])}/$accept?ac=${String(after.json['accessCode'])}`, token);
    expect(response.status).toBe(200);
  });
});

describe('/_sim/clock', () => {
  it('reads, sets, advances and resets the simulated time', async () => {
    expect((await control('GET', '/clock')).json).toEqual({ now: '2026-10-05T08:00:00.000Z' });
    expect((await control('POST', '/clock', { set: '2027-01-06T10:00:00+01:00' })).json).toEqual({ now: '2027-01-06T09:00:00.000Z' });
    expect((await control('POST', '/clock', { advance: 'PT1H30M' })).json).toEqual({ now: '2027-01-06T10:30:00.000Z' });
    expect((await control('POST', '/clock', { reset: true })).json).toEqual({ now: '2026-10-05T08:00:00.000Z' });
  });

  it('lets a prescription expire: $accept after the clock moved past expiryDate → 403', async () => {
    const created = await sim.createPrescription({ flowType: '166' });
    await control('POST', '/clock', { advance: 'P7D' });
    const response = await sim.fhir('POST', `/Task/${created.taskId}/$accept?ac=${created.accessCode}`, await sim.pharmacyToken());
    expect(response.status).toBe(403);
  });

  it.each([[{ set: 'tomorrow' }], [{ advance: 'P1M' }], [{ advance: 5 }], [{}], [{ set: '2026-10-05T08:00:00Z', advance: 'P1D' }]])(
    '400 for %j',
    async (body) => {
      expect((await control('POST', '/clock', body)).status).toBe(400);
    },
  );
});

describe('/_sim/faults', () => {
  async function acceptFresh(): Promise<{ response: Response; taskId: string }> {
    const created = await sim.createPrescription({ flowType: '160' });
    const response = await sim.fhir('POST', `/Task/${created.taskId}/$accept?ac=${created.accessCode}`, await sim.pharmacyToken());
    return { response, taskId: created.taskId };
  }

  it('before-commit: the next N calls answer the status and nothing happens', async () => {
    const { status } = await control('POST', '/faults', { operation: 'accept', count: 2, status: 503, phase: 'before-commit' });
    expect(status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const { response, taskId } = await acceptFresh();
      expect(response.status).toBe(503);
      expect((await response.json()) as unknown).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'processing' }] });
      expect(sim.repository.get(taskId)?.status).toBe('ready');
    }
    expect((await acceptFresh()).response.status).toBe(200);
  });

  it('after-commit: the operation is stored but the answer is the fault (lost response)', async () => {
    await control('POST', '/faults', { operation: 'accept', count: 1, status: 500, phase: 'after-commit' });
    const { response, taskId } = await acceptFresh();
    expect(response.status).toBe(500);
    expect(sim.repository.get(taskId)?.status).toBe('in-progress');
  });

  it('"any" matches every operation; other operations are not affected by a specific rule; DELETE clears', async () => {
    await control('POST', '/faults', { operation: 'close', count: 1, status: 429 });
    expect((await acceptFresh()).response.status).toBe(200);
    await control('POST', '/faults', { operation: 'any', count: 1, status: 408 });
    expect((await acceptFresh()).response.status).toBe(408);
    expect(((await control('GET', '/faults')).json['faults'] as unknown[]).length).toBe(1);
    expect((await control('DELETE', '/faults')).json).toEqual({ faults: [] });
  });

  it('a delay without status only slows the call down', async () => {
    await control('POST', '/faults', { operation: 'accept', count: 1, delayMs: 50 });
    const started = Date.now();
    const { response } = await acceptFresh();
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it.each([[{ operation: 'fly', count: 1 }], [{ operation: 'accept', count: 1, status: 200 }], [{ operation: 'accept', phase: 'later' }]])(
    '400 for %j',
    async (body) => {
      expect((await control('POST', '/faults', body)).status).toBe(400);
    },
  );
});

describe('loopback only', () => {
  it.each([['evil.example:8080'], ['127.0.0.1.evil.example'], ['192.168.1.10:8080']])('refuses Host %s with 403', async (host) => {
    const { status, json } = await control('POST', '/prescriptions', { flowType: '160' }, { host });
    expect(status).toBe(403);
    expect(typeof json['error']).toBe('string');
    expect(sim.repository.list()).toEqual([]);
  });

  it('accepts localhost and 127.0.0.1, refuses a foreign Origin (cross-site request from a web page)', async () => {
    expect((await control('GET', '/clock', undefined, { host: 'localhost:8080' })).status).toBe(200);
    expect((await control('POST', '/reset', undefined, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await control('POST', '/reset', undefined, { origin: 'null' })).status).toBe(403);
    expect((await control('POST', '/reset', undefined, { origin: 'http://127.0.0.1:8080' })).status).toBe(200);
  });

  it('404 / 405 for unknown control paths and methods', async () => {
    expect((await control('GET', '/nothing')).status).toBe(404);
    expect((await control('GET', '/prescriptions')).status).toBe(405);
  });
});
