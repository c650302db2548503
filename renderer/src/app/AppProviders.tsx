/**
 * Everything the app depends on, injected once: the bridge (window.erx or the HTTP bridge; a fake in tests),
 * react-query, i18n, the article catalogue and the current-case "route".
 */
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { i18n as I18n } from 'i18next';
import { useState, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import type { ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';
import type { ErxBridge } from '../../../shared/ipc/contract';
import { ScannerSettingsProvider, type ScannerSettings } from '../features/scan/scanner-settings';
import { BridgeProvider } from '../lib/bridge-context';
import { CatalogProvider } from '../lib/catalog-context';
import { CurrentCaseProvider } from '../lib/current-case';
import { i18n as defaultI18n } from '../lib/i18n';
import { useAppCatalog } from './default-catalog';
import { createQueryClient } from './query-client';

interface Props {
  children: ReactNode;
  bridge?: ErxBridge;
  queryClient?: QueryClient;
  i18n?: I18n;
  /** default: main's catalogue over the bridge (default-catalog.ts) */
  catalog?: ArticleCatalog;
  initialCase?: string | null;
  /** how scans are told from typing; tests pass their own clock */
  scanner?: ScannerSettings;
}

export function AppProviders({ children, bridge, queryClient, i18n = defaultI18n, catalog, initialCase, scanner }: Props) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <I18nextProvider i18n={i18n}>
      <BridgeProvider bridge={bridge}>
        <QueryClientProvider client={client}>
          <AppCatalogProvider catalog={catalog}>
            <ScannerSettingsProvider settings={scanner}>
              <CurrentCaseProvider initial={initialCase}>{children}</CurrentCaseProvider>
            </ScannerSettingsProvider>
          </AppCatalogProvider>
        </QueryClientProvider>
      </BridgeProvider>
    </I18nextProvider>
  );
}

/** Inside the BridgeProvider: main's catalogue needs the bridge it provides. */
function AppCatalogProvider({ catalog, children }: { catalog?: ArticleCatalog; children: ReactNode }) {
  return <CatalogProvider catalog={useAppCatalog(catalog)}>{children}</CatalogProvider>;
}
