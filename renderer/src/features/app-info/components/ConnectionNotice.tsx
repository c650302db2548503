import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../../../lib/bridge-events';
import { appInfoKeys } from '../api/app-info-query';

/** Tells the pharmacist when the Fachdienst is unreachable (spec §9.3, A_23815); filled by main's events only. */
export function ConnectionNotice() {
  const { t } = useTranslation();
  const { data: state } = useQuery<ConnectionState>({
    queryKey: appInfoKeys.connection(),
    queryFn: () => 'unknown',
    enabled: false,
    staleTime: Infinity,
  });
  if (state !== 'offline') return null;
  return (
    <p className="connection-offline" data-testid="connection-offline" role="status">
      {t('header.offline')}
    </p>
  );
}
