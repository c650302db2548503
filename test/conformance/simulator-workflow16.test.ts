/**
 * The official workflow 1.6 $dispense / $close inputs (test/fixtures/gematik/workflow-1.6/Parameters-*,
 * fhir-profiles-erp 1.6.4, spec §11.1) sent to the simulator once their identities are those of a real Task:
 * PrescriptionID, KVNR (Task.for) and Telematik-ID (the caller) rewritten — the examples use a UUID-era Task, an
 * invalid KVNR and a test card's Telematik-ID. Every pharmacy input must be accepted ($dispense 204, $close 200)
 * and stored with the Fachdienst's id rewriting (A_26527), as JSON and as XML.
 *
 * Not pharmacy inputs, hence not here: Activate, Create (practice software) and DiGA (flow 162; a DiGA dispense
 * on a drug Task is answered with 400 "Unzulässige Abgabeinformationen …", checked below).
 * The Kombipackung examples carry the 7-digit PZN `1746517`: accepted, because the Fachdienst checks neither the
 * length nor the check digit of a PZN (spec §1.3, §6.4) — the app's pharmacy checks flag it instead, and the
 * simulator must not be stricter than the Fachdienst.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { readRxDispensations } from '../../shared/fhir/checks';
import { NamingSystems } from '../../shared/fhir/profiles';
import { fhirJsonToXml, type FhirResourceJson } from '../../shared/fhir/xml';
import {
  createTestSimulator,
  outcomeTexts,
  PHARMACY_B,
  type CreatedResponse,
  type TestSimulator,
} from '../../main/simulator/test-kit';
import { listFixtures, readFixture } from '../fixtures';

const FOLDER = 'gematik/workflow-1.6';
const pharmacyInputs = listFixtures(
  FOLDER,
  /^Parameters-Example(Dispense|Close)InputParameters.*\.json$/,
).filter((p) => !p.includes('DiGA'));

type Json = Record<string, unknown>;

/** The same Parameters with every MedicationDispense carrying this Task's PrescriptionID, KVNR and our Telematik-ID. */
function rewriteIds(
  parameters: FhirResourceJson,
  rx: CreatedResponse,
  telematikId: string,
): FhirResourceJson {
  const copy = structuredClone(parameters);
  for (const { medicationDispense } of readRxDispensations(copy).dispensations) {
    const md = medicationDispense as Json;
    for (const identifier of md['identifier'] as { system: string; value: string }[]) {
      if (identifier.system === NamingSystems.prescriptionId) identifier.value = rx.taskId;
    }
    (md['subject'] as { identifier: { value: string } }).identifier.value = rx.kvnr;
    for (const performer of md['performer'] as { actor: { identifier: { value: string } } }[])
      performer.actor.identifier.value = telematikId;
  }
  return copy;
}

const isDispense = (path: string): boolean => path.includes('ExampleDispenseInput');
const example = (path: string): FhirResourceJson => JSON.parse(readFixture(path)) as FhirResourceJson;

let sim: TestSimulator;
let rx: CreatedResponse;
let secret: string;

beforeEach(async () => {
  // after every handover date of the examples (2026-07-01), in the 1.6-only period (spec §0)
  sim = await createTestSimulator(new Date('2026-10-05T08:00:00Z'));
  rx = await sim.createPrescription({ flowType: '160' });
  secret = await sim.accept(rx, PHARMACY_B);
});

async function send(path: string, format: 'json' | 'xml'): Promise<Response> {
  const operation = isDispense(path) ? '$dispense' : '$close';
  const parameters = rewriteIds(example(path), rx, PHARMACY_B);
  return sim.fhir(
    'POST',
    `/Task/${rx.taskId}/${operation}?secret=${secret}`,
    await sim.pharmacyToken(PHARMACY_B),
    {
      body: format === 'json' ? JSON.stringify(parameters) : fhirJsonToXml(parameters),
      contentType: format === 'json' ? 'application/fhir+json' : 'application/fhir+xml; charset=utf-8',
    },
  );
}

describe('workflow 1.6 $dispense / $close examples against the simulator', () => {
  it('finds the seven pharmacy inputs (3 × $dispense, 4 × $close)', () => {
    expect(pharmacyInputs.map((p) => p.slice(FOLDER.length + 1))).toEqual([
      'Parameters-ExampleCloseInputParameters.json',
      'Parameters-ExampleCloseInputParametersKombipackung.json',
      'Parameters-ExampleCloseInputParametersMultipleMedicationDispenses.json',
      'Parameters-ExampleCloseInputParametersRezeptur.json',
      'Parameters-ExampleDispenseInputParameters.json',
      'Parameters-ExampleDispenseInputParametersKombipackung.json',
      'Parameters-ExampleDispenseInputParametersMultipleMedicationDispenses.json',
    ]);
  });

  it.each(
    pharmacyInputs.flatMap((p) =>
      (['json', 'xml'] as const).map((f) => [p.slice(FOLDER.length + 1), f, p] as const),
    ),
  )(
    '%s (%s): accepted with the ids of the Task, stored with the Fachdienst’s ids',
    async (_name, format, path) => {
      const count = readRxDispensations(example(path)).dispensations.length;
      const response = await send(path, format);
      if (isDispense(path)) {
        expect(response.status, await response.clone().text()).toBe(204);
        expect(sim.repository.get(rx.taskId)?.status).toBe('in-progress');
      } else {
        expect(response.status, await response.clone().text()).toBe(200);
        expect(((await response.json()) as Json)['type']).toBe('document');
        expect(sim.repository.get(rx.taskId)?.status).toBe('completed');
      }
      const stored = sim.repository.get(rx.taskId)!.dispenses;
      expect(stored.map((d) => d.medicationDispense['id'])).toEqual(
        Array.from({ length: count }, (_, i) => (i === 0 ? rx.taskId : `${rx.taskId}-${i}`)),
      );
      for (const d of stored) {
        expect(d.medication?.['id']).toMatch(/^[0-9a-f-]{36}$/);
        expect(d.medicationDispense['medicationReference']).toEqual({
          reference: `urn:uuid:${String(d.medication?.['id'])}`,
        });
        expect(d.medicationDispense['supportingInformation']).toEqual([{ reference: `Task/${rx.taskId}` }]);
      }
    },
  );

  it('Kombipackung: the malformed PZN 1746517 is stored as sent (the Fachdienst does not check PZNs)', async () => {
    const path = pharmacyInputs.find((p) => p.includes('DispenseInputParametersKombipackung'))!;
    expect(readFixture(path)).toContain('"1746517"');
    expect((await send(path, 'json')).status).toBe(204);
    const codes = JSON.stringify(sim.repository.get(rx.taskId)!.dispenses.map((d) => d.medication?.['code']));
    expect(codes).toContain('"1746517"');
  });

  it('unchanged ids are refused with 400: the examples’ own PrescriptionID is not this Task’s', async () => {
    const path = `${FOLDER}/Parameters-ExampleDispenseInputParameters.json`;
    const response = await sim.fhir(
      'POST',
      `/Task/${rx.taskId}/$dispense?secret=${secret}`,
      await sim.pharmacyToken(PHARMACY_B),
      {
        body: readFixture(path),
        contentType: 'application/fhir+json',
      },
    );
    expect(response.status).toBe(400);
    expect(await outcomeTexts(response)).toEqual([
      'Prescription ID in MedicationDispense does not match the one in the task',
    ]);
  });

  it('the DiGA $close input is no pharmacy input: 400 "Unzulässige Abgabeinformationen …"', async () => {
    const diga = rewriteIds(
      example(`${FOLDER}/Parameters-ExampleCloseInputParametersDiGA.json`),
      rx,
      PHARMACY_B,
    );
    const response = await sim.fhir(
      'POST',
      `/Task/${rx.taskId}/$close?secret=${secret}`,
      await sim.pharmacyToken(PHARMACY_B),
      {
        body: JSON.stringify(diga),
        contentType: 'application/fhir+json',
      },
    );
    expect(response.status).toBe(400);
    expect(await outcomeTexts(response)).toEqual([
      'Unzulässige Abgabeinformationen: Für diesen Workflow sind nur Abgabeinformationen für Arzneimittel zulässig.',
    ]);
  });
});
