import { useTranslation } from 'react-i18next';
import { useAppInfo } from '../api/app-info/use-app-info';
import { ErrorAlert } from '../components/ErrorAlert';
import { appErrorOf } from '../lib/invoke';
import { AppLayout } from './layout/AppLayout';
import { useBridgeEvents } from './bridge-events';

/** Loads who and where we are (AppInfo), then shows the counter. */
export function App() {
  const { t } = useTranslation();
  const appInfo = useAppInfo();
  useBridgeEvents();
  if (appInfo.isPending) {
    return (
      <p role="status" className="app-loading" data-testid="app-loading">
        {t('app.loading')}
      </p>
    );
  }
  if (appInfo.isError) {
    return (
      <main className="app-main">
        <h1>{t('app.name')}</h1>
        <p>{t('app.loadFailed')}</p>
        <ErrorAlert error={appErrorOf(appInfo.error)} testId="app-error" />
      </main>
    );
  }
  return <AppLayout appInfo={appInfo.data} />;
}
