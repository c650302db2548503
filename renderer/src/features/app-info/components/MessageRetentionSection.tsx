/**
 * „Nachrichten“ in „Einstellungen & Info“: how many days a patient's Zuweisung that was never accepted keeps its
 * content (name, address, phone, texts) before the app erases it (docs/messages.md; default 30, 1–365). Accepted ones
 * live as long as their case and go with its personal data (A_19251).
 */
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../../shared/ipc/contract';
import { useSetMessageRetention } from '../../../api/app-info/use-set-message-retention';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';

const MIN_DAYS = 1;
const MAX_DAYS = 365;

export function MessageRetentionSection({ appInfo }: { appInfo: AppInfo }) {
  const { t } = useTranslation();
  const save = useSetMessageRetention();
  const { register, handleSubmit, formState } = useForm<{ days: number }>({ values: { days: appInfo.messageRetentionDays } });
  const problem = formState.errors.days ? t('settings.messageRetentionRange', { min: MIN_DAYS, max: MAX_DAYS }) : undefined;
  return (
    <section className="settings-section" aria-labelledby="settings-messages">
      <h3 id="settings-messages">{t('settings.messagesTitle')}</h3>
      <form
        data-testid="settings-message-retention-form"
        onSubmit={handleSubmit(({ days }) => save.mutate(days))}
        noValidate
      >
        <label htmlFor="settings-message-retention">{t('settings.messageRetention')}</label>{' '}
        <input
          id="settings-message-retention"
          type="number"
          inputMode="numeric"
          min={MIN_DAYS}
          max={MAX_DAYS}
          data-testid="settings-message-retention"
          aria-invalid={problem ? true : undefined}
          {...register('days', { valueAsNumber: true, required: true, min: MIN_DAYS, max: MAX_DAYS, validate: (days) => Number.isInteger(days) })}
        />{' '}
        {t('settings.messageRetentionUnit')}{' '}
        <button type="submit" className="button-secondary button-small" data-testid="settings-message-retention-save" disabled={save.isPending}>
          {t('settings.messageRetentionSave')}
        </button>
        {problem ? (
          <p className="field-error" data-testid="settings-message-retention-problem">
            {problem}
          </p>
        ) : null}
        {save.isSuccess && !formState.isDirty ? (
          <p role="status" data-testid="settings-message-retention-saved">
            {t('settings.messageRetentionSaved', { days: appInfo.messageRetentionDays })}
          </p>
        ) : null}
        {save.isError ? <ErrorAlert error={appErrorOf(save.error)} testId="settings-message-retention-error" /> : null}
      </form>
      <p className="muted">{t('settings.messageRetentionHint')}</p>
    </section>
  );
}
