/**
 * „Rezept zurückgeben“ ($reject, spec §3.7) and „Rezept löschen“ ($abort, spec §3.8), each behind a
 * confirmation dialog with cancel (spec §9.3, A_19241/A_19242). Both need a Kürzel and an open case that no other
 * counter holds (docs/multi-counter.md §4: main would refuse them).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { useCaseWrite } from '../../../api/cases/use-case-write';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { appErrorOf } from '../../../lib/invoke';
import { clearLocalDraft } from '../../../lib/local-draft';
import { shortcuts, useShortcut } from '../../../lib/shortcuts';

type Pending = 'reject' | 'abort' | null;

interface Props {
  caseDetail: CaseDetail;
  staff: string | null;
  /** another counter holds the case (docs/multi-counter.md §4) */
  heldElsewhere?: boolean;
}

export function CaseActions({ caseDetail, staff, heldElsewhere = false }: Props) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState<Pending>(null);
  const reject = useCaseWrite('rejectCase');
  const abort = useCaseWrite('abortCase');
  const { prescriptionId } = caseDetail;
  const enabled = !caseDetail.readOnly && staff !== null && !heldElsewhere;

  const open = (which: Exclude<Pending, null>) => {
    reject.reset();
    abort.reset();
    setAsking(which);
  };
  useShortcut(shortcuts.rejectCase, () => open('reject'), enabled && asking === null);
  useShortcut(shortcuts.abortCase, () => open('abort'), enabled && asking === null);

  const mutation = asking === 'abort' ? abort : reject;
  const confirm = () =>
    // the pharmacist confirmed it in the dialog (A_19241/A_19242)
    mutation.mutate({ prescriptionId, confirmed: true }, {
      onSuccess: () => {
        // The local copy of an unsaved list goes, too: nothing of the prescription stays (A_19251).
        clearLocalDraft(prescriptionId);
        setAsking(null);
      },
    });

  return (
    <div className="case-actions">
      <button
        type="button"
        className="button-secondary button-small"
        data-testid="reject-case"
        aria-keyshortcuts="Alt+R"
        disabled={!enabled}
        onClick={() => open('reject')}
      >
        {t('caseActions.reject')} <kbd>Alt+R</kbd>
      </button>
      <button
        type="button"
        className="button-secondary button-small button-danger-outline"
        data-testid="abort-case"
        aria-keyshortcuts="Alt+L"
        disabled={!enabled}
        onClick={() => open('abort')}
      >
        {t('caseActions.abort')} <kbd>Alt+L</kbd>
      </button>
      {asking ? (
        <ConfirmDialog
          testId={`${asking}-dialog`}
          title={t(`caseActions.${asking}Title`)}
          confirmLabel={t(`caseActions.${asking}Confirm`)}
          onConfirm={confirm}
          onCancel={() => setAsking(null)}
          busy={mutation.isPending}
          busyText={t(`caseActions.${asking}Busy`)}
          error={mutation.isError ? appErrorOf(mutation.error) : null}
        >
          <p>{t(`caseActions.${asking}Text`, { prescriptionId })}</p>
          <p className="muted">{t('caseActions.erasure')}</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
