import { beforeEach, describe, expect, it } from 'vitest';
import { fhirXmlToJson, type FhirResourceJson } from '../../../shared/fhir/xml';
import { ProfessionOids } from '../../../shared/fhir/profiles';
import { createTestSimulator, outcomeTexts, type TestSimulator } from '../test-kit';

let sim: TestSimulator;

beforeEach(async () => {
  sim = await createTestSimulator();
});

describe('GET /metadata (FD MetaDataHandler)', () => {
  it('answers the CapabilityStatement: the pharmacy operations of spec §3 and the insurant MedicationDispense read', async () => {
    const response = await sim.fhir('GET', '/metadata', await sim.pharmacyToken());
    expect(response.status).toBe(200);
    const statement = (await response.json()) as FhirResourceJson;
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['xml', 'json'],
    });
    const resources = (
      statement['rest'] as {
        resource: { type: string; profile: string; operation?: { name: string; definition: string }[] }[];
      }[]
    )[0]!.resource;
    const task = resources.find((r) => r.type === 'Task')!;
    expect(task.profile).toBe('https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Task|1.6');
    expect(task.operation!.map((o) => o.name)).toEqual(['accept', 'reject', 'dispense', 'close', 'abort']);
    expect(task.operation![0]!.definition).toBe(
      'https://gematik.de/fhir/erp/OperationDefinition/AcceptOperationDefinition',
    );
    expect(resources.find((r) => r.type === 'MedicationDispense')?.profile).toMatch(
      /GEM_ERP_PR_MedicationDispense\|1\.6$/,
    );
    expect(resources.find((r) => r.type === 'Communication')).toMatchObject({
      supportedProfile: [expect.stringMatching(/Communication_DispReq\|1\.6$/), expect.stringMatching(/Communication_Reply\|1\.6$/)],
      interaction: [{ code: 'create' }, { code: 'read' }, { code: 'delete' }, { code: 'search-type' }],
    });
  });

  it('is XML by default for institutions, JSON for insurants; every authenticated role may read it', async () => {
    const xml = await sim.app.request('/metadata', {
      headers: { authorization: `Bearer ${await sim.token(ProfessionOids.doctorPractice, '1-2345')}` },
    });
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toContain('application/fhir+xml');
    const parsed = fhirXmlToJson(await xml.text());
    expect(parsed.ok && parsed.data.resourceType).toBe('CapabilityStatement');
    const json = await sim.app.request('/metadata', {
      headers: { authorization: `Bearer ${await sim.insurantToken('X110411675')}` },
    });
    expect(json.headers.get('content-type')).toContain('application/fhir+json');
  });

  it('needs a token (401) and only GET (405)', async () => {
    const noToken = await sim.app.request('/metadata', { headers: { accept: 'application/fhir+json' } });
    expect(noToken.status).toBe(401);
    expect(await outcomeTexts(noToken)).toEqual(['Authorization header is missing']);
    const post = await sim.fhir('POST', '/metadata', await sim.pharmacyToken());
    expect(post.status).toBe(405);
    expect(await outcomeTexts(post)).toEqual(['no matching handler found.']);
  });
});
