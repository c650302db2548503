/**
 * Playwright fixtures for QA (architecture §8, docs/qa.md): every test gets browser mode with its own data
 * directory and its own embedded simulator, and a handle on that simulator.
 */
import { test as base, expect } from '@playwright/test';
import { startBrowserMode, type BrowserModeHandle } from './browser-mode';
import { SimulatorHandle } from './simulator';

export interface ErxFixtures {
  app: BrowserModeHandle;
  sim: SimulatorHandle;
}

export const test = base.extend<ErxFixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring to see the fixture has no dependencies
  app: async ({}, use) => {
    const app = await startBrowserMode();
    await use(app);
    await app.stop();
  },
  sim: async ({ app }, use) => {
    if (!app.simulatorUrl) throw new Error('browser mode runs without an embedded simulator');
    await use(new SimulatorHandle(app.simulatorUrl));
  },
});

export { expect };
