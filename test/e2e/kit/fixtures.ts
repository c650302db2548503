/**
 * Playwright fixtures for QA (architecture §8, docs/qa.md): every test gets browser mode with its own data
 * directory and its own embedded simulator — optionally with a deck scenario loaded through the app's own bridge
 * (`trainerLoadScenario`, so the app's training store starts afresh as in the trainer panel) — the page objects
 * bound to its page, and a handle on the simulator.
 *
 * ```ts
 * import { expect, test } from './kit/fixtures';
 * test.use({ scenario: 'korrektur-nach-abgabe' });
 * test('…', async ({ app, simulator }) => {
 *   await app.openAs('AB');
 *   await app.counter.scan(simulator.dataMatrix('Rezept A'));
 * });
 * ```
 */
import { test as base, expect as baseExpect } from '@playwright/test';
import type { LoadedScenario } from '../../../shared/ipc/contract';
import { connectBridge, type BridgeClient } from './bridge-client';
import { startBrowserMode, type BrowserModeHandle, type NetworkOptions } from './browser-mode';
import { bindApp, type ErxApp } from './erx-app';
import type { ScenarioName } from './scenarios';
import { SimulatorHandle } from './simulator';
import { startSimulatorProcess } from './simulator-process';

/** Set per file or `describe` with `test.use({ … })`. */
export interface ErxOptions {
  /** a deck scenario to load before the test (docs/qa.md „Scenarios“); default none: an empty simulator */
  scenario: ScenarioName | undefined;
  /** timeouts and retry policy in milliseconds (browser mode's flags); default: the app's own */
  network: NetworkOptions;
  /** `--seed`: the same AccessCodes, KVNRs, names on every run (docs/simulator.md „Deterministic runs“) */
  seed: number | undefined;
  /** `--fixed-time`: the simulator's base clock stands at this ISO instant */
  fixedTime: string | undefined;
  /**
   * The TI simulation: a simulator process with `--ti` (VAU, IDP, Konnektor) and browser mode with `--backend ti`
   * pointing at it — every pharmacy call through Konnektor, IDP and VAU. Not with `seed`/`fixedTime`.
   */
  tiSimulation: boolean;
}

export interface ErxFixtures {
  /** the running browser mode: URLs, data directory, output, stop() */
  browserMode: BrowserModeHandle;
  /** the app's own bridge, called from the test (e.g. `bridge.call('trainerCurrentScenario', {})`) */
  bridge: BridgeClient;
  /** the answer of `trainerLoadScenario` for the `scenario` option; undefined without one */
  loadedScenario: LoadedScenario | undefined;
  /** browser mode + every page object bound to `page`; loads the scenario first when one is set */
  app: ErxApp;
  /** the embedded simulator's control API, with the loaded scenario's prescriptions by label */
  simulator: SimulatorHandle;
  /** the same handle as `simulator` (older specs use this name) */
  sim: SimulatorHandle;
}

export const test = base.extend<ErxOptions & ErxFixtures>({
  scenario: [undefined, { option: true }],
  network: [{}, { option: true }],
  seed: [undefined, { option: true }],
  fixedTime: [undefined, { option: true }],
  tiSimulation: [false, { option: true }],

  browserMode: async ({ network, seed, fixedTime, tiSimulation }, use) => {
    if (!tiSimulation) {
      const started = await startBrowserMode({ network, seed, fixedTime });
      await use(started);
      await started.stop();
      return;
    }
    const simulatorProcess = await startSimulatorProcess({ ti: true });
    try {
      const started = await startBrowserMode({
        network,
        fachdienstUrl: simulatorProcess.url,
        ti: { idpUrl: `${simulatorProcess.url}/idp`, konnektorUrl: `${simulatorProcess.url}/konnektor` },
      });
      // the simulator handle talks to the TI simulation's control API
      await use({ ...started, simulatorUrl: simulatorProcess.url });
      await started.stop();
    } finally {
      await simulatorProcess.remove();
    }
  },
  bridge: async ({ browserMode }, use) => use(await connectBridge(browserMode.appUrl)),
  loadedScenario: async ({ bridge, scenario }, use) => {
    if (scenario === undefined) return use(undefined);
    await use(await bridge.call('trainerLoadScenario', { name: scenario }));
  },
  app: async ({ browserMode, loadedScenario, page, bridge, tiSimulation }, use) => {
    // depends on loadedScenario so that `test.use({ scenario })` loads it even when a test asks for `app` alone
    void loadedScenario;
    // Over the TI the app signs in at start for its background work (the patients' messages, docs/messages.md). A
    // test that injects a sign-in fault or changes the cards does so after that first sign-in, not racing it.
    if (tiSimulation) await backgroundStartDone(bridge);
    await use(bindApp(browserMode, page));
  },
  simulator: async ({ browserMode, loadedScenario, tiSimulation }, use) => {
    if (!browserMode.simulatorUrl) throw new Error('browser mode runs without a simulator of its own (embedded, or the TI simulation)');
    await use(new SimulatorHandle(browserMode.simulatorUrl, loadedScenario, { ti: tiSimulation }));
  },
  sim: async ({ simulator }, use) => use(simulator),
});

/**
 * Waits until the app's first background fetch of the patients' messages is done (succeeded or failed) — at most
 * 20 s; an app that never reaches the Fachdienst (a test's broken TI) is not waited for longer.
 */
async function backgroundStartDone(bridge: BridgeClient): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const inbox = await bridge.call('listMessages', {});
    if (inbox.lastRefresh !== undefined || inbox.lastFailure !== undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Playwright's `expect`, waiting at most 5 s (docs/qa.md „Rules“: the app never needs longer in tests). */
export const expect = baseExpect.configure({ timeout: 5_000 });
