/**
 * „eGK des Patienten stecken“ on a training prescription (spec erezept-pharmacy §3.9): the simulator puts the card of
 * this prescription's patient into the card terminal of the app's workplace, where „Rezepte per Gesundheitskarte“
 * (Alt+G) reads it. The second button inserts a stale card (the patient moved, the card was not updated): the
 * Fachdienst then refuses the lookup with 458 — and, after enough of them in a day, locks the pharmacy (423).
 * Training only — main refuses the channel otherwise.
 */
import { useTranslation } from 'react-i18next';
import { useInsertEgk } from '../../../api/trainer/use-trainer-mutations';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';

export function EgkInsert({ prescriptionId }: { prescriptionId: string }) {
  const { t } = useTranslation();
  const insert = useInsertEgk();
  return (
    <div className="training-actions training-egk" data-testid="training-egk">
      <button
        type="button"
        className="button-secondary button-small"
        data-testid="training-egk-insert"
        disabled={insert.isPending}
        onClick={() => insert.mutate({ prescriptionId, staleCard: false })}
      >
        {t('trainer.prescription.insertEgk')}
      </button>
      <button
        type="button"
        className="button-secondary button-small"
        data-testid="training-egk-insert-stale"
        title={t('trainer.prescription.insertEgkHint')}
        disabled={insert.isPending}
        onClick={() => insert.mutate({ prescriptionId, staleCard: true })}
      >
        {t('trainer.prescription.insertStaleEgk')}
      </button>
      {insert.isSuccess ? (
        <p role="status" data-testid="training-egk-inserted" data-stale={insert.variables.staleCard}>
          {t(insert.variables.staleCard ? 'trainer.prescription.staleEgkInserted' : 'trainer.prescription.egkInserted')}
        </p>
      ) : null}
      {insert.isError ? <ErrorAlert error={appErrorOf(insert.error)} testId="training-egk-error" /> : null}
    </div>
  );
}
