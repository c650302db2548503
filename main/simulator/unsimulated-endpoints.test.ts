/**
 * A pharmacy calling an operation that is not a pharmacy's gets the FD's role refusal (403, OperationOutcome), as
 * the production Fachdienst answers it (FD 1.22 ErpProcessingContext, VauRequestHandler) — not a 405. The roles that
 * may call them get the simulator's 405 „not simulated“.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { createTestSimulator, type TestSimulator } from './test-kit';

let sim: TestSimulator;

beforeAll(async () => {
  sim = await createTestSimulator();
});

type Outcome = { resourceType: string; issue: { code: string; details: { text: string }; diagnostics?: string }[] };

describe('operations of other roles', () => {
  it.each([
    ['POST', '/Task/$create'],
    ['POST', '/Task/160.000.000.000.001.54/$activate'],
    ['GET', '/AuditEvent'],
    ['GET', '/AuditEvent/0b2a4d7e-1c55-4e1b-9d5e-6f1a2b3c4d5e'],
    ['GET', '/Consent'],
    ['POST', '/Consent'],
    ['DELETE', '/Consent'],
    ['GET', '/ChargeItem'],
    ['DELETE', '/ChargeItem/200.000.000.000.001.68'],
  ])('a pharmacy: %s %s → 403 with an OperationOutcome', async (method, path) => {
    const response = await sim.fhir(method, path, await sim.pharmacyToken());
    expect(response.status).toBe(403);
    expect((await response.json()) as Outcome).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'forbidden', details: { text: `endpoint is forbidden for professionOID ${ProfessionOids.publicPharmacy}` } }],
    });
  });

  it('the XML a pharmacy gets by default', async () => {
    const response = await sim.app.request('/Task/$create', {
      method: 'POST',
      headers: { authorization: `Bearer ${await sim.pharmacyToken()}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/fhir+xml');
  });

  it('the roles that may call them get 405 „not simulated“; the handler lookup still comes before the token', async () => {
    const doctor = await sim.token(ProfessionOids.doctorPractice, '1-arztpraxis');
    const create = await sim.fhir('POST', '/Task/$create', doctor);
    expect(create.status).toBe(405);
    expect(((await create.json()) as Outcome).issue[0]).toMatchObject({
      code: 'not-supported',
      details: { text: 'no matching handler found.' },
      diagnostics: 'not simulated: POST /Task/$create',
    });
    const insurant = await sim.insurantToken('X110411675');
    expect((await sim.fhir('GET', '/AuditEvent', insurant)).status).toBe(405);
    // a pharmacy's own PKV operation is not built either
    expect((await sim.fhir('POST', '/ChargeItem', await sim.pharmacyToken())).status).toBe(405);
    // an endpoint the FD knows, without a token: 401 (the FD found a handler)
    expect((await sim.app.request('/Task/$create', { method: 'POST' })).status).toBe(401);
  });
});
