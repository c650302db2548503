/**
 * The composition root's training rules (architecture §2): what it refuses before anything is created, where
 * training data lives (and how an earlier version's data gets there), deterministic runs of the embedded simulator,
 * and the trainer channels wired to it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { REAL_TI_NOT_AVAILABLE_MESSAGE } from './backend/policy';
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
  it('the real TI (addresses off this machine) and `ti` without addresses', async () => {
    const dataDir = join(base, 'ti');
    const real = { fachdienstUrl: 'https://erp-ref.zentral.erp.splitdns.ti-dienste.de', idpUrl: 'https://idp-ref.zentral.idp.splitdns.ti-dienste.de', konnektorUrl: 'https://192.168.1.10' };
    await expect(createCore({ dataDir, backend: 'ti', ...real })).rejects.toThrow(REAL_TI_NOT_AVAILABLE_MESSAGE);
    await expect(createCore({ dataDir, backend: 'ti' })).rejects.toThrow(/braucht die Adressen/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a Fachdienst that is not on this machine: training mode never reaches a real one', async () => {
    const dataDir = join(base, 'remote');
    await expect(createCore({ dataDir, fachdienstUrl: 'https://erp.zentral.erp.splitdns.ti-dienste.de/' })).rejects.toThrow(/nur auf diesen Rechner zeigen/);
    await expect(createCore({ dataDir, fachdienstUrl: 'http://10.1.2.3:8081' })).rejects.toThrow(/127\.0\.0\.1, ::1 oder localhost/);
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
    legacy.settings.set('currentStaff', 'CD');
    // an encrypted value: without its data key the start would be refused (key-loss check)
    legacy.settings.setSecret('demo.seededTokens', ['Task/160.000.000.000.001.54/$accept?ac=' + '1'.repeat(64)]);
    legacy.close();
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
