import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { i18n as I18n } from 'i18next';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import type { ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';
import type { ErxBridge } from '../../../shared/ipc/contract';
import { App } from '../app/App';
import { AppProviders } from '../app/AppProviders';
import { createQueryClient } from '../app/query-client';
import type { ScannerSettings } from '../features/scan/scanner-settings';
import { createI18n } from '../lib/i18n';

interface Options {
  bridge: ErxBridge;
  catalog?: ArticleCatalog;
  initialCase?: string;
  /** what to render inside the providers; default the whole app */
  ui?: ReactNode;
  /** key timing as the scan detector sees it; default: a person typing (never a scan) */
  scanner?: ScannerSettings;
  /** the i18n instance (default: a fresh German one) — e.g. to count translations per render */
  i18n?: I18n;
}

/** A clock that moves `stepMs` on every reading: the scan detector reads it once per key. */
function steppingClock(stepMs: number): () => number {
  let now = 0;
  return () => (now += stepMs);
}

/** Keys arrive like a keyboard-wedge scanner's (5 ms apart). */
export const scannerTiming = (): ScannerSettings => ({ now: steppingClock(5) });
/** Keys arrive like a person's typing (150 ms apart). */
export const humanTiming = (): ScannerSettings => ({ now: steppingClock(150) });

/** Renders the app (or a part of it) with a fake bridge, a fresh query cache and German text. */
export function renderWithProviders({ bridge, catalog, initialCase, ui, scanner, i18n }: Options) {
  // Under vi.useFakeTimers() the pauses between typed keys are fake time, too.
  const user = userEvent.setup({
    advanceTimers: (ms) => {
      if (vi.isFakeTimers()) vi.advanceTimersByTime(ms);
    },
  });
  const queryClient = createQueryClient();
  const result = render(
    <AppProviders bridge={bridge} queryClient={queryClient} i18n={i18n ?? createI18n('de')} catalog={catalog} initialCase={initialCase} scanner={scanner ?? humanTiming()}>
      {ui ?? <App />}
    </AppProviders>,
  );
  return { user, queryClient, ...result };
}
