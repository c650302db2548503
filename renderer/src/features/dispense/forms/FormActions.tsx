/**
 * The editor's actions with their shortcuts shown (docs/qa-contract.md, keyboard): „Abgabe übermitteln“ (the complete
 * list, $dispense), „Abgabe abschließen“ ($close) and the patient preview; plus the draft's autosave state.
 */
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../../lib/format';
import type { UnsavedChangeFlag } from './use-draft-autosave';

interface Props {
  canSend: boolean;
  canPreview: boolean;
  onSubmit(): void;
  onClose(): void;
  onPreview(): void;
  submitting: boolean;
  closing: boolean;
  previewing: boolean;
}

export function FormActions({ canSend, canPreview, onSubmit, onClose, onPreview, submitting, closing, previewing }: Props) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button
        type="button"
        className="button-primary"
        data-testid="submit-dispense"
        aria-keyshortcuts="Alt+Ü Control+Enter"
        title={t('dispense.submitShortcut')}
        disabled={!canSend}
        onClick={onSubmit}
      >
        {t('dispense.submit')} <kbd>{t('dispense.submitShortcut')}</kbd>
      </button>
      <button
        type="button"
        className="button-primary button-close"
        data-testid="close-case"
        aria-keyshortcuts="Alt+A"
        title={t('dispense.closeShortcut')}
        disabled={!canSend}
        onClick={onClose}
      >
        {t('dispense.close')} <kbd>{t('dispense.closeShortcut')}</kbd>
      </button>
      <button
        type="button"
        className="button-secondary"
        data-testid="patient-preview-open"
        aria-keyshortcuts="Alt+B"
        disabled={!canPreview || previewing}
        onClick={onPreview}
      >
        {t('preview.open')} <kbd>Alt+B</kbd>
      </button>
      <div className="form-status" role="status">
        {submitting ? t('dispense.submitting') : null}
        {closing ? t('dispense.closing') : null}
      </div>
    </div>
  );
}

interface DraftStatusProps {
  /** when main last saved the draft */
  savedAt?: string;
  failed: boolean;
  keptLocallyAt: string | null;
  /** a change not yet saved (waiting for the typing pause, or on its way to main) */
  unsaved: UnsavedChangeFlag;
}

/**
 * „Entwurf gespeichert um …“, or that an incomplete list is kept on this computer only, or the failure — and
 * „wird gespeichert“ while the latest change is not saved yet, so „gespeichert“ always means the list as shown.
 */
export function DraftStatus({ savedAt, failed, keptLocallyAt, unsaved }: DraftStatusProps) {
  const { t } = useTranslation();
  const saving = useSyncExternalStore(unsaved.subscribe, unsaved.get);
  if (failed) {
    return (
      <span className="text-warning draft-status" role="status" data-testid="draft-status" data-state="failed">
        {t('dispense.draftFailed')}
      </span>
    );
  }
  if (saving) {
    return (
      <span className="muted draft-status" role="status" data-testid="draft-status" data-state="saving">
        {t('dispense.draftSaving')}
      </span>
    );
  }
  if (keptLocallyAt) {
    return (
      <span className="muted draft-status" role="status" data-testid="draft-status" data-state="local">
        {t('dispense.draftLocal', { time: formatTime(keptLocallyAt) })}
      </span>
    );
  }
  if (savedAt) {
    return (
      <span className="muted draft-status" role="status" data-testid="draft-status" data-state="saved">
        {t('dispense.draftSaved', { time: formatTime(savedAt) })}
      </span>
    );
  }
  return null;
}
