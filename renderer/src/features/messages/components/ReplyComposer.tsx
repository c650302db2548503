/**
 * The next reply to the patient (Communication_Reply, spec erezept-pharmacy §3.11). A template fills the text —
 * „Liegt zur Abholung bereit“ with a new pick-up code (shown as text and as a DataMatrix), „Nicht vorrätig,
 * bestellt bis …“ with the day it will be ready, „Nicht lieferbar“ — and the pharmacist may edit it; „Freier Text“
 * starts empty. The template also decides the availability the reply states. As the pharmacist types, the count
 * runs against the limit of the payload version (v1 500, v3 800) and characters the Fachdienst refuses are named;
 * sending stays disabled until the text can go. Main checks it all again before sending.
 *
 * The template texts are German whatever the counter's language: they are read in the patient's E-Rezept-App.
 */
import { useId, useMemo, useState, type ComponentType } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { supplyOptions, type SupplyOption } from '../../../../../shared/erezept/communication';
import { addDays } from '../../../../../shared/erezept/dates';
import type { CaseMessages } from '../../../../../shared/ipc/contract';
import { useAppToday } from '../../../api/app-info/app-clock';
import { useAppInfo } from '../../../api/app-info/use-app-info';
import { useSendReply } from '../../../api/messages/use-message-mutations';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatDate } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';
import { generatePickUpCode } from '../pickup-code';
import {
  replyAvailability,
  replyProblems,
  replyTemplates,
  templateText,
  type ReplyForm,
  type ReplyProblem,
  type ReplyTemplate,
} from '../reply-form';
import { replyTextLength, replyTextLimit, withoutRefusedCharacters } from '../reply-text';

/** What the pick-up code's picture gets (the trainer's DataMatrix canvas has exactly these props). */
export interface CodeImageProps {
  text: string;
  label: string;
  testId: string;
}

interface Props {
  prescriptionId: string;
  thread: CaseMessages;
  staff: string | null;
  codeImage: ComponentType<CodeImageProps>;
}

export function ReplyComposer({ prescriptionId, thread, staff, codeImage: CodeImage }: Props) {
  const { t, i18n } = useTranslation();
  const patientText = useMemo(() => i18n.getFixedT('de'), [i18n]);
  const today = useAppToday();
  const pharmacy = useAppInfo().data?.pharmacy.name ?? '';
  const send = useSendReply(prescriptionId);
  const [sentNotice, setSentNotice] = useState(false);
  const ids = {
    title: useId(),
    text: useId(),
    count: useId(),
    problems: useId(),
    template: useId(),
    date: useId(),
    supply: useId(),
  };

  const defaults = (): ReplyForm => ({
    template: 'free',
    text: '',
    readyDate: addDays(today, 1),
    pickUpCode: '',
    supplyOption: thread.supplyOption ?? 'onPremise',
  });
  const { register, control, setValue, getValues, handleSubmit, reset, formState } = useForm<ReplyForm>({
    defaultValues: defaults(),
  });
  const [template, text, readyDate, pickUpCode] = useWatch({
    control,
    name: ['template', 'text', 'readyDate', 'pickUpCode'],
  });
  /** the text a template wrote last: a new date or code rewrites the text only while the pharmacist left it so */
  const [filled, setFilled] = useState('');

  const limit = replyTextLimit(thread.replyVersion);
  const problems = replyProblems({ template, text, readyDate }, { limit, today });
  // „Bitte einen Text eingeben“ only once the pharmacist has been in the text
  const shown = problems.filter((p) => p.kind !== 'empty' || formState.dirtyFields.text === true);
  const availability = replyAvailability({ template, readyDate }, today);
  const length = replyTextLength(text);
  // Only a v1 reply names the supply option, and main takes the Zuweisung's wish; a pick-up code means the patient
  // comes to the pharmacy (main sends `onPremise` with it). Else the pharmacist says which.
  const asksSupplyOption = thread.replyVersion === 1 && !thread.supplyOption && template !== 'pickup';

  const fill = (next: Pick<ReplyForm, 'template' | 'readyDate' | 'pickUpCode'>) => {
    const written = templateText((key, values) => patientText(key, values), next, { pharmacy, formatDate });
    setFilled(written);
    setValue('text', written, { shouldDirty: true });
  };
  const chooseTemplate = (next: ReplyTemplate) => {
    setSentNotice(false);
    const code =
      next === 'pickup' ? getValues('pickUpCode') || generatePickUpCode() : getValues('pickUpCode');
    setValue('pickUpCode', code);
    fill({ template: next, readyDate: getValues('readyDate'), pickUpCode: code });
  };
  const changeDate = (date: string) => {
    if (getValues('text') === filled)
      fill({ template: getValues('template'), readyDate: date, pickUpCode: getValues('pickUpCode') });
  };
  const newCode = () => {
    const previous = getValues('pickUpCode');
    const code = generatePickUpCode();
    setValue('pickUpCode', code);
    // an edited text keeps its words; only the old code in it is replaced
    const current = getValues('text');
    if (current === filled)
      fill({ template: getValues('template'), readyDate: getValues('readyDate'), pickUpCode: code });
    else if (previous) setValue('text', current.replaceAll(previous, code), { shouldDirty: true });
  };

  const submit = handleSubmit((form) => {
    if (problems.length > 0 || staff === null) return;
    send.mutate(
      {
        text: form.text,
        ...(form.template === 'pickup' ? { pickUpCode: form.pickUpCode } : {}),
        ...(availability ? { availability } : {}),
        ...(asksSupplyOption ? { supplyOption: form.supplyOption } : {}),
      },
      {
        onSuccess: () => {
          setFilled('');
          reset(defaults());
          setSentNotice(true);
        },
      },
    );
  });

  return (
    <form
      className="reply-composer"
      data-testid="reply-composer"
      aria-labelledby={ids.title}
      onSubmit={(e) => void submit(e)}
    >
      <h3 id={ids.title}>{t('caseMessages.composer.title')}</h3>
      <div className="reply-composer-row">
        <div className="field">
          <label htmlFor={ids.template}>{t('caseMessages.composer.template')}</label>
          <select
            id={ids.template}
            data-testid="reply-template"
            {...register('template', {
              onChange: (e: { target: { value: ReplyTemplate } }) => chooseTemplate(e.target.value),
            })}
          >
            {replyTemplates.map((name) => (
              <option key={name} value={name}>
                {t(`caseMessages.composer.templates.${name}`)}
              </option>
            ))}
          </select>
        </div>
        {template === 'ordered' ? (
          <div className="field">
            <label htmlFor={ids.date}>{t('caseMessages.composer.readyDate')}</label>
            <input
              id={ids.date}
              type="date"
              min={today}
              data-testid="reply-ready-date"
              aria-invalid={problems.some((p) => p.kind === 'date-missing' || p.kind === 'date-past')}
              {...register('readyDate', {
                onChange: (e: { target: { value: string } }) => changeDate(e.target.value),
              })}
            />
          </div>
        ) : null}
        {asksSupplyOption ? (
          <div className="field">
            <label htmlFor={ids.supply}>{t('caseMessages.composer.supplyOption')}</label>
            <select id={ids.supply} data-testid="reply-supply-option" {...register('supplyOption')}>
              {supplyOptions.map((option: SupplyOption) => (
                <option key={option} value={option}>
                  {t(`messages.supply.${option}`)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      {template === 'pickup' && pickUpCode ? (
        <div className="reply-pickup">
          <p>
            {t('caseMessages.composer.pickUpCode')}:{' '}
            <strong className="mono reply-pickup-code" data-testid="reply-pickup-code">
              {pickUpCode}
            </strong>{' '}
            <button
              type="button"
              className="button-secondary button-small"
              data-testid="reply-new-code"
              onClick={newCode}
            >
              {t('caseMessages.composer.newCode')}
            </button>
          </p>
          <CodeImage
            text={pickUpCode}
            label={t('caseMessages.composer.pickUpCodeImage', { code: pickUpCode })}
            testId="reply-pickup-datamatrix"
          />
        </div>
      ) : null}
      {template === 'unavailable' ? (
        <p className="hint hint-info">{t('caseMessages.composer.unavailableHint')}</p>
      ) : null}
      <div className="field">
        <label htmlFor={ids.text}>{t('caseMessages.composer.text')}</label>
        <textarea
          id={ids.text}
          rows={5}
          data-testid="reply-text"
          aria-invalid={shown.length > 0}
          aria-describedby={`${ids.count} ${ids.problems}`}
          {...register('text', { onChange: () => setSentNotice(false) })}
        />
        <p
          id={ids.count}
          className={length > limit ? 'reply-count reply-count-over' : 'reply-count'}
          data-testid="reply-count"
          data-count={length}
          data-limit={limit}
          data-over={length > limit}
        >
          {t('caseMessages.composer.count', { count: length, limit })}
        </p>
        <div id={ids.problems}>
          {shown.map((problem) => (
            <p
              key={problem.kind}
              className="field-error"
              data-testid="reply-problem"
              data-kind={problem.kind}
            >
              {problemText(t, problem, limit)}
              {problem.kind === 'refused' ? (
                <>
                  {' '}
                  <button
                    type="button"
                    className="button-secondary button-small"
                    data-testid="reply-remove-refused"
                    onClick={() =>
                      setValue('text', withoutRefusedCharacters(getValues('text')), { shouldDirty: true })
                    }
                  >
                    {t('caseMessages.composer.removeRefused')}
                  </button>
                </>
              ) : null}
            </p>
          ))}
        </div>
      </div>
      {availability ? (
        <p className="muted" data-testid="reply-availability" data-availability={availability}>
          {t('caseMessages.composer.availability', {
            availability: t(`caseMessages.availabilities.${availability}`),
          })}
        </p>
      ) : null}
      {staff === null ? (
        <p className="hint hint-info" data-testid="reply-needs-staff">
          {t('caseMessages.composer.needsStaff')}
        </p>
      ) : null}
      {send.isError ? <ErrorAlert error={appErrorOf(send.error)} testId="reply-error" /> : null}
      {sentNotice ? (
        <p role="status" className="confirmation" data-testid="reply-sent">
          {t('caseMessages.composer.sentNotice')}
        </p>
      ) : null}
      <div className="reply-actions">
        <button
          type="submit"
          className="button-primary"
          data-testid="reply-send"
          disabled={problems.length > 0 || staff === null || send.isPending}
        >
          {send.isPending ? t('caseMessages.composer.sending') : t('caseMessages.composer.send')}
        </button>
      </div>
    </form>
  );
}

function problemText(
  t: ReturnType<typeof useTranslation>['t'],
  problem: ReplyProblem,
  limit: number,
): string {
  switch (problem.kind) {
    case 'empty':
      return t('caseMessages.composer.empty');
    case 'too-long':
      return t('caseMessages.composer.tooLong', { over: problem.over, limit });
    case 'refused':
      return t('caseMessages.composer.refused', {
        list: problem.characters
          .map((c) => t(`caseMessages.composer.refusedKinds.${c.kind}`, { codePoint: c.codePoint }))
          .join(', '),
      });
    case 'date-missing':
      return t('caseMessages.composer.dateMissing');
    case 'date-past':
      return t('caseMessages.composer.datePast');
  }
}
