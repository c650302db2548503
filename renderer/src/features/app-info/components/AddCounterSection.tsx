/**
 * „Kasse hinzufügen“ in „Einstellungen & Info“ (issue 18 item 6, docs/multi-counter.md §5): only while several
 * counters share one store. After a confirmation main makes a one-time code (valid 15 minutes, usable once); a new
 * counter started with it (`--enrol-code`, or `enrolCode` in its shared-store.json) receives the pharmacy keys and can
 * then read all of the pharmacy's data — so the code is shown large for the person setting up that counter, kept only
 * in the mutation's result (api/app-info/use-create-enrolment-code.ts) and gone on „Verbergen“ or when the settings
 * close.
 *
 * The confirmation is rendered beside the settings dialog, not inside it (like BackendTiDialog): its Esc and Tab stay
 * its own. So the state both need lives in `useAddCounter`, held by the settings dialog.
 */
import { Fragment, useEffect, useId, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrolmentCode } from '../../../../../shared/ipc/contract';
import { useCreateEnrolmentCode } from '../../../api/app-info/use-create-enrolment-code';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { formatTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';

/** main groups the code in fours with dashes (main/store/pharmacy-keys.ts); an ungrouped code is grouped here alike */
const GROUP = 4;

/** The code's groups for display: main's dashes, or fours when it came without them. */
function codeGroups(code: string): string[] {
  const parts = code.split(/[\s-]+/).filter((part) => part !== '');
  if (parts.length > 1) return parts;
  const whole = parts[0] ?? '';
  const groups: string[] = [];
  for (let i = 0; i < whole.length; i += GROUP) groups.push(whole.slice(i, i + GROUP));
  return groups;
}

export function useAddCounter() {
  const create = useCreateEnrolmentCode();
  const [asking, setAsking] = useState(false);
  return {
    create,
    asking,
    ask: () => setAsking(true),
    closeDialog: () => setAsking(false),
  };
}

export type AddCounter = ReturnType<typeof useAddCounter>;

export function AddCounterSection({ addCounter }: { addCounter: AddCounter }) {
  const { t } = useTranslation();
  const titleId = useId();
  const createRef = useRef<HTMLButtonElement>(null);
  const hideRef = useRef<HTMLButtonElement>(null);
  const wasShown = useRef(false);
  const { create } = addCounter;
  const shown = create.data;

  // Keyboard work goes on where the change happened: onto „Verbergen“ when the code appears, back onto the button
  // that makes one when it is hidden (the dialog's own focus return finds its opener gone while the code shows).
  useEffect(() => {
    if (shown) hideRef.current?.focus();
    else if (wasShown.current) createRef.current?.focus();
    wasShown.current = shown !== undefined;
  }, [shown]);

  return (
    <section className="settings-section" aria-labelledby={titleId} data-testid="add-counter">
      <h3 id={titleId}>{t('addCounter.title')}</h3>
      <p>{t('addCounter.howTo')}</p>
      <p>{t('addCounter.validity')}</p>
      <p className="add-counter-warning">{t('addCounter.warning')}</p>
      {shown ? (
        <ShownCode code={shown} hideRef={hideRef} onHide={() => create.reset()} />
      ) : (
        <button
          ref={createRef}
          type="button"
          className="button-secondary"
          data-testid="enrolment-code-create"
          aria-haspopup="dialog"
          onClick={() => {
            create.reset();
            addCounter.ask();
          }}
        >
          {t('addCounter.create')}
        </button>
      )}
    </section>
  );
}

function ShownCode({
  code,
  hideRef,
  onHide,
}: {
  code: EnrolmentCode;
  hideRef: RefObject<HTMLButtonElement | null>;
  onHide(): void;
}) {
  const { t } = useTranslation();
  const labelId = useId();
  return (
    <div className="enrolment-code-box">
      <p id={labelId} className="muted">
        {t('addCounter.codeLabel')}
      </p>
      <p className="enrolment-code" data-testid="enrolment-code" aria-labelledby={labelId}>
        {codeGroups(code.code).map((group, i) => (
          <Fragment key={i}>
            {i > 0 ? '-' : null}
            <span className="enrolment-code-group">{group}</span>
          </Fragment>
        ))}
      </p>
      <p data-testid="enrolment-code-expires" data-expires-at={code.expiresAt}>
        {t('addCounter.expires', { time: formatTime(code.expiresAt) })}
      </p>
      <button
        ref={hideRef}
        type="button"
        className="button-secondary"
        data-testid="enrolment-code-hide"
        onClick={onHide}
      >
        {t('addCounter.hide')}
      </button>
    </div>
  );
}

/** The confirmation before a code is made; the code itself is shown by AddCounterSection. */
export function AddCounterDialog({ addCounter }: { addCounter: AddCounter }) {
  const { t } = useTranslation();
  const { create } = addCounter;
  if (!addCounter.asking) return null;
  return (
    <ConfirmDialog
      title={t('addCounter.dialogTitle')}
      confirmLabel={t('addCounter.dialogConfirm')}
      testId="enrolment-code-dialog"
      busy={create.isPending}
      busyText={t('addCounter.dialogBusy')}
      error={create.isError ? appErrorOf(create.error) : null}
      onConfirm={() => create.mutate(undefined, { onSuccess: addCounter.closeDialog })}
      onCancel={() => {
        // a refusal shown in the dialog goes with it
        create.reset();
        addCounter.closeDialog();
      }}
    >
      <p>{t('addCounter.dialogText')}</p>
    </ConfirmDialog>
  );
}
