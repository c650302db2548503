import { useTranslation } from 'react-i18next';
import { InboxView } from '../../features/inbox/components/InboxView';
import { useCurrentCase } from '../../lib/current-case';
import { CaseView } from './CaseView';

interface Props {
  focusInboxSearch?: boolean;
  onInboxSearchFocused?(): void;
}

/** The case the pharmacist is working on, or — when none is open — a prompt to scan and the inbox. */
export function CurrentCase({ focusInboxSearch, onInboxSearchFocused }: Props) {
  const { t } = useTranslation();
  const { prescriptionId } = useCurrentCase();
  if (!prescriptionId) {
    return (
      <>
        <p className="empty-state" data-testid="no-case">
          {t('case.none')}
        </p>
        <InboxView focusSearch={focusInboxSearch} onSearchFocused={onInboxSearchFocused} />
      </>
    );
  }
  return <CaseView prescriptionId={prescriptionId} />;
}
