import { afterEach, describe, expect, it } from 'vitest';
import { demoCatalog } from '../../../shared/erezept/catalog/demo-catalog';
import { addDays, berlinDate } from '../../../shared/erezept/dates';
import type { PrescriptionView } from '../../../shared/erezept/prescription';
import { readPrescriptionFromQes } from '../../../shared/fhir/kbv';
import { ProfessionOids } from '../../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import { parseCms } from '../cms-sign';
import { hcvOf } from '../egk/hcv';
import { egkProofKey } from '../egk/proof-key';
import { makePruefungsnachweis } from '../egk/pruefungsnachweis';
import { startSimulatorServer, type SimulatorHandle } from '../server';
import {
  createTestSimulator,
  dispenseParameters,
  outcomeTexts,
  PHARMACY_A,
  secretOf,
  taskOf,
  type TestSimulator,
} from '../test-kit';
import {
  abholungWish,
  botendienstWish,
  CLASS_DAY,
  DISPENSE_503_COUNT,
  EGK_KVNR,
  ENTLASS_ACCEPT_DATE,
  ENTLASS_EXPIRY_DATE,
  entlassArticle,
  EXPIRED_EXPIRY_DATE,
  freitextArticle,
  freitextText,
  LATE_ACCEPT_DATE,
  MVO_SERIES_ID,
  mvoArticle,
  OTHER_PHARMACY,
  stueckelungDispensed,
  stueckelungPrescribed,
  wirkstoffDispensed,
  wirkstoffPrescribed,
  zuweisungAbholungArticle,
  zuweisungBotendienstArticle,
} from './deck';
import { PLACEHOLDER_PRESCRIPTION_ID } from './fixed-prescriptions';
import { TRAINING_PHARMACY } from './format';
import {
  fachdienst503,
  parseScenarios,
  sampleScenarios,
  standardGkvPzn,
  trainingDeck,
  type LoadedPrescription,
} from '.';

/** "today" of the scenarios without their own clock */
const START = new Date('2026-11-25T08:00:00Z');
const TODAY = berlinDate(START);

interface Loaded {
  name: string;
  now: string;
  prescriptions: LoadedPrescription[];
  faults: { operation: string; remaining: number; status: number | null; phase: string; drop: boolean }[];
  steps: string[];
}

const deckSimulator = (seed?: number): Promise<TestSimulator> =>
  createTestSimulator(START, { scenarios: trainingDeck, ...(seed !== undefined ? { seed } : {}) });

async function load(sim: TestSimulator, name: string): Promise<Loaded> {
  const { status, json } = await sim.control('POST', `/scenarios/${name}`);
  expect(status, JSON.stringify(json)).toBe(200);
  return json as unknown as Loaded;
}

function byLabel(loaded: Loaded, label: string): LoadedPrescription {
  const found = loaded.prescriptions.find((p) => p.label === label);
  if (!found) throw new Error(`no prescription „${label}“`);
  return found;
}

async function accept(sim: TestSimulator, p: { taskId: string; accessCode: string }, telematikId = PHARMACY_A): Promise<Response> {
  return sim.fhir('POST', `/Task/${p.taskId}/$accept?ac=${p.accessCode}`, await sim.pharmacyToken(telematikId));
}

/** The prescription as the pharmacy reads it from the $accept answer (QES Binary → KBV bundle → view). */
async function acceptedView(sim: TestSimulator, p: LoadedPrescription): Promise<{ view: PrescriptionView; secret: string }> {
  const response = await accept(sim, p);
  expect(response.status).toBe(200);
  const bundle = (await response.json()) as FhirResourceJson;
  const entries = bundle['entry'] as { resource: FhirResourceJson }[];
  const binary = entries.find((e) => e.resource.resourceType === 'Binary')!.resource;
  const read = readPrescriptionFromQes(new Uint8Array(Buffer.from(String(binary['data']), 'base64')));
  if (!read.ok) throw new Error(read.error.message);
  return { view: read.data.view, secret: secretOf(bundle) };
}

async function dispense(
  sim: TestSimulator,
  p: LoadedPrescription,
  secret: string,
  items: { pzn: string; name: string; packs?: number }[],
  whenHandedOver: string,
  operation: 'dispense' | 'close' = 'dispense',
): Promise<Response> {
  const body = dispenseParameters(operation, { prescriptionId: p.taskId, kvnr: p.kvnr, telematikId: PHARMACY_A, whenHandedOver }, items);
  // several packs of one batch: one MedicationDispense with that quantity (spec §5)
  const parameters = body['parameter'] as { part: { name: string; resource: FhirResourceJson }[] }[];
  items.forEach((item, i) => {
    const dispensed = parameters[i]!.part.find((part) => part.name === 'medicationDispense')!.resource;
    dispensed['quantity'] = { value: item.packs ?? 1, system: 'http://unitsofmeasure.org', code: '{Package}' };
  });
  return sim.fhir('POST', `/Task/${p.taskId}/$${operation}?secret=${secret}`, await sim.pharmacyToken(), {
    body: JSON.stringify(body),
    contentType: 'application/fhir+json',
  });
}

/** What the patient's app reads (spec §3.10): PZN and pack count of each stored MedicationDispense. */
async function patientSees(sim: TestSimulator, p: LoadedPrescription): Promise<{ pzn: string | undefined; packs: unknown }[]> {
  const response = await sim.fhir(
    'GET',
    `/MedicationDispense?identifier=https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId|${p.taskId}`,
    await sim.insurantToken(p.kvnr),
  );
  expect(response.status).toBe(200);
  const bundle = (await response.json()) as { entry?: { resource: FhirResourceJson }[] };
  const resources = (bundle.entry ?? []).map((e) => e.resource);
  const medications = new Map(resources.filter((r) => r.resourceType === 'Medication').map((m) => [`urn:uuid:${String(m['id'])}`, m]));
  return resources
    .filter((r) => r.resourceType === 'MedicationDispense')
    .map((d) => {
      const medication = medications.get((d['medicationReference'] as { reference: string }).reference);
      const coding = (medication?.['code'] as { coding?: { code: string }[] } | undefined)?.coding;
      return { pzn: coding?.[0]?.code, packs: (d['quantity'] as { value: unknown }).value };
    });
}

describe('the training deck', () => {
  it('has the training situations plus the two samples, unique kebab-case names, German steps', () => {
    const names = trainingDeck.map((s) => s.name);
    expect(names).toEqual([
      'standard-gkv-pzn',
      'wirkstoff-austausch',
      'freitext-verordnung',
      'rezeptur',
      'stueckelung-drei-packungen',
      'mehrfachverordnung',
      'rezept-abgelaufen',
      'entlassrezept',
      'pkv-quittung',
      't-rezept',
      'korrektur-nach-abgabe',
      'schon-vergeben',
      'egk-drei-rezepte',
      'zuweisung-abholung',
      'zuweisung-botendienst',
      'secret-verloren',
      'fachdienst-503',
      'fachdienst-503-abgabe',
      'zu-viele-anfragen-429',
    ]);
    expect(new Set(names).size).toBe(names.length);
    expect(parseScenarios(trainingDeck).map((s) => s.name)).toEqual(names);
    for (const scenario of trainingDeck) {
      expect(scenario.steps.length, scenario.name).toBeGreaterThanOrEqual(3);
      // the trainer reads them aloud: German sentences, no HTTP paths or FHIR jargon
      for (const step of scenario.steps) expect(step, scenario.name).not.toMatch(/\$accept|\$dispense|Task\/|MedicationDispense|OperationOutcome/);
    }
  });

  // The embedded simulator offers the deck itself by default (checked over HTTP below).
  it('keeps the samples unchanged in the deck', () => {
    expect(trainingDeck).toContain(standardGkvPzn);
    expect(trainingDeck).toContain(fachdienst503);
    for (const sample of sampleScenarios) expect(trainingDeck).toContain(sample);
  });

  it.each(trainingDeck.map((s) => s.name))('%s loads: prescriptions with token, DataMatrix and display fields', async (name) => {
    const sim = await deckSimulator();
    const loaded = await load(sim, name);
    expect(loaded.steps).toEqual(trainingDeck.find((s) => s.name === name)!.steps);
    expect(loaded.prescriptions.length).toBeGreaterThan(0);
    for (const p of loaded.prescriptions) {
      expect(p.token).toBe(`Task/${p.taskId}/$accept?ac=${p.accessCode}`);
      expect(JSON.parse(p.dataMatrix)).toEqual({ urls: [p.token] });
      expect(p.flowType).toBe(p.taskId.slice(0, 3));
      expect(p.patientName).toMatch(/^\S+ \S+$/);
      expect(p.birthDate).toMatch(/^19\d\d-\d\d-\d\d$/);
      expect(p.medication).toBeTruthy();
      expect(p.prescriber).toBe('Dr. med. Sim Ulator');
      expect(p.authoredOn).toBe(sim.repository.get(p.taskId)!.authoredOn.slice(0, 10));
      // a fresh id of the sequence, never the placeholder of a fixed prescription
      expect(p.taskId).not.toBe(PLACEHOLDER_PRESCRIPTION_ID);
      expect(sim.repository.get(p.taskId)?.status).toBe(p.acceptedBy ? 'in-progress' : 'ready');
    }
  });

  it('every fixed prescription: no Noctu, aut idem allowed, dosage on the prescription', async () => {
    const sim = await deckSimulator();
    for (const name of ['wirkstoff-austausch', 'freitext-verordnung', 'stueckelung-drei-packungen', 'mehrfachverordnung', 'entlassrezept']) {
      const loaded = await load(sim, name);
      const { view } = await acceptedView(sim, loaded.prescriptions[0]!);
      expect(view.request, name).toMatchObject({ noctu: false, autIdemExcluded: false, quantity: 1 });
      expect(view.request.dosageText, name).toBeTruthy();
      expect(view.findings.filter((f) => f.severity === 'error'), name).toEqual([]);
    }
  });
});

describe('display fields', () => {
  it('with count > 1 every Task of an entry carries its own; the top level is the first; /_sim/prescriptions stays as it was', async () => {
    const threePacks = {
      format: 1 as const,
      name: 'drei-rezepte',
      title: 'Drei Rezepte auf einem Ausdruck',
      description: 'Ein Patient, drei Rezepte, ein Sammelcode.',
      prescriptions: [{ label: 'Ausdruck', flowType: '200' as const, medication: 'rezeptur' as const, count: 3 }],
      steps: ['Sammelcode scannen.'],
    };
    const sim = await createTestSimulator(START, { scenarios: [threePacks] });
    const [entry] = (await load(sim, 'drei-rezepte')).prescriptions;
    expect(entry!.prescriptions).toHaveLength(3);
    for (const task of entry!.prescriptions!) {
      expect(task).toMatchObject({ flowType: '200', kvnr: entry!.kvnr, prescriber: 'Dr. med. Sim Ulator', authoredOn: TODAY });
      expect(task.medication).toMatch(/^Rezeptur: /);
      expect(task.patientName).toMatch(/^\S+ \S+$/);
    }
    // one request = one patient: the three Tasks share name and birth date, not only the KVNR
    expect(new Set(entry!.prescriptions!.map((t) => `${t.patientName} ${t.birthDate}`)).size).toBe(1);
    const { taskId, patientName, birthDate, medication, authoredOn } = entry!.prescriptions![0]!;
    expect({ taskId, patientName, birthDate, medication, authoredOn }).toEqual({
      taskId: entry!.taskId,
      patientName: entry!.patientName,
      birthDate: entry!.birthDate,
      medication: entry!.medication,
      authoredOn: entry!.authoredOn,
    });

    const created = await sim.createPrescription({ flowType: '160', count: 2 });
    expect(Object.keys(created).sort()).toEqual(['accessCode', 'dataMatrix', 'kvnr', 'prescriptions', 'taskId', 'token']);
    expect(Object.keys(created.prescriptions![1]!).sort()).toEqual(['accessCode', 'kvnr', 'taskId', 'token']);
  });
});

describe('key behaviour of each scenario against the simulator', () => {
  it('wirkstoff-austausch: a Wirkstoff prescription; the PZN of the steps has the same substance, strength and amount', async () => {
    const sim = await deckSimulator();
    const loaded = await load(sim, 'wirkstoff-austausch');
    expect(loaded.now).toBe('2026-11-10T08:00:00.000Z');
    const rezept = byLabel(loaded, 'Rezept A');
    expect(rezept.medication).toBe('Wirkstoff: Ibuprofen 400 mg, Filmtabletten, 20 St');
    const { view, secret } = await acceptedView(sim, rezept);
    expect(view.medication).toMatchObject({ kind: 'wirkstoff', amount: '20 St' });
    expect(view.medication.kind === 'wirkstoff' && view.medication.ingredients.map((i) => [i.name, i.strength])).toEqual([['Ibuprofen', '400 mg']]);
    expect(wirkstoffDispensed.pzn).not.toBe(wirkstoffPrescribed.pzn);
    expect(wirkstoffDispensed.ingredients).toEqual(wirkstoffPrescribed.ingredients);
    expect([wirkstoffDispensed.packSize, wirkstoffDispensed.form]).toEqual(['20 St', 'FTA']);
    expect(trainingDeck.find((s) => s.name === 'wirkstoff-austausch')!.steps.join(' ')).toContain(wirkstoffDispensed.pzn);
    const sent = await dispense(sim, rezept, secret, [{ pzn: wirkstoffDispensed.pzn, name: wirkstoffDispensed.name }], CLASS_DAY, 'close');
    expect(sent.status).toBe(200);
  });

  it('freitext-verordnung: the Freitext the steps quote; its article is in the catalogue', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'freitext-verordnung'), 'Rezept A');
    const { view } = await acceptedView(sim, rezept);
    expect(view.medication).toMatchObject({ kind: 'freitext', text: freitextText });
    expect(rezept.medication).toBe(`Freitext: ${freitextText}`);
    expect(demoCatalog.byPzn(freitextArticle.pzn)?.name).toBe('Metamizol Demopharm 500 mg Filmtabletten');
    expect(trainingDeck.find((s) => s.name === 'freitext-verordnung')!.steps.join(' ')).toContain(freitextText);
  });

  it('rezeptur: a Rezeptur with ingredients', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'rezeptur'), 'Rezept A');
    const { view } = await acceptedView(sim, rezept);
    expect(view.medication.kind).toBe('rezeptur');
    expect(view.medication.kind === 'rezeptur' && view.medication.ingredients.length).toBeGreaterThanOrEqual(2);
    expect(rezept.medication).toMatch(/^Rezeptur: /);
  });

  it('stueckelung-drei-packungen: N3 prescribed, three N1 of the same product make the same amount; stored as one item with 3 packs', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'stueckelung-drei-packungen'), 'Rezept A');
    const { view, secret } = await acceptedView(sim, rezept);
    expect(view.medication).toMatchObject({ kind: 'pzn', pzn: stueckelungPrescribed.pzn, normSize: 'N3', amount: '3 St' });
    expect([stueckelungDispensed.normSize, stueckelungDispensed.packSize]).toEqual(['N1', '1 St']);
    expect(stueckelungDispensed.name).toBe(stueckelungPrescribed.name);
    expect(
      (await dispense(sim, rezept, secret, [{ pzn: stueckelungDispensed.pzn, name: stueckelungDispensed.name, packs: 3 }], CLASS_DAY)).status,
    ).toBe(204);
    expect(await patientSees(sim, rezept)).toEqual([{ pzn: stueckelungDispensed.pzn, packs: 3 }]);
  });

  it('mehrfachverordnung: part 1 → 200; parts 2 and 3 → 403 „ist ab … einlösbar“', async () => {
    const sim = await deckSimulator();
    const loaded = await load(sim, 'mehrfachverordnung');
    const [teil1, teil2, teil3] = ['Teil 1', 'Teil 2', 'Teil 3'].map((label) => byLabel(loaded, label));
    expect(new Set([teil1!.kvnr, teil2!.kvnr, teil3!.kvnr]).size).toBe(1);
    expect(new Set([teil1!.taskId, teil2!.taskId, teil3!.taskId]).size).toBe(3);

    const refused2 = await accept(sim, teil2!);
    expect(refused2.status).toBe(403);
    expect(await outcomeTexts(refused2)).toEqual([`Teilverordnung zur Mehrfachverordnung ${MVO_SERIES_ID} ist ab 01.02.2027 einlösbar.`]);
    const refused3 = await accept(sim, teil3!);
    expect(refused3.status).toBe(403);
    expect(await outcomeTexts(refused3)).toEqual([`Teilverordnung zur Mehrfachverordnung ${MVO_SERIES_ID} ist ab 01.05.2027 einlösbar.`]);
    expect(sim.repository.get(teil2!.taskId)?.status).toBe('ready');

    const { view } = await acceptedView(sim, teil1!);
    expect(view.request.mvo).toMatchObject({ numerator: 1, denominator: 3, start: '2026-11-02', end: '2027-01-31', id: MVO_SERIES_ID });
    expect(view.medication).toMatchObject({ kind: 'pzn', pzn: mvoArticle.pzn });
    expect(sim.repository.get(teil1!.taskId)).toMatchObject({ status: 'in-progress', acceptDate: '2027-01-31', expiryDate: '2027-01-31' });
  });

  it('rezept-abgelaufen: A → 403 „Verordnung bis 20.10.2026 einlösbar.“; B → 200 with its Belieferungsfrist passed', async () => {
    const sim = await deckSimulator();
    const loaded = await load(sim, 'rezept-abgelaufen');
    expect(berlinDate(new Date(loaded.now))).toBe(CLASS_DAY);
    const refused = await accept(sim, byLabel(loaded, 'Rezept A'));
    expect(refused.status).toBe(403);
    expect(await outcomeTexts(refused)).toEqual([`Verordnung bis ${EXPIRED_EXPIRY_DATE.split('-').reverse().join('.')} einlösbar.`]);

    const late = byLabel(loaded, 'Rezept B');
    expect((await accept(sim, late)).status).toBe(200);
    const task = sim.repository.get(late.taskId)!;
    expect(task.acceptDate).toBe(LATE_ACCEPT_DATE);
    expect(task.acceptDate < CLASS_DAY && CLASS_DAY <= task.expiryDate).toBe(true);
  });

  it('entlassrezept: legal basis 04, the N1 article, Belieferungsfrist 3 working days from the class day (A_19517)', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'entlassrezept'), 'Rezept A');
    const { view } = await acceptedView(sim, rezept);
    expect(view.legalBasis).toEqual({ code: '04', label: 'Entlassmanagement' });
    expect(view.medication).toMatchObject({ kind: 'pzn', pzn: entlassArticle.pzn, normSize: 'N1' });
    expect(sim.repository.get(rezept.taskId)).toMatchObject({ acceptDate: ENTLASS_ACCEPT_DATE, expiryDate: ENTLASS_EXPIRY_DATE });
  });

  it('pkv-quittung: flow 200, PKV coverage, $close gives the receipt', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'pkv-quittung'), 'Rezept A');
    expect(rezept.flowType).toBe('200');
    const { view, secret } = await acceptedView(sim, rezept);
    expect(view.coverage.kind).toBe('PKV');
    const pzn = view.medication.kind === 'pzn' ? view.medication.pzn : '';
    const closed = await dispense(sim, rezept, secret, [{ pzn, name: 'wie verordnet' }], TODAY, 'close');
    expect(closed.status).toBe(200);
    const receipt = (await closed.json()) as FhirResourceJson;
    expect(receipt['resourceType']).toBe('Bundle');
    expect(receipt['identifier']).toMatchObject({ value: rezept.taskId });
  });

  it('t-rezept: flow 166, an AMVV §3a drug, redeemable for 6 days', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 't-rezept'), 'Rezept A');
    expect(rezept.taskId.startsWith('166.')).toBe(true);
    expect(sim.repository.get(rezept.taskId)).toMatchObject({ acceptDate: addDays(TODAY, 6), expiryDate: addDays(TODAY, 6) });
    const { view } = await acceptedView(sim, rezept);
    expect(view.medication.category).toBe('02');
  });

  it('korrektur-nach-abgabe: a second $dispense replaces the first for the patient; after $close nothing changes', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'korrektur-nach-abgabe'), 'Rezept A');
    const { view, secret } = await acceptedView(sim, rezept);
    const pzn = view.medication.kind === 'pzn' ? view.medication.pzn : '';
    expect((await dispense(sim, rezept, secret, [{ pzn, name: 'wie verordnet', packs: 2 }], TODAY)).status).toBe(204);
    expect(await patientSees(sim, rezept)).toEqual([{ pzn, packs: 2 }]);
    expect((await dispense(sim, rezept, secret, [{ pzn, name: 'wie verordnet', packs: 1 }], TODAY)).status).toBe(204);
    expect(await patientSees(sim, rezept)).toEqual([{ pzn, packs: 1 }]);
    const close = await sim.fhir('POST', `/Task/${rezept.taskId}/$close?secret=${secret}`, await sim.pharmacyToken());
    expect(close.status).toBe(200);
    expect((await dispense(sim, rezept, secret, [{ pzn, name: 'wie verordnet', packs: 3 }], TODAY)).status).toBe(403);
  });

  it('schon-vergeben: another pharmacy holds it → 409', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'schon-vergeben'), 'Rezept A');
    expect(rezept.acceptedBy).toBe(OTHER_PHARMACY);
    const refused = await accept(sim, rezept);
    expect(refused.status).toBe(409);
    expect(await outcomeTexts(refused)).toEqual(['Task has invalid status in-progress']);
    expect(sim.repository.get(rezept.taskId)).toMatchObject({ status: 'in-progress', owner: OTHER_PHARMACY });
  });

  it('egk-drei-rezepte: one patient; her eGK lists only Rezept A (B expired, C held by another pharmacy)', async () => {
    const sim = await deckSimulator();
    const loaded = await load(sim, 'egk-drei-rezepte');
    expect(berlinDate(new Date(loaded.now))).toBe(CLASS_DAY);
    const [a, b, c] = ['Rezept A', 'Rezept B', 'Rezept C'].map((label) => byLabel(loaded, label));
    expect(new Set(loaded.prescriptions.map((p) => p.kvnr))).toEqual(new Set([EGK_KVNR]));
    expect(new Set(loaded.prescriptions.map((p) => `${p.patientName ?? ''} ${p.birthDate ?? ''}`)).size).toBe(1);
    expect(sim.repository.get(b!.taskId)?.expiryDate).toBe(EXPIRED_EXPIRY_DATE);
    expect(sim.repository.get(c!.taskId)).toMatchObject({ status: 'in-progress', owner: OTHER_PHARMACY });

    // the card of the patient at AP1 (what the trainer's button does), read by the pharmacy: only A is listed
    expect((await sim.control('POST', '/egk/insert', { kvnr: EGK_KVNR })).status).toBe(200);
    const card = ((await sim.control('GET', '/egk')).json as { terminals: { egk: { surname: string; insuranceStart: string; street: string } }[] }).terminals[0]?.egk;
    expect(a!.patientName).toContain(card?.surname ?? '-');
    const pnw = makePruefungsnachweis({ timestamp: new Date(loaded.now), result: 2, kvnr: EGK_KVNR, hcv: hcvOf(card?.insuranceStart ?? '', card?.street) }, egkProofKey(sim.repository));
    const list = await sim.fhir('GET', `/Task?kvnr=${EGK_KVNR}&pnw=${encodeURIComponent(pnw)}`, await sim.pharmacyToken());
    expect(list.status).toBe(200);
    const bundle = (await list.json()) as { entry?: { resource: FhirResourceJson }[] };
    expect((bundle.entry ?? []).map((e) => e.resource['id'])).toEqual([a!.taskId]);
  });

  /** The pharmacy's unread Zuweisungen, as the app fetches them (spec §3.11). */
  async function inbox(sim: TestSimulator, telematikId = PHARMACY_A): Promise<FhirResourceJson[]> {
    const response = await sim.fhir('GET', '/Communication?received=NULL', await sim.pharmacyToken(telematikId));
    expect(response.status).toBe(200);
    return ((await response.json()) as { entry?: { resource: FhirResourceJson }[] }).entry?.map((e) => e.resource) ?? [];
  }
  const wishOf = (message: FhirResourceJson | undefined): unknown =>
    JSON.parse((message?.['payload'] as { contentString: string }[])[0]!.contentString);

  it('zuweisung-abholung: a Zuweisung for pick-up waits for the training pharmacy; its AccessCode claims the prescription', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'zuweisung-abholung'), 'Rezept A');
    expect(TRAINING_PHARMACY).toBe(PHARMACY_A);
    expect(rezept.dispReq).toEqual({ pharmacy: TRAINING_PHARMACY, communicationIds: [expect.any(String)] });
    expect(rezept.medication).toContain(zuweisungAbholungArticle.name);
    const [message] = await inbox(sim);
    expect(message?.['id']).toBe(rezept.dispReq?.communicationIds[0]);
    expect(wishOf(message)).toEqual({ version: 1, ...abholungWish });
    expect(abholungWish.name).toBe(rezept.patientName);
    const reference = (message?.['basedOn'] as { reference: string }[])[0]!.reference;
    expect(reference).toBe(rezept.token);
    expect((await accept(sim, rezept)).status).toBe(200);
  });

  it('zuweisung-botendienst: the delivery wish carries the patient\'s name and address; a load may name another pharmacy', async () => {
    const sim = await deckSimulator();
    const rezept = byLabel(await load(sim, 'zuweisung-botendienst'), 'Rezept A');
    const [message] = await inbox(sim);
    expect(wishOf(message)).toEqual({ version: 1, ...botendienstWish, address: [...botendienstWish.address] });
    expect(botendienstWish.address).toHaveLength(2);
    expect(rezept.patientName).toBe(botendienstWish.name);
    expect(rezept.medication).toContain(zuweisungBotendienstArticle.name);

    const elsewhere = await sim.control('POST', '/scenarios/zuweisung-botendienst', { pharmacy: '3-SMC-B-Testkarte-883110000163973' });
    expect(elsewhere.status).toBe(200);
    expect(await inbox(sim)).toEqual([]);
    expect(await inbox(sim, '3-SMC-B-Testkarte-883110000163973')).toHaveLength(1);
  });

  it('secret-verloren: $accept is stored but its answer dropped; GET ?ac then gives the Secret', async () => {
    const sim = await deckSimulator();
    const loaded = await load(sim, 'secret-verloren');
    expect(loaded.faults).toMatchObject([{ operation: 'accept', remaining: 1, phase: 'after-commit', drop: true }]);
    const rezept = byLabel(loaded, 'Rezept A');
    const lost = await accept(sim, rezept);
    expect(lost.headers.get('x-simulator-fault')).toBe('dropped'); // in-process there is no socket to cut
    expect(sim.repository.get(rezept.taskId)).toMatchObject({ status: 'in-progress', owner: PHARMACY_A });
    const recovered = await sim.fhir('GET', `/Task/${rezept.taskId}?ac=${rezept.accessCode}`, await sim.pharmacyToken());
    expect(recovered.status).toBe(200);
    expect(secretOf((await recovered.json()) as FhirResourceJson)).toBe(sim.repository.get(rezept.taskId)!.secret);
  });

  it(`fachdienst-503-abgabe: ${DISPENSE_503_COUNT}× 503 on $dispense (nothing stored), then 204`, async () => {
    const sim = await deckSimulator();
    const loaded = await load(sim, 'fachdienst-503-abgabe');
    expect(loaded.faults).toMatchObject([{ operation: 'dispense', remaining: DISPENSE_503_COUNT, status: 503, phase: 'before-commit' }]);
    const rezept = byLabel(loaded, 'Rezept A');
    const { view, secret } = await acceptedView(sim, rezept); // $accept is not disturbed
    const pzn = view.medication.kind === 'pzn' ? view.medication.pzn : '';
    for (let i = 0; i < DISPENSE_503_COUNT; i++) {
      expect((await dispense(sim, rezept, secret, [{ pzn, name: 'wie verordnet' }], TODAY)).status).toBe(503);
      expect(sim.repository.get(rezept.taskId)?.dispenses).toEqual([]);
    }
    expect((await dispense(sim, rezept, secret, [{ pzn, name: 'wie verordnet' }], TODAY)).status).toBe(204);
  });

  it('zu-viele-anfragen-429: one 429 on $dispense, the next one is accepted', async () => {
    const sim = await deckSimulator();
    const loaded = await load(sim, 'zu-viele-anfragen-429');
    expect(loaded.faults).toMatchObject([{ operation: 'dispense', remaining: 1, status: 429 }]);
    const rezept = byLabel(loaded, 'Rezept A');
    const { view, secret } = await acceptedView(sim, rezept);
    const pzn = view.medication.kind === 'pzn' ? view.medication.pzn : '';
    const limited = await dispense(sim, rezept, secret, [{ pzn, name: 'wie verordnet' }], TODAY);
    expect(limited.status).toBe(429);
    expect(await outcomeTexts(limited)).toEqual(['Simulierter Fehler (HTTP 429).']);
    // an hour later (the trainer's „Simulatorzeit +1 Stunde“) the app sends again
    expect((await sim.control('POST', '/clock', { advance: 'PT1H' })).status).toBe(200);
    expect((await dispense(sim, rezept, secret, [{ pzn, name: 'wie verordnet' }], TODAY)).status).toBe(204);
  });
});

describe('over HTTP: the embedded simulator offers the deck by default', () => {
  const handles: SimulatorHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });

  it('secret-verloren: the connection is cut after $accept is stored; GET ?ac recovers the Secret', async () => {
    const sim = await startSimulatorServer({ port: 0, now: () => START, seed: 7 });
    handles.push(sim);
    const control = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`${sim.url}/_sim/${path}`, {
        method: body === undefined && path === 'scenarios' ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      expect(response.status).toBeLessThan(300);
      return (await response.json()) as Record<string, unknown>;
    };
    const listed = (await control('scenarios'))['scenarios'] as { name: string }[];
    expect(listed.map((s) => s.name)).toEqual(trainingDeck.map((s) => s.name));

    const loaded = (await control('scenarios/secret-verloren')) as unknown as Loaded;
    const rezept = byLabel(loaded, 'Rezept A');
    const token = (await control('token', { professionOID: ProfessionOids.publicPharmacy, telematikId: PHARMACY_A }))['access_token'] as string;
    const headers = { authorization: `Bearer ${token}`, accept: 'application/fhir+json' };

    await expect(fetch(`${sim.url}/Task/${rezept.taskId}/$accept?ac=${rezept.accessCode}`, { method: 'POST', headers })).rejects.toThrow();
    const recovered = await fetch(`${sim.url}/Task/${rezept.taskId}?ac=${rezept.accessCode}`, { headers });
    expect(recovered.status).toBe(200);
    const bundle = (await recovered.json()) as FhirResourceJson;
    expect(secretOf(bundle)).toMatch(/^[0-9a-f]{64}$/);
    expect(taskOf(bundle)['status']).toBe('in-progress');
  });
});

describe('deterministic runs: same seed, fixed time, two simulators from empty state', () => {
  /** The stored Tasks with the signed prescription's content instead of its signature (ECDSA differs per run). */
  function tasksWithoutSignatures(sim: TestSimulator): unknown[] {
    return sim.repository.list().map((task) => ({
      ...task,
      prescription: task.prescription && {
        ...task.prescription,
        cms: new TextDecoder().decode(parseCms(new Uint8Array(Buffer.from(task.prescription.cms, 'base64'))).content),
      },
    }));
  }

  it.each(trainingDeck.map((s) => s.name))('%s: identical load answers and Tasks', async (name) => {
    const runs: { answer: string; tasks: unknown[] }[] = [];
    for (let run = 0; run < 2; run++) {
      const sim = await deckSimulator(2026);
      const answer = await load(sim, name);
      runs.push({ answer: JSON.stringify(answer), tasks: tasksWithoutSignatures(sim) });
    }
    expect(runs[1]!.answer).toBe(runs[0]!.answer);
    expect(runs[1]!.tasks).toEqual(runs[0]!.tasks);
  });
});
