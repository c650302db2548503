import type { Ref } from 'react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../shared/ipc/contract';
import { AppSettingsButton } from '../../features/app-info/components/AppSettings';
import { StaffSwitch } from '../../features/app-info/components/StaffSwitch';
import { ConnectionIndicator } from '../../features/connection/components/ConnectionIndicator';
import { EgkButton } from '../../features/egk/components/EgkButton';
import { MessagesButton } from '../../features/messages/components/MessagesButton';
import { TrainerButton } from '../../features/trainer/components/TrainerButton';
import { useCurrentCase } from '../../lib/current-case';
import { LanguageSwitch } from './LanguageSwitch';

interface Props {
  appInfo: AppInfo;
  onInbox(): void;
  /** the connection panel (pending operations): open?, toggle, its id */
  panelOpen: boolean;
  onTogglePanel(): void;
  panelId: string;
  /** the connection indicator, to give the focus back to when the panel closes */
  indicatorRef: Ref<HTMLButtonElement>;
  /** the messages panel (the patients' Zuweisungen): open?, toggle, its id */
  messagesOpen: boolean;
  onToggleMessages(): void;
  messagesPanelId: string;
  /** the „Nachrichten“ button, to give the focus back to when the messages panel closes */
  messagesButtonRef: Ref<HTMLButtonElement>;
  /** the trainer panel (training mode only): open?, toggle, its id */
  trainerOpen: boolean;
  onToggleTrainer(): void;
  trainerPanelId: string;
  /** the „Training“ button, to give the focus back to when the trainer panel closes */
  trainerButtonRef: Ref<HTMLButtonElement>;
}

export const AppHeader = memo(function AppHeader({
  appInfo,
  onInbox,
  panelOpen,
  onTogglePanel,
  panelId,
  indicatorRef,
  messagesOpen,
  onToggleMessages,
  messagesPanelId,
  messagesButtonRef,
  trainerOpen,
  onToggleTrainer,
  trainerPanelId,
  trainerButtonRef,
}: Props) {
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
        {appInfo.counterName ? <span className="counter-name" data-testid="counter-name"> · <span className="visually-hidden">{t('pharmacySetup.counterInHeader')}: </span>{appInfo.counterName}</span> : null}
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
        <MessagesButton ref={messagesButtonRef} open={messagesOpen} onToggle={onToggleMessages} panelId={messagesPanelId} />
        <EgkButton />
        {appInfo.training ? (
          <TrainerButton ref={trainerButtonRef} open={trainerOpen} onToggle={onToggleTrainer} panelId={trainerPanelId} />
        ) : null}
      </nav>
      <ConnectionIndicator ref={indicatorRef} open={panelOpen} onToggle={onTogglePanel} panelId={panelId} />
      <div className="header-end">
        <AppSettingsButton appInfo={appInfo} />
        <LanguageSwitch />
        <StaffSwitch appInfo={appInfo} />
      </div>
    </header>
  );
});
