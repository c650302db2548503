import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../shared/ipc/contract';
import { ConnectionNotice } from '../../features/app-info/components/ConnectionNotice';
import { StaffSwitch } from '../../features/app-info/components/StaffSwitch';
import { useCurrentCase } from '../current-case';
import { LanguageSwitch } from './LanguageSwitch';

export function AppHeader({ appInfo, onInbox }: { appInfo: AppInfo; onInbox(): void }) {
  const { t } = useTranslation();
  const { prescriptionId } = useCurrentCase();
  return (
    <header className="app-header">
      <h1 className="app-name" data-testid="app-name">
        {t('app.name')}
      </h1>
      <p className="pharmacy" data-testid="pharmacy-name">
        <span className="visually-hidden">{t('header.pharmacy')}: </span>
        {appInfo.pharmacy.name}
      </p>
      <nav aria-label={t('header.navigation')} className="app-nav">
        <button
          type="button"
          className="nav-button"
          data-testid="nav-inbox"
          aria-current={prescriptionId === null ? 'page' : undefined}
          aria-keyshortcuts="Alt+V"
          onClick={onInbox}
        >
          {t('header.inbox')} <kbd>Alt+V</kbd>
        </button>
      </nav>
      <ConnectionNotice />
      <div className="header-end">
        <LanguageSwitch />
        <StaffSwitch appInfo={appInfo} />
      </div>
    </header>
  );
}
