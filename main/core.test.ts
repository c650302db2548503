/**
 * The composition root's training rules (architecture §2): what it refuses before anything is created, where
 * training data lives (and how an earlier version's data gets there), deterministic runs of the embedded simulator,
 * and the trainer channels wired to it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../shared/erezept/identifiers';
import { parseAppArgs } from './app/args';
import { BackendChoiceError, chooseBackend, type BackendRequest } from './backend/choice';
import { parseWebArgs } from './browser-bridge/web-args';
import { createCore, storeDirOf, type Core } from './core';
import { openDataProtection } from './store/data-protection';
import { loadOrCreateKey } from './store/kvnr-key';
import { openStore } from './store/store';
import { startSimulatorServer } from './simulator/server';

let base: string;
let core: Core | undefined;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'erx-core-'));
});
afterEach(async () => {
  await core?.close();
  core = undefined;
  rmSync(base, { recursive: true, force: true });
});

describe('createCore refuses before anything is created', () => {
  it('`ti` with only some of its three addresses', async () => {
    const dataDir = join(base, 'ti');
    await expect(createCore({ dataDir, backend: 'ti', fachdienstUrl: 'https://erp-ref.zentral.erp.splitdns.ti-dienste.de' })).rejects.toThrow(/alle drei Adressen/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a Fachdienst that is not on this machine: training mode never reaches a real one', async () => {
    const dataDir = join(base, 'remote');
    await expect(createCore({ dataDir, fachdienstUrl: 'https://erp.zentral.erp.splitdns.ti-dienste.de/' })).rejects.toThrow(/nur auf diesen Rechner zeigen/);
    await expect(createCore({ dataDir, fachdienstUrl: 'http://10.1.2.3:8081' })).rejects.toThrow(/127\.0\.0\.1, ::1 oder localhost/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a shared store with the embedded simulator: each counter would have its own Fachdienst (issue 18 item 2)', async () => {
    const dataDir = join(base, 'shared');
    const store = { host: '127.0.0.1', port: 5432, user: 'erx', database: 'apotheke' };
    await expect(createCore({ dataDir, store })).rejects.toThrow(/braucht im Training einen gemeinsamen Simulator \(--fachdienst URL\)/);
    await expect(createCore({ dataDir, store, backend: 'embedded' })).rejects.toThrow(/gemeinsamen Simulator/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('deterministic options for an external simulator, and a --backend that contradicts --fachdienst', async () => {
    const dataDir = join(base, 'x');
    await expect(createCore({ dataDir, fachdienstUrl: 'http://127.0.0.1:1', simulator: { seed: 1 } })).rejects.toThrow(/nur für den eingebauten Simulator/);
    await expect(createCore({ dataDir, backend: 'simulator' })).rejects.toThrow(/--fachdienst URL/);
    await expect(createCore({ dataDir, backend: 'embedded', fachdienstUrl: 'http://127.0.0.1:1' })).rejects.toThrow(/schließen sich aus/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('by the one backend rule (main/backend/choice.ts): the Electron and browser-mode command lines refuse the same', async () => {
    const url = 'http://127.0.0.1:9000';
    const env = { homeDir: '/home/pta', cwd: '/opt/erx' };
    const dataDir = join(base, 'rule');
    const cases: { argv: string[]; request: BackendRequest }[] = [
      { argv: ['--backend', 'simulator'], request: { backend: 'simulator' } },
      { argv: ['--backend', 'embedded', '--fachdienst', url], request: { backend: 'embedded', fachdienstUrl: url } },
    ];
    for (const { argv, request } of cases) {
      let german = '';
      try {
        chooseBackend(request);
      } catch (e) {
        german = e instanceof BackendChoiceError ? e.message : '';
      }
      expect(german, argv.join(' ')).not.toBe('');
      await expect(createCore({ dataDir, ...request })).rejects.toThrow(german);
      expect(() => parseAppArgs(argv)).toThrow(german);
      const web = parseWebArgs(argv, env);
      expect(web.kind === 'error' && web.message.startsWith(`${german} / `), argv.join(' ')).toBe(true);
    }
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('training data under <data dir>/training/', () => {
  it('moves an earlier version’s store, keys and simulator there and keeps using them', async () => {
    // what a version without the training folder left in the data folder: an encrypted store and its keys at the
    // top level
    const protection = openDataProtection({ dataDir: base });
    const legacy = openStore({ file: join(base, 'erx.db'), cipher: protection.cipher, hmacKey: loadOrCreateKey(join(base, 'store.key')) });
    await legacy.settings.set('currentStaff', 'CD');
    // an encrypted value: without its data key the start would be refused (key-loss check)
    await legacy.settings.setSecret('demo.seededTokens', ['Task/160.000.000.000.001.54/$accept?ac=' + '1'.repeat(64)]);
    await legacy.close();
    mkdirSync(join(base, 'simulator'));
    writeFileSync(join(base, 'simulator', 'marker.txt'), 'the embedded Fachdienst of the earlier version');

    core = await createCore({ dataDir: base, seedDemoPrescriptions: false });

    const training = storeDirOf(base, true);
    expect(training).toBe(join(base, 'training'));
    for (const name of ['erx.db', 'data.key', 'store.key', 'simulator']) {
      expect(existsSync(join(training, name)), name).toBe(true);
      expect(existsSync(join(base, name)), name).toBe(false);
    }
    expect(readFileSync(join(training, 'simulator', 'marker.txt'), 'utf8')).toContain('earlier version');
    expect((await core.handlers['erx:getAppInfo']({})).staff?.kuerzel).toBe('CD');
  });

  it('a fresh start puts everything there; the trainer channels work against the embedded simulator', async () => {
    const fixedTime = new Date('2026-10-05T07:00:00.000Z');
    core = await createCore({ dataDir: base, seedDemoPrescriptions: false, simulator: { seed: 7, fixedTime } });
    expect(existsSync(join(base, 'training', 'erx.db'))).toBe(true);
    expect(existsSync(join(base, 'training', 'simulator', 'simulator.db'))).toBe(true);
    expect(existsSync(join(base, 'erx.db'))).toBe(false);

    // --fixed-time reaches the embedded simulator: its clock stands at that instant
    const clock = (await (await fetch(`${core.backend.url}_sim/clock`)).json()) as { now: string };
    expect(clock.now).toBe(fixedTime.toISOString());

    const deck = await core.handlers['erx:trainerListScenarios']({});
    expect(deck.map((s) => s.name)).toContain('standard-gkv-pzn');
    const loaded = await core.handlers['erx:trainerLoadScenario']({ name: 'standard-gkv-pzn' });
    expect(loaded.prescriptions.length).toBeGreaterThan(0);
    expect(await core.handlers['erx:trainerCurrentScenario']({})).toEqual(loaded);
    const view = await core.handlers['erx:trainerPatientView']({ prescriptionId: loaded.prescriptions[0]!.prescriptionId as PrescriptionId });
    expect(view.statusText).toBe('Noch nicht eingelöst');
  });
});

describe('the TI simulation (`--backend ti` against `npm run simulator -- --ti`)', () => {
  it('claims a scanned prescription through Konnektor, IDP and VAU; training mode; the pharmacy is the SMC-B\'s', async () => {
    const simulator = await startSimulatorServer({ port: 0, ti: true });
    try {
      core = await createCore({
        dataDir: base,
        backend: 'ti',
        fachdienstUrl: simulator.url,
        idpUrl: `${simulator.url}/idp/`,
        konnektorUrl: `${simulator.url}/konnektor`,
        seedDemoPrescriptions: false,
      });
      const before = await core.handlers['erx:getAppInfo']({});
      expect(before).toMatchObject({ backend: 'ti', training: true });
      expect(existsSync(join(base, 'training', 'erx.db'))).toBe(true);

      await core.handlers['erx:setStaff']({ kuerzel: 'AB' });
      const created = (await (await fetch(`${simulator.url}/_sim/prescriptions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"flowType":"160"}' })).json()) as { token: string };
      const { results } = await core.handlers['erx:scanCode']({ text: created.token });
      // the simulator refuses a pharmacy's plain FHIR call in --ti mode (403): accepted means through the VAU
      expect(results[0]).toMatchObject({ ok: true, outcome: 'accepted' });
      expect((await core.handlers['erx:getAppInfo']({})).pharmacy).toEqual({ telematikId: '3-01.2.2023001.16.101', name: 'Apotheke Adelheid Ulmendorfer TEST-ONLY' });
    } finally {
      await core?.close();
      core = undefined;
      await simulator.close();
    }
  });
});

describe('the real TI (`--backend ti` without addresses: the environment in the settings)', () => {
  /** Every request the Fachdienst or IDP side would get: none may go out while nothing is set up. */
  function recordingFetch(): { fetch: typeof fetch; urls: string[] } {
    const urls: string[] = [];
    return {
      urls,
      fetch: async (input) => {
        urls.push(String(input instanceof Request ? input.url : input));
        throw new TypeError('fetch failed: no network in this test');
      },
    };
  }

  it('starts in the production store, not training; until set up every call fails on hop konnektor and nothing is sent', async () => {
    const network = recordingFetch();
    core = await createCore({ dataDir: base, backend: 'ti', fetch: network.fetch });
    expect(await core.handlers['erx:getAppInfo']({})).toMatchObject({ backend: 'ti', training: false, fachdienstUrl: '' });
    expect(existsSync(join(base, 'erx.db'))).toBe(true);
    expect(existsSync(join(base, 'training'))).toBe(false);

    const settings = await core.handlers['erx:getTiSettings']({});
    expect(settings).toMatchObject({ environment: null, addressesFromStart: false, clientId: 'gematikTestPs', konnektor: { mandantId: 'Mandant1', clientSystemId: 'CS1', workplaceId: 'AP1' } });
    expect(settings.problems).toEqual([{ field: 'environment', message: expect.stringContaining('noch nicht vollständig eingerichtet') }]);

    await core.handlers['erx:setStaff']({ kuerzel: 'AB' });
    const { results } = await core.handlers['erx:scanCode']({ text: 'Task/160.000.100.000.001.05/$accept?ac=777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea' });
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'ti-konnektor', system: 'ti', message: expect.stringContaining('Es wurde nichts an den E-Rezept-Fachdienst gesendet') } });
    const diagnosis = await core.handlers['erx:diagnoseConnection']({});
    expect(diagnosis.steps[0]).toMatchObject({ step: 'konnektor', state: 'failed', hop: 'konnektor', message: expect.stringContaining('Einstellungen & Info') });
    await expect(core.handlers['erx:trainerListScenarios']({})).rejects.toMatchObject({ appError: { code: 'not-training' } });
    expect(network.urls).toEqual([]);
  });

  it('saves RU with a Konnektor: refused while the TLS trust is missing; stored with the password encrypted, which never comes back', async () => {
    const network = recordingFetch();
    core = await createCore({ dataDir: base, backend: 'ti', fetch: network.fetch });
    const input = {
      environment: 'ru' as const,
      fachdienstUrl: '',
      idpUrl: '',
      clientId: 'gematikTestPs',
      konnektor: {
        baseUrl: 'https://127.0.0.1:1/',
        mandantId: 'Mandant1',
        clientSystemId: 'CS1',
        workplaceId: 'AP1',
        userId: '',
        trust: { kind: 'none' as const },
        allowPlainHttp: false,
        smcbIccsn: '',
        clientAuth: { kind: 'basic' as const, username: 'kasse1', password: 'geheim-4711' },
      },
    };
    const refused = await core.handlers['erx:saveTiSettings'](input);
    expect(refused.saved).toBe(false);
    expect(refused.problems).toEqual([{ field: 'konnektor.trust', message: expect.stringContaining('CA-Zertifikat des Konnektors importieren') }]);

    const saved = await core.handlers['erx:saveTiSettings']({ ...input, konnektor: { ...input.konnektor, trust: { kind: 'pin', sha256Fingerprint: 'ab'.repeat(32) } } });
    expect(saved).toMatchObject({ saved: true, problems: [] });
    expect(saved.settings).toMatchObject({ environment: 'ru', fachdienstUrl: 'https://erp-ref.zentral.erp.splitdns.ti-dienste.de/', problems: [] });
    expect(saved.settings.konnektor.clientAuth).toEqual({ kind: 'basic', username: 'kasse1', passwordStored: true });
    expect(JSON.stringify(await core.handlers['erx:getTiSettings']({}))).not.toContain('geheim-4711');
    expect((await core.handlers['erx:getAppInfo']({})).fachdienstUrl).toBe('https://erp-ref.zentral.erp.splitdns.ti-dienste.de/');

    // saving again without a password keeps the stored one
    const again = await core.handlers['erx:saveTiSettings']({ ...input, konnektor: { ...input.konnektor, trust: { kind: 'pin', sha256Fingerprint: 'ab'.repeat(32) }, clientAuth: { kind: 'basic', username: 'kasse1' } } });
    expect(again.settings.konnektor.clientAuth).toEqual({ kind: 'basic', username: 'kasse1', passwordStored: true });
    await core.close();
    core = undefined;
    // at rest the password is encrypted (architecture §7): its bytes are nowhere in the store's files
    for (const file of readdirSync(base).filter((name) => name.startsWith('erx.db'))) {
      expect(readFileSync(join(base, file)).includes(Buffer.from('geheim-4711'))).toBe(false);
    }

    // after a restart the connection is built from them: the Konnektor (nothing listens) is the failing hop
    core = await createCore({ dataDir: base, backend: 'ti', fetch: network.fetch });
    const diagnosis = await core.handlers['erx:diagnoseConnection']({});
    expect(diagnosis.steps[0]).toMatchObject({ step: 'konnektor', state: 'failed', hop: 'konnektor', message: expect.stringContaining('nicht erreichbar') });
    expect(network.urls).toEqual([]);
  });
});
