/**
 * Conformance of `GET /Task` by a pharmacy with an eGK proof (spec erezept-pharmacy §3.9): every status code of the
 * VSDM variant in FD 1.22's order, the PoPP variant, the list itself and the control API of the eGK path.
 */
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { makePrescriptionId } from '../../../shared/erezept/identifiers';
import { NamingSystems } from '../../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import { egkProofKey } from '../egk/proof-key';
import { makePruefungsnachweis } from '../egk/pruefungsnachweis';
import { createTestSimulator, outcomeTexts, PHARMACY_A, PHARMACY_B, type TestSimulator } from '../test-kit';

const KVNR = 'X110411675';
const OTHER_KVNR = 'X110580065';
/** spec §3.9 test vector: Versicherungsbeginn 20180111, street Beispielstrasse */
const HCV = Buffer.from('17d643edc2', 'hex');
const HCV_PARAM = 'F9ZD7cI';
const START = new Date('2026-10-05T08:00:00Z');

let sim: TestSimulator;

beforeEach(async () => {
  sim = await createTestSimulator(START);
});

type Entry = { fullUrl: string; resource: FhirResourceJson; search: { mode: string } };
type Link = { relation: string; url: string };
const entries = (bundle: FhirResourceJson): Entry[] => (bundle['entry'] as Entry[] | undefined) ?? [];
const ids = (bundle: FhirResourceJson): string[] => entries(bundle).map((e) => String(e.resource['id']));
const linkOf = (bundle: FhirResourceJson, relation: string): string | undefined =>
  (bundle['link'] as Link[]).find((l) => l.relation === relation)?.url;

/** a PN as the simulated Konnektor writes it: result 2, the simulator's key, now on the simulator clock */
function pn(options: { kvnr?: string; hcv?: Buffer; at?: Date; result?: 1 | 2 | 3; key?: Buffer } = {}): string {
  const result = options.result ?? 2;
  const timestamp = options.at ?? sim.clock.now();
  const key = options.key ?? egkProofKey(sim.repository);
  return result === 3
    ? makePruefungsnachweis({ timestamp, result }, key)
    : makePruefungsnachweis({ timestamp, result, kvnr: options.kvnr ?? KVNR, hcv: options.hcv ?? HCV }, key);
}

function query(parts: { kvnr?: string; hcv?: string; pnw?: string }): string {
  const args: string[] = [];
  if (parts.kvnr !== undefined) args.push(`kvnr=${parts.kvnr}`);
  if (parts.hcv !== undefined) args.push(`hcv=${parts.hcv}`);
  if (parts.pnw !== undefined) args.push(`pnw=${encodeURIComponent(parts.pnw)}`);
  return args.join('&');
}

const vsdmQuery = (extra = ''): string => query({ kvnr: KVNR, hcv: HCV_PARAM, pnw: pn() }) + extra;

async function list(queryString: string, options: { telematikId?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const token = await sim.pharmacyToken(options.telematikId ?? PHARMACY_A);
  return sim.fhir('GET', `/Task${queryString === '' ? '' : `?${queryString}`}`, token, options.headers ? { headers: options.headers } : {});
}

async function expectOutcome(response: Response, status: number, text: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await outcomeTexts(response)).toEqual([text]);
}

async function settings(change: Record<string, unknown>): Promise<void> {
  expect((await sim.control('POST', '/egk/settings', change)).status).toBe(200);
}

async function poppToken(kvnr = KVNR, telematikId = PHARMACY_A): Promise<string> {
  const response = await sim.control('POST', '/egk/popp-token', { kvnr, telematikId });
  expect(response.status).toBe(200);
  return String(response.json['token']);
}

/** copies of a stored Task under new PrescriptionIDs (fast: no new QES), authoredOn one minute apart */
async function manyReadyTasks(n: number): Promise<string[]> {
  const created = await sim.createPrescription({ flowType: '160', kvnr: KVNR });
  const template = sim.repository.get(created.taskId)!;
  const made = [created.taskId];
  for (let i = 1; i < n; i++) {
    const id = makePrescriptionId('160', 10_000n + BigInt(i));
    sim.repository.put({ ...template, id, authoredOn: new Date(START.getTime() + i * 60_000).toISOString() });
    made.push(id);
  }
  return made;
}

describe('GET /Task with a Prüfungsnachweis — 200 (spec §3.9)', () => {
  it('lists only ready Tasks of flow 160/166 of that KVNR with expiryDate ≥ today, oldest first, with AccessCode, without QES; nothing changes', async () => {
    const late = await sim.createPrescription({ flowType: '160', kvnr: KVNR });
    const early = await sim.createPrescription({ flowType: '166', kvnr: KVNR });
    const lastDay = await sim.createPrescription({ flowType: '160', kvnr: KVNR });
    const expired = await sim.createPrescription({ flowType: '160', kvnr: KVNR });
    const accepted = await sim.createPrescription({ flowType: '160', kvnr: KVNR });
    await sim.accept(accepted);
    for (const flowType of ['200', '169', '209']) await sim.createPrescription({ flowType, kvnr: KVNR });
    await sim.createPrescription({ flowType: '160', kvnr: OTHER_KVNR });
    const edit = (id: string, change: Record<string, string>): void => sim.repository.put({ ...sim.repository.get(id)!, ...change });
    edit(early.taskId, { authoredOn: '2026-10-01T09:00:00.000Z' });
    edit(lastDay.taskId, { authoredOn: '2026-10-02T09:00:00.000Z', expiryDate: '2026-10-05' });
    edit(expired.taskId, { expiryDate: '2026-10-04' });
    const before = sim.repository.list();

    const response = await list(vsdmQuery());
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as FhirResourceJson;
    expect(bundle['type']).toBe('searchset');
    expect(bundle['total']).toBe(3);
    expect(ids(bundle)).toEqual([early.taskId, lastDay.taskId, late.taskId]);
    for (const entry of entries(bundle)) {
      expect(entry.fullUrl).toBe(`http://localhost/Task/${String(entry.resource['id'])}`);
      expect(entry.search.mode).toBe('match');
      expect(entry.resource['status']).toBe('ready');
      expect(entry.resource['input']).toBeUndefined();
      const systems = (entry.resource['identifier'] as { system: string }[]).map((i) => i.system);
      expect(systems).toEqual([NamingSystems.prescriptionId, NamingSystems.accessCode]);
    }
    expect(JSON.stringify(bundle)).toContain(late.accessCode);
    expect(sim.repository.list()).toEqual(before);
  });

  it('an empty list is 200 with total 0; without hcv (not enforced by default) and with the legacy name PNW it is read too', async () => {
    const empty = await list(query({ kvnr: KVNR, pnw: pn() }));
    expect(empty.status).toBe(200);
    const bundle = (await empty.json()) as FhirResourceJson;
    expect(bundle['total']).toBe(0);
    expect(bundle['entry']).toBeUndefined();
    await sim.createPrescription({ flowType: '160', kvnr: KVNR });
    const legacy = await list(`kvnr=${KVNR}&hcv=${HCV_PARAM}&PNW=${encodeURIComponent(pn())}`);
    expect(legacy.status).toBe(200);
    expect(((await legacy.json()) as FhirResourceJson)['total']).toBe(1);
  });

  it('a pnw sent without URL-encoding (its + read as spaces) is still read', async () => {
    let proof = pn();
    for (let second = 1; !proof.includes('+') && second < 120; second++) proof = pn({ at: new Date(START.getTime() - second * 1000) });
    expect(proof).toContain('+');
    expect((await list(`kvnr=${KVNR}&hcv=${HCV_PARAM}&pnw=${proof}`)).status).toBe(200);
  });

  it('pages at 50 with total and self/first/next/last links that repeat the query; the next page has prev and no next', async () => {
    const made = await manyReadyTasks(55);
    const first = await list(vsdmQuery());
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as FhirResourceJson;
    expect(page1['total']).toBe(55);
    expect(ids(page1)).toEqual(made.slice(0, 50));
    expect(linkOf(page1, 'prev')).toBeUndefined();
    const next = new URL(linkOf(page1, 'next')!);
    expect(next.pathname).toBe('/Task');
    expect(next.searchParams.get('kvnr')).toBe(KVNR);
    expect(next.searchParams.get('hcv')).toBe(HCV_PARAM);
    expect(next.searchParams.get('_count')).toBe('50');
    expect(next.searchParams.get('__offset')).toBe('50');
    expect(new URL(linkOf(page1, 'last')!).searchParams.get('__offset')).toBe('50');

    const second = await sim.fhir('GET', `${next.pathname}${next.search}`, await sim.pharmacyToken());
    expect(second.status).toBe(200);
    const page2 = (await second.json()) as FhirResourceJson;
    expect(page2['total']).toBe(55);
    expect(ids(page2)).toEqual(made.slice(50));
    expect(linkOf(page2, 'next')).toBeUndefined();
    expect(new URL(linkOf(page2, 'prev')!).searchParams.get('__offset')).toBe('0');
  });

  it('_count smaller than 50 is honoured, larger is capped at 50; a malformed _count is 400 (FD PagingArgument)', async () => {
    await manyReadyTasks(60);
    const small = (await (await list(vsdmQuery('&_count=10'))).json()) as FhirResourceJson;
    expect(entries(small)).toHaveLength(10);
    expect(new URL(linkOf(small, 'next')!).searchParams.get('__offset')).toBe('10');
    expect(entries((await (await list(vsdmQuery('&_count=80'))).json()) as FhirResourceJson)).toHaveLength(50);
    await expectOutcome(await list(vsdmQuery('&_count=0')), 400, '_count zero is not supported');
    await expectOutcome(await list(vsdmQuery('&_count=ten')), 400, 'invalid numeric format in _count');
  });
});

describe('GET /Task with a Prüfungsnachweis — refusals in the FD order (spec §3.9)', () => {
  it('455 without kvnr; 403 for a malformed kvnr', async () => {
    await expectOutcome(await list(query({ hcv: HCV_PARAM, pnw: pn() })), 455, 'Ein Prüfnachweis ohne KVNR wird nicht akzeptiert.');
    await expectOutcome(await list(query({ kvnr: 'X11041167', hcv: HCV_PARAM, pnw: pn() })), 403, 'Invalid Kvnr');
  });

  it('457 without hcv only while enforced (production default: not enforced)', async () => {
    await settings({ hcvEnforced: true });
    await expectOutcome(await list(query({ kvnr: KVNR, pnw: pn() })), 457, 'Ein Prüfnachweis ohne HCV wird nicht akzeptiert.');
    expect((await list(vsdmQuery())).status).toBe(200);
  });

  it('403 without pnw, for garbage, for a PN under another key, for a PN without Prüfziffer', async () => {
    await expectOutcome(await list(query({ kvnr: KVNR, hcv: HCV_PARAM })), 403, 'Missing or invalid PNW query parameter and X-PoPP-Token header');
    await expectOutcome(await list(query({ kvnr: KVNR, hcv: HCV_PARAM, pnw: 'nicht!base64' })), 403, 'Failed decoding PNW data.');
    const notPn = gzipSync(Buffer.from('<Quittung xmlns="urn:x"/>')).toString('base64');
    await expectOutcome(await list(query({ kvnr: KVNR, hcv: HCV_PARAM, pnw: notPn })), 403, 'Failed parsing PNW XML.');
    await expectOutcome(
      await list(query({ kvnr: KVNR, hcv: HCV_PARAM, pnw: pn({ key: Buffer.alloc(32, 1) }) })),
      403,
      'Anwesenheitsnachweis konnte nicht erfolgreich durchgeführt werden (Fehler bei Prüfung der HMAC-Sicherung).',
    );
    const withoutPz = gzipSync(
      Buffer.from('<PN xmlns="http://ws.gematik.de/fa/vsdm/pnw/v1.0" CDM_VERSION="1.0.0"><TS>20261005080000</TS><E>1</E></PN>'),
    ).toString('base64');
    await expectOutcome(
      await list(query({ kvnr: KVNR, hcv: HCV_PARAM, pnw: withoutPz })),
      403,
      'Anwesenheitsnachweis konnte nicht erfolgreich durchgeführt werden (Prüfziffer fehlt im VSDM Prüfungsnachweis oder ungültiges Ergebnis im Prüfungsnachweis).',
    );
  });

  it('403 for a PN more than 30 minutes from now (either side); 29 minutes old is accepted', async () => {
    const tooOld = 'Anwesenheitsnachweis konnte nicht erfolgreich durchgeführt werden (Zeitliche Gültigkeit des Anwesenheitsnachweis überschritten).';
    const at = (minutes: number): string => query({ kvnr: KVNR, hcv: HCV_PARAM, pnw: pn({ at: new Date(START.getTime() + minutes * 60_000) }) });
    await expectOutcome(await list(at(-31)), 403, tooOld);
    await expectOutcome(await list(at(31)), 403, tooOld);
    expect((await list(at(-29))).status).toBe(200);
  });

  it('a PN made before /_sim/reset is refused after it (new key)', async () => {
    const before = pn();
    expect((await sim.control('POST', '/reset', {})).status).toBe(200);
    expect((await list(query({ kvnr: KVNR, hcv: HCV_PARAM, pnw: before }))).status).toBe(403);
  });

  it('458 when hcv differs from the proof, 400 when it is not Base64, 456 when kvnr differs', async () => {
    await expectOutcome(await list(query({ kvnr: KVNR, hcv: 'AAAAAAA', pnw: pn() })), 458, 'HCV Validierung fehlgeschlagen.');
    await expectOutcome(await list(query({ kvnr: KVNR, hcv: 'F9Z*7cI', pnw: pn() })), 400, 'HCV Base64-Dekodierung fehlgeschlagen.');
    await expectOutcome(await list(query({ kvnr: OTHER_KVNR, hcv: HCV_PARAM, pnw: pn() })), 456, 'KVNR Überprüfung fehlgeschlagen.');
  });

  it('result 3: 454 by default; 202 with the list while PN3 mode is on', async () => {
    const created = await sim.createPrescription({ flowType: '160', kvnr: KVNR });
    const pn3 = query({ kvnr: KVNR, hcv: HCV_PARAM, pnw: pn({ result: 3 }) });
    await expectOutcome(await list(pn3), 454, 'Es wird kein Prüfnachweis mit Ergebnis 3 (ohne Prüfziffer) akzeptiert.');
    await settings({ pn3Accepted: true });
    const accepted = await list(pn3);
    expect(accepted.status).toBe(202);
    expect(ids((await accepted.json()) as FhirResourceJson)).toEqual([created.taskId]);
  });

  it('423 for the rest of the German day once the mismatches reach the limit; other pharmacies and PoPP are not locked', async () => {
    await settings({ lockAfterMismatches: 3 });
    expect((await list(query({ kvnr: OTHER_KVNR, hcv: HCV_PARAM, pnw: pn() }))).status).toBe(456);
    expect((await list(query({ kvnr: KVNR, hcv: 'AAAAAAA', pnw: pn() }))).status).toBe(458);
    expect((await list(vsdmQuery())).status).toBe(200);
    expect((await list(query({ kvnr: OTHER_KVNR, hcv: HCV_PARAM, pnw: pn() }))).status).toBe(456);
    await expectOutcome(await list(vsdmQuery()), 423, 'TelematikId blocked for today.');
    // the lock comes before every other check of the proof path
    await expectOutcome(await list(''), 423, 'TelematikId blocked for today.');
    expect((await list(vsdmQuery(), { telematikId: PHARMACY_B })).status).toBe(200);
    expect((await list('', { headers: { 'X-PoPP-Token': await poppToken() } })).status).toBe(200);

    sim.setBaseTime(new Date('2026-10-05T21:59:00Z')); // 23:59 in Germany (CEST)
    expect((await list(vsdmQuery())).status).toBe(423);
    sim.setBaseTime(new Date('2026-10-05T22:00:00Z')); // midnight in Germany
    expect((await list(vsdmQuery())).status).toBe(200);
  });

  it('the production limit: 100 mismatches are answered, the next request is 423; /_sim/reset lifts the lock', async () => {
    const mismatch = query({ kvnr: OTHER_KVNR, hcv: HCV_PARAM, pnw: pn() });
    for (let i = 0; i < 100; i++) expect((await list(mismatch)).status).toBe(456);
    expect((await list(vsdmQuery())).status).toBe(423);
    expect((await sim.control('POST', '/reset', {})).status).toBe(200);
    expect((await list(vsdmQuery())).status).toBe(200);
  });
});

describe('GET /Task with X-PoPP-Token (spec §3.9)', () => {
  async function expectPoppRefusal(response: Response, diagnostics: string): Promise<void> {
    expect(response.status).toBe(403);
    const outcome = (await response.json()) as { issue: { details: { text: string }; diagnostics?: string }[] };
    expect(outcome.issue.map((i) => i.details.text)).toEqual(['POPP-Token verification error.']);
    expect(outcome.issue[0]!.diagnostics).toBe(diagnostics);
  }

  it('200 with the same list as VSDM; the header wins over query parameters', async () => {
    const created = await sim.createPrescription({ flowType: '166', kvnr: KVNR });
    await sim.createPrescription({ flowType: '200', kvnr: KVNR });
    const response = await list(`kvnr=${OTHER_KVNR}`, { headers: { 'X-PoPP-Token': await poppToken() } });
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as FhirResourceJson;
    expect(ids(bundle)).toEqual([created.taskId]);
    expect(linkOf(bundle, 'self')).toBe('http://localhost/Task');
  });

  it('403 for a token issued to another pharmacy', async () => {
    const response = await list('', { headers: { 'X-PoPP-Token': await poppToken(KVNR, PHARMACY_B) } });
    await expectPoppRefusal(response, 'PoPPToken.actorId does not match ACCESS_TOKEN.idNumber');
  });

  it('403 once iat is 30 minutes old; 29 minutes is accepted', async () => {
    const token = await poppToken();
    sim.setBaseTime(new Date(START.getTime() + 29 * 60_000));
    expect((await list('', { headers: { 'X-PoPP-Token': token } })).status).toBe(200);
    sim.setBaseTime(new Date(START.getTime() + 30 * 60_000));
    await expectPoppRefusal(await list('', { headers: { 'X-PoPP-Token': token } }), 'PoPPToken.iat is older than 30 minutes');
  });

  it('403 for a changed payload, a foreign signature, garbage and a token from before /_sim/reset', async () => {
    const token = await poppToken();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, patientId: OTHER_KVNR })).toString('base64url');
    await expectPoppRefusal(await list('', { headers: { 'X-PoPP-Token': `${header}.${forged}.${signature}` } }), 'PoPP token signature is invalid');
    const otherSignature = (await poppToken(OTHER_KVNR)).split('.')[2]!;
    await expectPoppRefusal(await list('', { headers: { 'X-PoPP-Token': `${header}.${payload}.${otherSignature}` } }), 'PoPP token signature is invalid');
    await expectPoppRefusal(await list('', { headers: { 'X-PoPP-Token': 'kein-jwt' } }), 'PoPP token is not a compact JWT');
    expect((await sim.control('POST', '/reset', {})).status).toBe(200);
    const response = await list('', { headers: { 'X-PoPP-Token': token } });
    expect(response.status).toBe(403);
  });
});

describe('control API /_sim/egk', () => {
  it('settings: production defaults, changed by POST, back to defaults after /_sim/reset; bad input 400', async () => {
    const defaults = { pn3Accepted: false, hcvEnforced: false, lockAfterMismatches: 100 };
    expect(await sim.control('GET', '/egk/settings')).toEqual({ status: 200, json: defaults });
    expect(await sim.control('POST', '/egk/settings', { pn3Accepted: true })).toEqual({ status: 200, json: { ...defaults, pn3Accepted: true } });
    expect((await sim.control('POST', '/egk/settings', { pn3: true })).status).toBe(400);
    expect((await sim.control('POST', '/egk/settings', { lockAfterMismatches: 0 })).status).toBe(400);
    expect((await sim.control('POST', '/reset', {})).status).toBe(200);
    expect((await sim.control('GET', '/egk/settings')).json).toEqual(defaults);
  });

  it('popp-token: 400 for a bad KVNR or Telematik-ID, 405 for GET', async () => {
    expect((await sim.control('POST', '/egk/popp-token', { kvnr: 'X1', telematikId: PHARMACY_A })).status).toBe(400);
    expect((await sim.control('POST', '/egk/popp-token', { kvnr: KVNR, telematikId: '' })).status).toBe(400);
    expect((await sim.control('GET', '/egk/popp-token')).status).toBe(405);
  });
});
