/**
 * The head of a prescription (its id is in the column's heading): flow type (T-Rezept marked, A_27841/A_27842), Rechtsgrundlage, issue date and
 * the two deadlines shown on download (A_23797: Belieferungsfrist = acceptDate, Einlösefrist = expiryDate). Both
 * dates are the Task's own, as the Fachdienst set them (spec §4): shown and explained, never derived from the issue
 * date here. Dense on purpose — one case must fit a 1366×768 screen (issue 19 item 5).
 */
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { Fact } from '../../../components/Fact';
import { isNamedFlowType, isTRezept } from '../../../lib/flow-type';
import { formatDate } from '../../../lib/format';
import { DeadlineHelp } from './DeadlineHelp';
import { LegalBasisNotes } from './LegalBasisNotes';

export function PrescriptionSummary({ caseDetail }: { caseDetail: CaseDetail }) {
  const { t } = useTranslation();
  const { prescription, flowType, acceptDate, expiryDate } = caseDetail;
  const flowLabel = isNamedFlowType(flowType)
    ? t(`prescription.flowTypes.${flowType}`)
    : t('prescription.flowTypes.unknown', { code: flowType });
  const legalBasis = prescription?.legalBasis;
  return (
    <div className="prescription-summary">
      <div className="summary-facts">
        <dl className="facts facts-dense">
          <Fact label={t('prescription.flowType')} testId="flow-type">
            {flowLabel}
          </Fact>
          {legalBasis ? (
            <Fact label={t('prescription.legalBasis.label')} testId="legal-basis">
              <span data-code={legalBasis.code}>{legalBasis.label}</span>
            </Fact>
          ) : null}
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
        <DeadlineHelp acceptDate={acceptDate} expiryDate={expiryDate} />
      </div>
      {isTRezept(flowType) ? (
        <p className="t-rezept" data-testid="t-rezept-marker">
          <strong className="badge badge-t">{t('prescription.tRezept')}</strong>{' '}
          {t('prescription.tRezeptHint')}
          {expiryDate ? (
            <>
              {' '}
              <span data-testid="t-rezept-deadline">
                {t('prescription.deadlines.tRezept', { date: formatDate(expiryDate) })}
              </span>
            </>
          ) : null}
        </p>
      ) : null}
      {legalBasis ? <LegalBasisNotes code={legalBasis.code} acceptDate={acceptDate} /> : null}
    </div>
  );
}
