/**
 * The connection indicator in the header (spec §9.3, A_23815): calm while the Fachdienst answers (a small
 * green dot), clearly visible when it does not, with the number of operations waiting for it. It opens the
 * panel of pending operations (Alt+W). The pharmacy's shared database unreachable (hop `store`, docs/multi-counter.md
 * §6) is said as such — „Datenbank nicht erreichbar“ —, since the Fachdienst itself may well answer.
 */
import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../../api/connection/use-connection';

interface Props {
  open: boolean;
  onToggle(): void;
  /** the id of the panel it opens */
  panelId: string;
  ref?: Ref<HTMLButtonElement>;
}

export function ConnectionIndicator({ open, onToggle, panelId, ref }: Props) {
  const { t } = useTranslation();
  const { data } = useConnection();
  // Until main answered (or when it could not), nothing is known: shown as such, never as "online".
  const state = data?.state ?? 'unknown';
  const pendingCount = data?.pendingCount ?? 0;
  const label =
    state === 'offline' && data?.failedHop === 'store'
      ? t('connection.storeOffline')
      : t(`connection.states.${state}`);
  return (
    <button
      ref={ref}
      type="button"
      className={`connection-indicator connection-${state}`}
      data-testid="connection-indicator"
      data-state={state}
      data-hop={state === 'offline' || state === 'degraded' ? data?.failedHop : undefined}
      aria-expanded={open}
      aria-controls={open ? panelId : undefined}
      aria-keyshortcuts="Alt+W"
      title={t('connection.indicatorHint')}
      onClick={onToggle}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span data-testid="connection-label">{label}</span>
      {pendingCount > 0 ? (
        <span className="badge badge-pending" data-testid="pending-count" data-count={pendingCount}>
          {t('connection.pendingCount', { count: pendingCount })}
        </span>
      ) : null}
      <kbd>Alt+W</kbd>
    </button>
  );
}
