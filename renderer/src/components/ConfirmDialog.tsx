/**
 * An explicit confirmation with a way out (spec §9.3: $reject and $abort need the pharmacist's confirmation
 * with a cancel option, A_19241/A_19242). Cancel has the focus first: Enter right after opening changes nothing.
 */
import { useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError } from '../../../shared/ipc/contract';
import { ErrorAlert } from './ErrorAlert';
import { Modal } from './Modal';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
  /** the action runs: buttons are disabled, the dialog stays */
  busy?: boolean;
  busyText?: string;
  /** the action failed: shown inside the dialog, which stays open */
  error?: AppError | null;
  testId?: string;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel, busy = false, busyText, error, testId = 'confirm-dialog' }: Props) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const bodyId = useId();
  return (
    <Modal
      title={title}
      testId={testId}
      onCancel={() => {
        if (!busy) onCancel();
      }}
      initialFocus={cancelRef}
      describedBy={bodyId}
      actions={
        <>
          <button ref={cancelRef} type="button" className="button-secondary" data-testid={`${testId}-cancel`} onClick={onCancel} disabled={busy}>
            {t('dialog.cancel')} <kbd>Esc</kbd>
          </button>
          <button type="button" className="button-danger" data-testid={`${testId}-confirm`} onClick={onConfirm} disabled={busy}>
            {confirmLabel}
          </button>
        </>
      }
    >
      <div id={bodyId}>{children}</div>
      {busy && busyText ? (
        <p role="status" className="muted" data-testid={`${testId}-busy`}>
          {busyText}
        </p>
      ) : null}
      {error ? <ErrorAlert error={error} testId={`${testId}-error`} /> : null}
    </Modal>
  );
}
