import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TiSettingsInput } from '../../shared/ipc/contract';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import { TiError } from '../ti/ti-error';
import { TiSettingsService, type TiStart } from './ti-settings';

/** the simulated Konnektor's TEST-ONLY client certificate (main/simulator/ti/material/konnektor-tls/NOTICE) */
const CLIENT_P12 = join(__dirname, '..', 'simulator', 'ti', 'material', 'konnektor-tls', 'client-cs1.p12');
const CLIENT_P12_PASSPHRASE = 'konnektor-tls-test-only';

let store: Store;
let openCases: number;

beforeEach(() => {
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32) });
  openCases = 0;
});
afterEach(() => store.close());

const service = (start: TiStart = { simulation: false }) => new TiSettingsService({ settings: store.settings, start, openCaseCount: async () => openCases });

function input(overrides: Partial<TiSettingsInput> = {}, konnektor: Partial<TiSettingsInput['konnektor']> = {}): TiSettingsInput {
  return {
    environment: 'ru',
    fachdienstUrl: '',
    idpUrl: '',
    clientId: 'gematikTestPs',
    ...overrides,
    konnektor: {
      baseUrl: 'https://192.168.1.10/',
      mandantId: 'Mandant1',
      clientSystemId: 'CS1',
      workplaceId: 'AP1',
      userId: '',
      trust: { kind: 'pin', sha256Fingerprint: 'AB:'.repeat(31) + 'AB' },
      allowPlainHttp: false,
      smcbIccsn: '',
      clientAuth: { kind: 'none' },
      ...konnektor,
    },
  };
}

const SIMULATION: TiStart = {
  simulation: true,
  addresses: { fachdienstUrl: 'http://127.0.0.1:8081/', idpUrl: 'http://127.0.0.1:8081/idp', konnektorUrl: 'http://127.0.0.1:8081/konnektor' },
};

describe('TiSettingsService', () => {
  it('nothing set up: connectionConfig fails on hop konnektor with the German set-up hint', () => {
    const error = (() => {
      try {
        service().connectionConfig();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TiError);
    expect(error).toMatchObject({ hop: 'konnektor', message: expect.stringContaining('„Einstellungen & Info“ (Alt+I)') });
  });

  it('each environment brings its addresses and scope; PU gets the production trust, RU and RU-DEV the reference trust', async () => {
    const ti = service();
    expect((await ti.save(input({ environment: 'pu' }))).saved).toBe(true);
    expect(ti.connectionConfig()).toMatchObject({
      fachdienstUrl: 'https://erp.zentral.erp.splitdns.ti-dienste.de/',
      idpUrl: 'https://idp.zentral.idp.splitdns.ti-dienste.de/',
      scope: 'openid e-rezept',
      trustPolicy: 'production',
    });
    await ti.save(input({ environment: 'ru-dev' }));
    expect(ti.connectionConfig()).toMatchObject({ fachdienstUrl: 'https://erp-dev.zentral.erp.splitdns.ti-dienste.de/', scope: 'openid e-rezept-dev', trustPolicy: 'reference' });
  });

  it('own addresses must be https:// off this machine (loopback is the TI simulation, started otherwise)', async () => {
    const result = await service().save(input({ environment: 'custom', fachdienstUrl: 'http://erp.example/', idpUrl: 'https://127.0.0.1/idp' }));
    expect(result.saved).toBe(false);
    expect(result.problems).toEqual([
      { field: 'fachdienstUrl', message: expect.stringContaining('muss mit https:// beginnen') },
      { field: 'idpUrl', message: expect.stringContaining('TI-Simulation') },
    ]);
    expect(service().view().environment).toBeNull();
  });

  it('the environment does not change under open cases (they belong to the one they were claimed in)', async () => {
    const ti = service();
    await ti.save(input({ environment: 'ru' }));
    openCases = 2;
    const refused = await ti.save(input({ environment: 'pu' }));
    expect(refused).toMatchObject({ saved: false, problems: [{ field: 'environment', message: expect.stringContaining('solange 2 Rezepte in Abgabe sind') }] });
    // other settings of the same environment still save
    expect((await ti.save(input({ environment: 'ru' }, { workplaceId: 'AP2' }))).saved).toBe(true);
    expect(ti.connectionConfig().konnektor.context).toMatchObject({ workplaceId: 'AP2' });
  });

  it('secrets: kept when left out, dropped with another kind of authentication, never in the view', async () => {
    const ti = service();
    const unreadable = await ti.save(input({}, { clientAuth: { kind: 'pkcs12', pfxBase64: Buffer.from('no pkcs12').toString('base64'), passphrase: 'x' } }));
    expect(unreadable).toMatchObject({ saved: false, problems: [{ field: 'konnektor.clientAuth' }] });
    await ti.save(input({}, { clientAuth: { kind: 'pkcs12', pfxBase64: readFileSync(CLIENT_P12).toString('base64'), passphrase: CLIENT_P12_PASSPHRASE } }));
    await ti.save(input({}, { clientAuth: { kind: 'pkcs12' } }));
    expect(ti.view().konnektor.clientAuth).toEqual({ kind: 'pkcs12', certificateStored: true, passphraseStored: true });
    const config = ti.connectionConfig().konnektor.clientAuth;
    expect(config).toMatchObject({ kind: 'pkcs12', passphrase: CLIENT_P12_PASSPHRASE });
    // a Basic auth without its password is incomplete: the PKCS#12's passphrase is not reused for it
    expect(await ti.save(input({}, { clientAuth: { kind: 'basic', username: 'kasse1' } }))).toMatchObject({ saved: false, problems: [{ field: 'konnektor.clientAuth' }] });
    expect((await ti.save(input({}, { clientAuth: { kind: 'basic', username: 'kasse1', password: 'pw' } }))).saved).toBe(true);
    expect(ti.view().konnektor.clientAuth).toEqual({ kind: 'basic', username: 'kasse1', passwordStored: true });
    expect(store.settings.getSecret('tiSecrets')).toEqual({ password: 'pw' });
    expect(JSON.stringify(ti.view())).not.toContain(CLIENT_P12_PASSPHRASE);
  });

  it('the TI simulation: the three addresses and plain HTTP from the start; context, SMC-B and client id from here', async () => {
    const ti = service(SIMULATION);
    expect(ti.view()).toMatchObject({ environment: 'custom', addressesFromStart: true, fachdienstUrl: 'http://127.0.0.1:8081/', problems: [] });
    expect((await ti.save(input({}, { baseUrl: 'https://anything.example/', workplaceId: 'AP7', smcbIccsn: '8027 6001 0116 9990 2302' }))).saved).toBe(true);
    expect(ti.connectionConfig()).toMatchObject({
      fachdienstUrl: 'http://127.0.0.1:8081/',
      trustPolicy: 'simulation',
      konnektor: { baseUrl: 'http://127.0.0.1:8081/konnektor', allowPlainHttp: true, smcbIccsn: '80276001011699902302', context: { workplaceId: 'AP7' } },
    });
  });

  it('own addresses given at start are the real TI with the reference trust', async () => {
    const ti = service({ simulation: false, addresses: { fachdienstUrl: 'https://erp.example/', idpUrl: 'https://idp.example/', konnektorUrl: 'https://192.168.1.10/' } });
    await ti.save(input({ environment: 'pu' }));
    expect(ti.connectionConfig()).toMatchObject({ fachdienstUrl: 'https://erp.example/', trustPolicy: 'reference', konnektor: { baseUrl: 'https://192.168.1.10/' } });
  });
});
