/**
 * One Zuweisung in the inbox „Nachrichten“ (spec erezept-pharmacy §3.11): the patient's wish, when it was sent, for
 * which prescription, its state — and for a new one „Annehmen“ ($accept with the AccessCode main keeps, like a scan)
 * and „Verwerfen“ (nothing claimed, A_23152). A failed „Annehmen“ shows its error here, at its Zuweisung.
 */
import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError, MessageRequest } from '../../../../../shared/ipc/contract';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Fact } from '../../../components/Fact';
import { formatDateTime } from '../../../lib/format';
import { handledText } from '../handled-text';
import { WishDetails } from './WishDetails';

interface Props {
  request: MessageRequest;
  /** a Kürzel is chosen and no other „Annehmen“ runs */
  canAct: boolean;
  /** this row's „Annehmen“ runs */
  accepting: boolean;
  error: AppError | null;
  /** the first new row's „Annehmen“: where the panel puts the focus */
  acceptRef?: Ref<HTMLButtonElement>;
  onAccept(): void;
  onDismiss(): void;
  onOpenCase(): void;
}

export function MessageRequestRow({
  request,
  canAct,
  accepting,
  error,
  acceptRef,
  onAccept,
  onDismiss,
  onOpenCase,
}: Props) {
  const { t } = useTranslation();
  const who = request.wish?.name ?? t('messages.someone');
  const labels = { who, prescriptionId: request.prescriptionId };
  return (
    <li
      className={`message-request message-request-${request.state}`}
      data-testid="message-request"
      data-communication-id={request.communicationId}
      data-state={request.state}
      data-prescription-id={request.prescriptionId}
    >
      <div className="message-request-head">
        <span className={`badge badge-message-${request.state}`} data-testid="message-state">
          {handledText(t, t(`messages.states.${request.state}`), request.handledBy, request.handledAt)}
        </span>
        <dl className="facts facts-inline">
          <Fact label={t('messages.wish.sent')} testId="message-sent">
            {formatDateTime(request.sent)}
          </Fact>
          <Fact label={t('messages.wish.prescription')} testId="message-prescription-id">
            <span className="mono">{request.prescriptionId}</span>
          </Fact>
        </dl>
      </div>
      {request.wish ? <WishDetails wish={request.wish} /> : <p className="muted">{t('messages.noWish')}</p>}
      {request.wishProblem ? (
        <p className="hint hint-warning" data-testid="message-wish-problem">
          {t('messages.wishProblem', { problem: request.wishProblem })}
        </p>
      ) : null}
      {request.hasCase ? (
        <p className="message-has-case">
          {t('messages.hasCase')}{' '}
          <button type="button" className="link-button" data-testid="message-open-case" onClick={onOpenCase}>
            {t('messages.openCase')}
          </button>
        </p>
      ) : null}
      {error ? <ErrorAlert error={error} testId="message-error" context={request.prescriptionId} /> : null}
      {request.state === 'new' ? (
        <div className="message-actions">
          <button
            ref={acceptRef}
            type="button"
            className="button-primary button-small"
            data-testid="message-accept"
            aria-label={t('messages.acceptLabel', labels)}
            disabled={!canAct}
            onClick={onAccept}
          >
            {accepting ? t('messages.accepting') : t('messages.accept')}
          </button>
          <button
            type="button"
            className="button-secondary button-small"
            data-testid="message-dismiss"
            aria-label={t('messages.dismissLabel', labels)}
            disabled={!canAct}
            onClick={onDismiss}
          >
            {t('messages.dismiss')}
          </button>
        </div>
      ) : null}
    </li>
  );
}
