/**
 * The backend in „Einstellungen & Info“ (architecture §2, backends): training (a simulator) or the real TI. Leaving
 * training is an explicit, confirmed action — the pharmacist ticks „Ich verstehe …“ before „Umschalten“ is
 * possible, because real prescriptions of real patients would be processed from then on (architecture §2).
 */
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../../shared/ipc/contract';
import { useSelectBackend } from '../../../api/app-info/use-select-backend';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Modal } from '../../../components/Modal';
import { appErrorOf } from '../../../lib/invoke';

export function BackendSection({ appInfo, onUseTi }: { appInfo: AppInfo; onUseTi(): void }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <section className="settings-section" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('settings.mode')}</h3>
      <p data-testid="backend-mode" data-training={appInfo.training} data-backend={appInfo.backend}>
        <strong>{appInfo.training ? t('settings.modes.training') : t('settings.modes.live')}</strong> (
        {t(`settings.backends.${appInfo.backend}`)})
      </p>
      {appInfo.backend !== 'ti' ? (
        <button
          type="button"
          className="button-secondary"
          data-testid="backend-ti"
          aria-haspopup="dialog"
          onClick={onUseTi}
        >
          {t('settings.useTi')}
        </button>
      ) : null}
    </section>
  );
}

export function BackendTiDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const textId = useId();
  const checkboxId = useId();
  const [understood, setUnderstood] = useState(false);
  const select = useSelectBackend();
  return (
    <Modal
      title={t('settings.tiTitle')}
      testId="backend-ti-dialog"
      onCancel={() => {
        if (!select.isPending) onClose();
      }}
      initialFocus={cancelRef}
      describedBy={textId}
      actions={
        <>
          <button
            ref={cancelRef}
            type="button"
            className="button-secondary"
            data-testid="backend-ti-cancel"
            disabled={select.isPending}
            onClick={onClose}
          >
            {t('dialog.cancel')} <kbd>Esc</kbd>
          </button>
          <button
            type="button"
            className="button-danger"
            data-testid="backend-ti-confirm"
            disabled={!understood || select.isPending}
            onClick={() => select.mutate('ti', { onSuccess: onClose })}
          >
            {t('settings.tiConfirm')}
          </button>
        </>
      }
    >
      <p id={textId}>{t('settings.tiText')}</p>
      <div className="field-checkbox">
        <input
          id={checkboxId}
          type="checkbox"
          data-testid="backend-ti-understood"
          checked={understood}
          disabled={select.isPending}
          onChange={(e) => setUnderstood(e.target.checked)}
        />
        <label htmlFor={checkboxId}>{t('settings.tiUnderstood')}</label>
      </div>
      {select.isPending ? (
        <p role="status" className="muted" data-testid="backend-ti-busy">
          {t('settings.tiBusy')}
        </p>
      ) : null}
      {select.isError ? <ErrorAlert error={appErrorOf(select.error)} testId="backend-ti-error" /> : null}
    </Modal>
  );
}
