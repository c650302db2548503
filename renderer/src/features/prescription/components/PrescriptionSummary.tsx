/**
 * The head of a prescription: id, flow type (T-Rezept marked, A_27841/A_27842), issue date and the two
 * deadlines shown on download (A_23797: Belieferungsfrist = acceptDate, Einlösefrist = expiryDate).
 */
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { Fact } from '../../../components/Fact';
import { isNamedFlowType, isTRezept } from '../../../lib/flow-type';
import { formatDate } from '../../../lib/format';

export function PrescriptionSummary({ caseDetail }: { caseDetail: CaseDetail }) {
  const { t } = useTranslation();
  const { prescription, flowType, acceptDate, expiryDate } = caseDetail;
  const flowLabel = isNamedFlowType(flowType)
    ? t(`prescription.flowTypes.${flowType}`)
    : t('prescription.flowTypes.unknown', { code: flowType });
  return (
    <div className="prescription-summary">
      <dl className="facts facts-inline">
        <Fact label={t('prescription.id')} testId="prescription-id">
          {prescription?.prescriptionId ?? caseDetail.prescriptionId}
        </Fact>
        <Fact label={t('prescription.flowType')} testId="flow-type">
          {flowLabel}
        </Fact>
        <Fact label={t('prescription.authoredOn')} testId="authored-on">
          {prescription ? formatDate(prescription.authoredOn) : undefined}
        </Fact>
        <Fact label={t('prescription.deadlines.acceptDate')} testId="accept-date">
          {acceptDate ? t('prescription.deadlines.until', { date: formatDate(acceptDate) }) : undefined}
        </Fact>
        <Fact label={t('prescription.deadlines.expiryDate')} testId="expiry-date">
          {expiryDate ? t('prescription.deadlines.until', { date: formatDate(expiryDate) }) : undefined}
        </Fact>
      </dl>
      {isTRezept(flowType) ? (
        <p className="t-rezept" data-testid="t-rezept-marker">
          <strong className="badge badge-t">{t('prescription.tRezept')}</strong> {t('prescription.tRezeptHint')}
        </p>
      ) : null}
    </div>
  );
}
