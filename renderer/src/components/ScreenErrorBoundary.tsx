/**
 * One screen's crash stays in that screen (issue 21 item 3): an exception while rendering the open case, the inbox
 * or a side panel shows a German notice in its place — the scan field, the header and the other areas stay usable —
 * with „Neu laden“, which renders the screen again. A draft is not lost by it: the editor saved it (store and this
 * computer, use-draft-autosave.ts) and restores it when it mounts again. The technical detail is there for support.
 * Uses react-error-boundary (a class component with getDerivedStateFromError is the only way React offers).
 */
import type { ReactNode } from 'react';
import { ErrorBoundary, type FallbackProps } from 'react-error-boundary';
import { useTranslation } from 'react-i18next';

interface Props {
  /** which screen this is, for the test id and the console line: `case`, `pending`, `messages`, `trainer` */
  screen: string;
  /** a new key (e.g. another case opened) starts the screen afresh, without the error */
  resetKey?: string;
  children: ReactNode;
}

/** What was thrown, in a form support can read (anything can be thrown in JavaScript). */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'unbekannter Fehler';
  }
}

function ScreenCrashed({ error, resetErrorBoundary, screen }: FallbackProps & { screen: string }) {
  const { t } = useTranslation();
  return (
    <section className="alert alert-error screen-error" role="alert" data-testid="screen-error" data-screen={screen}>
      <h2>{t('screenError.title')}</h2>
      <p>{t('screenError.stillWorking')}</p>
      <button type="button" className="button-primary" data-testid="screen-error-reload" onClick={resetErrorBoundary}>
        {t('screenError.reload')}
      </button>
      <details>
        <summary>{t('error.details')}</summary>
        <pre data-testid="screen-error-details">{describeThrown(error)}</pre>
      </details>
    </section>
  );
}

export function ScreenErrorBoundary({ screen, resetKey, children }: Props) {
  return (
    <ErrorBoundary
      fallbackRender={(props) => <ScreenCrashed {...props} screen={screen} />}
      resetKeys={resetKey === undefined ? [] : [resetKey]}
      onError={(error) => console.error(`[renderer] Ansicht „${screen}“ abgestürzt: ${describeThrown(error)}`)}
    >
      {children}
    </ErrorBoundary>
  );
}
