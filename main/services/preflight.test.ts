import { describe, expect, it } from 'vitest';
import type { Article } from '../../shared/erezept/catalog/article-catalog';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Finding } from '../../shared/erezept/findings';
import { parsePrescriptionId, type PrescriptionId } from '../../shared/erezept/identifiers';
import { err } from '../../shared/ipc/result';
import { AppFailure } from '../errors';
import type { CaseRecord } from '../store/cases';
import { defaultCodecs } from './default-codecs';
import { preflight } from './preflight';
import { createWorkflowHarness, prescriptionView } from './testing';
import { WorkflowKit } from './workflow-kit';

const id = (text: string): PrescriptionId => {
  const parsed = parsePrescriptionId(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.data;
};

const record = (overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  prescriptionId: id('160.000.033.491.280.78'),
  flowType: '160',
  status: 'accepted',
  acceptedAt: '2026-10-05T08:00:00.000Z',
  acceptedBy: 'AB',
  acceptDate: '2026-10-29',
  expiryDate: '2027-01-01',
  updatedAt: '2026-10-05T08:00:00.000Z',
  kvnr: 'X110411675',
  prescription: prescriptionView(),
  ...overrides,
});

const entry: DispenseEntry = {
  key: 'row-1',
  medication: { kind: 'pzn', pzn: '06313728', name: 'Sumatriptan 100 mg', ingredients: [], category: '00', vaccine: false },
  packs: 1,
  batch: { lot: 'A123', expiry: '2028-03-31' },
  serials: [],
  whenHandedOver: '2026-10-05',
};

const error = (code: string, message: string): Finding => ({ severity: 'error', code, message, path: 'entries.0.whenHandedOver' });

/** The kit of a harness workflow: fake codecs, whose findings a test sets through `codecs.options`. */
function kitOf(harness = createWorkflowHarness()): { kit: WorkflowKit; harness: ReturnType<typeof createWorkflowHarness> } {
  const { store, fd, settings, hub, clock, codecs } = harness;
  const kit = new WorkflowKit({ store, fachdienst: fd, settings, events: hub, clock, ids: { next: () => 'row' }, codecs });
  return { kit, harness };
}

async function refusal(run: () => Promise<unknown>): Promise<AppFailure['appError']> {
  try {
    await run();
  } catch (e) {
    if (e instanceof AppFailure) return e.appError;
    throw e;
  }
  throw new Error('the pre-flight did not refuse');
}

describe('preflight (main)', () => {
  it('returns the Parameters the codecs built for the operation; the Fachdienst rules see our Telematik-ID and now', async () => {
    const { kit, harness } = kitOf();
    const seen: unknown[] = [];
    harness.codecs.fachdienstChecks = (operation, _parameters, ctx) => (seen.push({ operation, ...ctx }), []);
    const { parameters, overriddenRules } = await preflight(kit, 'close', record(), [entry]);
    expect(parameters).toEqual({ resourceType: 'Parameters', operation: 'close', prescriptionId: '160.000.033.491.280.78', count: 1 });
    expect(overriddenRules).toEqual([]);
    expect(seen).toEqual([
      {
        operation: 'close',
        prescriptionId: '160.000.033.491.280.78',
        kvnr: 'X110411675',
        telematikId: harness.settings.pharmacy().telematikId,
        prescribed: prescriptionView().medication,
        now: harness.clock.now(),
      },
    ]);
  });

  it("refuses with the pharmacy rules' first error before anything else: „Nicht gesendet:“, the first reason, how many more", async () => {
    const { kit, harness } = kitOf();
    harness.codecs.options.pharmacyFindings = [error('PH_A', 'Erster Fehler.'), error('PH_B', 'Zweiter Fehler.')];
    harness.codecs.options.findings = [error('FD_X', 'Fachdienst-Fehler.')];
    const e = await refusal(() => preflight(kit, 'dispense', record({ kvnr: undefined }), [entry]));
    expect(e.code).toBe('validation');
    expect(e.message).toBe('Nicht gesendet: Erster Fehler. Und 1 weiterer Grund.');
    expect(e.findings?.map((f) => f.code)).toEqual(['PH_A', 'PH_B']);
    harness.codecs.options.pharmacyFindings = [error('PH_A', 'Erster Fehler.'), error('PH_B', 'Zweiter.'), error('PH_C', 'Dritter.')];
    expect((await refusal(() => preflight(kit, 'dispense', record(), [entry]))).message).toBe('Nicht gesendet: Erster Fehler. Und 2 weitere Gründe.');
  });

  it('refuses a warning that needs a reason, names only what blocks, and hands over every finding', async () => {
    const { kit, harness } = kitOf();
    const note: Finding = { severity: 'info', code: 'PH_QUANTITY_LESS', message: 'Weniger als verordnet.', path: 'entries.0.packs' };
    const warning: Finding = { severity: 'warning', code: 'PH_FORM_DIFFERS', message: 'Andere Darreichungsform als verordnet.', path: 'entries.0.medication.pzn', needsReason: true };
    harness.codecs.options.pharmacyFindings = [note, warning];
    const e = await refusal(() => preflight(kit, 'dispense', record(), [entry]));
    expect(e.message).toBe('Nicht gesendet: Andere Darreichungsform als verordnet.');
    expect(e.findings).toEqual([note, warning]);
    // overridden, or without a reason to give: sent
    harness.codecs.options.pharmacyFindings = [note, { ...warning, overridden: true }, { ...warning, needsReason: undefined }];
    expect(await preflight(kit, 'dispense', record(), [entry])).toMatchObject({ overriddenRules: ['PH_FORM_DIFFERS'] });
  });

  it('refuses without a stored KVNR (the MedicationDispense needs Task.for)', async () => {
    const { kit } = kitOf();
    const e = await refusal(() => preflight(kit, 'dispense', record({ kvnr: undefined }), [entry]));
    expect(e.code).toBe('state');
    expect(e.message).toBe('Nicht gesendet: Zu diesem Rezept ist keine KVNR gespeichert; die Abgabedaten können nicht gebildet werden. Bitte den Support informieren.');
  });

  it("refuses with the builder's findings", async () => {
    const { kit, harness } = kitOf();
    harness.codecs.buildParameters = () => err([error('DISPENSE_LIST_EMPTY', 'Die Abgabeliste ist leer.')]);
    const e = await refusal(() => preflight(kit, 'dispense', record(), [entry]));
    expect(e).toMatchObject({ code: 'validation', message: 'Nicht gesendet: Die Abgabeliste ist leer.' });
  });

  it('refuses what the Fachdienst would reject, and lets its warnings pass', async () => {
    const { kit, harness } = kitOf();
    harness.codecs.options.findings = [{ ...error('FD_W', 'Nur ein Hinweis.'), severity: 'warning' }];
    expect(await preflight(kit, 'dispense', record(), [entry])).toMatchObject({ parameters: { resourceType: 'Parameters' } });
    harness.codecs.options.findings = [error('FD_X', 'Abgabe nach dem Ende der Einlösefrist.')];
    const e = await refusal(() => preflight(kit, 'dispense', record(), [entry]));
    expect(e).toMatchObject({ code: 'validation', findings: [expect.objectContaining({ code: 'FD_X' })] });
  });
});

describe('preflight (main) with the real rules and the demo catalogue: prescribed vs dispensed (docs/checks.md)', () => {
  const demo = (name: string, normSize: string): Article => {
    const found = demoCatalog.all().find((a) => a.name === name && a.normSize === normSize);
    if (!found) throw new Error(`no demo article ${name} ${normSize}`);
    return found;
  };
  const levetiracetam = demo('Levetiracetam Testogen 500 mg Filmtabletten', 'N2');
  const amlodipin = demo('Amlodipin Fiktiva Arzneimittel 5 mg Tabletten', 'N1');
  const REASON = 'Rücksprache mit Dr. Topp: Umstellung auf Amlodipin';

  /** A kit with the real builders and rule sets (default-codecs.ts); the catalogue is the embedded demo. */
  function realKit(): WorkflowKit {
    const { store, fd, settings, hub, clock } = createWorkflowHarness();
    return new WorkflowKit({ store, fachdienst: fd, settings, events: hub, clock, ids: { next: () => 'row' }, codecs: defaultCodecs });
  }
  const levetiracetamCase = (): CaseRecord =>
    record({
      prescription: prescriptionView({
        request: { quantity: 1, autIdemExcluded: false, noctu: false },
        medication: {
          kind: 'pzn',
          pzn: levetiracetam.pzn,
          name: levetiracetam.name,
          normSize: levetiracetam.normSize,
          form: levetiracetam.form,
          amount: levetiracetam.packSize,
          category: '00',
          vaccine: false,
        },
      }),
    });
  const dispensed = (article: Article, extra: Partial<DispenseEntry> = {}): DispenseEntry => ({
    ...entry,
    medication: { kind: 'pzn', pzn: article.pzn, name: article.name, ingredients: [], category: '00', vaccine: false },
    substituted: article.pzn !== levetiracetam.pzn,
    ...extra,
  });
  // Amlodipin N1 is 20 St, Levetiracetam N2 100 St: five packs hand over the prescribed amount (no quantity finding)
  const wrongDrug = (extra: Partial<DispenseEntry> = {}): DispenseEntry => dispensed(amlodipin, { packs: 5, ...extra });

  it('refuses a different active substance, naming it', async () => {
    const e = await refusal(() => preflight(realKit(), 'dispense', levetiracetamCase(), [wrongDrug()]));
    expect(e.code).toBe('validation');
    expect(e.message).toBe('Nicht gesendet: Anderer Wirkstoff als verordnet: verordnet Levetiracetam, abgegeben Amlodipin.');
    expect(e.findings).toContainEqual(expect.objectContaining({ code: 'PH_SUBSTANCE_DIFFERS', needsReason: true, path: 'entries.0.medication.pzn' }));
  });

  it('sends it overridden with a reason: the Parameters hold no reason, the overridden rule is named for the audit', async () => {
    const list = [wrongDrug({ overrides: [{ rule: 'PH_SUBSTANCE_DIFFERS', reason: REASON }] })];
    for (const operation of ['dispense', 'close'] as const) {
      const { parameters, overriddenRules } = await preflight(realKit(), operation, levetiracetamCase(), list);
      const body = JSON.stringify(parameters);
      expect(body).toContain(amlodipin.pzn);
      expect(body).not.toContain('Rücksprache');
      expect(body).not.toContain('Umstellung');
      expect(overriddenRules).toEqual(['PH_SUBSTANCE_DIFFERS']);
    }
  });

  it('refuses a warning that needs a reason (five packs where one was prescribed), not only errors', async () => {
    const e = await refusal(() => preflight(realKit(), 'dispense', levetiracetamCase(), [dispensed(levetiracetam, { packs: 5 })]));
    expect(e.message).toBe('Nicht gesendet: Mehr als verordnet abgegeben: verordnet 100 St, abgegeben 500 St.');
  });
});
