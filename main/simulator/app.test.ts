import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { fhirXmlToJson } from '../../shared/fhir/xml';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { createSimulatorApp } from './app';
import { loadOrCreateTokenService } from './auth';
import { createClock } from './clock';
import { MemoryTaskRepository } from './repository';
import { createTestSimulator, outcomeTexts, type CreatedResponse, type TestSimulator } from './test-kit';

let sim: TestSimulator;
let created: CreatedResponse;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  created = await sim.createPrescription({ flowType: '160' });
});

const acceptPath = (): string => `/Task/${created.taskId}/$accept?ac=${created.accessCode}`;

async function withAuthorization(value: string | undefined, path = acceptPath()): Promise<Response> {
  return sim.app.request(path, {
    method: 'POST',
    headers: { accept: 'application/fhir+json', ...(value === undefined ? {} : { authorization: value }) },
  });
}

describe('access token (spec §1.1, §10.1)', () => {
  it('401 without, with a broken, a foreign and an expired token — with WWW-Authenticate', async () => {
    const foreign = await (await loadOrCreateTokenService(undefined)).issue(
      { professionOID: ProfessionOids.publicPharmacy, idNummer: '3-x' },
      sim.clock.now(),
      3600,
    );
    const shortLived = await sim.tokens.issue({ professionOID: ProfessionOids.publicPharmacy, idNummer: '3-x' }, sim.clock.now(), 60);
    const cases: [string | undefined, string][] = [
      [undefined, 'Authorization header is missing'],
      ['Basic abc', 'invalid Authorization Bearer header field'],
      ['Bearer not-a-jwt', 'JWT has invalid format'],
      [`Bearer ${foreign}`, 'JWT has invalid signature'],
    ];
    for (const [header, text] of cases) {
      const response = await withAuthorization(header);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain("realm='prescriptionserver.telematik'");
      expect(await outcomeTexts(response)).toEqual([text]);
    }
    expect((await withAuthorization(`Bearer ${shortLived}`)).status).not.toBe(401);
    sim.clock.advance(61_000);
    const expired = await withAuthorization(`Bearer ${shortLived}`);
    expect(expired.status).toBe(401);
    expect(await outcomeTexts(expired)).toEqual(['JWT expired']);
  });

  it('401 "JWT misses required claims" for a correctly signed token without idNummer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-jwt-'));
    dirs.push(dir);
    const tokens = await loadOrCreateTokenService(dir);
    const app = createSimulatorApp({
      repository: new MemoryTaskRepository(),
      clock: createClock(() => new Date(), new MemoryTaskRepository()),
      tokens,
      pki: sim.pki,
      catalog: demoCatalog,
    });
    const key = await importJWK(JSON.parse(readFileSync(join(dir, 'jwt-key.json'), 'utf8')) as JWK, 'ES256');
    const jwt = await new SignJWT({ professionOID: ProfessionOids.publicPharmacy })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('s')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    const response = await app.request('/Task/160.000.000.000.123.76/$accept?ac=x', {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, accept: 'application/fhir+json' },
    });
    expect(response.status).toBe(401);
    expect(await outcomeTexts(response)).toEqual(['JWT misses required claims']);
  });

  it('checks the token before the role and the role before the Task (spec §3)', async () => {
    const insurant = await sim.insurantToken(created.kvnr);
    // unknown Task, but the role check comes first
    const response = await sim.fhir('POST', '/Task/160.000.000.000.123.76/$dispense?secret=x', insurant);
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual([`endpoint is forbidden for professionOID ${ProfessionOids.insurant}`]);
    expect((await sim.fhir('POST', '/Task/160.000.000.000.123.76/$dispense?secret=x', 'bad')).status).toBe(401);
  });
});

describe('paths and methods (A_19030)', () => {
  it.each([
    ['PUT', '/Task/160.000.000.000.001.54'],
    ['HEAD', '/Task/160.000.000.000.001.54'],
    ['DELETE', '/Task/160.000.000.000.001.54'],
    ['POST', '/Task/160.000.000.000.001.54'],
    ['GET', '/Task/160.000.000.000.001.54/$accept'],
    ['POST', '/Task/160.000.000.000.001.54/$unknown'],
    ['POST', '/Task'],
    ['POST', '/MedicationDispense'],
    ['GET', '/Patient'],
  ])('%s %s → 405 before authentication', async (method, path) => {
    const response = await sim.app.request(path, { method, headers: { accept: 'application/fhir+json' } });
    expect(response.status).toBe(405);
    if (method === 'HEAD') return; // no body on HEAD
    expect((await response.json()) as unknown).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-supported', details: { text: 'no matching handler found.' } }],
    });
  });

  it('404 for a malformed id on the non-$accept paths', async () => {
    const response = await sim.fhir('GET', '/Task/160.000.000.000.000.01?secret=x', await sim.pharmacyToken());
    expect(response.status).toBe(404);
    expect(await outcomeTexts(response)).toEqual(['Failed to parse prescription ID from URL parameter']);
  });
});

describe('response format (spec §3, §8)', () => {
  it('errors come as an XML OperationOutcome by default for a pharmacy', async () => {
    const response = await sim.app.request(`/Task/${created.taskId}/$accept?ac=${'0'.repeat(64)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sim.pharmacyToken()}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/fhir+xml;charset=utf-8');
    const parsed = fhirXmlToJson(await response.text());
    expect(parsed.ok && parsed.data).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'forbidden', details: { text: 'AccessCode mismatch' } }],
    });
  });

  it('_format wins over Accept', async () => {
    const response = await sim.app.request(`/Task/${created.taskId}/$accept?ac=${created.accessCode}&_format=fhir%2Bjson`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sim.pharmacyToken()}`, accept: 'application/fhir+xml' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
  });

  it('406 for an unsupported format — and the Task is untouched', async () => {
    const response = await sim.fhir('POST', acceptPath(), await sim.pharmacyToken(), { accept: 'text/html' });
    expect(response.status).toBe(406);
    expect(response.headers.get('content-type')).toContain('application/fhir+xml');
    expect(sim.repository.get(created.taskId)?.status).toBe('ready');
  });

  it('500 carries only "Internal server error." and no details', async () => {
    const task = sim.repository.get(created.taskId)!;
    // a corrupt stored record makes the operation fail inside
    (task as unknown as { dispenses: unknown }).dispenses = null;
    task.status = 'in-progress';
    task.secret = 'a'.repeat(64);
    sim.repository.put(task);
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string): void => void errors.push(line);
    try {
      const response = await sim.fhir('POST', `/Task/${created.taskId}/$close?secret=${'a'.repeat(64)}`, await sim.pharmacyToken());
      expect(response.status).toBe(500);
      expect((await response.json()) as unknown).toEqual({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'processing', details: { text: 'Internal server error.' } }],
      });
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).not.toContain('a'.repeat(64));
  });
});

describe('request log', () => {
  it('writes method, path and status — never the AccessCode or Secret from the query', async () => {
    const lines: string[] = [];
    const app = createSimulatorApp({
      repository: sim.repository,
      clock: sim.clock,
      tokens: sim.tokens,
      pki: sim.pki,
      catalog: demoCatalog,
      log: (line) => lines.push(line),
    });
    const response = await app.request(acceptPath(), {
      method: 'POST',
      headers: { authorization: `Bearer ${await sim.pharmacyToken()}` },
    });
    expect(response.status).toBe(200);
    expect(lines).toEqual([`POST /Task/${created.taskId}/$accept → 200`]);
    expect(lines.join()).not.toContain(created.accessCode);
  });
});
