/** „Training“ in the header (training mode only): opens and closes the trainer panel (Alt+T). */
import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  open: boolean;
  onToggle(): void;
  /** the id of the panel it opens */
  panelId: string;
  ref?: Ref<HTMLButtonElement>;
}

export function TrainerButton({ open, onToggle, panelId, ref }: Props) {
  const { t } = useTranslation();
  return (
    <button
      ref={ref}
      type="button"
      className="nav-button trainer-button"
      data-testid="trainer-open"
      aria-expanded={open}
      aria-controls={open ? panelId : undefined}
      aria-keyshortcuts="Alt+T"
      title={t('trainer.openHint')}
      onClick={onToggle}
    >
      {t('trainer.open')} <kbd>Alt+T</kbd>
    </button>
  );
}
