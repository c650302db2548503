import { describe, expect, it } from 'vitest';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Finding } from '../../shared/erezept/findings';
import { parsePrescriptionId, type PrescriptionId } from '../../shared/erezept/identifiers';
import { err } from '../../shared/ipc/result';
import { AppFailure } from '../errors';
import type { CaseRecord } from '../store/cases';
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
    const parameters = await preflight(kit, 'close', record(), [entry]);
    expect(parameters).toEqual({ resourceType: 'Parameters', operation: 'close', prescriptionId: '160.000.033.491.280.78', count: 1 });
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

  it("refuses with the pharmacy rules' first error before anything else", async () => {
    const { kit, harness } = kitOf();
    harness.codecs.options.pharmacyFindings = [error('PH_A', 'Erster Fehler.'), error('PH_B', 'Zweiter Fehler.')];
    harness.codecs.options.findings = [error('FD_X', 'Fachdienst-Fehler.')];
    const e = await refusal(() => preflight(kit, 'dispense', record({ kvnr: undefined }), [entry]));
    expect(e.code).toBe('validation');
    expect(e.message).toBe('Die Abgabedaten wurden nicht gesendet: Erster Fehler. (und 1 weitere Hinweise) Bitte korrigieren und erneut senden.');
    expect(e.findings?.map((f) => f.code)).toEqual(['PH_A', 'PH_B']);
  });

  it('refuses without a stored KVNR (the MedicationDispense needs Task.for)', async () => {
    const { kit } = kitOf();
    const e = await refusal(() => preflight(kit, 'dispense', record({ kvnr: undefined }), [entry]));
    expect(e.code).toBe('state');
    expect(e.message).toBe('Zu diesem Rezept ist keine KVNR gespeichert; die Abgabedaten können nicht gebildet werden. Bitte den Support informieren.');
  });

  it("refuses with the builder's findings", async () => {
    const { kit, harness } = kitOf();
    harness.codecs.buildParameters = () => err([error('DISPENSE_LIST_EMPTY', 'Die Abgabeliste ist leer.')]);
    const e = await refusal(() => preflight(kit, 'dispense', record(), [entry]));
    expect(e).toMatchObject({ code: 'validation', message: 'Die Abgabedaten wurden nicht gesendet: Die Abgabeliste ist leer. Bitte korrigieren und erneut senden.' });
  });

  it('refuses what the Fachdienst would reject, and lets its warnings pass', async () => {
    const { kit, harness } = kitOf();
    harness.codecs.options.findings = [{ ...error('FD_W', 'Nur ein Hinweis.'), severity: 'warning' }];
    expect(await preflight(kit, 'dispense', record(), [entry])).toMatchObject({ resourceType: 'Parameters' });
    harness.codecs.options.findings = [error('FD_X', 'Abgabe nach dem Ende der Einlösefrist.')];
    const e = await refusal(() => preflight(kit, 'dispense', record(), [entry]));
    expect(e).toMatchObject({ code: 'validation', findings: [expect.objectContaining({ code: 'FD_X' })] });
  });
});
