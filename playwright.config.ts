import { defineConfig } from '@playwright/test';

// e2e runs in browser mode against Debian's Chromium (no browser download here, stack notes); the Electron
// smoke spec runs only where an Electron runtime exists and reports itself as skipped elsewhere.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // German date inputs (dd.mm.yyyy) as at the counter; Playwright's locale alone does not change them
  '--lang=de-DE',
];

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: '.tmp/playwright-results',
  // A whole flow (start the app and a simulator, scan, edit, submit, close) on a loaded 2-core machine takes far
  // longer than on a quiet one; every step waits on what the app shows, so a generous budget only costs time
  // when something is really stuck (issue 12 item 4: the suite under `--repeat-each=10` beside busy loops).
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    // the counter's world: German UI, German date inputs, Berlin time (A_27660)
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
