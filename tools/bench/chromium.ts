/**
 * Chromium for the browser benchmarks: Playwright's library API with Debian's Chromium (no browser download on this
 * machine, stack notes), headless, the counter's German locale and Berlin time like the e2e suite
 * (playwright.config.ts), and the page probes installed before any of the app's scripts (page-probes.ts).
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { PROBE_SCRIPT } from './page-probes';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--lang=de-DE',
];

export interface BenchBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBenchBrowser(): Promise<BenchBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({
      locale: 'de-DE',
      timezoneId: 'Europe/Berlin',
      viewport: { width: 1280, height: 900 },
    });
    await context.addInitScript({ content: PROBE_SCRIPT });
    const page = await context.newPage();
    return { browser, context, page, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
