/**
 * „Nachrichten“ in the header (Alt+Z — Z for Zuweisungen; spec erezept-pharmacy §3.11): opens and closes the panel of
 * Zuweisungen. The badge counts the open ones (neither accepted nor dismissed) and is there only when there are any;
 * its number is read out as „3 offene Zuweisungen“.
 */
import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { useMessageInbox } from '../../../api/messages/use-messages';

interface Props {
  open: boolean;
  onToggle(): void;
  /** the id of the panel it opens */
  panelId: string;
  ref?: Ref<HTMLButtonElement>;
}

export function MessagesButton({ open, onToggle, panelId, ref }: Props) {
  const { t } = useTranslation();
  const openCount = useMessageInbox().data?.open ?? 0;
  return (
    <button
      ref={ref}
      type="button"
      className="nav-button messages-button"
      data-testid="nav-messages"
      aria-expanded={open}
      aria-controls={open ? panelId : undefined}
      aria-keyshortcuts="Alt+Z"
      title={t('messages.openHint')}
      onClick={onToggle}
    >
      {t('messages.open')}{' '}
      {openCount > 0 ? (
        <>
          <span className="badge badge-messages" data-testid="messages-badge" data-count={openCount}>
            {openCount}{' '}
            <span className="visually-hidden">{t('messages.openCount', { count: openCount })}</span>
          </span>{' '}
        </>
      ) : null}
      <kbd>Alt+Z</kbd>
    </button>
  );
}
