/**
 * „Nachrichten an den Patienten (E-Rezept-App)“ inside the patient's view: the pharmacies' replies to this
 * prescription as the patient's app shows them (spec erezept-pharmacy §3.11) — text, pick-up code as text and as a
 * DataMatrix (what the patient shows at the counter), availability and supply in German, when sent and when read.
 * Main reads them as the patient's app does, so showing them marks them read; `messages-changed` refreshes them.
 */
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrainerPatientReply } from '../../../../../shared/ipc/contract';
import { patientRepliesQueryOptions } from '../../../api/trainer/trainer-query';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Fact } from '../../../components/Fact';
import { useBridge } from '../../../lib/bridge-context';
import { formatDateTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';
import { DataMatrixCanvas } from './DataMatrixCanvas';

interface Props {
  prescriptionId: string;
}

export function PatientReplies({ prescriptionId }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const query = useQuery(patientRepliesQueryOptions(useBridge(), prescriptionId));
  const replies = query.data;
  return (
    <section data-testid="trainer-patient-replies" aria-labelledby={titleId}>
      <h5 id={titleId} className="section-label">
        {t('trainer.patientReplies.title')}
      </h5>
      <p className="muted">{t('trainer.patientReplies.intro')}</p>
      {query.isError ? <ErrorAlert error={appErrorOf(query.error)} testId="trainer-patient-replies-error" /> : null}
      {query.isPending ? (
        <p role="status" className="muted" data-testid="trainer-patient-replies-loading">
          {t('trainer.patientReplies.loading')}
        </p>
      ) : null}
      {replies?.length === 0 ? (
        <p className="muted" data-testid="trainer-patient-replies-empty">
          {t('trainer.patientReplies.empty')}
        </p>
      ) : null}
      {replies && replies.length > 0 ? (
        <ol className="phone-items">
          {replies.map((reply) => (
            <ReplyItem key={reply.id} reply={reply} />
          ))}
        </ol>
      ) : null}
    </section>
  );
}

function ReplyItem({ reply }: { reply: TrainerPatientReply }) {
  const { t } = useTranslation();
  const code = reply.pickUpCodeHR ?? reply.pickUpCodeDMC;
  // the DataMatrix carries pickUpCodeDMC where the pharmacy sent one (this app sends the same code as both in v1)
  const codeImage = reply.pickUpCodeDMC ?? reply.pickUpCodeHR;
  return (
    <li className="phone-item" data-testid="trainer-patient-reply" data-id={reply.id} data-read={reply.received !== undefined}>
      <p className="muted">
        {t('trainer.patientReplies.sent', { time: formatDateTime(reply.sent) })} ·{' '}
        <span data-testid="trainer-patient-reply-read">
          {reply.received
            ? t('trainer.patientReplies.read', { time: formatDateTime(reply.received) })
            : t('trainer.patientReplies.unread')}
        </span>
      </p>
      <p className="case-message-text" data-testid="trainer-patient-reply-text">
        {reply.text === '' ? <span className="muted">{t('trainer.patientReplies.noText')}</span> : reply.text}
      </p>
      <dl className="facts facts-inline">
        <Fact label={t('trainer.patientReplies.pickUpCode')} testId="trainer-patient-reply-code">
          {code ? <span className="mono">{code}</span> : undefined}
        </Fact>
        <Fact label={t('trainer.patientReplies.availability')} testId="trainer-patient-reply-availability">
          {reply.availability ? t(`caseMessages.availabilities.${reply.availability}`) : undefined}
        </Fact>
        <Fact label={t('trainer.patientReplies.supplyOption')} testId="trainer-patient-reply-supply-option">
          {reply.supplyOption ? t(`messages.supply.${reply.supplyOption}`) : undefined}
        </Fact>
      </dl>
      {codeImage ? (
        <DataMatrixCanvas
          text={codeImage}
          label={t('trainer.patientReplies.pickUpCodeImage', { code: codeImage })}
          testId="trainer-patient-reply-datamatrix"
        />
      ) : null}
    </li>
  );
}
