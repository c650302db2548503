/**
 * „Simulatorzeit +1 Stunde“ in the loaded scenario: the deck's 429 scenario makes the app wait an hour before it
 * sends again (spec §8, A_25460); the trainer skips that hour with one click instead of a terminal. Shows the
 * simulated time main answered. Training only — main refuses the channel otherwise.
 */
import { useTranslation } from 'react-i18next';
import { ONE_HOUR, useAdvanceClock } from '../../../api/trainer/use-trainer-mutations';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatDateTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';

export function ClockAdvance() {
  const { t } = useTranslation();
  const advance = useAdvanceClock();
  return (
    <div className="trainer-clock" data-testid="trainer-clock">
      <button
        type="button"
        className="button-secondary button-small"
        data-testid="trainer-clock-hour"
        disabled={advance.isPending}
        onClick={() => advance.mutate(ONE_HOUR)}
      >
        {t('trainer.clock.advanceHour')}
      </button>
      {advance.isPending ? (
        <span role="status" className="muted" data-testid="trainer-clock-busy">
          {t('trainer.clock.advancing')}
        </span>
      ) : null}
      {advance.isSuccess ? (
        <span role="status" data-testid="trainer-clock-now" data-now={advance.data.now}>
          {t('trainer.clock.now', { time: formatDateTime(advance.data.now) })}
        </span>
      ) : null}
      {advance.isError ? <ErrorAlert error={appErrorOf(advance.error)} testId="trainer-clock-error" /> : null}
    </div>
  );
}
