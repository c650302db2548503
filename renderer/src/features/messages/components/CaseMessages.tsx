/**
 * „Nachrichten an den Patienten“ in the open case (spec erezept-pharmacy §3.11, A_23796): the thread of this
 * prescription — the patient's Zuweisung with its wish, the pharmacy's replies — and the composer for the next reply,
 * or why none can be sent (main knows no KVNR to address it to). Left out of the printout: it names the patient.
 */
import { memo, useId, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { useCaseMessages } from '../../../api/messages/use-messages';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';
import { MessageThread } from './MessageThread';
import { ReplyComposer, type CodeImageProps } from './ReplyComposer';

interface Props {
  prescriptionId: string;
  /** the Kürzel sending and deleting is done as; null = none chosen (both disabled) */
  staff: string | null;
  /** draws the pick-up code as a DataMatrix (handed in by the app: a feature does not import another) */
  codeImage: ComponentType<CodeImageProps>;
}

/** Memoised: its props stay the same while the case view renders each answer to a write (docs/performance.md). */
export const CaseMessages = memo(function CaseMessages({ prescriptionId, staff, codeImage }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const query = useCaseMessages(prescriptionId);
  return (
    <section className="case-messages no-print" data-testid="case-messages" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('caseMessages.title')}</h2>
      {query.isPending ? (
        <p role="status" className="muted" data-testid="case-messages-loading">
          {t('caseMessages.loading')}
        </p>
      ) : query.isError ? (
        <ErrorAlert error={appErrorOf(query.error)} testId="case-messages-error" />
      ) : (
        <>
          <MessageThread prescriptionId={prescriptionId} messages={query.data.messages} staff={staff} />
          {query.data.canReply ? (
            <ReplyComposer
              prescriptionId={prescriptionId}
              thread={query.data}
              staff={staff}
              codeImage={codeImage}
            />
          ) : (
            <p className="hint hint-info" data-testid="reply-cannot">
              <strong>{t('caseMessages.cannotReply')}:</strong> {query.data.cannotReplyReason}
            </p>
          )}
        </>
      )}
    </section>
  );
});
