/**
 * The patient's view: what the E-Rezept app shows for this prescription now — the insurant's
 * read of Task and MedicationDispense (spec §3.9–3.10), which the pharmacy itself cannot do, and the pharmacies'
 * replies it received (PatientReplies, spec §3.11). Not a dialog: the trainer keeps it open while the class works at
 * the counter; `case-changed` and `messages-changed` events refresh it.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { patientViewQueryOptions, trainerKeys } from '../../../api/trainer/trainer-query';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Fact } from '../../../components/Fact';
import { useBridge } from '../../../lib/bridge-context';
import { formatDate, formatDateTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';
import { PatientReplies } from './PatientReplies';

interface Props {
  prescriptionId: string;
  /** the prescription's label in the scenario („Rezept A“) */
  label: string;
  onClose(): void;
}

/** A date-only value (YYYY-MM-DD) as dd.mm.yyyy, an instant with its time. */
const formatDay = (value: string): string =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : formatDateTime(value);

export function InsurantViewPanel({ prescriptionId, label, onClose }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const queryClient = useQueryClient();
  const query = useQuery(patientViewQueryOptions(useBridge(), prescriptionId));
  const view = query.data;
  const refresh = () => {
    void query.refetch();
    void queryClient.invalidateQueries({ queryKey: trainerKeys.patientReplies(prescriptionId) });
  };
  return (
    <section
      className="insurant-view phone"
      data-testid="insurant-view"
      data-prescription-id={prescriptionId}
      aria-labelledby={titleId}
    >
      <div className="insurant-view-head">
        <h4 id={titleId} className="phone-head">
          {t('trainer.patientView.title')}
          <span className="visually-hidden"> – {label}</span>
        </h4>
        <button
          type="button"
          className="button-secondary button-small"
          data-testid="insurant-view-refresh"
          disabled={query.isFetching}
          onClick={refresh}
        >
          {query.isFetching ? t('trainer.patientView.refreshing') : t('trainer.patientView.refresh')}
        </button>
        <button
          type="button"
          className="button-secondary button-small"
          data-testid="insurant-view-close"
          onClick={onClose}
        >
          {t('trainer.patientView.close')}
        </button>
      </div>
      <p className="muted">{t('trainer.patientView.intro')}</p>
      {query.isError ? <ErrorAlert error={appErrorOf(query.error)} testId="insurant-view-error" /> : null}
      {query.isPending ? (
        <p role="status" className="muted" data-testid="insurant-view-loading">
          {t('trainer.patientView.loading')}
        </p>
      ) : null}
      {view ? (
        <>
          <p
            className="insurant-status"
            data-testid="insurant-view-status"
            data-status={view.taskStatus}
            role="status"
          >
            <span className="visually-hidden">{t('trainer.patientView.status')}: </span>
            {view.statusText}
          </p>
          <dl className="facts">
            <Fact label={t('trainer.patientView.medication')} testId="insurant-view-medication">
              {view.medication}
            </Fact>
            <Fact label={t('trainer.patientView.authoredOn')} testId="insurant-view-authored-on">
              {view.authoredOn ? formatDay(view.authoredOn) : undefined}
            </Fact>
            <Fact label={t('trainer.patientView.expiryDate')} testId="insurant-view-expiry">
              {view.expiryDate ? formatDay(view.expiryDate) : undefined}
            </Fact>
            <Fact label={t('trainer.patientView.pharmacy')} testId="insurant-view-pharmacy">
              {view.pharmacy}
            </Fact>
            <Fact label={t('trainer.patientView.lastDispense')} testId="insurant-view-last-dispense">
              {view.lastMedicationDispense ? formatDay(view.lastMedicationDispense) : undefined}
            </Fact>
          </dl>
          <h5 className="section-label">{t('trainer.patientView.dispenses')}</h5>
          {view.dispenses.length === 0 ? (
            <p className="muted" data-testid="insurant-view-no-dispenses">
              {t('trainer.patientView.noDispenses')}
            </p>
          ) : (
            <ol className="phone-items" data-testid="insurant-view-dispenses">
              {view.dispenses.map((d, i) => {
                const article = [
                  d.pzn ? t('trainer.patientView.pzn', { pzn: d.pzn }) : '',
                  d.batch ? t('trainer.patientView.batch', { batch: d.batch }) : '',
                ]
                  .filter(Boolean)
                  .join(' · ');
                return (
                  <li key={i} className="phone-item" data-testid="insurant-view-dispense">
                    <p className="phone-medication">{d.medication}</p>
                    {article ? <p className="muted">{article}</p> : null}
                    {d.whenHandedOver ? (
                      <p>{t('trainer.patientView.handedOver', { date: formatDay(d.whenHandedOver) })}</p>
                    ) : null}
                    {d.dosage ? <p>{t('trainer.patientView.dosage', { dosage: d.dosage })}</p> : null}
                  </li>
                );
              })}
            </ol>
          )}
        </>
      ) : null}
      <PatientReplies prescriptionId={prescriptionId} />
    </section>
  );
}
