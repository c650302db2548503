/**
 * „Nachrichten“ (Alt+Z; spec erezept-pharmacy §3.11): the Zuweisungen patients sent from their E-Rezept-App, open
 * ones first (main's order). A panel under the header like „Ausstehende Vorgänge“, not a dialog: wedge scans keep
 * reaching the counter while it is open. „Aktualisieren“ asks the Fachdienst now (main also does every 5 minutes).
 * „Annehmen“ claims the prescription and opens its case; „Verwerfen“ asks first and claims nothing (A_23152).
 * When it opens with new Zuweisungen, the first one's „Annehmen“ has the focus: Enter takes it, Tab goes on.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError, MessageRequest } from '../../../../../shared/ipc/contract';
import { useCurrentStaff } from '../../../api/app-info/use-app-info';
import {
  useAcceptMessage,
  useDismissMessage,
  useRefreshMessages,
} from '../../../api/messages/use-message-mutations';
import { useMessageInbox } from '../../../api/messages/use-messages';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { SidePanel } from '../../../components/SidePanel';
import { useCurrentCase } from '../../../lib/current-case';
import { formatTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';
import { MessageRequestRow } from './MessageRequestRow';

interface Props {
  id: string;
  /** `returnFocus: false` when a case was opened from the panel: the work goes on there */
  onClose(options?: { returnFocus: boolean }): void;
}

export function MessagesPanel({ id, onClose }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const query = useMessageInbox();
  const refresh = useRefreshMessages();
  const accept = useAcceptMessage();
  const dismiss = useDismissMessage();
  const staff = useCurrentStaff();
  const { openCase } = useCurrentCase();
  const [failures, setFailures] = useState<Readonly<Record<string, AppError>>>({});
  const [asking, setAsking] = useState<MessageRequest | null>(null);

  const requests = query.data?.requests ?? [];
  const firstNew = requests.find((r) => r.state === 'new');
  const firstAcceptRef = useRef<HTMLButtonElement>(null);
  const focusedFirst = useRef(false);
  // Once, while the focus is still on the panel's title (SidePanel puts it there): the first new Zuweisung's
  // „Annehmen“ takes it, so Alt+Z, Enter accepts — and a pharmacist who moved on is not pulled back.
  useEffect(() => {
    if (!firstNew || focusedFirst.current) return;
    focusedFirst.current = true;
    if (document.activeElement?.id === titleId) firstAcceptRef.current?.focus();
  }, [firstNew, titleId]);

  const failed = (communicationId: string, error: AppError | null) =>
    setFailures((current) => {
      const next = { ...current };
      if (error) next[communicationId] = error;
      else delete next[communicationId];
      return next;
    });

  const acceptRequest = (request: MessageRequest) => {
    failed(request.communicationId, null);
    accept.mutate(request.communicationId, {
      onSuccess: (outcome) => {
        if (!outcome.ok) {
          failed(request.communicationId, outcome.error);
          return;
        }
        openCase(outcome.prescriptionId);
        onClose({ returnFocus: false });
      },
      onError: (error) => failed(request.communicationId, appErrorOf(error)),
    });
  };
  const confirmDismiss = () => {
    if (!asking) return;
    dismiss.mutate(asking.communicationId, { onSuccess: () => setAsking(null) });
  };
  const canAct = staff !== null && !accept.isPending;
  const lastRefresh = query.data?.lastRefresh;

  return (
    <SidePanel
      id={id}
      className="messages-panel no-print"
      testId="messages-panel"
      title={t('messages.title')}
      titleId={titleId}
      actions={
        <button
          type="button"
          className="button-primary button-small"
          data-testid="messages-refresh"
          disabled={refresh.isPending}
          onClick={() => refresh.mutate()}
        >
          {refresh.isPending ? t('messages.refreshing') : t('messages.refresh')}
        </button>
      }
      closeLabel={t('messages.close')}
      closeTestId="messages-close"
      onClose={onClose}
    >
      <p className="muted">{t('messages.intro')}</p>
      <p className="muted" data-testid="messages-last-refresh" data-added={lastRefresh?.added}>
        {lastRefresh
          ? `${t('messages.lastRefresh', { time: formatTime(lastRefresh.at), count: lastRefresh.added })} `
          : ''}
        {t('messages.autoRefresh')}
      </p>
      {lastRefresh && lastRefresh.unreadable.length > 0 ? (
        <div className="hint hint-warning" data-testid="messages-unreadable">
          <p>{t('messages.unreadable')}</p>
          <ul>
            {lastRefresh.unreadable.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {refresh.isError ? (
        <ErrorAlert error={appErrorOf(refresh.error)} testId="messages-refresh-error" />
      ) : null}
      {/* main's automatic fetch failed (offline, 429 …): said until one succeeds */}
      {query.data?.lastFailure && !refresh.isError ? (
        <ErrorAlert
          error={query.data.lastFailure}
          context={t('messages.lastFailure')}
          testId="messages-last-failure"
        />
      ) : null}
      {staff === null && firstNew ? (
        <p className="hint hint-info" data-testid="messages-needs-staff">
          {t('messages.needsStaff')}
        </p>
      ) : null}
      {query.isPending ? (
        <p role="status" className="muted" data-testid="messages-loading">
          {t('messages.loading')}
        </p>
      ) : query.isError ? (
        <ErrorAlert error={appErrorOf(query.error)} testId="messages-error" />
      ) : requests.length === 0 ? (
        <p className="muted" data-testid="messages-empty">
          {t('messages.empty')}
        </p>
      ) : (
        <ul className="message-requests" aria-labelledby={titleId}>
          {requests.map((request) => (
            <MessageRequestRow
              key={request.communicationId}
              request={request}
              canAct={canAct}
              accepting={accept.isPending && accept.variables === request.communicationId}
              error={failures[request.communicationId] ?? null}
              acceptRef={request === firstNew ? firstAcceptRef : undefined}
              onAccept={() => acceptRequest(request)}
              onDismiss={() => {
                dismiss.reset();
                setAsking(request);
              }}
              onOpenCase={() => {
                openCase(request.prescriptionId);
                onClose({ returnFocus: false });
              }}
            />
          ))}
        </ul>
      )}
      {asking ? (
        <ConfirmDialog
          testId="message-dismiss-dialog"
          title={t('messages.dismissTitle')}
          confirmLabel={t('messages.dismissConfirm')}
          onConfirm={confirmDismiss}
          onCancel={() => setAsking(null)}
          busy={dismiss.isPending}
          busyText={t('messages.dismissBusy')}
          error={dismiss.isError ? appErrorOf(dismiss.error) : null}
        >
          <p>
            {t('messages.dismissText', {
              who: asking.wish?.name ?? t('messages.someone'),
              prescriptionId: asking.prescriptionId,
            })}
          </p>
        </ConfirmDialog>
      ) : null}
    </SidePanel>
  );
}
