import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import type { ArticleCatalog } from '../../../shared/erezept/catalog/article-catalog';
import type { ErxBridge } from '../../../shared/ipc/contract';
import { App } from '../app/App';
import { AppProviders } from '../app/AppProviders';
import { createQueryClient } from '../app/query-client';
import { createI18n } from '../lib/i18n';

interface Options {
  bridge: ErxBridge;
  catalog?: ArticleCatalog;
  initialCase?: string;
  /** what to render inside the providers; default the whole app */
  ui?: ReactNode;
}

/** Renders the app (or a part of it) with a fake bridge, a fresh query cache and German text. */
export function renderWithProviders({ bridge, catalog, initialCase, ui }: Options) {
  const user = userEvent.setup();
  const queryClient = createQueryClient();
  const result = render(
    <AppProviders bridge={bridge} queryClient={queryClient} i18n={createI18n('de')} catalog={catalog} initialCase={initialCase}>
      {ui ?? <App />}
    </AppProviders>,
  );
  return { user, queryClient, ...result };
}
