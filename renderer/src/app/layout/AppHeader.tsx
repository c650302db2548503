import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../shared/ipc/contract';
import { ConnectionNotice } from '../../features/app-info/components/ConnectionNotice';
import { StaffSwitch } from '../../features/app-info/components/StaffSwitch';

export function AppHeader({ appInfo }: { appInfo: AppInfo }) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <h1 className="app-name" data-testid="app-name">
        {t('app.name')}
      </h1>
      <p className="pharmacy" data-testid="pharmacy-name">
        <span className="visually-hidden">{t('header.pharmacy')}: </span>
        {appInfo.pharmacy.name}
      </p>
      <ConnectionNotice />
      <StaffSwitch appInfo={appInfo} />
    </header>
  );
}
