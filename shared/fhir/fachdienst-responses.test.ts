import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { readAcceptBundle, readEgkTaskList, readReceipt, readTaskBundle } from './fachdienst-responses';
import { fhirXmlToJson, type FhirResourceJson } from './xml';

const WF16 = 'gematik/workflow-1.6';
const API = 'gematik/api-examples-2025-01-15';
const SECRET = 'c36ca26502892b371d252c99b496e31505ff449aca9bc69e231c58148f6233cf';
const ACCESS_CODE = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';

const jsonFixture = (path: string): FhirResourceJson => JSON.parse(readFixture(path)) as FhirResourceJson;
function xmlFixture(path: string): FhirResourceJson {
  const json = fhirXmlToJson(readFixture(path));
  if (!json.ok) throw new Error(json.error);
  return json.data;
}

function expectOk<T>(result: { ok: true; data: T } | { ok: false; error: string }): T {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.data;
}
function expectErr<T>(result: { ok: true; data: T } | { ok: false; error: string }): string {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('readAcceptBundle', () => {
  it('reads the workflow 1.6 $accept example (Task id a UUID, PrescriptionID from the identifier)', () => {
    const accepted = expectOk(readAcceptBundle(jsonFixture(`${WF16}/Bundle-Bundle-AcceptOperation.json`)));
    expect(accepted.task).toEqual({
      prescriptionId: '160.000.033.491.280.78',
      status: 'in-progress',
      flowType: '160',
      kvnr: 'X123456789',
      accessCode: ACCESS_CODE,
      acceptDate: '2026-07-01',
      expiryDate: '2026-07-01',
      authoredOn: '2026-07-01T15:29:00+00:00',
      lastModified: '2026-07-01T16:44:00.434+00:00',
    });
    // The example's Binary is a placeholder text, and its Task.input reference dangles: the lone PKCS#7 Binary is used.
    expect(new TextDecoder().decode(accepted.qes)).toBe('this blob is snipped');
  });

  it('reads the api-erp $accept response (XML, profile 1.4) with Secret and owner', () => {
    const accepted = expectOk(readAcceptBundle(xmlFixture(`${API}/01_response_taskAccept.xml`)));
    expect(accepted.task).toEqual({
      prescriptionId: '160.000.000.000.000.01',
      status: 'in-progress',
      flowType: '160',
      kvnr: 'X123456789',
      accessCode: ACCESS_CODE,
      secret: SECRET,
      owner: '3-2-APO-XanthippeVeilchenblau01',
      acceptDate: '2025-02-12',
      expiryDate: '2025-04-15',
      authoredOn: '2025-01-15T15:29:00+00:00',
      lastModified: '2025-01-15T15:29:00.434+00:00',
    });
    expect(new TextDecoder().decode(accepted.qes)).toBe('Dies ist ein Beispiel');
  });

  it('reads the $accept response with a PKV Consent as third entry, and a real QES', () => {
    const accepted = expectOk(readAcceptBundle(xmlFixture(`${API}/02_response_taskAcceptWithConsent.xml`)));
    expect(accepted.task.status).toBe('in-progress');
    // DER of a CMS ContentInfo: SEQUENCE, then the SignedData OID.
    expect(accepted.qes[0]).toBe(0x30);
    expect(accepted.qes.length).toBeGreaterThan(10_000);
  });

  it('reads the secret-recovery response GET ?ac (Secret, no AccessCode)', () => {
    const accepted = expectOk(readAcceptBundle(xmlFixture(`${API}/03_request_recovery_secret.xml`)));
    expect(accepted.task.secret).toBe(SECRET);
    expect(accepted.task.accessCode).toBeUndefined();
  });

  it('refuses answers without Task or Binary, or with broken content, naming the problem', () => {
    const bundle = jsonFixture(`${WF16}/Bundle-Bundle-AcceptOperation.json`);
    const entries = bundle['entry'] as { resource: Record<string, unknown> }[];
    const withEntries = (e: unknown[]): unknown => ({ ...bundle, entry: e });

    expect(expectErr(readAcceptBundle(withEntries([entries[1]])))).toContain('keinen Task');
    expect(expectErr(readAcceptBundle(withEntries([entries[0]])))).toContain('keine Verordnung');
    const badData = structuredClone(entries[1]!);
    badData.resource['data'] = '%%%';
    expect(expectErr(readAcceptBundle(withEntries([entries[0], badData])))).toContain('Base64');
    const badStatus = structuredClone(entries[0]!);
    badStatus.resource['status'] = 'accepted';
    expect(expectErr(readAcceptBundle(withEntries([badStatus, entries[1]])))).toContain('Status');
    const badId = structuredClone(entries[0]!);
    badId.resource['identifier'] = [];
    expect(expectErr(readAcceptBundle(withEntries([badId, entries[1]])))).toContain('Rezept-ID');
  });

  it('never puts a malformed Secret into its error message', () => {
    const bundle = xmlFixture(`${API}/01_response_taskAccept.xml`);
    const leaked = 'not-a-secret-but-secret-material-0123456789';
    const text = JSON.stringify(bundle).replace(SECRET, leaked);
    const error = expectErr(readAcceptBundle(JSON.parse(text)));
    expect(error).toContain('Secret');
    expect(error).not.toContain(leaked);
  });
});

describe('readTaskBundle', () => {
  it('reads GET ?secret of a completed Task with its receipt (api-erp, XML)', () => {
    const { task, receipt } = expectOk(readTaskBundle(xmlFixture(`${API}/10_response_taskGet.xml`)));
    expect(task).toMatchObject({
      prescriptionId: '160.000.000.000.000.01',
      status: 'completed',
      secret: SECRET,
      owner: '3-2-APO-XanthippeVeilchenblau01',
      lastMedicationDispense: '2025-01-15T16:29:00.434+00:00',
    });
    expect(task.accessCode).toBeUndefined();
    expect(expectOk(readReceipt(receipt)).bundleId).toBe('a562d322-8b4f-449c-a88f-57ed2a8b96f7');
  });

  it('reads an in-progress Task without receipt', () => {
    const bundle = jsonFixture(`${WF16}/Bundle-Bundle-AcceptOperation.json`);
    const onlyTask = { ...bundle, entry: (bundle['entry'] as unknown[]).slice(0, 1) };
    const result = expectOk(readTaskBundle(onlyTask));
    expect(result.task.status).toBe('in-progress');
    expect(result.receipt).toBeUndefined();
  });
});

describe('readReceipt', () => {
  it('reads the workflow 1.6 receipt example', () => {
    expect(
      expectOk(readReceipt(jsonFixture(`${WF16}/Bundle-dffbfd6a-5712-4798-bdc8-07201eb77ab8.json`))),
    ).toEqual({
      bundleId: 'dffbfd6a-5712-4798-bdc8-07201eb77ab8',
      prescriptionId: '160.000.033.491.280.78',
      completedAt: '2026-07-01T15:29:00+00:00',
      acceptedAt: '2026-07-01T15:29:00+00:00',
      beneficiaryTelematikId: '3-SMC-B-Testkarte-883110000129070',
      signaturePresent: true,
      digestBase64: 'tJg8c5ZtdhzEEhJ0ZpAsUVFx5dKuYgQFs5oKgthi17M=',
    });
  });

  it('reads the $close response of api-erp (XML, profile 1.4)', () => {
    const receipt = expectOk(readReceipt(xmlFixture(`${API}/09_response_taskClose.xml`)));
    expect(receipt).toMatchObject({
      bundleId: 'erp-abrufen-09-response-taskClose',
      prescriptionId: '160.000.000.000.000.01',
      acceptedAt: '2025-01-15T15:29:00.434+00:00',
      completedAt: '2025-01-15T16:29:00.434+00:00',
      beneficiaryTelematikId: '3-SMC-B-Testkarte-883110000129070',
    });
    expect(receipt.digestBase64).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('notices a receipt without signature', () => {
    const receipt = jsonFixture(`${WF16}/Bundle-dffbfd6a-5712-4798-bdc8-07201eb77ab8.json`);
    delete receipt['signature'];
    expect(expectOk(readReceipt(receipt)).signaturePresent).toBe(false);
  });

  it('refuses documents that are no receipt', () => {
    const receipt = jsonFixture(`${WF16}/Bundle-dffbfd6a-5712-4798-bdc8-07201eb77ab8.json`);
    expect(expectErr(readReceipt(jsonFixture(`${WF16}/Bundle-Bundle-AcceptOperation.json`)))).toContain(
      'Rezept-ID',
    );
    type Entries = { resource: Record<string, unknown> }[];
    const prescriptionDoc = structuredClone(receipt);
    (prescriptionDoc['entry'] as Entries)[0]!.resource['type'] = {
      coding: [{ system: 'https://gematik.de/fhir/erp/CodeSystem/GEM_ERP_CS_DocumentType', code: '1' }],
    };
    expect(expectErr(readReceipt(prescriptionDoc))).toContain('keine Quittung');
    const noPharmacy = structuredClone(receipt);
    delete (noPharmacy['entry'] as Entries)[0]!.resource['extension'];
    expect(expectErr(readReceipt(noPharmacy))).toContain('Telematik-ID');
  });
});

describe('malformed input', () => {
  it('gives a typed error, never a throw, for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(readAcceptBundle(value).ok).toBe(false);
        expect(readTaskBundle(value).ok).toBe(false);
        expect(readReceipt(value).ok).toBe(false);
      }),
      { seed: 19169, numRuns: 300 },
    );
  });

  it('gives a result, never a throw, for bundles with arbitrary members replaced', () => {
    const originals = [
      jsonFixture(`${WF16}/Bundle-Bundle-AcceptOperation.json`),
      jsonFixture(`${WF16}/Bundle-dffbfd6a-5712-4798-bdc8-07201eb77ab8.json`),
      xmlFixture(`${API}/10_response_taskGet.xml`),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...originals),
        fc.nat(),
        fc.constantFrom<unknown>(null, 1, 'x', [], {}, [null]),
        (original, pick, replacement) => {
          const damaged = structuredClone(original);
          const holders: [Record<string, unknown>, string][] = [];
          const collect = (node: unknown): void => {
            if (Array.isArray(node)) return node.forEach(collect);
            if (typeof node !== 'object' || node === null) return;
            for (const [key, child] of Object.entries(node)) {
              holders.push([node as Record<string, unknown>, key]);
              collect(child);
            }
          };
          collect(damaged);
          const [holder, key] = holders[pick % holders.length]!;
          holder[key] = replacement;
          for (const read of [readAcceptBundle, readTaskBundle, readReceipt]) {
            const result = read(damaged);
            expect(typeof result.ok).toBe('boolean');
          }
        },
      ),
      { seed: 19169, numRuns: 300 },
    );
  });
});

describe('readEgkTaskList (GET /Task with the eGK proof, spec §3.9)', () => {
  const task = (id: string, accessCode?: string) => ({
    resourceType: 'Task',
    id,
    status: 'ready',
    identifier: [
      { system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId', value: id },
      ...(accessCode ? [{ system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_AccessCode', value: accessCode }] : []),
    ],
    extension: [
      { url: 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_PrescriptionType', valueCoding: { system: 'https://gematik.de/fhir/erp/CodeSystem/GEM_ERP_CS_FlowType', code: '160' } },
      { url: 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_ExpiryDate', valueDate: '2026-12-31' },
    ],
    authoredOn: '2026-10-01',
  });
  const page = (entries: unknown[], extra: Record<string, unknown> = {}) => ({ resourceType: 'Bundle', type: 'searchset', total: entries.length, entry: entries.map((resource) => ({ resource })), ...extra });

  it('lists ready Tasks with their AccessCode; one without is named, not dropped', () => {
    const list = expectOk(readEgkTaskList(page([task('160.000.100.000.001.05', ACCESS_CODE), task('160.000.100.000.002.02')])));
    expect(list.tasks).toEqual([expect.objectContaining({ prescriptionId: '160.000.100.000.001.05', accessCode: ACCESS_CODE, flowType: '160', expiryDate: '2026-12-31' })]);
    expect(list.unreadable).toEqual(['Eintrag 2 (160.000.100.000.002.02): ohne AccessCode']);
    expect(list.total).toBe(2);
    expect(list.nextQuery).toBeUndefined();
  });

  it('follows a next link only on /Task, as its query', () => {
    const next = (url: string) => readEgkTaskList(page([], { total: 51, link: [{ relation: 'next', url }] }));
    expect(expectOk(next('https://erp-ref.zentral.erp.splitdns.ti-dienste.de/Task?kvnr=X110411675&__offset=50')).nextQuery).toBe('kvnr=X110411675&__offset=50');
    expect(expectOk(next('https://evil.example/Communication?x=1')).nextQuery).toBeUndefined();
  });

  it('refuses what is not a searchset, and a hostile number of entries', () => {
    expect(expectErr(readEgkTaskList({ resourceType: 'Bundle', type: 'collection' }))).toContain('keine Trefferliste');
    expect(expectErr(readEgkTaskList(page(Array.from({ length: 201 }, () => task('160.000.100.000.001.05', ACCESS_CODE)))))).toContain('unerwartet lang');
    expect(expectErr(readEgkTaskList('<xml/>'))).toContain('kein FHIR-Bundle');
  });
});

