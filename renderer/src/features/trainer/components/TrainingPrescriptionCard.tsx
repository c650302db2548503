/**
 * One prescription of the loaded scenario: who and what, its flow type, whether another
 * pharmacy already holds it („schon vergeben“), its E-Rezept code as a DataMatrix to scan from the monitor
 * (or to copy into the scan field without a scanner), the patient's eGK to insert (EgkInsert.tsx), and the
 * patient's view of it.
 */
import { useTranslation } from 'react-i18next';
import type { TrainingPrescription } from '../../../../../shared/ipc/contract';
import { CopyButton } from '../../../components/CopyButton';
import { isNamedFlowType } from '../../../lib/flow-type';
import { formatDate } from '../../../lib/format';
import { DataMatrixCanvas } from './DataMatrixCanvas';
import { EgkInsert } from './EgkInsert';
import { InsurantViewPanel } from './InsurantViewPanel';

interface Props {
  prescription: TrainingPrescription;
  label: string;
  patientViewOpen: boolean;
  onTogglePatientView(): void;
}

export function TrainingPrescriptionCard({
  prescription,
  label,
  patientViewOpen,
  onTogglePatientView,
}: Props) {
  const { t } = useTranslation();
  const p = prescription;
  const flowType = isNamedFlowType(p.flowType)
    ? t(`prescription.flowTypes.${p.flowType}`)
    : t('prescription.flowTypes.unknown', { code: p.flowType });
  return (
    <article
      className="card training-prescription"
      data-testid="training-prescription"
      data-prescription-id={p.prescriptionId}
      data-label={label}
      data-accepted-by={p.acceptedBy}
      aria-label={label}
    >
      <h4 className="training-label" data-testid="training-label">
        {label} <code className="training-id">{p.prescriptionId}</code>
      </h4>
      <dl className="facts">
        <div className="fact">
          <dt>{t('trainer.prescription.patient')}</dt>
          <dd data-testid="training-patient">
            {p.patientName ?? '–'}
            {p.birthDate ? ` (${t('trainer.prescription.born', { date: formatDate(p.birthDate) })})` : ''}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('trainer.prescription.medication')}</dt>
          <dd data-testid="training-medication">{p.medication ?? '–'}</dd>
        </div>
        <div className="fact">
          <dt>{t('trainer.prescription.flowType')}</dt>
          <dd data-testid="training-flow-type" data-flow-type={p.flowType}>
            {flowType}
          </dd>
        </div>
      </dl>
      {p.acceptedBy ? (
        <p className="badge badge-warning training-accepted-by" data-testid="training-accepted-by">
          {t('trainer.prescription.acceptedBy', { telematikId: p.acceptedBy })}
        </p>
      ) : null}
      <DataMatrixCanvas
        text={p.dataMatrix}
        label={t('trainer.prescription.code', { label })}
        testId="training-datamatrix"
      />
      <div className="training-actions">
        <CopyButton
          text={p.dataMatrix}
          testId="training-copy-code"
          label={t('trainer.prescription.copyCode')}
        />
        <button
          type="button"
          className="button-secondary"
          data-testid="patient-view-open"
          aria-expanded={patientViewOpen}
          aria-label={t('trainer.prescription.patientViewLabel', { label })}
          onClick={onTogglePatientView}
        >
          {t('trainer.prescription.patientView')}
        </button>
      </div>
      <EgkInsert prescriptionId={p.prescriptionId} />
      {patientViewOpen ? (
        <InsurantViewPanel prescriptionId={p.prescriptionId} label={label} onClose={onTogglePatientView} />
      ) : null}
    </article>
  );
}
