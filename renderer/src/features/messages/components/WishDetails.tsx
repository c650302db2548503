/**
 * What a Zuweisung asks for (payload v1 or v3, spec erezept-pharmacy §3.11): how the patient wants the medicine,
 * who, where, how to reach them, and their note. Shown in the inbox „Nachrichten“ and in the case's thread.
 * Everything here is untrusted text from any insurant: shown as plain text, never as a link the app follows.
 */
import { useTranslation } from 'react-i18next';
import type { MessageRequest } from '../../../../../shared/ipc/contract';
import { Fact } from '../../../components/Fact';

type Wish = NonNullable<MessageRequest['wish']>;

/** The address as lines: street lines, postcode and city, country. */
const addressOf = (wish: Wish): string =>
  [...(wish.addressLines ?? []), [wish.postcode, wish.city].filter(Boolean).join(' '), wish.country ?? '']
    .filter((line) => line !== '')
    .join('\n');

export function WishDetails({ wish }: { wish: Wish }) {
  const { t } = useTranslation();
  return (
    <div
      className="message-wish"
      data-testid="message-wish"
      data-supply-option={wish.supplyOption}
      data-version={wish.version}
    >
      <p className="message-supply">
        {/* a v3 question (communicationType `text`) orders nothing and names no supply option */}
        {wish.supplyOption ? (
          <strong data-testid="message-supply">{t(`messages.supply.${wish.supplyOption}`)}</strong>
        ) : null}
        {wish.communicationType === 'text' ? (
          <span className="badge" data-testid="message-question-only">
            {t('messages.questionOnly')}
          </span>
        ) : null}
      </p>
      <dl className="facts facts-inline message-wish-facts">
        <Fact label={t('messages.wish.name')} testId="message-wish-name">
          {wish.name}
        </Fact>
        <Fact label={t('messages.wish.address')} testId="message-wish-address">
          {addressOf(wish)}
        </Fact>
        <Fact label={t('messages.wish.phone')} testId="message-wish-phone">
          {wish.phone}
        </Fact>
        <Fact label={t('messages.wish.email')} testId="message-wish-email">
          {wish.email}
        </Fact>
        <Fact label={t('messages.wish.hint')} testId="message-wish-hint">
          {wish.hint}
        </Fact>
        <Fact label={t('messages.wish.text')} testId="message-wish-text">
          {wish.text}
        </Fact>
      </dl>
    </div>
  );
}
