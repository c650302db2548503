/**
 * The first list of a claimed PZN prescription takes the catalogue's article data (A_27033-01, issue 19: „A position
 * taken over from the prescription is sent without substance and strength“): from the demo catalogue by default, from
 * the pharmacy's imported master when there is one; a catalogue that cannot answer never costs the claim.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Article, ArticleCatalog } from '../../shared/erezept/catalog/article-catalog';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { ArticleMasterService } from './article-master';
import { createSimulatorHarness, type Prescribed, type SimulatorHarness } from './simulator-harness';

let h: SimulatorHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The PZN the simulator prescribed, read from the QES as the app reads it. */
function prescribedPzn(harness: SimulatorHarness, prescribed: Prescribed): string {
  const qes = new Uint8Array(Buffer.from(harness.task(prescribed.id).prescription!.cms, 'base64'));
  const read = harness.codecs.readPrescription(qes);
  if (!read.ok || read.data.view.medication.kind !== 'pzn') throw new Error('a PZN prescription was expected');
  return read.data.view.medication.pzn;
}

async function firstEntry(harness: SimulatorHarness, prescribed: Prescribed) {
  const { results } = await harness.workflow.scanCode(prescribed.token);
  expect(results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
  const draft = (await harness.workflow.getCase(prescribed.id)).draft ?? [];
  expect(draft).toHaveLength(1);
  return draft[0]!;
}

describe('claiming a PZN prescription: the first list from the catalogue', () => {
  it('takes substance, strength, pack and form from the demo catalogue by default', async () => {
    h = await createSimulatorHarness();
    const prescribed = await h.prescribe();
    const article = demoCatalog.byPzn(prescribedPzn(h, prescribed));
    expect(article).toBeDefined();
    const entry = await firstEntry(h, prescribed);
    expect(entry.medication).toEqual({
      kind: 'pzn',
      pzn: article!.pzn,
      name: article!.name,
      normSize: article!.normSize,
      form: article!.form,
      packSize: article!.packSize,
      ingredients: article!.ingredients,
      category: article!.category,
      vaccine: article!.vaccine,
    });
    expect(entry.medication.kind === 'pzn' && entry.medication.ingredients[0]?.strengthValue).toBeGreaterThan(0);
  });

  it('takes the imported master’s article when the store has one', async () => {
    h = await createSimulatorHarness('2026-10-05T08:00:00Z', {
      catalog: (store, hub) => new ArticleMasterService({ store, events: hub, demoOnly: false, now: () => new Date('2026-10-05T08:00:00Z') }),
    });
    const prescribed = await h.prescribe();
    const pzn = prescribedPzn(h, prescribed);
    const master = new ArticleMasterService({ store: h.store, events: h.hub, demoOnly: false, now: () => new Date('2026-10-05T08:00:00Z') });
    await master.importCsv(
      ['#Artikelstamm;Version=1', 'pzn;name;packungsgroesse;darreichungsform;wirkstoffe;staerken;securpharm;normgroesse', `${pzn};Katalogname 7,5 mg;14 St;TAB;Katalogstoff;7,5 mg;ja;N1`].join('\n'),
      { staff: 'AB' },
    );
    const entry = await firstEntry(h, prescribed);
    expect(entry.medication).toMatchObject({
      kind: 'pzn',
      pzn,
      name: 'Katalogname 7,5 mg',
      packSize: '14 St',
      form: 'TAB',
      normSize: 'N1',
      ingredients: [{ name: 'Katalogstoff', strengthValue: 7.5, strengthUnit: 'mg' }],
    });
  });

  it('a catalogue that cannot answer leaves the list as prescribed, and the claim stands', async () => {
    const broken: ArticleCatalog = {
      byPzn: () => Promise.reject(new Error('Datenbank nicht erreichbar')),
      byPzns: () => Promise.reject(new Error('Datenbank nicht erreichbar')),
      search: () => Promise.resolve<Article[]>([]),
      info: () => Promise.resolve({ kind: 'demo', articleCount: 0 }),
    };
    h = await createSimulatorHarness('2026-10-05T08:00:00Z', { catalog: broken });
    const prescribed = await h.prescribe();
    const entry = await firstEntry(h, prescribed);
    expect(entry.medication).toMatchObject({ kind: 'pzn', pzn: prescribedPzn(h, prescribed), ingredients: [] });
    expect((await h.store.cases.get(prescribed.id))?.secret).toBe(h.task(prescribed.id).secret);
  });

  it('a Wirkstoff prescription keeps the prescribed substances', async () => {
    h = await createSimulatorHarness();
    const prescribed = await h.prescribe({ medication: 'wirkstoff' });
    const entry = await firstEntry(h, prescribed);
    expect(entry.medication.kind).toBe('wirkstoff');
  });
});
