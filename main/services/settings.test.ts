import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppFailure } from '../errors';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import { DEFAULT_PHARMACY, SettingsService } from './settings';

let store: Store;
let settings: SettingsService;
const clock = { now: () => new Date('2026-10-05T08:00:00Z') };

beforeEach(() => {
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32) });
  settings = new SettingsService({ settings: store.settings, backend: { kind: 'embedded', url: 'http://127.0.0.1:5000/', training: true }, appVersion: '0.1.0', clock, dataProtection: 'key-file' });
});
afterEach(() => store.close());

describe('SettingsService', () => {
  it('reports training mode, the demo pharmacy and the default staff list', () => {
    const info = settings.getAppInfo();
    expect(info).toMatchObject({ backend: 'embedded', training: true, fachdienstUrl: 'http://127.0.0.1:5000/', staff: null, pharmacy: DEFAULT_PHARMACY });
    expect(info.staffList.map((s) => s.kuerzel)).toEqual(['AB', 'CD']);
  });

  it('selects a staff member by Kürzel (any case), persists it, and signs off with an empty one', async () => {
    expect((await settings.setStaff('cd')).staff).toEqual({ kuerzel: 'CD', name: 'Can Demir', active: true });
    const reopened = new SettingsService({ settings: store.settings, backend: { kind: 'embedded', url: 'x', training: true }, appVersion: '0.1.0', clock, dataProtection: 'key-file' });
    expect(reopened.currentStaff()?.kuerzel).toBe('CD');
    expect((await settings.setStaff('')).staff).toBeNull();
  });

  it('refuses an unknown Kürzel and requires a staff member for changes', async () => {
    await expect(settings.setStaff('ZZ')).rejects.toThrow(AppFailure);
    try {
      settings.requireStaff();
      expect.unreachable();
    } catch (e) {
      expect((e as AppFailure).appError.code).toBe('staff-required');
    }
  });

  it('uses the pharmacy identity and staff list from the settings when present', async () => {
    await store.settings.set('pharmacy', { telematikId: '3-01.2.2023001.16.101', name: 'Löwen-Apotheke' });
    await store.settings.set('staffList', [{ kuerzel: 'XY', name: 'Xaver Y' }]);
    expect(settings.getAppInfo()).toMatchObject({ pharmacy: { name: 'Löwen-Apotheke' }, staffList: [{ kuerzel: 'XY' }] });
  });

  it('reads a staff list stored before `active` existed as all active; the counter name is empty until set', async () => {
    await store.settings.set('staffList', [{ kuerzel: 'XY', name: 'Xaver Y' }, { kuerzel: 'Q1', name: 'Quirin Eins', active: false }]);
    expect(settings.staffList()).toEqual([
      { kuerzel: 'XY', name: 'Xaver Y', active: true },
      { kuerzel: 'Q1', name: 'Quirin Eins', active: false },
    ]);
    expect(settings.getAppInfo().counterName).toBe('');
  });

  it('an inactive member cannot be chosen; deactivating the current member signs them off, the others stay signed in', async () => {
    await settings.applyPharmacySetup({ staff: [{ kuerzel: 'AB', name: 'Anna Becker', active: true }, { kuerzel: 'CD', name: 'Can Demir', active: false }], counterName: 'Kasse 1' });
    await expect(settings.setStaff('cd')).rejects.toThrow(/nicht mehr aktiv/);
    expect((await settings.setStaff('AB')).staff?.kuerzel).toBe('AB');
    expect(settings.getAppInfo().counterName).toBe('Kasse 1');

    await settings.applyPharmacySetup({ staff: [{ kuerzel: 'AB', name: 'Anna Becker-Roth', active: true }, { kuerzel: 'CD', name: 'Can Demir', active: true }], counterName: 'Kasse 1' });
    expect(settings.currentStaff()).toEqual({ kuerzel: 'AB', name: 'Anna Becker-Roth', active: true });

    await settings.applyPharmacySetup({ staff: [{ kuerzel: 'AB', name: 'Anna Becker-Roth', active: false }, { kuerzel: 'CD', name: 'Can Demir', active: true }], counterName: 'Kasse 1' });
    expect(settings.currentStaff()).toBeNull();
    expect(() => settings.requireStaff()).toThrow(AppFailure);
  });

  it('the pharmacy comes from the SMC-B with backend ti only', () => {
    expect(settings.pharmacyFromCard()).toBe(false);
    const ti = new SettingsService({ settings: store.settings, backend: { kind: 'ti', url: 'x', training: false }, appVersion: '0.1.0', clock, dataProtection: 'key-file' });
    expect(ti.pharmacyFromCard()).toBe(true);
  });

  it('the retention of Zuweisungen never accepted: 30 days until set, then the stored value; outside 1–365 refused', async () => {
    expect(settings.messageRetentionDays()).toBe(30);
    expect(settings.getAppInfo().messageRetentionDays).toBe(30);
    expect((await settings.setMessageRetentionDays(14)).messageRetentionDays).toBe(14);
    expect(settings.messageRetentionDays()).toBe(14);
    await expect(settings.setMessageRetentionDays(0)).rejects.toThrow();
    await expect(settings.setMessageRetentionDays(366)).rejects.toThrow();
    expect(settings.messageRetentionDays()).toBe(14);
  });

  it('selectBackend: the TI and the other training backend are starts of their own; the running backend stays', () => {
    try {
      settings.selectBackend('ti');
      expect.unreachable();
    } catch (e) {
      expect((e as AppFailure).appError).toMatchObject({
        code: 'restart-required',
        message: expect.stringMatching(/^Die echte TI wird beim Start gewählt: bitte die App mit „--backend ti“ starten.*Bis dahin bleibt die App im Trainingsmodus/),
      });
    }
    expect(settings.selectBackend('embedded')).toEqual(settings.getAppInfo());
    expect(() => settings.selectBackend('simulator')).toThrow(/beim Start gewählt.*--fachdienst URL/);
    expect(settings.getAppInfo()).toMatchObject({ backend: 'embedded', training: true });
  });

  it('the IDP\'s consent: shown until acknowledged, not again for the same consent, again for another one (backend ti only)', async () => {
    const ti = new SettingsService({ settings: store.settings, backend: { kind: 'ti', url: 'x', training: false }, appVersion: '0.1.0', clock, dataProtection: 'key-file' });
    expect(ti.getAppInfo().idpConsent).toBeNull();
    const consent = {
      requested_scopes: { openid: 'Zugriff auf den ID-Token', 'e-rezept': 'Zugriff auf die E-Rezept-Funktionalität.' },
      requested_claims: { organizationName: 'Zustimmung zur Verarbeitung der Organisationszugehörigkeit' },
    };
    expect(await ti.rememberIdpConsent(consent)).toBe(true);
    expect(ti.getAppInfo().idpConsent).toEqual({
      at: '2026-10-05T08:00:00.000Z',
      scopes: [
        { name: 'openid', text: 'Zugriff auf den ID-Token' },
        { name: 'e-rezept', text: 'Zugriff auf die E-Rezept-Funktionalität.' },
      ],
      claims: [{ name: 'organizationName', text: 'Zustimmung zur Verarbeitung der Organisationszugehörigkeit' }],
      acknowledged: false,
    });
    expect((await ti.acknowledgeIdpConsent()).idpConsent?.acknowledged).toBe(true);
    // the next sign-in brings the same consent: nothing to show
    expect(await ti.rememberIdpConsent(consent)).toBe(false);
    expect(ti.getAppInfo().idpConsent?.acknowledged).toBe(true);
    // the IDP asks for more: shown again
    expect(await ti.rememberIdpConsent({ ...consent, requested_claims: { ...consent.requested_claims, idNummer: 'Telematik-ID' } })).toBe(true);
    expect(ti.getAppInfo().idpConsent).toMatchObject({ acknowledged: false, claims: [{ name: 'organizationName' }, { name: 'idNummer' }] });
    // a simulator backend has no IDP
    expect(settings.getAppInfo()).not.toHaveProperty('idpConsent');
  });

  it('acknowledging without any consent recorded is refused in German', async () => {
    await expect(settings.acknowledgeIdpConsent()).rejects.toThrow(/noch nicht angemeldet/);
  });
});
