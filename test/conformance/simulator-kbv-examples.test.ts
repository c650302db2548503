/**
 * gematik's end-to-end examples (test/fixtures/gematik/e2e-examples-2025-10, spec §11.3) replayed against
 * the simulator over its HTTP API:
 * - every KBV 1.3 prescription (`*_VerordnungArzt.xml`) is importable with `POST /_sim/prescriptions
 *   {"kbvBundleXml"}` — keeping its PrescriptionID and KVNR — and acceptable ($accept 200) with the clock at its
 *   authoredOn. A Mehrfachverordnung part whose period starts later answers 403 "Teilverordnung … ab …
 *   einlösbar." on that day, as the Fachdienst does (A_22635-02), and 200 from its start day;
 * - each example's `*_MedicationDispense.xml` ($close input, workflow 1.5) is accepted by $close when its
 *   KVNR, PrescriptionID and Telematik-ID match the Task (the performer's Telematik-ID is the caller's) and
 *   rejected with 400 when they do not — several carry a KVNR with a wrong check digit that differs from the
 *   prescription's (test/fixtures/README.md, "Known defects");
 * - the single KBV 1.1.0 example is refused at import with 400 (the Fachdienst's $activate no longer takes
 *   1.1.0, spec §0), so its workflow-1.4 $close cannot be replayed.
 * The clock for $close is the handover day (a later whenHandedOver would be "in the future" otherwise).
 */
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../shared/erezept/dates';
import { readRxDispensations } from '../../shared/fhir/checks';
import { NamingSystems } from '../../shared/fhir/profiles';
import { fhirXmlToJson, type FhirResourceJson } from '../../shared/fhir/xml';
import { parseCms } from '../../main/simulator/cms-sign';
import {
  createTestSimulator,
  outcomeTexts,
  secretOf,
  type TestSimulator,
} from '../../main/simulator/test-kit';
import { listFixtures, readFixture, FIXTURE_DEFECTIVE_KVNRS } from '../fixtures';

const FOLDER = 'gematik/e2e-examples-2025-10';


interface Example {
  path: string;
  xml: string;
  kbvVersion: string;
  prescriptionId: string;
  kvnr: string;
  authoredOn: string;
  mvoStart: string | undefined;
  dispensePath: string | undefined;
}

type Json = Record<string, unknown>;
const json = (xml: string): FhirResourceJson => {
  const parsed = fhirXmlToJson(xml);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.data;
};
const resources = (bundle: FhirResourceJson): Json[] =>
  ((bundle['entry'] as { resource: Json }[] | undefined) ?? []).map((e) => e.resource);

function readExample(path: string, dispenseFiles: string[]): Example {
  const xml = readFixture(path);
  const bundle = json(xml);
  const profile = ((bundle['meta'] as { profile: string[] }).profile[0] ?? '').split('|')[1] ?? '';
  const patient = resources(bundle).find((r) => r['resourceType'] === 'Patient')!;
  const kvnr = (patient['identifier'] as { system: string; value: string }[]).find((i) =>
    i.system.endsWith('/kvid-10'),
  )!.value;
  const request = resources(bundle).find((r) => r['resourceType'] === 'MedicationRequest')!;
  const mvo = ((request['extension'] as Json[] | undefined) ?? []).find((e) =>
    String(e['url']).endsWith('KBV_EX_ERP_Multiple_Prescription'),
  );
  const period = ((mvo?.['extension'] as Json[] | undefined) ?? []).find((e) => e['url'] === 'Zeitraum')?.[
    'valuePeriod'
  ] as { start?: string } | undefined;
  return {
    path,
    xml,
    kbvVersion: profile,
    prescriptionId: (bundle['identifier'] as { value: string }).value,
    kvnr,
    authoredOn: String(request['authoredOn']).slice(0, 10),
    mvoStart: period?.start,
    dispensePath: dispenseFiles.find((d) => dirname(d) === dirname(path)),
  };
}

/** 09:00 in Berlin on a German date (CET or CEST). */
function berlinMorning(date: string): Date {
  for (const offset of ['+01:00', '+02:00']) {
    const instant = new Date(`${date}T09:00:00${offset}`);
    if (
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit' }).format(instant) ===
      '09'
    )
      return instant;
  }
  throw new Error(`no 09:00 for ${date}`);
}

interface DispenseIds {
  prescriptionIds: string[];
  kvnrs: string[];
  telematikIds: string[];
  maxHandover: string;
  parametersProfileVersion: string;
}

function dispenseIds(parameters: FhirResourceJson): DispenseIds {
  const { dispensations } = readRxDispensations(parameters);
  const mds = dispensations.map((d) => d.medicationDispense as Json);
  const unique = (values: string[]): string[] => [...new Set(values)];
  return {
    prescriptionIds: unique(
      mds.map(
        (md) =>
          (md['identifier'] as { system: string; value: string }[]).find(
            (i) => i.system === NamingSystems.prescriptionId,
          )!.value,
      ),
    ),
    kvnrs: unique(mds.map((md) => (md['subject'] as { identifier: { value: string } }).identifier.value)),
    telematikIds: unique(
      mds.map(
        (md) =>
          (md['performer'] as { actor: { identifier: { value: string } } }[])[0]!.actor.identifier.value,
      ),
    ),
    maxHandover: mds
      .map((md) => String(md['whenHandedOver']))
      .sort()
      .at(-1)!,
    parametersProfileVersion:
      ((parameters['meta'] as { profile: string[] }).profile[0] ?? '').split('|')[1] ?? '',
  };
}

const prescriptionFiles = listFixtures(FOLDER, /_VerordnungArzt\.xml$/);
const dispenseFiles = listFixtures(FOLDER, /_MedicationDispense\.xml$/);
const examples = prescriptionFiles.map((path) => readExample(path, dispenseFiles));
const kbv13 = examples.filter((e) => e.kbvVersion.startsWith('1.3'));
const others = examples.filter((e) => !e.kbvVersion.startsWith('1.3'));

let sim: TestSimulator;

beforeAll(async () => {
  sim = await createTestSimulator(new Date('2025-10-27T08:00:00Z'));
});

async function control(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  return sim.control(method, path, body);
}

/** An access token as a pharmacy with this Telematik-ID would get it (`POST /_sim/token`). */
async function pharmacyToken(telematikId: string): Promise<string> {
  const { status, json: answer } = await control('POST', '/token', {
    professionOID: '1.2.276.0.76.4.54',
    telematikId,
  });
  expect(status).toBe(200);
  return String(answer['access_token']);
}

async function importAndAccept(
  example: Example,
  telematikId: string,
): Promise<{ taskId: string; secret: string; acceptedAt: Date }> {
  expect((await control('POST', '/reset')).status).toBe(200);
  sim.setBaseTime(berlinMorning(example.authoredOn));
  const imported = await control('POST', '/prescriptions', { kbvBundleXml: example.xml });
  expect(imported.status, JSON.stringify(imported.json)).toBe(201);
  const taskId = String(imported.json['taskId']);
  const accessCode = String(imported.json['accessCode']);
  expect(taskId).toBe(example.prescriptionId);
  expect(imported.json['kvnr']).toBe(example.kvnr);

  const accept = async (): Promise<Response> =>
    sim.fhir('POST', `/Task/${taskId}/$accept?ac=${accessCode}`, await pharmacyToken(telematikId));
  let acceptedAt = berlinMorning(example.authoredOn);
  let response = await accept();
  if (example.mvoStart !== undefined && example.mvoStart > example.authoredOn) {
    // a later part of a Mehrfachverordnung: not yet redeemable on the signing day (A_22635-02)
    expect(response.status).toBe(403);
    const [text] = await outcomeTexts(response);
    expect(text).toMatch(
      new RegExp(
        `^Teilverordnung zur Mehrfachverordnung urn:uuid:[0-9a-f-]+ ist ab ${example.mvoStart.split('-').reverse().join('.')} einlösbar\\.$`,
      ),
    );
    acceptedAt = berlinMorning(example.mvoStart);
    sim.setBaseTime(acceptedAt);
    response = await accept();
  }
  expect(response.status, await response.clone().text()).toBe(200);
  const bundle = (await response.json()) as FhirResourceJson;
  // the Binary carries exactly the prescription as the practice signed it
  const binary = resources(bundle).find((r) => r['resourceType'] === 'Binary')!;
  expect(
    new TextDecoder().decode(parseCms(new Uint8Array(Buffer.from(String(binary['data']), 'base64'))).content),
  ).toBe(example.xml);
  return { taskId, secret: secretOf(bundle), acceptedAt };
}

describe('e2e-examples-2025-10 against the simulator', () => {
  it('has 60 KBV 1.3 prescriptions and one 1.1.0, each with its $close input beside it', () => {
    expect(kbv13).toHaveLength(60);
    expect(others.map((e) => [e.kbvVersion, e.path])).toEqual([
      [
        '1.1.0',
        `${FOLDER}/PKV/Rezeptur-parenterale_Zytostatika/Rezeptur-parenterale_Zytostatika_1/Rez_parenterale_Zytostatika_VerordnungArzt.xml`,
      ],
    ]);
    expect(examples.every((e) => e.dispensePath !== undefined)).toBe(true);
  });

  it.each(kbv13.map((e) => [e.path.slice(FOLDER.length + 1), e] as const))(
    '%s: importable, acceptable, its $close input accepted where the ids match and 400 where not',
    async (_name, example) => {
      const parameters = json(readFixture(example.dispensePath!));
      const ids = dispenseIds(parameters);
      expect(ids.telematikIds).toHaveLength(1);
      const { taskId, secret, acceptedAt } = await importAndAccept(example, ids.telematikIds[0]!);

      const matches =
        ids.prescriptionIds.length === 1 &&
        ids.prescriptionIds[0] === taskId &&
        ids.kvnrs.length === 1 &&
        ids.kvnrs[0] === example.kvnr;
      const handover = berlinMorning(ids.maxHandover);
      sim.setBaseTime(
        handover > acceptedAt
          ? new Date(handover.getTime() + 3 * 3600_000)
          : new Date(acceptedAt.getTime() + 3600_000),
      );
      const close = await sim.fhir(
        'POST',
        `/Task/${taskId}/$close?secret=${secret}`,
        await pharmacyToken(ids.telematikIds[0]!),
        {
          body: readFixture(example.dispensePath!),
          contentType: 'application/fhir+xml; charset=utf-8',
        },
      );
      if (matches) {
        expect(close.status, await close.clone().text()).toBe(200);
        const receipt = (await close.json()) as FhirResourceJson;
        expect(receipt['identifier']).toEqual({ system: NamingSystems.prescriptionId, value: taskId });
        expect(sim.repository.get(taskId)?.status).toBe('completed');
      } else {
        expect(close.status).toBe(400);
        const [text] = await outcomeTexts(close);
        expect([
          'KVNR in MedicationDispense does not match the one in the task',
          'Prescription ID in MedicationDispense does not match the one in the task',
        ]).toContain(text);
        expect(sim.repository.get(taskId)?.status).toBe('in-progress');
      }
      expect(ids.parametersProfileVersion).toBe('1.5');
    },
  );

  it('rejects exactly the $close inputs whose KVNR differs from the prescription’s — each one a KVNR the README lists', () => {
    const mismatching = kbv13.filter((e) => {
      const ids = dispenseIds(json(readFixture(e.dispensePath!)));
      return ids.kvnrs.some((k) => k !== e.kvnr) || ids.prescriptionIds.some((p) => p !== e.prescriptionId);
    });
    expect(mismatching.length).toBeGreaterThan(0);
    expect(mismatching.length).toBeLessThan(kbv13.length);
    expect(mismatching.map((e) => e.path)).toContain(
      `${FOLDER}/PZN-Verordnung/PZN-Verordnung_5/PZN_Nr5_VerordnungArzt.xml`,
    );
    for (const e of mismatching) {
      const ids = dispenseIds(json(readFixture(e.dispensePath!)));
      for (const kvnr of ids.kvnrs.filter((k) => k !== e.kvnr))
        expect(FIXTURE_DEFECTIVE_KVNRS).toContain(kvnr);
    }
  });

  it('refuses the KBV 1.1.0 example at import with 400: the Fachdienst no longer takes that version', async () => {
    const [old] = others;
    expect((await control('POST', '/reset')).status).toBe(200);
    sim.setBaseTime(berlinMorning(old!.authoredOn));
    const { status, json: answer } = await control('POST', '/prescriptions', { kbvBundleXml: old!.xml });
    expect(status).toBe(400);
    expect(answer['error']).toBe(
      'kbvBundleXml: KBV-Version 1.1.0 nimmt der E-Rezept-Fachdienst nicht an (angenommen: 1.3 und ab 2026-07-01 1.4)',
    );
  });

  it('a replayed example expires like a real prescription: 403 the day after its expiry date', async () => {
    const example = kbv13.find((e) => e.prescriptionId.startsWith('160.') && e.mvoStart === undefined)!;
    expect((await control('POST', '/reset')).status).toBe(200);
    sim.setBaseTime(berlinMorning(example.authoredOn));
    const imported = await control('POST', '/prescriptions', { kbvBundleXml: example.xml });
    const task = sim.repository.get(String(imported.json['taskId']))!;
    sim.setBaseTime(berlinMorning(addDays(task.expiryDate, 1)));
    const response = await sim.fhir(
      'POST',
      `/Task/${task.id}/$accept?ac=${String(imported.json['accessCode'])}`,
      await pharmacyToken('3-07.2.1234560000.10.789'),
    );
    expect(response.status).toBe(403);
    expect(await outcomeTexts(response)).toEqual([
      `Verordnung bis ${task.expiryDate.split('-').reverse().join('.')} einlösbar.`,
    ]);
  });
});
