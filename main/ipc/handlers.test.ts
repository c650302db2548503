import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { channels, type BackendKind, type Channel, type ConnectionDiagnosis, type ConnectionStatus } from '../../shared/ipc/contract';
import { AppFailure, failure } from '../errors';
import { jsonResponse, ScriptedTransport } from '../fachdienst/testing';
import { EventHub } from '../services/events';
import { SettingsService } from '../services/settings';
import { defaultCodecs } from '../services/default-codecs';
import { createSimulatorFachdienst, type Prescribed, type SimulatorFachdienst } from '../services/simulator-harness';
import { FakeClock } from '../services/testing';
import { WorkflowService } from '../services/workflow';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import { SimulatorControl } from '../training/simulator-control';
import { TrainerService } from '../training/trainer-service';
import { createHandlers, type Services } from './handlers';
import { CaseLeaseService } from '../services/case-leases';
import { EnrolmentCodeService } from '../services/enrolment-codes';
import { TiSetupService } from '../services/ti-setup';
import { PharmacySetupService } from '../services/pharmacy-setup';
import type { HandlerTable } from './types';
import type { ArticleImportSummary } from '../../shared/erezept/catalog/article-catalog';
import { catalogOfTable, demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { createDispatcher } from './handle';

let store: Store;
let handlers: HandlerTable;
let fd: SimulatorFachdienst;
let prescribed: Prescribed;
let connection: { checks: number; status: () => ConnectionStatus; check: () => Promise<ConnectionStatus> };
let cancelled: string[];
/** „Aktualisieren“ presses that reached the messages poller */
let refreshes = 0;
/** the simulator as the trainer channels see it: every request recorded */
let simulator: ScriptedTransport;
/** what reached the article master's import, and how often its lookups were asked */
let imports: Array<{ text: string; meta: { fileName?: string; staff: string } }>;
let articleLookups: string[][];

/** A demo PZN the catalogue knows, and one with a valid check digit it does not. */
const KNOWN_PZN = demoCatalog.all()[0]!.pzn;
const UNKNOWN_PZN = '00000000';
const IMPORTED: ArticleImportSummary = { articleCount: 2, source: 'Testlieferant', asOf: '2026-10-01', importedAt: '2026-10-05T08:00:00.000Z' };

/** The article master as core builds it (main/services/article-master.ts): the demo catalogue, an import that checks its file. */
function fakeArticles(): Services['articles'] {
  const catalog = catalogOfTable(demoCatalog);
  return {
    byPzns: async (pzns) => (articleLookups.push([...pzns]), catalog.byPzns(pzns)),
    search: (text, limit) => catalog.search(text, limit),
    info: () => catalog.info(),
    importCsv: async (text, meta) => {
      imports.push({ text, meta });
      if (!text.startsWith('#Artikelstamm')) {
        throw failure('validation', 'Die Datei wurde nicht importiert: Zeile 1: Kopfzeile „#Artikelstamm;Version=1“ fehlt.', { detail: 'Zeile 1: Kopfzeile „#Artikelstamm;Version=1“ fehlt.' });
      }
      return IMPORTED;
    },
  };
}

const DIAGNOSIS: ConnectionDiagnosis = { ok: true, at: '2026-10-05T08:00:00.000Z', steps: [{ step: 'fachdienst', hop: 'fachdienst', state: 'ok', message: 'antwortet' }] };
const SCENARIOS = { scenarios: [{ name: 'standard-gkv-pzn', title: 'Standard', description: 'GKV, PZN' }] };

function build(backend: BackendKind, extra: Partial<Pick<Services, 'pharmacySetup'>> = {}): HandlerTable {
  const clock = new FakeClock(new Date('2026-10-05T08:00:00Z'));
  const settings = new SettingsService({ settings: store.settings, backend: { kind: backend, url: 'http://127.0.0.1:1/', training: backend !== 'ti' }, appVersion: '0.1.0', clock, dataProtection: 'key-file' });
  const events = new EventHub();
  const workflow = new WorkflowService({ store, fachdienst: fd.client, settings, events, clock, ids: { next: () => 'k' }, codecs: defaultCodecs });
  const trainer = new TrainerService({
    control: new SimulatorControl(simulator, () => clock.now()),
    transport: simulator,
    store,
    events,
    syncClock: async () => undefined,
    now: () => clock.now(),
    pharmacy: () => settings.pharmacy(),
  });
  return createHandlers({
    settings,
    workflow,
    connection,
    trainer,
    fachdienst: { cancel: (id) => (cancelled.push(id), id === '160.000.000.000.001.54') },
    diagnosis: { run: async () => DIAGNOSIS },
    tiSetup: new TiSetupService({ events, clock }),
    egk: {
      poll: async () => ({ card: { ctId: 'CT-AP1', slotId: '1' } }),
      lookup: async () => ({ lookupId: 'l-1', patient: { name: 'Erika Mustermann' }, offlineProofAccepted: false, total: 0, prescriptions: [], unreadable: [] }),
      accept: async () => ({ results: [] }),
    },
    messages: {
      inbox: async () => ({ open: refreshes, requests: [] }),
      refreshNow: async () => {
        refreshes += 1;
      },
      acceptRequest: async () => ({ ok: false, error: { code: 'not-found', message: 'weg', retry: 'never', system: 'app', at: '2026-10-05T08:00:00.000Z' } }),
      dismissRequest: async () => ({ open: 0, requests: [] }),
      caseMessages: async () => ({ messages: [], replyVersion: 1, canReply: true }),
      sendReply: async () => ({ messages: [], replyVersion: 1, canReply: true }),
      deleteReply: async () => ({ messages: [], replyVersion: 1, canReply: true }),
    },
    pharmacySetup: new PharmacySetupService({ settings, events, openCaseCount: async () => (await workflow.listCases(undefined, 'open', 1)).total }),
    // one counter on its own SQLite store, as main/core.ts builds it: every case is this counter's (multi-counter §4)
    leases: new CaseLeaseService({ me: () => ({ counterId: 'local', counterName: 'Diese Kasse', staff: settings.currentStaff()?.kuerzel ?? '' }), now: () => clock.now() }),
    enrolmentCodes: new EnrolmentCodeService({ now: () => clock.now() }),
    articles: fakeArticles(),
    ...extra,
  });
}

beforeEach(async () => {
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32) });
  fd = await createSimulatorFachdienst('2026-10-05T08:00:00Z');
  prescribed = await fd.prescribe();
  const status: ConnectionStatus = { state: 'online', since: '2026-10-05T08:00:00.000Z', pendingCount: 0 };
  connection = { checks: 0, status: () => status, check: async () => (connection.checks++, status) };
  cancelled = [];
  imports = [];
  articleLookups = [];
  simulator = new ScriptedTransport((request) =>
    request.path === '_sim/scenarios' ? jsonResponse(200, SCENARIOS) : request.path === '_sim/clock' ? jsonResponse(200, { now: '2026-10-05T09:00:00.000Z' }) : jsonResponse(200, { ok: true }),
  );
  handlers = build('embedded');
});
afterEach(() => store.close());

describe('createHandlers', () => {
  it('has a handler for every channel of the contract', () => {
    expect(Object.keys(handlers).sort()).toEqual([...channels].sort());
  });

  it('routes requests to the services', async () => {
    expect((await handlers['erx:setStaff']({ kuerzel: 'AB' })).staff?.kuerzel).toBe('AB');
    const scan = await handlers['erx:scanCode']({ text: prescribed.token });
    expect(scan.results[0]?.ok).toBe(true);
    expect((await handlers['erx:listCases']({ filter: 'open' })).cases.map((c) => c.prescriptionId)).toEqual([prescribed.id]);
    expect((await handlers['erx:getAppInfo']({})).training).toBe(true);
    expect(await handlers['erx:diagnoseConnection']({})).toEqual(DIAGNOSIS);
    expect(await handlers['erx:egkPoll']({})).toEqual({ card: { ctId: 'CT-AP1', slotId: '1' } });
    // „Aktualisieren“ goes through the poller (its spacing and 429 wait), then answers the inbox as stored
    refreshes = 0;
    expect((await handlers['erx:refreshMessages']({})).open).toBe(1);
    // the TI settings exist only with backend ti
    await expect(handlers['erx:getTiSettings']({})).rejects.toMatchObject({ appError: { code: 'not-available', message: expect.stringContaining('--backend ti') } });
  });

  it('„Jetzt erneut versuchen“ checks the connection before it runs what is owed', async () => {
    expect(await handlers['erx:resumePendingOperations']({})).toEqual([]);
    expect(connection.checks).toBe(1);
    expect((await handlers['erx:getConnection']({})).state).toBe('online');
  });

  it('„Abbrechen“ reaches the retrying client for that prescription', async () => {
    expect(await handlers['erx:cancelRetry']({ prescriptionId: '160.000.000.000.001.54' as PrescriptionId })).toEqual({ cancelled: true });
    expect(cancelled).toEqual(['160.000.000.000.001.54']);
  });
});

/** Every trainer channel with a valid request. */
const trainerCalls: Array<[Channel, (h: HandlerTable) => Promise<unknown>]> = [
  ['erx:trainerListScenarios', (h) => h['erx:trainerListScenarios']({})],
  ['erx:trainerLoadScenario', (h) => h['erx:trainerLoadScenario']({ name: 'standard-gkv-pzn' })],
  ['erx:trainerCurrentScenario', (h) => h['erx:trainerCurrentScenario']({})],
  ['erx:trainerReset', (h) => h['erx:trainerReset']({})],
  ['erx:trainerAdvanceClock', (h) => h['erx:trainerAdvanceClock']({ duration: 'PT1H' })],
  ['erx:trainerPatientView', (h) => h['erx:trainerPatientView']({ prescriptionId: '160.000.000.000.001.54' as PrescriptionId })],
  ['erx:trainerPatientReplies', (h) => h['erx:trainerPatientReplies']({ prescriptionId: '160.000.000.000.001.54' as PrescriptionId })],
  ['erx:trainerInsertEgk', (h) => h['erx:trainerInsertEgk']({ prescriptionId: '160.000.000.000.001.54' as PrescriptionId, staleCard: true })],
];

describe('trainer channels: training mode only (architecture §2)', () => {
  it('covers every trainer channel of the contract', () => {
    expect(trainerCalls.map(([c]) => c).sort()).toEqual(channels.filter((c) => c.startsWith('erx:trainer')).sort());
  });

  it('outside training mode (backend ti) every trainer channel is refused in German and sends nothing', async () => {
    const ti = build('ti');
    expect((await ti['erx:getAppInfo']({})).training).toBe(false);
    for (const [channel, call] of trainerCalls) {
      const error = await call(ti).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, channel).toBeInstanceOf(AppFailure);
      expect((error as AppFailure).appError, channel).toMatchObject({ code: 'not-training', message: expect.stringMatching(/^Nur im Trainingsmodus verfügbar/) });
    }
    expect(simulator.requests).toEqual([]);
  });

  it('in training mode they reach the simulator', async () => {
    expect(await handlers['erx:trainerListScenarios']({})).toEqual(SCENARIOS.scenarios);
    expect(await handlers['erx:trainerAdvanceClock']({ duration: 'PT1H' })).toEqual({ now: '2026-10-05T09:00:00.000Z' });
    expect(await handlers['erx:trainerCurrentScenario']({})).toBeNull();
    expect(simulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET _sim/scenarios', 'POST _sim/clock']);
  });
});

describe('erx:selectBackend: an explicit, confirmed choice (architecture §2, backends)', () => {
  it('refuses the TI in a running training app — it is a start with --backend ti — and keeps training mode', async () => {
    await expect(handlers['erx:selectBackend']({ backend: 'ti', confirmed: true })).rejects.toMatchObject({
      appError: { code: 'restart-required', message: expect.stringContaining('mit „--backend ti“ starten') },
    });
    expect((await handlers['erx:getAppInfo']({})).training).toBe(true);
  });

  it('answers the current backend unchanged and names the start option for the other training backend', async () => {
    expect(await handlers['erx:selectBackend']({ backend: 'embedded', confirmed: true })).toMatchObject({ backend: 'embedded', training: true });
    await expect(handlers['erx:selectBackend']({ backend: 'simulator', confirmed: true })).rejects.toMatchObject({
      appError: { code: 'restart-required', message: expect.stringContaining('--fachdienst URL') },
    });
  });
});

describe('„Apotheke & Personal“ (issue 18)', () => {
  const demoStaff = [
    { kuerzel: 'AB', name: 'Anna Becker', active: true },
    { kuerzel: 'CD', name: 'Can Demir', active: true },
  ];

  it('saves the counter name and staff list; the AppInfo shows them at once', async () => {
    expect(await handlers['erx:getPharmacySetup']({})).toMatchObject({ staff: demoStaff, counterName: '', pharmacySource: 'settings' });
    const saved = await handlers['erx:savePharmacySetup']({ staff: [...demoStaff, { kuerzel: 'ef', name: 'Eva Fischer', active: true }], counterName: 'Kasse 2' });
    expect(saved).toMatchObject({ saved: true, problems: [] });
    expect(await handlers['erx:getAppInfo']({})).toMatchObject({ counterName: 'Kasse 2', staffList: [{ kuerzel: 'AB' }, { kuerzel: 'CD' }, { kuerzel: 'EF', active: true }] });
  });

  it('keeps the Telematik-ID while a prescription is in Abgabe (the workflow\'s open cases)', async () => {
    await handlers['erx:setStaff']({ kuerzel: 'AB' });
    expect((await handlers['erx:scanCode']({ text: prescribed.token })).results[0]?.ok).toBe(true);
    const refused = await handlers['erx:savePharmacySetup']({ staff: demoStaff, counterName: '', pharmacy: { name: 'Löwen-Apotheke', telematikId: '3-01.2.2023001.16.101' } });
    expect(refused).toMatchObject({ saved: false, problems: [{ field: 'pharmacy.telematikId', message: expect.stringContaining('solange ein Rezept in Abgabe ist') }] });
  });

  it('a set-up service passed in (with the event hub) answers instead', async () => {
    const setup = { staff: demoStaff, counterName: 'Kasse 9', pharmacy: { name: 'X', telematikId: '3-x' }, pharmacySource: 'smcb' as const };
    const table = build('embedded', { pharmacySetup: { view: () => setup, save: async () => ({ saved: false, setup, problems: [{ field: 'pharmacy', message: 'SMC-B' }] }) } });
    expect(await table['erx:getPharmacySetup']({})).toBe(setup);
    expect((await table['erx:savePharmacySetup']({ staff: [], counterName: '' })).problems).toEqual([{ field: 'pharmacy', message: 'SMC-B' }]);
  });
});

describe('the article master (issue 19 item 2)', () => {
  it('answers lookups with the known articles only, searches and says which catalogue answers', async () => {
    const found = await handlers['erx:lookupArticles']({ pzns: [KNOWN_PZN, UNKNOWN_PZN] });
    expect(found.map((a) => a.pzn)).toEqual([KNOWN_PZN]);
    expect(articleLookups).toEqual([[KNOWN_PZN, UNKNOWN_PZN]]);
    const name = demoCatalog.all()[0]!.name;
    expect((await handlers['erx:searchArticles']({ text: name, limit: 5 })).map((a) => a.pzn)).toContain(KNOWN_PZN);
    expect(await handlers['erx:articleCatalogInfo']({})).toMatchObject({ kind: 'demo', articleCount: demoCatalog.all().length });
  });

  it('imports only as a signed-in staff member, who is named with the file', async () => {
    await expect(handlers['erx:importArticles']({ fileName: 'stamm.csv', text: '#Artikelstamm;Version=1' })).rejects.toMatchObject({ appError: { code: 'staff-required' } });
    expect(imports).toEqual([]);
    await handlers['erx:setStaff']({ kuerzel: 'AB' });
    expect(await handlers['erx:importArticles']({ fileName: 'stamm.csv', text: '#Artikelstamm;Version=1' })).toEqual(IMPORTED);
    expect(imports).toEqual([{ text: '#Artikelstamm;Version=1', meta: { fileName: 'stamm.csv', staff: 'AB' } }]);
  });

  it('passes a refused file through as the service’s AppError (line and field in it)', async () => {
    await handlers['erx:setStaff']({ kuerzel: 'AB' });
    const result = await createDispatcher(handlers).dispatch('erx:importArticles', { fileName: 'kaputt.csv', text: 'pzn;name' }, { trusted: true, description: 'test' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('Zeile 1'), detail: expect.stringContaining('Zeile 1') } });
  });

  it('refuses a bad PZN list, a search without text and a file over 64 MiB before the service is asked', async () => {
    const { dispatch } = createDispatcher(handlers);
    const caller = { trusted: true, description: 'test' };
    await handlers['erx:setStaff']({ kuerzel: 'AB' });
    const refused: Array<[Channel, unknown]> = [
      ['erx:lookupArticles', { pzns: [] }],
      ['erx:lookupArticles', { pzns: ['1234567'] }],
      ['erx:lookupArticles', { pzns: [KNOWN_PZN, 'PZN12345'] }],
      ['erx:lookupArticles', { pzns: Array.from({ length: 201 }, () => KNOWN_PZN) }],
      ['erx:searchArticles', { text: '' }],
      ['erx:searchArticles', { text: 'amlo', limit: 500 }],
      ['erx:importArticles', { fileName: 'x'.repeat(256), text: '#Artikelstamm;Version=1' }],
      ['erx:importArticles', { fileName: 'riesig.csv', text: 'x'.repeat(64 * 1024 * 1024 + 1) }],
    ];
    for (const [channel, payload] of refused) {
      const result = await dispatch(channel, payload, caller);
      expect(result, channel).toMatchObject({ ok: false, error: { code: 'validation' } });
    }
    expect(articleLookups).toEqual([]);
    expect(imports).toEqual([]);
  });
});
