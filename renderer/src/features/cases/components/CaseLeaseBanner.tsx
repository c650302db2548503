/**
 * The case is held at another counter (issue 18 item 4, docs/multi-counter.md §4): who works on it („Wird an Kasse 2
 * von AB bearbeitet“), that it is read-only here, and „Übernehmen“ behind a confirmation — never while that counter
 * is sending, since two counters must never send for one case. With one counter this never shows.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseLease } from '../../../../../shared/ipc/contract';
import { useTakeOverCase } from '../../../api/leases/use-case-lease';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { appErrorOf } from '../../../lib/invoke';

interface Props {
  prescriptionId: string;
  /** the other counter's lease (`mine: false`) */
  lease: CaseLease;
  /** the case is this counter's now: the banner goes with its button, so the caller puts the focus somewhere */
  onTakenOver?(): void;
}

export function CaseLeaseBanner({ prescriptionId, lease, onTakenOver }: Props) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const takeOver = useTakeOverCase();
  // a counter without a name still has to be named somehow in a sentence
  const counter = lease.counter || t('caseLease.unnamedCounter');
  const holder = lease.staff ? t('caseLease.heldBy', { counter, staff: lease.staff }) : t('caseLease.heldAt', { counter });

  const confirm = () =>
    // the pharmacist confirmed it in the dialog
    takeOver.mutate({ prescriptionId }, {
      onSuccess: () => {
        setAsking(false);
        onTakenOver?.();
      },
    });

  return (
    <>
      <section
        role="status"
        className="hint hint-warning case-lease no-print"
        data-testid="case-lease"
        data-counter={lease.counter}
        data-staff={lease.staff}
        data-busy={lease.busy}
      >
        <p>
          <strong data-testid="case-lease-holder">
            {holder}
            {lease.busy ? ` ${t('caseLease.busy')}` : null}
          </strong>
        </p>
        <p>{t('caseLease.readOnly')}</p>
        <button
          type="button"
          className="button-secondary"
          data-testid="case-lease-take-over"
          disabled={lease.busy || takeOver.isPending}
          onClick={() => {
            takeOver.reset();
            setAsking(true);
          }}
        >
          {t('caseLease.takeOver')}
        </button>
      </section>
      {/* beside the status region, not inside it: the dialog is not a status message */}
      {asking ? (
        <ConfirmDialog
          testId="case-lease-dialog"
          title={t('caseLease.takeOverTitle')}
          confirmLabel={t('caseLease.takeOverConfirm')}
          onConfirm={confirm}
          onCancel={() => setAsking(false)}
          busy={takeOver.isPending}
          busyText={t('caseLease.takingOver')}
          error={takeOver.isError ? appErrorOf(takeOver.error) : null}
        >
          <p>{t('caseLease.takeOverText', { counter })}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
