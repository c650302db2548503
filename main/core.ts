/**
 * Builds everything the app runs on (architecture §2): backend (embedded simulator or an external URL),
 * store, Fachdienst client, services and the IPC handler table. The Electron entry (main/index.ts) and
 * browser mode (main/web.ts) both call createCore; nothing here knows which shell it runs in.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendKind } from '../shared/ipc/contract';
import packageJson from '../package.json';
import { availableBackend, chooseBackend, type AvailableBackend } from './backend/choice';
import { assertTrainingFachdienstUrl, NOT_TRAINING_MESSAGE } from './backend/policy';
import { SimulatorTokenProvider, type AccessTokenProvider } from './fachdienst/access-token';
import { FachdienstClient } from './fachdienst/client';
import { HttpTransport } from './fachdienst/http-transport';
import { ObservedTransport } from './fachdienst/observed-transport';
import { RetryingFachdienst } from './fachdienst/retrying-fachdienst';
import type { Transport } from './fachdienst/transport';
import { createHandlers } from './ipc/handlers';
import { ArticleMasterService, importArticlesFromFile } from './services/article-master';
import type { HandlerTable } from './ipc/types';
import { randomIds, SystemClock } from './services/clock';
import { defaultCodecs } from './services/default-codecs';
import { ensureDemoPrescriptions } from './services/demo-prescriptions';
import { ConnectionMonitor } from './services/connection-monitor';
import { EventHub } from './services/events';
import { DEFAULT_NETWORK_SETTINGS, SettingsService, type NetworkSettings } from './services/settings';
import { SimulatorClock } from './services/simulator-clock';
import { WorkflowService } from './services/workflow';
import { startSimulatorServer } from './simulator/server';
import { CaseLeaseService } from './services/case-leases';
import { EnrolmentCodeService } from './services/enrolment-codes';
import { startSharedStoreSync, type SharedStoreSync } from './services/shared-store-sync';
import { openCounterStore } from './store/counter-store';
import type { LocalStoreOutcome } from './store/sqlite-import';
import type { SafeStorageLike } from './store/data-protection';
import type { PostgresLocation } from './store/store-location';
import { moveLegacyDataIntoTraining, storeDirOf } from './training/data-layout';
import { SimulatorControl } from './training/simulator-control';
import { TrainerService } from './training/trainer-service';
import { createTiConnection } from './ti/ti-connection';
import { tiDiagnosisChecks } from './services/ti-diagnosis';
import { SwitchableTi } from './services/switchable-ti';
import { TiSettingsService } from './services/ti-settings';
import { TiSetupService } from './services/ti-setup';
import { EgkLookupService } from './services/egk-lookup';
import { MessagesService } from './services/messages';
import { PharmacySetupService } from './services/pharmacy-setup';
import { MessagesPoller } from './services/messages-poller';
import { MessagesSubscription, subscriptionSocketUrl } from './services/messages-subscription';
import { KonnektorEgkReader } from './services/egk-card-reader';
import { KonnektorClient } from './ti/konnektor/konnektor-client';
import { SmcbCardSigner } from './ti/konnektor/smcb-card-signer';
import { fachdienstCheck, runDiagnosis } from './services/connection-diagnosis';
import { failure, HopFailure } from './errors';

export { storeDirOf } from './training/data-layout';

/** Reading calls (inbox, case view) re-read the simulator clock at most this often (training mode). */
const READING_CLOCK_SYNC_MS = 1000;
/** How often owed operations are checked for a 429 wait that has run out. */
const DUE_CHECK_MS = 30_000;
/**
 * Loading a scenario creates and signs all its prescriptions in one request; the trainer's control calls get at
 * least this long, whatever short timeout tests and demos set for the Fachdienst calls.
 */
const CONTROL_TIMEOUT_MIN_MS = 60_000;

/**
 * The connection probe: one cheap read (CapabilityStatement); a server error counts as no way through. Through
 * the VAU the read needs the access token (the sign-in is reused while it is valid, spec ti-transport §2.7).
 */
async function probeFachdienst(transport: Transport, tokens?: AccessTokenProvider): Promise<void> {
  const headers: Record<string, string> = { Accept: 'application/fhir+json' };
  if (tokens) headers['Authorization'] = `Bearer ${await tokens.getToken()}`;
  const response = await transport.send({ method: 'GET', path: 'metadata', headers });
  if (response.status >= 500) throw new Error(`metadata: HTTP ${response.status}`);
}

/**
 * The real TI's stand-in for the plain HTTP a simulator offers (its token, its clock, the trainer's control calls):
 * refused before anything is sent (architecture §2: nothing of the simulator's may reach the TI).
 */
const trainingOnlyTransport: Transport = {
  send: async () => {
    throw failure('not-training', NOT_TRAINING_MESSAGE);
  },
};

const SHARED_STORE_NEEDS_SHARED_SIMULATOR =
  'Eine gemeinsame Datenbank (--store) braucht im Training einen gemeinsamen Simulator (--fachdienst URL): Mit dem eingebauten Simulator hätte jede Kasse ihren eigenen E-Rezept-Fachdienst, und ein an einer Kasse angenommenes Rezept gäbe es an der anderen nicht.';

/** One German line for the start log about this folder's own store (main/store/sqlite-import.ts). */
function localStoreNote(outcome: LocalStoreOutcome): string | undefined {
  switch (outcome.kind) {
    case 'none':
      return undefined;
    case 'left':
      return `Die eigene Datenbank dieses Ordners (${outcome.file}) enthält nichts Offenes und bleibt unberührt; übernehmen mit --import-local-store.`;
    case 'renamed':
      return `Die bereits übernommene eigene Datenbank wurde abgelegt als ${outcome.renamedTo}.`;
    case 'imported': {
      const { summary } = outcome;
      const broken = summary.sourceAudit.ok ? '' : ' ACHTUNG: Das Protokoll der eigenen Datenbank war nicht unversehrt (im Protokoll vermerkt).';
      return `Eigene Datenbank übernommen: ${summary.cases} Vorgänge, ${summary.pendingOperations} ausstehende Vorgänge, ${summary.messages} Nachrichten; abgelegt als ${outcome.renamedTo}.${broken}`;
    }
  }
}

export interface CoreOptions {
  dataDir: string;
  /** external Fachdienst/simulator base URL; absent = start the embedded simulator */
  fachdienstUrl?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  /** default true for the embedded simulator, false for an external one */
  seedDemoPrescriptions?: boolean;
  /** timeouts and retry policy from the command line (tests, demos: milliseconds); win over stored settings */
  network?: Partial<NetworkSettings>;
  /** Electron's safeStorage (main/index.ts); absent in browser mode = key file (README "Data at rest") */
  safeStorage?: SafeStorageLike;
  /** better-sqlite3 built for Electron's ABI (stack notes); absent = the Node build */
  sqliteNativeBinding?: string;
  /**
   * The backend asked for on the command line (`--backend`); absent = by `fachdienstUrl`. `ti` needs `idpUrl` and
   * `konnektorUrl` beside `fachdienstUrl`; with all three on loopback it is the TI simulation (training mode), the
   * real TI is refused at start (main/backend/choice.ts).
   */
  backend?: BackendKind;
  /** `--idp URL`, `--konnektor URL` (backend `ti`) */
  idpUrl?: string;
  konnektorUrl?: string;
  /**
   * Deterministic runs of the embedded simulator (docs/simulator.md "Deterministic runs"): ids and
   * fictional data from `seed`, its base clock standing still at `fixedTime` (`/_sim/clock` still moves it).
   */
  simulator?: { seed?: number; fixedTime?: Date };
  /**
   * `--store postgres://user@host:port/db` (issue 18): the pharmacy's shared store instead of this counter's SQLite
   * file; `enrolPassphraseFile` the enrolment secret (docs/multi-counter.md §2, §5)
   */
  store?: PostgresLocation;
  enrolPassphraseFile?: string;
  /** `--enrol-code`: the one-time code an enrolled counter showed („Kasse hinzufügen“), instead of the passphrase */
  enrolCode?: string;
  /** `--import-local-store`: move this folder's own SQLite store into the shared one, once (main/store/sqlite-import.ts) */
  importLocalStore?: boolean;
  /** how often a counter that is not the background owner tries to become it (default 30 s; tests: less) */
  backgroundRetryMs?: number;
  /**
   * `--import-articles FILE`: replace the article master with this file before anything is served
   * (docs/article-master.md); a file with problems fails the start and changes nothing
   */
  importArticles?: string;
  /** where the passfile is looked up (PGPASSFILE, home); default the process's */
  storeEnvironment?: { env?: NodeJS.ProcessEnv; homeDir?: string };
}

export interface Core {
  handlers: HandlerTable;
  events: EventHub;
  /** `training`: every backend but the real TI — the TI simulation included (architecture §2) */
  backend: { kind: BackendKind; url: string; training: boolean };
  /** runs the operations owed to the Fachdienst (startup reconciliation, docs/reliability.md); resolves when done */
  resumePendingOperations(): Promise<void>;
  /** tokens of the seeded demo prescriptions, printed by browser mode */
  seededTokens: string[];
  /** the shared store, redacted (`postgres://user@host:port/db`); absent = this counter's own SQLite file */
  sharedStore?: string;
  /** what became of this folder's own SQLite store at this start on the shared store (German, for the start log) */
  localStoreNote?: string;
  /** the article catalogue (imported master or demo) and its import (docs/article-master.md) */
  articles: ArticleMasterService;
  /** `--import-articles`: what was imported („12345 importiert (Quelle …, Stand …)“, for the start log) */
  articlesNote?: string;
  close(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const choice = checkBackendChoice(options);
  // Training on a shared store needs a shared simulator: with the embedded one each counter would have its own
  // Fachdienst, and a case claimed at one counter would not exist at the other's (issue 18 item 2).
  if (options.store && choice.kind === 'embedded') throw new Error(SHARED_STORE_NEEDS_SHARED_SIMULATOR);
  // Training mode = any backend but the real TI (architecture §2); its data lives under <data dir>/training/.
  const training = choice.kind !== 'ti' || choice.simulation;
  const storeDir = storeDirOf(options.dataDir, training);
  mkdirSync(options.dataDir, { recursive: true });
  if (training) moveLegacyDataIntoTraining(options.dataDir);
  mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const baseNow = options.now ?? ((): Date => new Date());
  const cleanups: Array<() => void | Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };

  try {
    const { backend: started, embeddedClock } = await startBackend(choice, options, storeDir, baseNow, cleanups);
    // Settings live in the store, which needs the clock; until they exist the defaults and overrides apply.
    let network = (): NetworkSettings => ({ ...DEFAULT_NETWORK_SETTINGS, ...options.network });
    // The monitor needs the workflow (pending count), the workflow needs the transport: filled in below.
    const observer: { monitor?: ConnectionMonitor } = {};
    // Training: plain HTTP to the simulator (its token, its clock, the trainer's control calls), every outcome
    // feeding the connection indicator (spec §9.3, A_23814–A_23816). The real TI has no plain way to the Fachdienst
    // at all: everything goes through the VAU, and what only a simulator offers is refused before it is sent.
    const transport: Transport = training
      ? new ObservedTransport(new HttpTransport({ baseUrl: started.url, fetch: options.fetch, timeoutMs: () => network().requestTimeoutMs }), (outcome) =>
          observer.monitor?.record(outcome),
        )
      : trainingOnlyTransport;
    // Training follows the simulator's clock (the TI simulation's too); the real TI this computer's.
    const clock = training ? new SimulatorClock(baseNow, embeddedClock ?? transport) : new SystemClock(baseNow);
    await clock.sync();
    const { store, protectionKind, shared } = await openCounterStore({
      choice: options.store
        ? {
            engine: 'postgres',
            location: options.store,
            ...(options.enrolPassphraseFile ? { enrolPassphraseFile: options.enrolPassphraseFile } : {}),
            ...(options.enrolCode ? { enrolCode: options.enrolCode } : {}),
          }
        : { engine: 'sqlite' },
      ...(options.importLocalStore ? { importLocalStore: true } : {}),
      storeDir,
      ...(options.safeStorage ? { safeStorage: options.safeStorage } : {}),
      ...(options.sqliteNativeBinding ? { nativeBinding: options.sqliteNativeBinding } : {}),
      now: () => clock.now(),
      ...(options.storeEnvironment ? { env: options.storeEnvironment } : {}),
    });
    cleanups.push(() => store.close());

    const events = new EventHub();
    // The article master (docs/article-master.md): the store's imported one, else the demo catalogue — always the demo
    // catalogue with the embedded simulator, whose prescriptions carry its PZNs.
    const articles = new ArticleMasterService({ store, events, demoOnly: started.kind === 'embedded', now: () => clock.now() });
    cleanups.push(() => articles.close());
    // before anything is served: a file with problems fails the start, and nothing was changed
    const articlesNote = options.importArticles ? await importArticlesFromFile(articles, options.importArticles) : undefined;
    // Backend `ti`: its settings (environment, Konnektor, SMC-B) live in this mode's store (docs/ti.md „Settings“).
    const tiSettings =
      choice.kind === 'ti'
        ? new TiSettingsService({
            settings: store.settings,
            start: { simulation: choice.simulation, ...(choice.addresses ? { addresses: choice.addresses } : {}) },
            openCaseCount: async () => (await store.cases.list({ statuses: ['accepted', 'dispensed'], limit: 1 })).total,
          })
        : undefined;
    const backend: Core['backend'] = tiSettings ? { ...started, url: tiSettings.fachdienstUrl() } : started;
    const settings = new SettingsService({
      settings: store.settings,
      backend,
      ...(tiSettings ? { fachdienstUrl: () => tiSettings.fachdienstUrl() } : {}),
      appVersion: packageJson.version,
      clock,
      dataProtection: protectionKind,
      ...(shared ? { sharedStore: shared.description } : {}),
      networkOverrides: options.network,
    });
    network = () => settings.network();
    const userAgent = `eRxCounter/${packageJson.version}`;
    // The Fachdienst's way in: for the simulators direct HTTP with the simulator's token (the IDP stand-in); for
    // the TI the VAU with the IDP's token, signed in with the SMC-B through the Konnektor (spec ti-transport).
    const { fachdienstTransport, tokens, diagnosisChecks, ti } = (() => {
      if (!tiSettings) {
        return {
          fachdienstTransport: transport,
          tokens: new SimulatorTokenProvider({ transport, telematikId: () => settings.pharmacy().telematikId, now: () => clock.now() }),
          // a simulator has no hops before the Fachdienst; its token is its own stand-in for the IDP
          diagnosisChecks: [fachdienstCheck(transport)],
          ti: undefined,
        };
      }
      // The TI: the VAU with the IDP's token, signed in with the SMC-B through the Konnektor (spec ti-transport),
      // built from the settings on first use and afresh after they were saved.
      const ti = new SwitchableTi(() => {
        const config = tiSettings.connectionConfig();
        return createTiConnection({
          ...config,
          userAgent: `${userAgent} eRxCounter/${config.clientId}`,
          now: () => clock.now(),
          timeoutMs: () => network().requestTimeoutMs,
          ...(options.fetch ? { fetch: options.fetch } : {}),
          // The IDP's consent (requested scopes and claims) is recorded and shown once (IdpConsentNotice).
          consent: async (userConsent) => {
            if (await settings.rememberIdpConsent(userConsent)) events.emit({ type: 'app-info-changed' });
          },
          // The pharmacy is the SMC-B's: its Telematik-ID and name from the token the IDP derived from the card.
          onSignedIn: (signedIn) => {
            // not written (store unreachable): the next sign-in writes it again
            void settings.rememberPharmacyFromCard(signedIn.claims).then(
              (changed) => {
                if (changed) events.emit({ type: 'app-info-changed' });
              },
              () => undefined,
            );
          },
        });
      });
      // A failed sign-in (Konnektor, SMC-B, IDP) shows in the connection indicator with its hop (A_23814).
      const observedTokens: AccessTokenProvider = {
        getToken: async () => {
          try {
            return await ti.tokens.getToken();
          } catch (e) {
            if (e instanceof HopFailure) observer.monitor?.recordHopFailure(e);
            throw e;
          }
        },
        invalidate: () => ti.tokens.invalidate(),
      };
      const observedTransport = new ObservedTransport(ti.transport, (outcome) => observer.monitor?.record(outcome));
      return {
        fachdienstTransport: observedTransport,
        tokens: observedTokens,
        diagnosisChecks: [...tiDiagnosisChecks(() => ti.connection()), fachdienstCheck(observedTransport, observedTokens)],
        ti,
      };
    })();
    const client = new FachdienstClient({ transport: fachdienstTransport, tokens, now: () => clock.now(), userAgent });
    // Spec §8 / A_25460: backoff with jitter for $dispense and reads only; the UI shows it and may cancel.
    const fachdienst = new RetryingFachdienst({
      inner: client,
      policy: () => {
        const n = network();
        return { maxAttempts: n.maxAttempts, baseMs: n.retryBaseMs, maxDelayMs: n.retryMaxDelayMs };
      },
      now: () => clock.now(),
      onProgress: (progress) => events.emit({ type: 'retrying', progress }),
      onEnded: (prescriptionId) => events.emit({ type: 'retry-ended', prescriptionId }),
    });
    // One owner per case across counters (issue 18 item 4); with the counter's own SQLite every case is its own.
    const leases = new CaseLeaseService({
      ...(shared ? { store: shared.leases } : {}),
      me: () => ({ counterId: shared?.counterId ?? 'local', counterName: settings.counterName() || (shared ? `Arbeitsplatz ${shared.counterId.slice(0, 4)}` : 'Diese Kasse'), staff: settings.currentStaff()?.kuerzel ?? '' }),
      now: () => clock.now(),
    });
    const workflow = new WorkflowService({
      store,
      fachdienst,
      settings,
      events,
      clock,
      ids: randomIds,
      codecs: defaultCodecs,
      catalog: articles,
      syncClock: () => clock.sync(),
      syncClockForReading: () => clock.syncIfOlderThan(READING_CLOCK_SYNC_MS),
      ...(shared
        ? {
            sending: leases,
            // erased values must not stay readable in old row versions (§6); a failure leaves it to the next erasure
            afterErasure: () => void shared.vacuumErased().catch(() => undefined),
          }
        : {}),
    });
    // Several counters: the background work runs where the background lock is (§4); the others follow by events.
    const background: { sync?: SharedStoreSync } = {};
    const backgroundHere = (): boolean => background.sync?.isOwner() ?? !shared;
    // The connection status carries the number of owed operations and is read synchronously: the count is kept
    // here and re-read whenever the owed operations may have changed (the store answers asynchronously).
    // One read at a time, and one more after it when events came meanwhile: with several counters every change of
    // every counter arrives as an event, and a read per event was most of the store's load (bench counters-6).
    const owedCount = { value: await workflow.pendingCount(), reading: false, again: false };
    const refreshOwedCount = (): void => {
      if (owedCount.reading) {
        owedCount.again = true;
        return;
      }
      owedCount.reading = true;
      void workflow
        .pendingCount()
        .then(
          (count) => {
            owedCount.value = count;
          },
          () => undefined,
        )
        .finally(() => {
          owedCount.reading = false;
          if (owedCount.again) {
            owedCount.again = false;
            refreshOwedCount();
          }
        });
    };
    const unsubscribeOwed = events.subscribe((event) => {
      if (event.type === 'pending-changed' || event.type === 'case-changed' || event.type === 'cases-changed') refreshOwedCount();
    });
    cleanups.push(unsubscribeOwed);
    // the messages poller is built below, after the services it needs; it is told when the connection comes up
    const connectionHooks = { up: (): void => undefined };
    const connection = new ConnectionMonitor({
      now: () => clock.now(),
      probe: () => (ti ? probeFachdienst(fachdienstTransport, tokens) : probeFachdienst(transport)),
      probeIntervalMs: () => network().probeIntervalMs,
      pendingCount: () => owedCount.value,
      onChange: (status) => {
        events.emit({ type: 'connection', status });
        if (status.state === 'online') connectionHooks.up();
      },
      // A_23815: what waited for the connection is completed as soon as it returns.
      onRestored: () => {
        if (backgroundHere()) void workflow.resumePendingOperations().catch(() => undefined); // each operation keeps its own outcome
      },
    });
    observer.monitor = connection;
    cleanups.push(() => connection.stop());
    // 429 waits end by the clock, not by an event: look for due operations now and then.
    const dueTimer = setInterval(() => {
      if (backgroundHere() && connection.status().state !== 'offline' && owedCount.value > 0) void workflow.resumePendingOperations().catch(() => undefined);
    }, DUE_CHECK_MS);
    dueTimer.unref();
    cleanups.push(() => clearInterval(dueTimer));

    // The eGK at this workplace (spec §3.9): the TI's Konnektor, or in training the simulator's (`<simulator>/konnektor`,
    // the default workplace, plain HTTP on this machine).
    let trainingEgkReader: KonnektorEgkReader | undefined;
    const egkReader = (): KonnektorEgkReader => {
      if (ti) {
        const connection = ti.connection();
        return new KonnektorEgkReader({ konnektor: connection.konnektor, smcb: connection.smcb, clock });
      }
      if (!trainingEgkReader) {
        const konnektor = KonnektorClient.fromConfig({ baseUrl: `${started.url}konnektor/`, allowPlainHttp: true, timeoutMs: Math.max(network().requestTimeoutMs, 100) });
        trainingEgkReader = new KonnektorEgkReader({ konnektor, smcb: new SmcbCardSigner(konnektor), clock });
      }
      return trainingEgkReader;
    };

    // The messages with the patients' apps (spec §3.11): fetched every 5 minutes and on demand, through the same
    // retrying client (and over the TI through the VAU) as every other call.
    const messages = new MessagesService({
      store,
      fachdienst,
      accept: (tokens) => workflow.acceptListed(tokens),
      staff: () => settings.requireStaff(),
      retentionDays: () => settings.messageRetentionDays(),
      clock,
      events,
    });
    const poller = new MessagesPoller({
      refresh: () => messages.refresh(),
      clock,
      onError: (e) => messages.noteRefreshFailure(e),
      online: () => ['online', 'degraded'].includes(connection.status().state),
    });
    connectionHooks.up = () => poller.connectionUp();
    cleanups.push(() => poller.stop());
    if (shared) {
      // only the background owner fetches the messages; the others see them through the store's notifications
      background.sync = await startSharedStoreSync({
        shared,
        events,
        counterName: () => settings.counterName() || shared.counterId,
        ...(options.backgroundRetryMs !== undefined ? { ownerRetryMs: options.backgroundRetryMs } : {}),
        onStoreConnection: (up) => connection.storeUnreachable(up ? undefined : shared.description),
        onOwnership: (owner) => {
          if (!owner) {
            poller.stop();
            return;
          }
          poller.start();
          // taking over from a counter that died: what it left owed is reconciled and completed now
          void workflow.resumePendingOperations().catch(() => undefined);
        },
      });
      cleanups.push(() => background.sync?.stop());
    } else {
      poller.start();
    }
    // The Fachdienst's ping on new Zuweisungen (spec §3.11) where the app knows the subscription service: only the
    // simulator on this machine (training, the TI simulation). It only makes a Zuweisung show sooner — a failing
    // registration or socket retries quietly while the poller above does the job (docs/messages.md).
    const subscriptionUrl = training ? subscriptionSocketUrl(backend.url) : undefined;
    if (subscriptionUrl) {
      const subscription = new MessagesSubscription({
        socketUrl: subscriptionUrl,
        subscribe: async () => {
          // over the TI simulation the pharmacy is the SMC-B's, known once signed in (settings.rememberPharmacyFromCard)
          await tokens.getToken();
          return fachdienst.subscribeCommunications(settings.pharmacy().telematikId);
        },
        onPing: () => {
          if (backgroundHere()) poller.fetchNow();
        },
        clock,
      });
      subscription.start();
      cleanups.push(() => subscription.stop());
    }

    // The trainer's control calls: same simulator, not counted by the connection indicator, a longer timeout.
    const controlTransport: Transport = training
      ? new HttpTransport({ baseUrl: started.url, fetch: options.fetch, timeoutMs: () => Math.max(network().requestTimeoutMs, CONTROL_TIMEOUT_MIN_MS) })
      : trainingOnlyTransport;
    const trainer = new TrainerService({
      control: new SimulatorControl(controlTransport, () => clock.now()),
      transport,
      store,
      events,
      syncClock: () => clock.sync(),
      now: baseNow,
      pharmacy: () => settings.pharmacy(),
      localKvnr: async (id) => (await store.cases.get(id))?.kvnr,
      // a loaded scenario's Zuweisungen show at once, not with the next poll
      onStageChanged: () => poller.fetchNow(),
    });

    // A loaded scenario is the class's stage: demo prescriptions are not mixed into it after a restart.
    const scenarioLoaded = trainer.currentScenario() !== null;
    const seed = options.seedDemoPrescriptions ?? (backend.kind === 'embedded' && !scenarioLoaded);
    const seededTokens = seed ? await ensureDemoPrescriptions({ transport, fachdienst, settings: store.settings }) : [];

    return {
      handlers: createHandlers({
        settings,
        workflow,
        connection,
        fachdienst,
        trainer,
        diagnosis: { run: () => runDiagnosis(diagnosisChecks, () => clock.now()) },
        tiSetup: new TiSetupService({ ...(tiSettings && ti ? { ti: { settings: tiSettings, connection: ti } } : {}), events, clock }),
        egk: new EgkLookupService({ reader: egkReader, fachdienst, accept: (tokens) => workflow.acceptListed(tokens), clock }),
        leases,
        enrolmentCodes: new EnrolmentCodeService({ ...(shared ? { shared: shared.enrolment } : {}), now: () => clock.now() }),
        pharmacySetup: new PharmacySetupService({
          settings,
          events,
          openCaseCount: async () => (await store.cases.list({ statuses: ['accepted', 'dispensed'], limit: 1 })).total,
        }),
        messages: {
          inbox: () => messages.inbox(),
          refreshNow: () => poller.refreshNow(),
          acceptRequest: (id) => messages.acceptRequest(id),
          dismissRequest: (id) => messages.dismissRequest(id),
          caseMessages: (id) => messages.caseMessages(id),
          sendReply: (input) => messages.sendReply(input),
          deleteReply: (id) => messages.deleteReply(id),
        },
        articles,
      }),
      events,
      backend,
      seededTokens,
      ...(shared ? { sharedStore: shared.description } : {}),
      ...(shared && localStoreNote(shared.localStore) ? { localStoreNote: localStoreNote(shared.localStore) } : {}),
      articles,
      ...(articlesNote !== undefined ? { articlesNote } : {}),
      resumePendingOperations: async () => {
        if (backgroundHere()) await workflow.resumePendingOperations();
      },
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function startBackend(
  choice: AvailableBackend,
  options: CoreOptions,
  storeDir: string,
  now: () => Date,
  cleanups: Array<() => void | Promise<void>>,
): Promise<{ backend: Core['backend']; embeddedClock?: { now: () => Date } }> {
  if (choice.kind === 'simulator') return { backend: { kind: 'simulator', url: normalizeBaseUrl(choice.fachdienstUrl), training: true } };
  // the real TI without addresses at start: the environment in the settings decides (createCore)
  if (choice.kind === 'ti')
    return { backend: { kind: 'ti', url: choice.addresses ? normalizeBaseUrl(choice.addresses.fachdienstUrl) : '', training: choice.simulation } };
  const fixedTime = options.simulator?.fixedTime;
  const simulator = await startSimulatorServer({
    port: 0,
    dataDir: join(storeDir, 'simulator'),
    // A fixed time stops only the simulator's base clock; the app follows it through the clock offset.
    now: fixedTime ? () => new Date(fixedTime.getTime()) : now,
    seed: options.simulator?.seed,
  });
  cleanups.push(() => simulator.close());
  // its clock is read in-process (services/simulator-clock.ts), not over `GET /_sim/clock`
  return { backend: { kind: 'embedded', url: normalizeBaseUrl(simulator.url), training: true }, embeddedClock: { now: () => simulator.now() } };
}

/**
 * Refuses what this version cannot run, before anything is created: a start the backend rule refuses
 * (main/backend/choice.ts: `--backend` against the addresses, deterministic options for an external simulator),
 * the real TI (not released yet), and an external Fachdienst that is not on this machine (training mode must not
 * reach a real Fachdienst).
 */
function checkBackendChoice(options: CoreOptions): AvailableBackend {
  const choice = availableBackend(
    chooseBackend({
      backend: options.backend,
      fachdienstUrl: options.fachdienstUrl,
      idpUrl: options.idpUrl,
      konnektorUrl: options.konnektorUrl,
      deterministic: options.simulator?.seed !== undefined || options.simulator?.fixedTime !== undefined,
    }),
  );
  if (choice.kind === 'simulator') assertTrainingFachdienstUrl(choice.fachdienstUrl);
  return choice;
}

/** Only http(s) base URLs; always with a trailing slash so relative Fachdienst paths resolve below it. */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`Ungültige Fachdienst-Adresse: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Fachdienst-Adresse muss http(s) sein: ${raw}`);
  if (url.username || url.password || url.search || url.hash) {
    throw new Error('Fachdienst-Adresse darf weder Zugangsdaten noch Query oder Fragment enthalten');
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
