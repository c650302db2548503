import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent, BackendKind, PharmacySetupInput } from '../../shared/ipc/contract';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import { EventHub } from './events';
import { PharmacySetupService } from './pharmacy-setup';
import { DEFAULT_PHARMACY, SettingsService } from './settings';

let store: Store;
let events: AppEvent[];
let openCases: number;
const clock = { now: () => new Date('2026-10-05T08:00:00Z') };

function build(kind: BackendKind = 'embedded'): { settings: SettingsService; setup: PharmacySetupService } {
  const settings = new SettingsService({ settings: store.settings, backend: { kind, url: 'http://127.0.0.1:1/', training: kind !== 'ti' }, appVersion: '0.1.0', clock, dataProtection: 'key-file' });
  const hub = new EventHub();
  hub.subscribe((event) => events.push(event));
  return { settings, setup: new PharmacySetupService({ settings, events: hub, openCaseCount: async () => openCases }) };
}

/** The demo list as the form sends it back, with changes. */
function input(overrides: Partial<PharmacySetupInput> = {}): PharmacySetupInput {
  return {
    staff: [
      { kuerzel: 'AB', name: 'Anna Becker', active: true },
      { kuerzel: 'CD', name: 'Can Demir', active: true },
    ],
    counterName: 'Kasse 1',
    ...overrides,
  };
}

beforeEach(() => {
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32) });
  events = [];
  openCases = 0;
});
afterEach(() => store.close());

describe('PharmacySetupService', () => {
  it('shows the demo set-up, saves a changed one at once (AppInfo, event) and keeps it for the next start', async () => {
    const { settings, setup } = build();
    expect(setup.view()).toEqual({
      staff: [
        { kuerzel: 'AB', name: 'Anna Becker', active: true },
        { kuerzel: 'CD', name: 'Can Demir', active: true },
      ],
      counterName: '',
      pharmacy: DEFAULT_PHARMACY,
      pharmacySource: 'settings',
    });

    const result = await setup.save(
      input({
        staff: [
          { kuerzel: 'AB', name: ' Anna Becker-Roth ', active: true },
          { kuerzel: 'CD', name: 'Can Demir', active: false },
          { kuerzel: 'ef2', name: 'Eva Fischer', active: true },
        ],
        counterName: ' Kasse 2 ',
        pharmacy: { name: 'Löwen-Apotheke', telematikId: '3-01.2.2023001.16.101' },
      }),
    );
    expect(result.problems).toEqual([]);
    expect(result.saved).toBe(true);
    expect(result.setup.staff.map((s) => s.kuerzel)).toEqual(['AB', 'CD', 'EF2']);
    expect(events).toEqual([{ type: 'app-info-changed' }]);
    expect(settings.getAppInfo()).toMatchObject({
      counterName: 'Kasse 2',
      pharmacy: { name: 'Löwen-Apotheke', telematikId: '3-01.2.2023001.16.101' },
      staffList: [{ kuerzel: 'AB', name: 'Anna Becker-Roth', active: true }, { kuerzel: 'CD', active: false }, { kuerzel: 'EF2', active: true }],
    });
    expect(build().setup.view().counterName).toBe('Kasse 2');
  });

  it('Kürzel rules: 2–8 letters or digits, unique regardless of case — German problems per row', async () => {
    const { setup } = build();
    const result = await setup.save(
      input({
        staff: [
          { kuerzel: 'AB', name: 'Anna Becker', active: true },
          { kuerzel: 'CD', name: 'Can Demir', active: true },
          { kuerzel: 'ab', name: 'Andreas Braun', active: true },
          { kuerzel: 'X', name: 'Xaver', active: true },
          { kuerzel: 'A B', name: 'Leer Zeichen', active: true },
          { kuerzel: 'ABCDEFGHI', name: 'Zu Lang', active: true },
        ],
      }),
    );
    expect(result.saved).toBe(false);
    expect(result.problems).toEqual([
      { field: 'staff.2.kuerzel', message: expect.stringMatching(/„AB“ steht schon in Zeile 1/) },
      { field: 'staff.3.kuerzel', message: expect.stringMatching(/2 bis 8 Buchstaben oder Ziffern/) },
      { field: 'staff.4.kuerzel', message: expect.stringMatching(/2 bis 8/) },
      { field: 'staff.5.kuerzel', message: expect.stringMatching(/2 bis 8/) },
    ]);
    expect(events).toEqual([]);
    expect(build().setup.view().staff).toHaveLength(2);
  });

  it('names: not empty, at most 80 characters; the counter name at most 40', async () => {
    const { setup } = build();
    const result = await setup.save(
      input({
        staff: [
          { kuerzel: 'AB', name: '   ', active: true },
          { kuerzel: 'CD', name: 'C'.repeat(81), active: true },
        ],
        counterName: 'K'.repeat(41),
      }),
    );
    expect(result.problems.map((p) => [p.field, p.message])).toEqual([
      ['staff.0.name', 'Bitte den Namen eintragen.'],
      ['staff.1.name', expect.stringMatching(/höchstens 80 Zeichen \(jetzt 81\)/)],
      ['counterName', expect.stringMatching(/höchstens 40 Zeichen/)],
    ]);
  });

  it('nobody is deleted, and at least one member stays active', async () => {
    const { setup } = build();
    const removed = await setup.save(input({ staff: [{ kuerzel: 'AB', name: 'Anna Becker', active: true }] }));
    expect(removed.problems).toEqual([{ field: 'staff', message: expect.stringMatching(/^„CD“ fehlt in der Liste.*nicht aktiv/) }]);
    const noneActive = await setup.save(
      input({
        staff: [
          { kuerzel: 'AB', name: 'Anna Becker', active: false },
          { kuerzel: 'CD', name: 'Can Demir', active: false },
        ],
      }),
    );
    expect(noneActive.problems).toEqual([{ field: 'staff', message: expect.stringMatching(/Mindestens eine Person muss aktiv sein/) }]);
  });

  it('deactivating the current member signs them off', async () => {
    const { settings, setup } = build();
    await settings.setStaff('CD');
    const result = await setup.save(
      input({
        staff: [
          { kuerzel: 'AB', name: 'Anna Becker', active: true },
          { kuerzel: 'CD', name: 'Can Demir', active: false },
        ],
      }),
    );
    expect(result.saved).toBe(true);
    expect(settings.getAppInfo().staff).toBeNull();
  });

  it('the pharmacy in training: name required, the Telematik-ID a pharmacy\'s in the app\'s format', async () => {
    const { setup } = build();
    const bad = await setup.save(input({ pharmacy: { name: '', telematikId: 'SMC-B 123' } }));
    expect(bad.problems).toEqual([
      { field: 'pharmacy.name', message: 'Bitte den Namen der Apotheke eintragen.' },
      { field: 'pharmacy.telematikId', message: expect.stringMatching(/beginnt mit einer Ziffer und einem Bindestrich/) },
    ]);
    const doctor = await setup.save(input({ pharmacy: { name: 'Praxis', telematikId: '1-20014802022' } }));
    expect(doctor.problems).toEqual([{ field: 'pharmacy.telematikId', message: 'Die Telematik-ID einer Apotheke beginnt mit „3-“ (oder „9-“).' }]);
  });

  it('the Telematik-ID stays while prescriptions are in Abgabe; the name may change', async () => {
    const { settings, setup } = build();
    openCases = 2;
    const changedId = await setup.save(input({ pharmacy: { name: DEFAULT_PHARMACY.name, telematikId: '3-01.2.2023001.16.101' } }));
    expect(changedId.problems).toEqual([{ field: 'pharmacy.telematikId', message: expect.stringMatching(/solange 2 Rezepte in Abgabe sind/) }]);
    const renamed = await setup.save(input({ pharmacy: { name: 'Markt-Apotheke', telematikId: DEFAULT_PHARMACY.telematikId } }));
    expect(renamed.saved).toBe(true);
    expect(settings.pharmacy()).toEqual({ name: 'Markt-Apotheke', telematikId: DEFAULT_PHARMACY.telematikId });
  });

  it('over the TI the pharmacy comes from the SMC-B: refused in German, the rest is saved without it', async () => {
    const { settings, setup } = build('ti');
    expect(setup.view().pharmacySource).toBe('smcb');
    const refused = await setup.save(input({ pharmacy: { name: 'Andere Apotheke', telematikId: '3-01.2.2023001.16.101' } }));
    expect(refused).toMatchObject({ saved: false, problems: [{ field: 'pharmacy', message: expect.stringMatching(/kommen mit der TI von der SMC-B/) }] });
    expect(settings.pharmacy()).toEqual(DEFAULT_PHARMACY);
    expect((await setup.save(input())).saved).toBe(true);
    expect(settings.getAppInfo().counterName).toBe('Kasse 1');
  });
});
