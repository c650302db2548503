/**
 * One case on screen: head (back to the inbox, status, return/delete), notices, the receipt once closed,
 * the prescription beside the dispense editor, and the versions sent. The case comes from react-query
 * (getCase); the form appears only when the data exists, so its defaultValues are real. After $reject/$abort
 * only PrescriptionID, status, times and staff remain (A_19251) — that is all this view then shows.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../../lib/bridge-context';
import { useCurrentCase } from '../../../lib/current-case';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';
import { useAppInfo } from '../../../api/app-info/use-app-info';
import { CaseRetryNotice } from '../../connection/components/RetryNotice';
import { Receipt } from '../../dispense/components/Receipt';
import { VersionList } from '../../dispense/components/VersionList';
import { DispenseForm } from '../../dispense/forms/DispenseForm';
import { PrescriptionView } from '../../prescription/components/PrescriptionView';
import { caseDetailQueryOptions } from '../../../api/cases/case-query';
import { CaseActions } from './CaseActions';
import { CaseEndedNotice, OutcomeUnknownNotice, SecretRecovery } from './CaseNotices';
import { CaseStatusBadge } from './CaseStatusBadge';

export function CaseView({ prescriptionId }: { prescriptionId: string }) {
  const { t } = useTranslation();
  const appInfo = useAppInfo().data;
  const staff = appInfo?.staff?.kuerzel ?? null;
  const { showInbox } = useCurrentCase();
  const query = useQuery(caseDetailQueryOptions(useBridge(), prescriptionId));
  const back = (
    <button type="button" className="button-secondary button-small" data-testid="back-to-inbox" aria-keyshortcuts="Alt+V" onClick={showInbox}>
      {t('case.back')} <kbd>Alt+V</kbd>
    </button>
  );
  if (query.isPending) {
    return (
      <>
        <p role="status" className="muted" data-testid="case-loading">
          {t('case.loading')}
        </p>
        <CaseRetryNotice prescriptionId={prescriptionId} />
      </>
    );
  }
  if (query.isError) {
    return (
      <div className="case-view">
        <div className="case-head">{back}</div>
        <ErrorAlert error={appErrorOf(query.error)} testId="case-error" />
        <CaseRetryNotice prescriptionId={prescriptionId} />
      </div>
    );
  }
  const detail = query.data;
  const ended = detail.status === 'rejected' || detail.status === 'aborted';
  return (
    <article className="case-view" data-testid="case-view" data-prescription-id={prescriptionId} aria-label={t('case.label', { prescriptionId })}>
      <div className="case-head no-print">
        {back}
        <span className="case-title mono">{prescriptionId}</span>
        <CaseStatusBadge status={detail.status} />
        {!detail.readOnly ? <CaseActions caseDetail={detail} staff={staff} /> : null}
      </div>
      {ended ? <CaseEndedNotice caseDetail={detail} /> : null}
      {/* an open case shows a running retry next to the editor's (or the Secret recovery's) buttons; a locked one
          here, above the receipt and its „Quittung erneut abrufen“ */}
      {detail.readOnly ? <CaseRetryNotice prescriptionId={prescriptionId} /> : null}
      {detail.secretMissing && !detail.readOnly ? <SecretRecovery caseDetail={detail} staff={staff} /> : null}
      {detail.outcomeUnknown && !detail.readOnly ? <OutcomeUnknownNotice /> : null}
      {detail.receipt ? <Receipt receipt={detail.receipt} pharmacyName={appInfo?.pharmacy.name ?? ''} canRefetch={staff !== null} /> : null}
      {!ended ? (
        <div className="case-columns">
          <PrescriptionView caseDetail={detail} />
          {/* keyed by case: another case gets a fresh form with its own defaultValues */}
          <DispenseForm key={prescriptionId} caseDetail={detail} staff={staff} telematikId={appInfo?.pharmacy.telematikId ?? ''} />
        </div>
      ) : null}
      <VersionList submissions={detail.submissions} />
    </article>
  );
}
