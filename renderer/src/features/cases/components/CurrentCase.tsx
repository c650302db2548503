import { useTranslation } from 'react-i18next';
import { useCurrentCase } from '../../../app/current-case';
import { CaseView } from './CaseView';

/** The case the pharmacist is working on, or a prompt to scan one. */
export function CurrentCase() {
  const { t } = useTranslation();
  const { prescriptionId } = useCurrentCase();
  if (!prescriptionId) {
    return (
      <p className="empty-state" data-testid="no-case">
        {t('case.none')}
      </p>
    );
  }
  return <CaseView prescriptionId={prescriptionId} />;
}
