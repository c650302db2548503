/**
 * „Einstellungen & Info“ (Alt+I): what the app runs against and how it protects data at rest (architecture §7:
 * safeStorage only when the OS keychain is real, else a key file for this user only) and the network settings in
 * effect (timeout, backoff base, attempts; spec §8, A_25460), and the backend: training or — only after an explicit
 * confirmation — the real TI (architecture §2). „Apotheke & Personal“ (issue 18): staff, this counter's name, the pharmacy.
 * With several counters on one store (issue 18, docs/multi-counter.md §2) its address, as main prints it (no password),
 * and „Kasse hinzufügen“: a one-time code for a new counter (§5). „Artikelstamm“ (issue 19): which catalogue answers
 * the PZN lookups, and the import of an article master file.
 */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../../shared/ipc/contract';
import { Fact } from '../../../components/Fact';
import { Modal } from '../../../components/Modal';
import { formatDuration } from '../../../lib/format';
import { shortcuts, useShortcut } from '../../../lib/shortcuts';
import { AddCounterDialog, AddCounterSection, useAddCounter } from './AddCounterSection';
import { ArticleMasterSection } from './ArticleMasterSection';
import { BackendSection, BackendTiDialog } from './BackendChoice';
import { MessageRetentionSection } from './MessageRetentionSection';
import { PharmacySetupSection } from './PharmacySetupSection';
import { TiSettingsSection } from './TiSettingsSection';

export function AppSettingsButton({ appInfo }: { appInfo: AppInfo }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  useShortcut(shortcuts.settings, () => setOpen(true), !open);
  return (
    <>
      <button
        type="button"
        className="button-secondary button-small"
        data-testid="app-settings-open"
        aria-haspopup="dialog"
        aria-keyshortcuts="Alt+I"
        onClick={() => setOpen(true)}
      >
        {t('settings.open')} <kbd>Alt+I</kbd>
      </button>
      {open ? <AppSettingsDialog appInfo={appInfo} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function AppSettingsDialog({ appInfo, onClose }: { appInfo: AppInfo; onClose(): void }) {
  const { t } = useTranslation();
  const closeRef = useRef<HTMLButtonElement>(null);
  const [askTi, setAskTi] = useState(false);
  const addCounter = useAddCounter();
  const { network } = appInfo;
  return (
    <>
      <Modal
        title={t('settings.title')}
        testId="app-settings"
        onCancel={onClose}
        initialFocus={closeRef}
        actions={
          <button
            ref={closeRef}
            type="button"
            className="button-secondary"
            data-testid="app-settings-close"
            onClick={onClose}
          >
            {t('settings.close')} <kbd>Esc</kbd>
          </button>
        }
      >
        <PharmacySetupSection />
        <section className="settings-section" aria-labelledby="settings-data-protection">
          <h3 id="settings-data-protection">{t('settings.dataProtectionTitle')}</h3>
          <p data-testid="data-protection" data-method={appInfo.dataProtection}>
            {t('settings.dataProtection', {
              method: t(`settings.dataProtections.${appInfo.dataProtection}`),
            })}
          </p>
          <p className="muted">{t('settings.dataProtectionHint')}</p>
        </section>
        <MessageRetentionSection appInfo={appInfo} />
        <ArticleMasterSection appInfo={appInfo} />
        <section className="settings-section" aria-labelledby="settings-network">
          <h3 id="settings-network">{t('settings.network')}</h3>
          <dl className="facts">
            <Fact label={t('settings.requestTimeout')} testId="network-timeout">
              {formatDuration(network.requestTimeoutMs)}
            </Fact>
            <Fact label={t('settings.retryBase')} testId="network-retry-base">
              {formatDuration(network.retryBaseMs)}
            </Fact>
            <Fact label={t('settings.maxAttempts')} testId="network-max-attempts">
              {network.maxAttempts}
            </Fact>
          </dl>
          <p className="muted">{t('settings.retryPolicy')}</p>
        </section>
        <section className="settings-section" aria-labelledby="settings-app">
          <h3 id="settings-app">{t('settings.app')}</h3>
          <dl className="facts">
            <Fact label={t('settings.version')} testId="app-version">
              {appInfo.version}
            </Fact>
            <Fact label={t('settings.backend')} testId="app-backend">
              {t(`settings.backends.${appInfo.backend}`)}
            </Fact>
            <Fact label={t('settings.fachdienstUrl')} testId="app-fachdienst-url">
              <code>{appInfo.fachdienstUrl}</code>
            </Fact>
            <Fact label={t('settings.pharmacy')}>{appInfo.pharmacy.name}</Fact>
            <Fact label={t('settings.telematikId')}>
              <code>{appInfo.pharmacy.telematikId}</code>
            </Fact>
            {/* only when several counters share one store (issue 18); the address never carries a password */}
            <Fact label={t('settings.sharedStore')} testId="app-info-shared-store">
              {appInfo.sharedStore ? <code>{appInfo.sharedStore}</code> : null}
            </Fact>
          </dl>
        </section>
        {/* a one-time code lets a new counter into the shared store; with one counter there is none to let in */}
        {appInfo.sharedStore ? <AddCounterSection addCounter={addCounter} /> : null}
        <BackendSection appInfo={appInfo} onUseTi={() => setAskTi(true)} />
        {appInfo.backend === 'ti' ? <TiSettingsSection /> : null}
      </Modal>
      {/* beside the settings, not inside: its Esc and Tab stay its own, the settings stay open underneath */}
      {askTi ? <BackendTiDialog onClose={() => setAskTi(false)} /> : null}
      <AddCounterDialog addCounter={addCounter} />
    </>
  );
}
