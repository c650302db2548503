/**
 * One case on screen: the prescription, the dispense editor and, once closed, the receipt. The case comes
 * from react-query (getCase); the form appears only when the data exists, so its defaultValues are real.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../../app/bridge-context';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';
import { useCurrentStaff } from '../../app-info/api/use-app-info';
import { Receipt } from '../../dispense/components/Receipt';
import { DispenseForm } from '../../dispense/forms/DispenseForm';
import { PrescriptionView } from '../../prescription/components/PrescriptionView';
import { caseDetailQueryOptions } from '../api/case-query';
import { CaseStatusBadge } from './CaseStatusBadge';

export function CaseView({ prescriptionId }: { prescriptionId: string }) {
  const { t } = useTranslation();
  const staff = useCurrentStaff();
  const query = useQuery(caseDetailQueryOptions(useBridge(), prescriptionId));
  if (query.isPending) {
    return (
      <p role="status" className="muted" data-testid="case-loading">
        {t('case.loading')}
      </p>
    );
  }
  if (query.isError) return <ErrorAlert error={appErrorOf(query.error)} testId="case-error" />;
  const detail = query.data;
  return (
    <article className="case-view" data-testid="case-view" data-prescription-id={prescriptionId}>
      <CaseStatusBadge status={detail.status} />
      {detail.receipt ? <Receipt receipt={detail.receipt} /> : null}
      <PrescriptionView caseDetail={detail} />
      {/* keyed by case: another case gets a fresh form with its own defaultValues */}
      <DispenseForm key={prescriptionId} caseDetail={detail} staff={staff?.kuerzel ?? null} />
    </article>
  );
}
