import { X509Certificate } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fhirJsonToXml, fhirXmlToJson, type FhirResourceJson } from '../../../shared/fhir/xml';
import { parseCms, sha256 } from '../cms-sign';
import type { TaskStatus } from '../task-record';
import {
  createTestSimulator,
  dispenseParameters,
  outcomeTexts,
  PHARMACY_A,
  PHARMACY_B,
  type CreatedResponse,
  type TestSimulator,
} from '../test-kit';
import { NO_DISPENSE_DATA } from './close';

let sim: TestSimulator;
let created: CreatedResponse;
let secret: string;

beforeEach(async () => {
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  created = await sim.createPrescription({ flowType: '160' });
  secret = await sim.accept(created);
});

const context = (telematikId = PHARMACY_A): Parameters<typeof dispenseParameters>[1] => ({
  prescriptionId: created.taskId,
  kvnr: created.kvnr,
  telematikId,
  whenHandedOver: '2026-10-05',
});

async function post(
  operation: '$dispense' | '$close',
  body?: FhirResourceJson,
  options: { secret?: string | null; telematikId?: string; taskId?: string; accept?: string } = {},
): Promise<Response> {
  const query = options.secret === null ? '' : `?secret=${options.secret ?? secret}`;
  return sim.fhir('POST', `/Task/${options.taskId ?? created.taskId}/${operation}${query}`, await sim.pharmacyToken(options.telematikId), {
    ...(body ? { body: JSON.stringify(body), contentType: 'application/fhir+json' } : {}),
    accept: options.accept,
  });
}

function forceStatus(status: TaskStatus): void {
  const task = sim.repository.get(created.taskId)!;
  task.status = status;
  sim.repository.put(task);
}

type Entry = { fullUrl: string; resource: FhirResourceJson };
const entryOf = (bundle: FhirResourceJson, type: string): Entry =>
  (bundle['entry'] as Entry[]).find((e) => e.resource.resourceType === type)!;

describe('$close success (spec §3.5, §7)', () => {
  it('closes with a body: completed, the set replaced, lastMedicationDispense and owner updated', async () => {
    expect((await post('$dispense', dispenseParameters('dispense', context(), [{ pzn: '06313728', name: 'Alt' }]))).status).toBe(204);
    sim.setBaseTime(new Date('2026-10-05T10:00:00Z'));
    const response = await post('$close', dispenseParameters('close', context(PHARMACY_B), [{ pzn: '14186244', name: 'Neu' }]), {
      telematikId: PHARMACY_B,
    });
    expect(response.status).toBe(200);
    const task = sim.repository.get(created.taskId)!;
    expect(task.status).toBe('completed');
    expect(task.dispenses.map((d) => (d.medication?.['code'] as { text: string }).text)).toEqual(['Neu']);
    expect(task.dispenses[0]!.medicationDispense['id']).toBe(created.taskId);
    expect(task.lastMedicationDispense).toBe('2026-10-05T10:00:00.000Z');
    expect(task.owner).toBe(PHARMACY_B);
  });

  it('closes without a body using the stored $dispense data; lastMedicationDispense stays that of $dispense', async () => {
    sim.setBaseTime(new Date('2026-10-05T09:00:00Z'));
    expect((await post('$dispense', dispenseParameters('dispense', context()))).status).toBe(204);
    sim.setBaseTime(new Date('2026-10-06T09:00:00Z'));
    const response = await post('$close');
    expect(response.status).toBe(200);
    const task = sim.repository.get(created.taskId)!;
    expect(task.status).toBe('completed');
    expect(task.dispenses).toHaveLength(1);
    expect(task.lastMedicationDispense).toBe('2026-10-05T09:00:00.000Z');
  });

  it('closes with a body without rxDispensation using the stored $dispense data', async () => {
    expect((await post('$dispense', dispenseParameters('dispense', context()))).status).toBe(204);
    const empty = dispenseParameters('close', context(), []);
    delete empty['parameter'];
    expect((await post('$close', empty)).status).toBe(200);
  });

  it('returns the signed receipt: beneficiary, event period, digest of the QES, CMS over the bundle XML', async () => {
    sim.setBaseTime(new Date('2026-10-05T08:30:00Z'));
    const response = await post('$close', dispenseParameters('close', context()));
    expect(response.status).toBe(200);
    const receipt = (await response.json()) as FhirResourceJson;

    expect(receipt.resourceType).toBe('Bundle');
    expect(receipt['type']).toBe('document');
    expect((receipt['meta'] as { profile: string[] }).profile).toEqual(['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Bundle|1.6']);
    expect(receipt['identifier']).toEqual({
      system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId',
      value: created.taskId,
    });
    expect(receipt['link']).toEqual([{ relation: 'self', url: `http://localhost/Task/${created.taskId}/$close/` }]);

    const composition = entryOf(receipt, 'Composition').resource;
    expect((composition['meta'] as { profile: string[] }).profile[0]).toBe(
      'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Composition|1.6',
    );
    expect(composition['extension']).toEqual([
      {
        url: 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_Beneficiary',
        valueIdentifier: { system: 'https://gematik.de/fhir/sid/telematik-id', value: PHARMACY_A },
      },
    ]);
    expect(composition['type']).toEqual({
      coding: [{ system: 'https://gematik.de/fhir/erp/CodeSystem/GEM_ERP_CS_DocumentType', code: '3', display: 'Receipt' }],
    });
    expect(composition['title']).toBe('Quittung');
    // accepted at 08:00, closed at 08:30
    expect(composition['event']).toEqual([{ period: { start: '2026-10-05T08:00:00.000Z', end: '2026-10-05T08:30:00.000Z' } }]);

    const device = entryOf(receipt, 'Device');
    expect(composition['author']).toEqual([{ reference: device.fullUrl }]);
    expect(device.resource['deviceName']).toEqual([{ name: 'E-Rezept-Fachdienst', type: 'user-friendly-name' }]);
    expect((device.resource['meta'] as { profile: string[] }).profile[0]).toMatch(/GEM_ERP_PR_Device\|1\.6$/);

    const digest = entryOf(receipt, 'Binary');
    expect((composition['section'] as { entry: { reference: string }[] }[])[0]!.entry[0]!.reference).toBe(digest.fullUrl);
    expect((digest.resource['meta'] as { profile: string[] }).profile[0]).toMatch(/GEM_ERP_PR_Digest\|1\.6$/);
    expect(digest.resource['contentType']).toBe('application/octet-stream');
    // digest = SHA-256 messageDigest of the prescription's QES SignerInfo (= SHA-256 of the KBV bundle XML)
    const stored = sim.repository.get(created.taskId)!;
    const qes = parseCms(new Uint8Array(Buffer.from(stored.prescription!.cms, 'base64')));
    const digestBytes = Buffer.from(String(digest.resource['data']), 'base64');
    expect(digestBytes).toHaveLength(32);
    expect(digestBytes).toEqual(Buffer.from(qes.messageDigest!));
    expect(digestBytes).toEqual(Buffer.from(sha256(qes.content)));

    const signature = receipt['signature'] as { sigFormat: string; data: string; who: { reference: string }; when: string; type: unknown[] };
    expect(signature.sigFormat).toBe('application/pkcs7-mime');
    expect(signature.who).toEqual({ reference: device.fullUrl });
    expect(signature.type).toEqual([{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }]);
    const cms = parseCms(new Uint8Array(Buffer.from(signature.data, 'base64')));
    expect(await cms.verify()).toBe(true);
    // signed by the simulator's FD.SIG test certificate …
    expect(new X509Certificate(Buffer.from(cms.signerCertificateDer!)).subject).toContain('FD.SIG');
    // … over the XML of exactly this bundle without its signature
    const { signature: _signature, ...unsigned } = receipt;
    expect(new TextDecoder().decode(cms.content)).toBe(fhirJsonToXml(unsigned as FhirResourceJson));

    // stored in Task.output and identical when fetched again (GET ?secret)
    expect(stored.receipt?.['id']).toBe(receipt['id']);
  });

  it('sends the receipt as XML by default for a pharmacy', async () => {
    const response = await post('$close', dispenseParameters('close', context()), { accept: '*/*' });
    expect(response.status).toBe(200);
    const xml = await response.text();
    const parsed = fhirXmlToJson(xml);
    expect(parsed.ok && parsed.data['type']).toBe('document');
  });
});

describe('$close check order (spec §3.1: 404 → 410 → 403 status → 403 secret → body / stored dispense)', () => {
  it('404 for an unknown or malformed id', async () => {
    const unknown = await post('$close', undefined, { taskId: '160.000.000.000.123.76' });
    expect(unknown.status).toBe(404);
    expect(await outcomeTexts(unknown)).toEqual(['Task not found for prescription id']);
    expect((await post('$close', undefined, { taskId: '160.000.000.000.000.01' })).status).toBe(404);
  });

  it('410 for a cancelled Task, whatever the Secret', async () => {
    forceStatus('cancelled');
    const response = await post('$close', undefined, { secret: '0'.repeat(64) });
    expect(response.status).toBe(410);
    expect(await outcomeTexts(response)).toEqual(['Task has already been deleted']);
  });

  it.each<[TaskStatus]>([['draft'], ['ready'], ['completed']])('403 "Task has to be in progress, but is: %s" — before the Secret check', async (status) => {
    forceStatus(status);
    const response = await post('$close', undefined, { secret: '0'.repeat(64) });
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual([`Task has to be in progress, but is: ${status}`]);
  });

  it('a second $close answers 403 (spec §3.12)', async () => {
    expect((await post('$close', dispenseParameters('close', context()))).status).toBe(200);
    const again = await post('$close', dispenseParameters('close', context()));
    expect(again.status).toBe(403);
    expect(await outcomeTexts(again)).toEqual(['Task has to be in progress, but is: completed']);
  });

  it('403 for a wrong or missing Secret, with brute_force', async () => {
    for (const s of ['0'.repeat(64), null]) {
      const response = await post('$close', undefined, { secret: s });
      expect(response.status).toBe(403);
      expect(response.headers.get('VAU-Error-Code')).toBe('brute_force');
      expect(await outcomeTexts(response)).toEqual(['No or invalid secret provided for Task']);
    }
  });

  it('403 without body when no $dispense was stored (A_24287-01, ERP_EE_ZBD_07)', async () => {
    const response = await post('$close');
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual([NO_DISPENSE_DATA]);
    expect(sim.repository.get(created.taskId)!.status).toBe('in-progress');
  });

  it('400 for a body that breaks a Fachdienst rule; nothing changes', async () => {
    const response = await post('$close', dispenseParameters('close', { ...context(), prescriptionId: '160.000.000.000.123.76' }));
    expect(response.status).toBe(400);
    expect(await outcomeTexts(response)).toEqual(['Prescription ID in MedicationDispense does not match the one in the task']);
    expect(sim.repository.get(created.taskId)!.status).toBe('in-progress');
  });
});

describe('requests on one Task run one after the other (no lost update)', () => {
  it('a $dispense racing a $close never slips in between: either before it (and replaced) or refused after it', async () => {
    // Which request reaches the Task lock first depends on scheduling; both orders must end consistent.
    const closing = post('$close', dispenseParameters('close', context(), [{ pzn: '06313728', name: 'Abgeschlossen' }]));
    const racing = post('$dispense', dispenseParameters('dispense', context(), [{ pzn: '14186244', name: 'Zu spät' }]));
    const [closed, dispensed] = await Promise.all([closing, racing]);
    expect(closed.status).toBe(200);
    expect([204, 403]).toContain(dispensed.status);
    if (dispensed.status === 403) expect(await outcomeTexts(dispensed)).toEqual(['Task not in-progress.']);
    const task = sim.repository.get(created.taskId)!;
    expect(task.status).toBe('completed');
    // $close with a body replaces whatever came before it (A_26481); nothing comes after it.
    expect(task.dispenses.map((d) => (d.medication?.['code'] as { text: string }).text)).toEqual(['Abgeschlossen']);
  });

  it('of several concurrent $accept calls exactly one wins', async () => {
    const fresh = await sim.createPrescription({ flowType: '160' });
    const results = await Promise.all(
      ['3-a', '3-b', '3-c', '3-d'].map(async (telematikId) =>
        sim.fhir('POST', `/Task/${fresh.taskId}/$accept?ac=${fresh.accessCode}`, await sim.pharmacyToken(telematikId)),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
  });
});
