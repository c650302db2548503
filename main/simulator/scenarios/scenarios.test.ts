import { describe, expect, it } from 'vitest';
import { parseErezeptCode } from '../../../shared/erezept/token';
import { createTestSimulator, outcomeTexts, PHARMACY_A, type CreatedResponse } from '../test-kit';
import { parseScenario, sampleScenarios, type Scenario } from '.';

const START = new Date('2026-10-05T08:00:00Z');

const custom: Scenario = {
  format: 1,
  name: 'abgelaufen-und-vergeben',
  title: 'Abgelaufen und schon vergeben',
  description: 'Zwei Rezepte: eines abgelaufen, eines hat eine andere Apotheke schon abgerufen.',
  clock: { set: '2027-02-01T09:00:00+01:00' },
  prescriptions: [
    { label: 'Abgelaufen', flowType: '160', authoredOn: '2026-10-01' },
    {
      label: 'Vergeben',
      flowType: '200',
      medication: 'wirkstoff',
      acceptedBy: '3-SMC-B-Testkarte-883110000163973',
    },
    { label: 'Stückelung', flowType: '160', count: 3 },
  ],
  faults: [{ operation: 'close', count: 1, status: 500 }],
  steps: ['Rezept „Abgelaufen“ scannen.', 'Rezept „Vergeben“ scannen.'],
};

type Loaded = {
  name: string;
  title: string;
  now: string;
  prescriptions: (CreatedResponse & { label?: string; acceptedBy?: string })[];
  faults: { operation: string; remaining: number; status: number }[];
  steps: string[];
};

describe('GET /_sim/scenarios', () => {
  it('lists name, title and description of each scenario — by default the two samples', async () => {
    const sim = await createTestSimulator(START);
    const { status, json } = await sim.control('GET', '/scenarios');
    expect(status).toBe(200);
    expect(json['scenarios']).toEqual(
      sampleScenarios.map((s) => ({ name: s.name, title: s.title, description: s.description })),
    );
    expect((json['scenarios'] as { name: string }[]).map((s) => s.name)).toEqual([
      'standard-gkv-pzn',
      'fachdienst-503',
    ]);
  });
});

describe('POST /_sim/scenarios/{name}', () => {
  it('standard-gkv-pzn: resets, creates one ready GKV prescription and answers with token, DataMatrix and steps', async () => {
    const sim = await createTestSimulator(START);
    const old = await sim.createPrescription({ flowType: '166' });
    await sim.control('POST', '/faults', { operation: 'any', count: 10 });
    await sim.control('POST', '/clock', { advance: 'P3D' });

    const { status, json } = await sim.control('POST', '/scenarios/standard-gkv-pzn');
    expect(status).toBe(200);
    const loaded = json as unknown as Loaded;
    expect(loaded.name).toBe('standard-gkv-pzn');
    expect(loaded.now).toBe(START.toISOString()); // the clock offset is gone
    expect(loaded.faults).toEqual([]);
    expect(loaded.steps.length).toBeGreaterThanOrEqual(4);
    expect(loaded.steps.every((step) => /[äöüßÄÖÜ]|Rezept|Abgabe/.test(step))).toBe(true);
    expect(loaded.prescriptions).toHaveLength(1);
    const [rezept] = loaded.prescriptions;
    expect(rezept!.label).toBe('Rezept A');
    expect(rezept!.taskId.startsWith('160.')).toBe(true);
    // the DataMatrix content is what a scanner reads at the counter (spec §2)
    const scanned = parseErezeptCode(rezept!.dataMatrix);
    expect(scanned.ok && scanned.data.map((t) => t.prescriptionId)).toEqual([rezept!.taskId]);
    expect(sim.repository.get(old.taskId)).toBeUndefined();
    expect(sim.repository.list().map((t) => [t.id, t.status])).toEqual([[rezept!.taskId, 'ready']]);
    expect(
      (
        await sim.fhir(
          'POST',
          `/Task/${rezept!.taskId}/$accept?ac=${rezept!.accessCode}`,
          await sim.pharmacyToken(),
        )
      ).status,
    ).toBe(200);
  });

  it('fachdienst-503: the first two $accept answer 503, the third succeeds', async () => {
    const sim = await createTestSimulator(START);
    const loaded = (await sim.control('POST', '/scenarios/fachdienst-503')).json as unknown as Loaded;
    expect(loaded.faults).toMatchObject([{ operation: 'accept', remaining: 2, status: 503 }]);
    const [rezept] = loaded.prescriptions;
    const accept = async (): Promise<Response> =>
      sim.fhir('POST', `/Task/${rezept!.taskId}/$accept?ac=${rezept!.accessCode}`, await sim.pharmacyToken());
    for (let i = 0; i < 2; i++) {
      const failed = await accept();
      expect(failed.status).toBe(503);
      expect(await outcomeTexts(failed)).toEqual(['Simulierter Fehler (HTTP 503).']);
      expect(sim.repository.get(rezept!.taskId)?.status).toBe('ready');
    }
    expect((await accept()).status).toBe(200);
  });

  it('sets the clock first, creates in order, lets another pharmacy accept, arms faults last', async () => {
    const sim = await createTestSimulator(START, { scenarios: [custom] });
    const { status, json } = await sim.control('POST', '/scenarios/abgelaufen-und-vergeben');
    expect(status).toBe(200);
    const loaded = json as unknown as Loaded;
    expect(loaded.now).toBe('2027-02-01T08:00:00.000Z');
    const [expired, taken, packs] = loaded.prescriptions;
    expect(expired!.label).toBe('Abgelaufen');
    const token = await sim.pharmacyToken();

    const expiredAnswer = await sim.fhir(
      'POST',
      `/Task/${expired!.taskId}/$accept?ac=${expired!.accessCode}`,
      token,
    );
    expect(expiredAnswer.status).toBe(403);
    expect(await outcomeTexts(expiredAnswer)).toEqual(['Verordnung bis 01.01.2027 einlösbar.']);

    expect(taken!.acceptedBy).toBe('3-SMC-B-Testkarte-883110000163973');
    expect(sim.repository.get(taken!.taskId)).toMatchObject({
      status: 'in-progress',
      owner: '3-SMC-B-Testkarte-883110000163973',
    });
    const takenAnswer = await sim.fhir(
      'POST',
      `/Task/${taken!.taskId}/$accept?ac=${taken!.accessCode}`,
      token,
    );
    expect(takenAnswer.status).toBe(409);
    expect(await outcomeTexts(takenAnswer)).toEqual(['Task has invalid status in-progress']);

    expect(packs!.prescriptions).toHaveLength(3);
    expect(JSON.parse(packs!.dataMatrix)).toEqual({ urls: packs!.prescriptions!.map((p) => p.token) });
    expect(loaded.faults).toMatchObject([{ operation: 'close', remaining: 1, status: 500 }]);
    expect(loaded.steps).toEqual(custom.steps);
    expect(PHARMACY_A).not.toBe(taken!.acceptedBy);
  });

  it('404 for an unknown scenario, 400 for a body with options, 405 for GET on a scenario', async () => {
    const sim = await createTestSimulator(START);
    const unknown = await sim.control('POST', '/scenarios/gibt-es-nicht');
    expect(unknown.status).toBe(404);
    expect(unknown.json['error']).toBe('unbekanntes Szenario „gibt-es-nicht“');
    expect((await sim.control('POST', '/scenarios/standard-gkv-pzn', { fast: true })).status).toBe(400);
    expect((await sim.control('GET', '/scenarios/standard-gkv-pzn')).status).toBe(405);
    expect((await sim.control('DELETE', '/scenarios')).status).toBe(405);
  });

  it('a failing prior $accept is a 400 naming the prescription', async () => {
    const broken: Scenario = {
      ...custom,
      name: 'kaputt',
      clock: undefined,
      faults: [],
      prescriptions: [{ flowType: '160', authoredOn: '2026-01-05', acceptedBy: '3-other' }],
    };
    const sim = await createTestSimulator(START, { scenarios: [broken] });
    const { status, json } = await sim.control('POST', '/scenarios/kaputt');
    expect(status).toBe(400);
    expect(json['error']).toBe(
      'prescriptions.0.acceptedBy: $accept nicht möglich (403 Verordnung bis 05.04.2026 einlösbar.)',
    );
  });
});

describe('a Zuweisung in a scenario (dispReq)', () => {
  it('goes through the Fachdienst\'s rules: one for an expired prescription makes the load a 400 naming it', async () => {
    const expired: Scenario = {
      ...custom,
      name: 'zuweisung-abgelaufen',
      faults: [],
      prescriptions: [{ flowType: '160', authoredOn: '2026-10-01', dispReq: { supplyOptionsType: 'onPremise' } }],
    };
    const sim = await createTestSimulator(START, { scenarios: [expired] });
    const { status, json } = await sim.control('POST', '/scenarios/zuweisung-abgelaufen');
    expect(status).toBe(400);
    expect(json['error']).toBe('prescriptions.0.dispReq: Zuweisung nicht möglich (400 Task is expired.)');
  });

  it('sends one per Task of the entry, to the pharmacy the entry names', async () => {
    const two: Scenario = {
      ...custom,
      name: 'zwei-zuweisungen',
      clock: undefined,
      faults: [],
      prescriptions: [{ flowType: '160', count: 2, dispReq: { pharmacy: '3-eigene', version: 3, communicationType: 'text', text: 'Vorrätig?' } }],
    };
    const sim = await createTestSimulator(START, { scenarios: [two] });
    const { status, json } = await sim.control('POST', '/scenarios/zwei-zuweisungen', { pharmacy: '3-ignoriert' });
    expect(status).toBe(200);
    const [entry] = json['prescriptions'] as { dispReq: { pharmacy: string; communicationIds: string[] } }[];
    expect(entry?.dispReq.pharmacy).toBe('3-eigene');
    expect(entry?.dispReq.communicationIds).toHaveLength(2);
  });
});

describe('parseScenario', () => {
  it('accepts the samples and the custom scenario', () => {
    for (const scenario of [...sampleScenarios, custom])
      expect(parseScenario(scenario).name).toBe(scenario.name);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['another format version', { format: 2 }, 'format'],
    ['a name with capitals', { name: 'Standard' }, 'name'],
    ['no steps', { steps: [] }, 'steps'],
    ['a bad clock', { clock: { set: '2026-10-05' } }, 'clock.set'],
    ['a month duration', { clock: { advance: 'P1M' } }, 'clock.advance'],
    ['a bad prescription', { prescriptions: [{ flowType: '162' }] }, 'prescriptions.0.flowType'],
    [
      'a bad acceptedBy',
      { prescriptions: [{ flowType: '160', acceptedBy: 'Apotheke' }] },
      'prescriptions.0.acceptedBy',
    ],
    ['a bad fault', { faults: [{ operation: 'fly' }] }, 'faults.0.operation'],
    ['a bad Zuweisung', { prescriptions: [{ flowType: '160', dispReq: { version: 2 } }] }, 'prescriptions.0.dispReq.version'],
    ['an unknown key', { trainer: 'X' }, 'trainer'],
  ])('refuses %s', (_what, change, where) => {
    expect(() => parseScenario({ ...custom, ...change })).toThrow(where);
  });

  it('refuses a scenario set with a duplicate name when the simulator is created', async () => {
    await expect(createTestSimulator(START, { scenarios: [custom, custom] })).rejects.toThrow(
      'gibt es zweimal',
    );
  });
});

describe('deterministic runs (seed)', () => {
  async function run(seed: number): Promise<Loaded> {
    const sim = await createTestSimulator(START, { seed, scenarios: [custom] });
    // whatever happened before, a scenario load starts the seeded sequence again
    await sim.createPrescription({ flowType: '160' });
    return (await sim.control('POST', '/scenarios/abgelaufen-und-vergeben')).json as unknown as Loaded;
  }

  it('two runs of a scenario with the same seed produce the same ids, AccessCodes and KVNRs', async () => {
    const [a, b] = [await run(7), await run(7)];
    expect(a.prescriptions).toEqual(b.prescriptions);
    const c = await run(8);
    expect(c.prescriptions.map((p) => p.accessCode)).not.toEqual(a.prescriptions.map((p) => p.accessCode));
    expect(c.prescriptions.map((p) => p.taskId)).toEqual(a.prescriptions.map((p) => p.taskId)); // the sequence, not the seed
  });

  it('also the prescription content (names, articles) is the same', async () => {
    const contents: string[] = [];
    for (let i = 0; i < 2; i++) {
      const sim = await createTestSimulator(START, { seed: 99 });
      const loaded = (await sim.control('POST', '/scenarios/standard-gkv-pzn')).json as unknown as Loaded;
      const task = sim.repository.get(loaded.prescriptions[0]!.taskId)!;
      const { parseCms } = await import('../cms-sign');
      contents.push(
        new TextDecoder().decode(
          parseCms(new Uint8Array(Buffer.from(task.prescription!.cms, 'base64'))).content,
        ),
      );
    }
    expect(contents[0]).toBe(contents[1]);
  });
});
