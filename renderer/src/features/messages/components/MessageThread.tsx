/**
 * The messages of one prescription, oldest first as main lists them (spec erezept-pharmacy §3.11, A_23796): the
 * patient's Zuweisung with its wish, and each reply of the pharmacy with its text, pick-up code and availability,
 * sent or deleted and by whom. A sent reply can be deleted at the Fachdienst after a confirmation.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseMessages } from '../../../../../shared/ipc/contract';
import { useDeleteReply } from '../../../api/messages/use-message-mutations';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { Fact } from '../../../components/Fact';
import { formatDateTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';
import { handledText } from '../handled-text';
import { WishDetails } from './WishDetails';

type CaseMessage = CaseMessages['messages'][number];
type Reply = Extract<CaseMessage, { kind: 'reply' }>;

interface Props {
  prescriptionId: string;
  messages: CaseMessage[];
  staff: string | null;
}

export function MessageThread({ prescriptionId, messages, staff }: Props) {
  const { t } = useTranslation();
  const deleteReply = useDeleteReply(prescriptionId);
  const [asking, setAsking] = useState<Reply | null>(null);
  if (messages.length === 0) {
    return (
      <p className="muted" data-testid="case-messages-empty">
        {t('caseMessages.none')}
      </p>
    );
  }
  return (
    <>
      <ol className="message-thread">
        {messages.map((message) => (
          <li
            key={message.communicationId}
            className={`case-message case-message-${message.kind} case-message-${message.state}`}
            data-testid="case-message"
            data-communication-id={message.communicationId}
            data-kind={message.kind}
            data-state={message.state}
          >
            {message.kind === 'dispreq' ? (
              <RequestMessage message={message} />
            ) : (
              <ReplyMessage
                message={message}
                canDelete={staff !== null}
                onDelete={() => {
                  deleteReply.reset();
                  setAsking(message);
                }}
              />
            )}
          </li>
        ))}
      </ol>
      {asking ? (
        <ConfirmDialog
          testId="reply-delete-dialog"
          title={t('caseMessages.deleteTitle')}
          confirmLabel={t('caseMessages.deleteConfirm')}
          onConfirm={() => deleteReply.mutate(asking.communicationId, { onSuccess: () => setAsking(null) })}
          onCancel={() => setAsking(null)}
          busy={deleteReply.isPending}
          busyText={t('caseMessages.deleteBusy')}
          error={deleteReply.isError ? appErrorOf(deleteReply.error) : null}
        >
          <p>{t('caseMessages.deleteText', { time: formatDateTime(asking.sent) })}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function RequestMessage({ message }: { message: Extract<CaseMessage, { kind: 'dispreq' }> }) {
  const { t } = useTranslation();
  return (
    <>
      <p className="case-message-head">
        <strong>{t('caseMessages.request')}</strong> ·{' '}
        {t('caseMessages.sent', { time: formatDateTime(message.sent) })} ·{' '}
        <span className={`badge badge-message-${message.state}`} data-testid="case-message-state">
          {handledText(t, t(`messages.states.${message.state}`), message.handledBy, message.handledAt)}
        </span>
      </p>
      {message.wish ? <WishDetails wish={message.wish} /> : <p className="muted">{t('messages.noWish')}</p>}
    </>
  );
}

function ReplyMessage({
  message,
  canDelete,
  onDelete,
}: {
  message: Reply;
  canDelete: boolean;
  onDelete(): void;
}) {
  const { t } = useTranslation();
  const sentAt = formatDateTime(message.sent);
  // main stamps the sender's Kürzel (none for a reply fetched from another counter); a deletion overwrites it with
  // who deleted it and when
  const sent =
    message.state === 'sent' && message.handledBy
      ? t('caseMessages.sentBy', { time: sentAt, staff: message.handledBy })
      : t('caseMessages.sent', { time: sentAt });
  return (
    <>
      <p className="case-message-head">
        <strong>{t('caseMessages.reply')}</strong> · {sent} ·{' '}
        <span className={`badge badge-reply-${message.state}`} data-testid="case-message-state">
          {message.state === 'deleted'
            ? handledText(t, t('caseMessages.replyStates.deleted'), message.handledBy, message.handledAt)
            : t('caseMessages.replyStates.sent')}
        </span>
        {message.state === 'sent' ? (
          <button
            type="button"
            className="button-secondary button-small button-danger-outline"
            data-testid="reply-delete"
            aria-label={t('caseMessages.deleteLabel', { time: sentAt })}
            disabled={!canDelete}
            onClick={onDelete}
          >
            {t('caseMessages.delete')}
          </button>
        ) : null}
      </p>
      <p className="case-message-text" data-testid="case-message-text">
        {message.text}
      </p>
      <dl className="facts facts-inline">
        <Fact label={t('caseMessages.pickUpCode')} testId="case-message-pickup-code">
          {message.pickUpCode ? <span className="mono">{message.pickUpCode}</span> : undefined}
        </Fact>
        <Fact label={t('caseMessages.availability')} testId="case-message-availability">
          {message.availability ? t(`caseMessages.availabilities.${message.availability}`) : undefined}
        </Fact>
        <Fact label={t('caseMessages.supplyOption')} testId="case-message-supply-option">
          {message.supplyOption ? t(`messages.supply.${message.supplyOption}`) : undefined}
        </Fact>
      </dl>
    </>
  );
}
