import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { fhirXmlToJson, type FhirResourceJson } from '../../shared/fhir/xml';
import { parseCms } from './cms-sign';
import { startSimulatorServer, type SimulatorHandle } from './server';
import { dispenseParameters, secretOf } from './test-kit';

const handles: SimulatorHandle[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function start(options: Parameters<typeof startSimulatorServer>[0] = {}): Promise<SimulatorHandle> {
  const handle = await startSimulatorServer(options);
  handles.push(handle);
  return handle;
}

const PHARMACY = '3-SMC-B-Testkarte-883110000095957';

async function controlPost<T>(sim: SimulatorHandle, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${sim.url}/_sim/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
  return (await response.json()) as T;
}

async function pharmacyToken(sim: SimulatorHandle): Promise<string> {
  const { access_token } = await controlPost<{ access_token: string }>(sim, 'token', {
    professionOID: ProfessionOids.publicPharmacy,
    telematikId: PHARMACY,
  });
  return access_token;
}

interface Created {
  taskId: string;
  accessCode: string;
  kvnr: string;
}

describe('startSimulatorServer', () => {
  it('serves a full token → $accept → $dispense → $close cycle over HTTP on 127.0.0.1', async () => {
    const sim = await start({ port: 0 });
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
    const token = await pharmacyToken(sim);
    const created = await controlPost<Created>(sim, 'prescriptions', { flowType: '160' });
    const auth = { authorization: `Bearer ${token}` };

    // the pharmacy's default: XML
    const accepted = await fetch(`${sim.url}/Task/${created.taskId}/$accept?ac=${created.accessCode}`, { method: 'POST', headers: auth });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('content-type')).toContain('application/fhir+xml');
    const acceptBundle = fhirXmlToJson(await accepted.text());
    if (!acceptBundle.ok) throw new Error(acceptBundle.error);
    const secret = secretOf(acceptBundle.data);

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    const ctx = { prescriptionId: created.taskId, kvnr: created.kvnr, telematikId: PHARMACY, whenHandedOver: today };
    const dispensed = await fetch(`${sim.url}/Task/${created.taskId}/$dispense?secret=${secret}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/fhir+json; charset=utf-8' },
      body: JSON.stringify(dispenseParameters('dispense', ctx)),
    });
    expect(dispensed.status).toBe(204);

    const closed = await fetch(`${sim.url}/Task/${created.taskId}/$close?secret=${secret}`, {
      method: 'POST',
      headers: { ...auth, accept: 'application/fhir+json' },
    });
    expect(closed.status).toBe(200);
    const receipt = (await closed.json()) as FhirResourceJson;
    expect(receipt['type']).toBe('document');
    expect((receipt['link'] as { url: string }[])[0]!.url).toBe(`${sim.url}/Task/${created.taskId}/$close/`);
    const signature = receipt['signature'] as { data: string };
    expect(await parseCms(new Uint8Array(Buffer.from(signature.data, 'base64'))).verify()).toBe(true);
  });

  it('reads a chunked body (Transfer-Encoding, no Content-Length) as well as an announced one', async () => {
    const sim = await start({ port: 0 });
    const token = await pharmacyToken(sim);
    const created = await controlPost<Created>(sim, 'prescriptions', { flowType: '160' });
    const auth = { authorization: `Bearer ${token}`, accept: 'application/fhir+json' };
    const accepted = await fetch(`${sim.url}/Task/${created.taskId}/$accept?ac=${created.accessCode}`, { method: 'POST', headers: auth });
    const secret = secretOf((await accepted.json()) as FhirResourceJson);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    const body = JSON.stringify(dispenseParameters('dispense', { prescriptionId: created.taskId, kvnr: created.kvnr, telematikId: PHARMACY, whenHandedOver: today }));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${sim.url}/Task/${created.taskId}/$dispense?secret=${secret}`,
        { method: 'POST', headers: { ...auth, 'content-type': 'application/fhir+json', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 100));
      req.end(body.slice(100));
    });
    expect(status).toBe(204);
    // and an empty body announced as such: a $close without body after the $dispense
    const closed = await fetch(`${sim.url}/Task/${created.taskId}/$close?secret=${secret}`, {
      method: 'POST',
      headers: { ...auth, 'content-length': '0' },
    });
    expect(closed.status).toBe(200);
  });

  it('keeps Tasks, the JWT key and the PKI across a restart with a data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sim-data-'));
    dirs.push(dataDir);
    const first = await start({ dataDir });
    const token = await pharmacyToken(first);
    const created = await controlPost<Created>(first, 'prescriptions', { flowType: '200' });
    const accepted = await fetch(`${first.url}/Task/${created.taskId}/$accept?ac=${created.accessCode}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
    });
    const secret = secretOf((await accepted.json()) as FhirResourceJson);
    await first.close();
    handles.splice(handles.indexOf(first), 1);

    const second = await start({ dataDir });
    // the token issued before the restart is still valid; the Secret can be recovered (spec §3.3)
    const recovered = await fetch(`${second.url}/Task/${created.taskId}?ac=${created.accessCode}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
    });
    expect(recovered.status).toBe(200);
    expect(secretOf((await recovered.json()) as FhirResourceJson)).toBe(secret);
    // ids keep increasing after the restart
    const next = await controlPost<Created>(second, 'prescriptions', { flowType: '200' });
    expect(next.taskId).not.toBe(created.taskId);
    expect(next.taskId > created.taskId).toBe(true);
  });

  it('cuts the connection for a "drop" fault — the client sees a network error, the operation happened', async () => {
    const sim = await start();
    const token = await pharmacyToken(sim);
    const created = await controlPost<Created>(sim, 'prescriptions', { flowType: '160' });
    await controlPost(sim, 'faults', { operation: 'accept', count: 1, phase: 'after-commit', drop: true });
    await expect(
      fetch(`${sim.url}/Task/${created.taskId}/$accept?ac=${created.accessCode}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      }),
    ).rejects.toThrow();
    // reconciliation: the Task is ours now (secret recovery works)
    const recovered = await fetch(`${sim.url}/Task/${created.taskId}?ac=${created.accessCode}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(recovered.status).toBe(200);
  });

  it('requires the listening port in the Host header of control requests', async () => {
    const sim = await start();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: sim.port, path: '/_sim/clock', method: 'GET', headers: { host: `127.0.0.1:${sim.port + 1}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await fetch(`${sim.url}/_sim/clock`)).status).toBe(200);
  });

  it('uses the injected base clock', async () => {
    const sim = await start({ now: () => new Date('2027-03-01T12:00:00Z') });
    expect(await (await fetch(`${sim.url}/_sim/clock`)).json()).toEqual({ now: '2027-03-01T12:00:00.000Z' });
  });

  it('hands the embedding app its clock in-process — the same time /_sim/clock answers, also after it was moved', async () => {
    const sim = await start({ now: () => new Date('2027-03-01T12:00:00Z') });
    expect(sim.now().toISOString()).toBe('2027-03-01T12:00:00.000Z');
    await controlPost(sim, 'clock', { advance: 'P3D' });
    expect(sim.now().toISOString()).toBe('2027-03-04T12:00:00.000Z');
    expect(await (await fetch(`${sim.url}/_sim/clock`)).json()).toEqual({ now: sim.now().toISOString() });
  });

  it('sends its own time in the Date header of every answer, also after the clock was moved (the Fachdienst clock of docs/reliability.md)', async () => {
    const sim = await start({ now: () => new Date('2027-03-01T12:00:00.750Z') });
    const dateOf = async (path: string, init?: RequestInit): Promise<string | null> => (await fetch(`${sim.url}${path}`, init)).headers.get('date');
    // RFC 7231 IMF-fixdate, cut to the second — not the machine's time that Node would send
    expect(await dateOf('/_sim/clock')).toBe('Mon, 01 Mar 2027 12:00:00 GMT');
    expect(await dateOf('/metadata')).toBe('Mon, 01 Mar 2027 12:00:00 GMT'); // 401 without token
    expect(await dateOf('/nothing-here')).toBe('Mon, 01 Mar 2027 12:00:00 GMT'); // 405
    await controlPost(sim, 'clock', { advance: 'PT10M' });
    const token = await pharmacyToken(sim);
    expect(await dateOf('/metadata', { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } })).toBe('Mon, 01 Mar 2027 12:10:00 GMT');
  });
});
